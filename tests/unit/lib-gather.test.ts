import type { OutgoingEvent } from '../../lib/envelope';
import { createGatherRunner, createInMemoryGatherStore, defineGather, GatherDefinitionError, type GatherDeadlineData, type GatherEvent, type GatherMetric, type GatherState } from '../../lib/gather';
import { fakeTimers } from '../helpers/fake-timers';

// lib/gather with no AWS: seed 000's shape (one round, several domains, answers by
// requestId) with a required responder and two optional ones. All answered; the deadline
// with partial results; a required responder missing; duplicate, late and error answers.

interface Job {
  jobId: string;
}

const request = (detailType: string) => (input: Job, ctx: { requestId: string; eventId: string; correlationId: string }): OutgoingEvent => ({
  source: 'test.planner',
  detailType,
  bus: 'core',
  busName: 'core-bus',
  detail: { metadata: { eventId: ctx.eventId, correlationId: ctx.correlationId }, data: { requestId: ctx.requestId, jobId: input.jobId } },
});

const planner = defineGather<Job>({
  name: 'planning',
  deadlineSeconds: 5,
  responders: {
    crews: { request: request('CrewsRequested'), response: ['CrewsListed'], error: ['CrewsError'], required: true },
    prices: { request: request('PricesRequested'), response: ['PricesQuoted'], error: ['PricesError'], required: false },
    routes: { request: request('RoutesRequested'), response: ['RoutesComputed'], error: ['RoutesError'], required: false },
  },
});

let seq = 0;
const answer = (detailType: string, requestId = 'round-1', data: Record<string, unknown> = {}): GatherEvent => ({ detailType, detail: { metadata: { eventId: `evt-${++seq}`, correlationId: 'corr-1' }, data: { requestId, ...data } } });

function setup() {
  let clock = Date.UTC(2026, 11, 3, 9, 0, 0);
  const store = createInMemoryGatherStore();
  const timers = fakeTimers();
  const metrics: GatherMetric[] = [];
  const results: GatherState<Job>[] = [];
  const runner = createGatherRunner(planner, {
    store,
    timers,
    now: () => clock,
    metric: (m) => metrics.push(m),
    deadlineEvent: (data: GatherDeadlineData, ctx) => ({ source: 'test.planner', detailType: 'PlanningDeadline', bus: 'core', busName: 'core-bus', detail: { metadata: { eventId: ctx.eventId, correlationId: ctx.correlationId }, data } }),
    result: (state) => {
      results.push(state);
      return { writes: [{ Put: { TableName: 'plans', Item: { id: state.requestId, status: state.status } } }], events: [{ source: 'test.planner', detailType: 'PlanReady', bus: 'core', busName: 'core-bus', detail: { metadata: { eventId: `plan-${state.requestId}`, correlationId: state.correlationId }, data: { status: state.status } } }] };
    },
  });
  /** The deadline event the pending timer would put on the bus. */
  const fire = (requestId: string): GatherEvent<GatherDeadlineData> => {
    const timer = timers.pending.get(`planning-${requestId}-deadline`);
    if (!timer) throw new Error(`no pending deadline for ${requestId}`);
    timers.pending.delete(timer.id);
    return { detailType: 'PlanningDeadline', detail: timer.event.detail as GatherEvent<GatherDeadlineData>['detail'] };
  };
  const start = () => runner.start('round-1', { jobId: 'j1' }, { eventId: 'trigger-1', correlationId: 'corr-1' });
  return { store, timers, metrics, results, runner, fire, start, tick: (ms: number) => (clock += ms), sent: () => store.outbox.map((e) => e.detailType) };
}

describe('lib/gather', () => {
  it('sends one request per responder through the outbox and arms the deadline; a duplicate start sends nothing more', async () => {
    // Prepare
    const { start, sent, timers, store } = setup();

    // Act
    const first = await start();
    const again = await start();

    // Assess
    expect(first.started).toBe(true);
    expect(again.started).toBe(false);
    expect(sent()).toEqual(['CrewsRequested', 'PricesRequested', 'RoutesRequested']);
    expect(store.outbox.map((e) => (e.detail as { data: { requestId: string } }).data.requestId)).toEqual(['round-1', 'round-1', 'round-1']);
    expect([...timers.pending.values()].map((t) => [t.id, String(t.at)])).toEqual([['planning-round-1-deadline', '2026-12-03T09:00:05.000Z']]);
  });

  it('ends COMPLETE once, when the last responder answers, with the domain result in the same write; the deadline timer is cancelled', async () => {
    // Prepare
    const { start, runner, results, sent, store, timers } = setup();
    await start();

    // Act
    const a = await runner.answer(answer('CrewsListed', 'round-1', { crews: ['c1'] }));
    const b = await runner.answer(answer('RoutesComputed'));
    const c = await runner.answer(answer('PricesQuoted'));

    // Assess
    expect([a.outcome, b.outcome, c.outcome]).toEqual(['recorded', 'recorded', 'ended']);
    expect(c.state).toMatchObject({ status: 'COMPLETE', reason: 'every responder answered' });
    expect(results).toHaveLength(1);
    expect(Object.keys(results[0]?.answers ?? {}).sort()).toEqual(['crews', 'prices', 'routes']);
    expect(results[0]?.answers['crews']).toMatchObject({ kind: 'response', detailType: 'CrewsListed', data: { crews: ['c1'] } });
    expect(sent().at(-1)).toBe('PlanReady');
    expect(store.writes).toEqual([{ Put: { TableName: 'plans', Item: { id: 'round-1', status: 'COMPLETE' } } }]);
    expect(timers.cancelled).toEqual(['planning-round-1-deadline']);
  });

  it('counts a duplicate answer once and changes nothing with an answer after the end', async () => {
    // Prepare
    const { start, runner, results, store } = setup();
    await start();
    const crews = answer('CrewsListed');

    // Act
    await runner.answer(crews);
    const duplicate = await runner.answer(crews);
    const second = await runner.answer(answer('CrewsError', 'round-1', { errorCode: 'LATE_CHANGE_OF_MIND' }));
    await runner.answer(answer('PricesQuoted'));
    await runner.answer(answer('RoutesComputed'));
    const afterEnd = await runner.answer(answer('RoutesComputed'));

    // Assess
    expect(duplicate).toMatchObject({ outcome: 'ignored', reason: 'crews already answered gather round-1' });
    expect(second.outcome).toBe('ignored');
    expect(afterEnd).toMatchObject({ outcome: 'ignored', reason: 'gather round-1 already ended COMPLETE' });
    expect(results).toHaveLength(1);
    expect(store.states.get('round-1')?.answers['crews']?.kind).toBe('response');
  });

  it('ends PARTIAL at the deadline when an optional responder stayed silent, and FAILED when a required one did', async () => {
    // Prepare
    const partial = setup();
    await partial.start();
    await partial.runner.answer(answer('CrewsListed'));
    await partial.runner.answer(answer('PricesQuoted'));
    const failed = setup();
    await failed.start();
    await failed.runner.answer(answer('PricesQuoted'));
    await failed.runner.answer(answer('RoutesComputed'));

    // Act
    partial.tick(5_000);
    failed.tick(5_000);
    const p = await partial.runner.deadline(partial.fire('round-1'));
    const f = await failed.runner.deadline(failed.fire('round-1'));

    // Assess
    expect(p.state).toMatchObject({ status: 'PARTIAL', reason: 'routes did not answer by the deadline' });
    expect(f.state).toMatchObject({ status: 'FAILED', reason: 'required crews gave no response: crews did not answer by the deadline' });
    expect(partial.results.map((r) => r.status)).toEqual(['PARTIAL']);
    expect(failed.results.map((r) => r.status)).toEqual(['FAILED']);
  });

  it('takes error answers as answers: an optional error makes it PARTIAL at once, a required error FAILED', async () => {
    // Prepare
    const optional = setup();
    await optional.start();
    const required = setup();
    await required.start();

    // Act
    for (const type of ['CrewsListed', 'PricesError', 'RoutesComputed']) await optional.runner.answer(answer(type));
    for (const type of ['CrewsError', 'PricesQuoted', 'RoutesComputed']) await required.runner.answer(answer(type));

    // Assess
    expect(optional.results[0]).toMatchObject({ status: 'PARTIAL', reason: 'prices answered with an error' });
    expect(required.results[0]).toMatchObject({ status: 'FAILED', reason: 'required crews gave no response: crews answered with an error' });
  });

  it('refuses an answer after the deadline, and a deadline tick after the end changes nothing', async () => {
    // Prepare
    const { start, runner, tick, fire, results } = setup();
    await start();
    for (const type of ['CrewsListed', 'PricesQuoted']) await runner.answer(answer(type));
    const pendingTimer = fire('round-1');

    // Act
    tick(6_000);
    const late = await runner.answer(answer('RoutesComputed'));
    const ended = await runner.deadline(pendingTimer);
    const tickAgain = await runner.deadline(pendingTimer);

    // Assess
    expect(late).toMatchObject({ outcome: 'ignored', reason: 'routes answered after the deadline 2026-12-03T09:00:05.000Z' });
    expect(ended.state?.status).toBe('PARTIAL');
    expect(tickAgain.outcome).toBe('ignored');
    expect(results).toHaveLength(1);
  });

  it('ends a round whose last answer was recorded before a crash, when that answer is delivered again', async () => {
    // Prepare: the last answer is recorded, then the function dies before ending the round.
    const { start, runner, store, results } = setup();
    await start();
    for (const type of ['CrewsListed', 'PricesQuoted']) await runner.answer(answer(type));
    const last = answer('RoutesComputed');
    await store.record('round-1', 'routes', { kind: 'response', detailType: 'RoutesComputed', eventId: last.detail.metadata.eventId, at: '2026-12-03T09:00:01.000Z', data: {} });

    // Act
    const redelivered = await runner.answer(last);

    // Assess
    expect(redelivered.outcome).toBe('ended');
    expect(results.map((r) => r.status)).toEqual(['COMPLETE']);
  });

  it('ignores answers of unknown rounds and events that answer nothing, and reports metrics per responder', async () => {
    // Prepare
    const { start, runner, metrics } = setup();
    await start();

    // Act
    const unknown = await runner.answer(answer('CrewsListed', 'round-404'));
    const stranger = await runner.answer(answer('SomethingElse'));
    await runner.answer(answer('CrewsListed'));

    // Assess
    expect(unknown).toMatchObject({ outcome: 'ignored', reason: 'gather round-404 does not exist' });
    expect(stranger.outcome).toBe('ignored');
    expect(metrics.filter((m) => m.name === 'GatherAnswer').map((m) => m.dimensions)).toEqual([{ gather: 'planning', responder: 'crews', kind: 'response' }]);
    expect(metrics.map((m) => m.name)).toContain('GatherStarted');
  });

  it('refuses an inconsistent definition with every problem at once', () => {
    // Act
    const attempt = () =>
      defineGather<Job>({
        name: 'bad name!',
        deadlineSeconds: 0,
        responders: { a: { request: request('A'), response: ['Same'], error: [], required: true }, b: { request: request('B'), response: ['Same'], error: [], required: false } },
      });

    // Assess
    expect(attempt).toThrow(GatherDefinitionError);
    expect(attempt).toThrow(/name "bad name!"[\s\S]*deadlineSeconds must be > 0[\s\S]*Same \(response of b\) is already the response of a/);
  });
});
