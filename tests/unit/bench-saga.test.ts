import { busHops, doubleSteps, hopTimes, percentile, stepDurations, type BusEvent } from '../../scripts/bench/saga';
import type { StepRecord } from '../../lib/saga';

// The arithmetic of `npm run bench:saga` (scripts/bench/saga.ts): what it calls a double step,
// how it times a hop and a step, and its percentiles.

const t = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const record = (step: string, over: Partial<StepRecord> = {}): StepRecord => ({ step, phase: 'forward', attempt: 1, status: 'SUCCEEDED', commandId: `cmd-${step}`, startedAt: t(0), endedAt: t(1), reply: { detailType: `${step}Done`, eventId: `reply-${step}` }, ...over });
const command = (eventId: string, detailType = 'Command'): Pick<BusEvent, 'detailType' | 'eventId'> => ({ detailType, eventId });
const event = (detailType: string, at: number, key: string, eventId = `${detailType}-${key}-${at}`): BusEvent => ({ at, detailType, eventId, aggregateId: undefined, data: { key } });

describe('percentile (nearest rank)', () => {
  it('picks the value at the rank, whatever the order given', () => {
    const values = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100];
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(100);
    expect(percentile(values, 10)).toBe(10);
    expect(percentile(values, 0)).toBe(10);
    expect(percentile(values, 100)).toBe(100);
    expect(values[0]).toBe(50);
  });
  it('is NaN for no values, the one value for one', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([7], 95)).toBe(7);
  });
});

describe('doubleSteps', () => {
  const history = [record('reserve'), record('pay'), record('assign')];
  const sent = history.map((r) => command(r.commandId));

  it('finds none in a saga whose every step ran once and whose commands are its history', () => {
    expect(doubleSteps({ sagaId: 's', history }, sent)).toEqual({ doubles: [], republished: 0, unpublished: [] });
  });

  it('counts the same command published twice as a re-publication, not a double step', () => {
    expect(doubleSteps({ sagaId: 's', history }, [...sent, command('cmd-pay')])).toEqual({ doubles: [], republished: 1, unpublished: [] });
  });

  it('finds a forward step recorded twice, even as another attempt', () => {
    const twice = [...history, record('pay', { attempt: 2, commandId: 'cmd-pay-2' })];
    const { doubles } = doubleSteps({ sagaId: 's', history: twice }, [...sent, command('cmd-pay-2')]);
    expect(doubles).toEqual(['forward step pay ran twice', 'step pay succeeded twice']);
  });

  it('does not count a step sent again after its timeout (attempt 1 TIMED_OUT, attempt 2 answered) as a double', () => {
    const retried = history.map((r) => (r.step === 'pay' ? { ...r, status: 'TIMED_OUT' as const } : r));
    const again = [...retried, record('pay', { attempt: 2, commandId: 'cmd-pay-2' })];
    expect(doubleSteps({ sagaId: 's', history: again }, [...sent, command('cmd-pay-2')]).doubles).toEqual([]);
  });

  it('finds the same (phase, step, attempt) recorded twice', () => {
    const undo = record('reserve', { phase: 'compensation', status: 'COMPENSATED', commandId: 'undo-1' });
    const { doubles } = doubleSteps({ sagaId: 's', history: [...history, undo, { ...undo, commandId: 'undo-2' }] }, [...sent, command('undo-1'), command('undo-2')]);
    expect(doubles).toEqual(['compensation reserve attempt 1 recorded twice', 'step reserve compensated twice']);
  });

  it('allows a compensation retried after a timeout (another attempt, another command)', () => {
    const undo1 = record('reserve', { phase: 'compensation', status: 'TIMED_OUT', commandId: 'undo-1' });
    const undo2 = record('reserve', { phase: 'compensation', attempt: 2, status: 'COMPENSATED', commandId: 'undo-2' });
    expect(doubleSteps({ sagaId: 's', history: [...history, undo1, undo2] }, [...sent, command('undo-1'), command('undo-2')]).doubles).toEqual([]);
  });

  it('finds a command on the bus that no step of the history sent', () => {
    const { doubles } = doubleSteps({ sagaId: 's', history }, [...sent, command('cmd-extra', 'ReserveVendor')]);
    expect(doubles).toEqual(['ReserveVendor cmd-extra sent, but no step of the history sent it']);
  });

  it('lists steps whose command never reached the bus', () => {
    expect(doubleSteps({ sagaId: 's', history }, sent.slice(0, 2)).unpublished).toEqual(['forward assign attempt 1']);
  });
});

describe('hopTimes', () => {
  const hop = { from: 'A', to: 'B', key: (e: BusEvent) => (e.detailType === 'A' || e.detailType === 'B' ? String(e.data['key']) : undefined) };

  it('times the first `to` after the first `from` of each key, in bus order', () => {
    const events = [event('B', 150, 'x'), event('A', 100, 'x'), event('B', 130, 'x'), event('A', 110, 'y'), event('B', 300, 'y'), event('C', 105, 'x')];
    expect([...hopTimes(events, hop)]).toEqual([
      ['x', 30],
      ['y', 190],
    ]);
  });

  it('ignores a `to` with no `from` before it, and other events', () => {
    expect(hopTimes([event('B', 100, 'z'), event('C', 50, 'z')], hop).size).toBe(0);
  });
});

describe('busHops', () => {
  it('splits each step into the participant (command -> reply) and the orchestrator (reply -> next command)', () => {
    const history = [record('reserve'), record('pay'), record('assign')];
    const firstAt = new Map([
      ['cmd-reserve', 1000],
      ['reply-reserve', 1100],
      ['cmd-pay', 1130],
      ['reply-pay', 1300],
      ['cmd-assign', 1350],
      ['reply-assign', 1500],
    ]);
    expect(busHops(history, firstAt)).toEqual({ participant: [100, 170, 150], orchestrator: [30, 50], step: [130, 220] });
  });

  it('skips a step with no reply (timed out) and events the bus never saw', () => {
    const history = [record('reserve'), record('pay', { status: 'TIMED_OUT' }), record('reserve', { phase: 'compensation', commandId: 'undo', reply: { detailType: 'Released', eventId: 'undo-reply' } })];
    delete history[1]?.reply;
    const firstAt = new Map([
      ['cmd-reserve', 0],
      ['reply-reserve', 40],
      ['cmd-pay', 60],
      ['undo', 10_060],
    ]);
    expect(busHops(history, firstAt)).toEqual({ participant: [40], orchestrator: [20], step: [60] });
  });
});

describe('stepDurations', () => {
  it('times ended steps from the history, compensations as undo, open ones not at all', () => {
    const history = [record('reserve', { startedAt: t(0), endedAt: t(2) }), record('reserve', { phase: 'compensation', startedAt: t(2), endedAt: t(5) }), record('pay', { status: 'WAITING', startedAt: t(5) })];
    delete history[2]?.endedAt;
    expect(stepDurations(history)).toEqual([
      { step: 'reserve', ms: 2000 },
      { step: 'undo reserve', ms: 3000 },
    ]);
  });
});
