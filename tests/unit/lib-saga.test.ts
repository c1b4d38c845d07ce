import type { OutgoingEvent } from '../../lib/envelope';
import { createInMemorySagaStore, createSagaRunner, defineSaga, SagaDefinitionError, type CommandContext, type SagaEvent, type SagaMetric, type SagaTimeoutData } from '../../lib/saga';
import { fakeTimers } from '../helpers/fake-timers';

// The saga engine with no AWS: a three-step booking saga (seed 002's booking saga shape)
// on the in-memory store and fake timers. Every transition, duplicates, late and
// out-of-order replies, timeouts, compensation order, and a compensation that never answers.

interface Booking {
  bookingId: string;
  seatId?: string;
  chargeId?: string;
}

const command = (detailType: string) => (data: Booking, ctx: CommandContext): OutgoingEvent => ({
  source: 'test.booking',
  detailType,
  bus: 'core',
  busName: 'core-bus',
  detail: { metadata: { eventId: ctx.eventId, correlationId: ctx.correlationId, causationId: ctx.causationId, aggregateId: ctx.aggregateId, sequence: ctx.sequence }, data: { sagaId: ctx.aggregateId, bookingId: data.bookingId } },
});

const booking = defineSaga<Booking, { bookingId: string }>({
  name: 'booking',
  sagaId: (trigger) => `saga-${trigger.detail.data.bookingId}`,
  init: (trigger) => ({ bookingId: trigger.detail.data.bookingId }),
  steps: [
    { name: 'reserve', command: command('ReserveSeat'), success: ['SeatReserved'], failure: ['SeatUnavailable'], onSuccess: (d, r) => ({ ...d, seatId: (r.detail.data as { seatId: string }).seatId }), compensation: { command: command('ReleaseSeat'), reply: ['SeatReleased'] }, timeoutSeconds: 30 },
    { name: 'charge', command: command('ChargeCard'), success: ['CardCharged'], failure: ['CardDeclined'], onSuccess: (d, r) => ({ ...d, chargeId: (r.detail.data as { chargeId: string }).chargeId }), compensation: { command: command('RefundCard'), reply: ['CardRefunded'] }, timeoutSeconds: 30 },
    { name: 'confirm', command: command('ConfirmBooking'), success: ['BookingConfirmed'], failure: ['BookingRejected'], timeoutSeconds: 30 },
  ],
});

let seq = 0;
const event = <D>(detailType: string, data: D): SagaEvent<D> => ({ detailType, detail: { metadata: { eventId: `evt-${++seq}`, correlationId: 'corr-1' }, data } });
const reply = (detailType: string, extra: Record<string, unknown> = {}): SagaEvent => event(detailType, { sagaId: 'saga-b1', ...extra });

function setup() {
  let clock = Date.UTC(2026, 11, 2, 12, 0, 0);
  const store = createInMemorySagaStore();
  const timers = fakeTimers();
  const metrics: SagaMetric[] = [];
  const runner = createSagaRunner(booking, {
    store,
    timers,
    now: () => clock,
    metric: (m) => metrics.push(m),
    timeoutEvent: (data: SagaTimeoutData, ctx) => ({ source: 'test.booking', detailType: 'SagaTimeoutElapsed', bus: 'core', busName: 'core-bus', detail: { metadata: { eventId: ctx.eventId, correlationId: ctx.correlationId }, data } }),
    failureEvent: (state, ctx) => ({ source: 'test.booking', detailType: 'ErrorOccurred', bus: 'errors', busName: 'errors-bus', detail: { metadata: { eventId: ctx.eventId, correlationId: ctx.correlationId }, data: { errorCode: 'SAGA_FAILED', errorMessage: state.reason } } }),
  });
  const sent = (): string[] => store.outbox.map((e) => e.detailType);
  /** The timeout event the pending timer of a step would put on the bus. */
  const fire = (id: string): SagaEvent<SagaTimeoutData> => {
    const timer = timers.pending.get(id);
    if (!timer) throw new Error(`no pending timer ${id}; pending: ${[...timers.pending.keys()].join(', ')}`);
    timers.pending.delete(id);
    return { detailType: 'SagaTimeoutElapsed', detail: timer.event.detail as SagaEvent<SagaTimeoutData>['detail'] };
  };
  return { store, timers, metrics, runner, sent, fire, tick: (ms: number) => (clock += ms) };
}

const START = (): SagaEvent<{ bookingId: string }> => event('BookingRequested', { bookingId: 'b1' });

describe('saga engine and runner', () => {
  it('runs the happy path: each step on its reply, a timer per step, COMPLETED with step times and data', async () => {
    const s = setup();
    expect((await s.runner.start(START())).outcome).toBe('started');
    expect(s.sent()).toEqual(['ReserveSeat']);
    expect([...s.timers.pending.keys()]).toEqual(['booking-saga-b1-f-reserve-1']);
    s.tick(100);
    expect((await s.runner.reply(reply('SeatReserved', { seatId: '12A' }))).outcome).toBe('advanced');
    s.tick(200);
    expect((await s.runner.reply(reply('CardCharged', { chargeId: 'ch-1' }))).outcome).toBe('advanced');
    s.tick(50);
    const done = await s.runner.reply(reply('BookingConfirmed'));
    expect(done.outcome).toBe('completed');
    expect(s.sent()).toEqual(['ReserveSeat', 'ChargeCard', 'ConfirmBooking']);
    expect(done.state).toMatchObject({ status: 'COMPLETED', version: 4, data: { bookingId: 'b1', seatId: '12A', chargeId: 'ch-1' }, completed: [0, 1, 2] });
    expect(done.state.history.map((h) => [h.step, h.status, Date.parse(h.endedAt ?? '') - Date.parse(h.startedAt)])).toEqual([
      ['reserve', 'SUCCEEDED', 100],
      ['charge', 'SUCCEEDED', 200],
      ['confirm', 'SUCCEEDED', 50],
    ]);
    expect(s.timers.pending.size).toBe(0);
    expect(s.timers.cancelled).toEqual(['booking-saga-b1-f-reserve-1', 'booking-saga-b1-f-charge-1', 'booking-saga-b1-f-confirm-1']);
    // Commands are events of the saga aggregate: sequence 1..3, correlation kept, caused by the reply.
    expect(s.store.outbox.map((e) => (e.detail as { metadata: { sequence: number; correlationId: string } }).metadata)).toMatchObject([
      { sequence: 1, correlationId: 'corr-1' },
      { sequence: 2, correlationId: 'corr-1' },
      { sequence: 3, correlationId: 'corr-1' },
    ]);
    expect(s.metrics.filter((m) => m.name === 'SagaStepLatency').map((m) => [m.dimensions['step'], m.value])).toEqual([
      ['reserve', 100],
      ['charge', 200],
      ['confirm', 50],
    ]);
    expect(s.metrics.find((m) => m.name === 'SagaDuration')?.value).toBe(350);
    expect(s.metrics.filter((m) => m.name === 'SagaStarted' || m.name === 'SagaCompleted')).toHaveLength(2);
  });

  it('a duplicate trigger starts nothing new; a duplicate reply never advances a step twice', async () => {
    const s = setup();
    await s.runner.start(START());
    expect((await s.runner.start(START())).outcome).toBe('ignored');
    const seatReserved = reply('SeatReserved', { seatId: '12A' });
    await s.runner.reply(seatReserved);
    const again = await s.runner.reply(seatReserved);
    expect(again).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/late or duplicate reply SeatReserved/) });
    expect(s.sent()).toEqual(['ReserveSeat', 'ChargeCard']);
    expect((await s.store.load('saga-b1'))?.version).toBe(2);
  });

  it('ignores an out-of-order reply (a later step answering before it was asked)', async () => {
    const s = setup();
    await s.runner.start(START());
    const early = await s.runner.reply(reply('BookingConfirmed'));
    expect(early).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/out-of-order reply BookingConfirmed/) });
    expect((await s.store.load('saga-b1'))?.status).toBe('RUNNING');
  });

  it('a failure reply compensates the completed steps in reverse order, then COMPENSATED', async () => {
    const s = setup();
    await s.runner.start(START());
    await s.runner.reply(reply('SeatReserved', { seatId: '12A' }));
    await s.runner.reply(reply('CardCharged', { chargeId: 'ch-1' }));
    const rejected = await s.runner.reply(reply('BookingRejected'));
    expect(rejected).toMatchObject({ outcome: 'compensating', reason: 'step confirm failed: BookingRejected' });
    expect(s.sent().slice(3)).toEqual(['RefundCard']);
    // The release is only asked once the refund answered.
    expect((await s.runner.reply(reply('SeatReleased'))).outcome).toBe('ignored');
    expect((await s.runner.reply(reply('CardRefunded'))).outcome).toBe('compensating');
    expect(s.sent().slice(3)).toEqual(['RefundCard', 'ReleaseSeat']);
    const done = await s.runner.reply(reply('SeatReleased'));
    expect(done.outcome).toBe('compensated');
    expect(done.state.history.map((h) => `${h.phase}:${h.step}:${h.status}`)).toEqual(['forward:reserve:SUCCEEDED', 'forward:charge:SUCCEEDED', 'forward:confirm:FAILED', 'compensation:charge:COMPENSATED', 'compensation:reserve:COMPENSATED']);
    expect(s.timers.pending.size).toBe(0);
  });

  it('a failure of the first step needs no compensation: COMPENSATED at once', async () => {
    const s = setup();
    await s.runner.start(START());
    const t = await s.runner.reply(reply('SeatUnavailable'));
    expect(t).toMatchObject({ outcome: 'compensated', state: { status: 'COMPENSATED' } });
    expect(s.sent()).toEqual(['ReserveSeat']);
  });

  it('sends a step that cannot be undone again when it times out, takes its late reply, and FAILS after the attempts without undoing the others', async () => {
    // Prepare: reserve and charge done, confirm (no compensation) waiting.
    const s = setup();
    await s.runner.start(START());
    await s.runner.reply(reply('SeatReserved', { seatId: '12A' }));
    await s.runner.reply(reply('CardCharged', { chargeId: 'ch-1' }));

    // Act: the first confirm times out; its late reply arrives while the second attempt waits.
    const retried = await s.runner.timeout(s.fire('booking-saga-b1-f-confirm-1'));
    const done = await s.runner.reply(reply('BookingConfirmed'));

    // Assess
    expect(retried).toMatchObject({ outcome: 'advanced', reason: 'step confirm timed out and cannot be undone; sent again, attempt 2 of 3' });
    expect(s.sent()).toEqual(['ReserveSeat', 'ChargeCard', 'ConfirmBooking', 'ConfirmBooking']);
    expect(done.state.status).toBe('COMPLETED');
    expect(done.state.history.map((h) => `${h.step}:${h.attempt}:${h.status}`)).toEqual(['reserve:1:SUCCEEDED', 'charge:1:SUCCEEDED', 'confirm:1:TIMED_OUT', 'confirm:2:SUCCEEDED']);

    // And a confirm that never answers: FAILED after three attempts, nothing compensated.
    const never = setup();
    await never.runner.start(START());
    await never.runner.reply(reply('SeatReserved', { seatId: '12A' }));
    await never.runner.reply(reply('CardCharged', { chargeId: 'ch-1' }));
    for (const attempt of [1, 2]) await never.runner.timeout(never.fire(`booking-saga-b1-f-confirm-${attempt}`));
    const failed = await never.runner.timeout(never.fire('booking-saga-b1-f-confirm-3'));
    expect(failed).toMatchObject({ outcome: 'failed', state: { status: 'FAILED', reason: 'step confirm got no reply after 3 attempts and cannot be undone: the steps before it are left in place' } });
    expect(never.sent().filter((t) => t === 'ReleaseSeat' || t === 'RefundCard')).toEqual([]);
    expect(never.sent().at(-1)).toBe('ErrorOccurred');
  });

  it('a step timeout compensates that step too (it may still happen) and the completed ones; a late reply is ignored', async () => {
    const s = setup();
    await s.runner.start(START());
    await s.runner.reply(reply('SeatReserved', { seatId: '12A' }));
    s.tick(31_000);
    const timedOut = await s.runner.timeout(s.fire('booking-saga-b1-f-charge-1'));
    expect(timedOut).toMatchObject({ outcome: 'compensating', reason: 'step charge timed out' });
    expect(s.sent().slice(2)).toEqual(['RefundCard']);
    expect((await s.runner.reply(reply('CardCharged', { chargeId: 'late' }))).outcome).toBe('ignored');
    await s.runner.reply(reply('CardRefunded'));
    expect((await s.runner.reply(reply('SeatReleased'))).state.status).toBe('COMPENSATED');
  });

  it('ignores a stale timer (of a step already answered), a timer firing twice, and anything after the end', async () => {
    const s = setup();
    await s.runner.start(START());
    const reserveTimer = s.fire('booking-saga-b1-f-reserve-1');
    await s.runner.reply(reply('SeatReserved', { seatId: '12A' }));
    expect((await s.runner.timeout(reserveTimer)).reason).toMatch(/stale timer \(forward reserve attempt 1\); waiting on forward charge/);
    await s.runner.reply(reply('CardCharged', { chargeId: 'c' }));
    await s.runner.reply(reply('BookingConfirmed'));
    expect((await s.runner.timeout(reserveTimer)).reason).toBe('saga already COMPLETED');
    expect((await s.runner.reply(reply('CardDeclined'))).reason).toBe('saga already COMPLETED');
    expect((await s.store.load('saga-b1'))?.version).toBe(4);
  });

  it('re-sends a compensation that gets no reply, then FAILED with the errors-bus event after the last attempt', async () => {
    const s = setup();
    await s.runner.start(START());
    await s.runner.reply(reply('SeatReserved', { seatId: '12A' }));
    await s.runner.reply(reply('CardDeclined'));
    expect(s.sent()).toEqual(['ReserveSeat', 'ChargeCard', 'ReleaseSeat']);
    expect((await s.runner.timeout(s.fire('booking-saga-b1-c-reserve-1'))).outcome).toBe('compensating');
    expect((await s.runner.timeout(s.fire('booking-saga-b1-c-reserve-2'))).outcome).toBe('compensating');
    const failed = await s.runner.timeout(s.fire('booking-saga-b1-c-reserve-3'));
    expect(failed).toMatchObject({ outcome: 'failed', state: { status: 'FAILED' } });
    expect(failed.reason).toBe('compensation of step reserve got no reply after 3 attempts (compensating because step charge failed: CardDeclined)');
    expect(s.sent()).toEqual(['ReserveSeat', 'ChargeCard', 'ReleaseSeat', 'ReleaseSeat', 'ReleaseSeat', 'ErrorOccurred']);
    // Each attempt waits twice as long as the one before (30 s, 60 s, 120 s): a participant
    // behind a backed-up queue gets time to answer. The clock stood still, so dueAt is the wait.
    const waits = s.timers.scheduled.filter((t) => t.id.startsWith('booking-saga-b1-c-reserve-')).map((t) => (new Date(String(t.at)).getTime() - Date.UTC(2026, 11, 2, 12, 0, 0)) / 1000);
    expect(waits).toEqual([30, 60, 120]);
    // Each attempt is its own command (its own eventId), so none is taken for a duplicate of another.
    const ids = s.store.outbox.filter((e) => e.detailType === 'ReleaseSeat').map((e) => (e.detail as { metadata: { eventId: string } }).metadata.eventId);
    expect(new Set(ids).size).toBe(3);
    expect(s.metrics.some((m) => m.name === 'SagaFailed')).toBe(true);
  });

  it('an abort (the booking cancelled) compensates the step in flight and the completed ones', async () => {
    const s = setup();
    await s.runner.start(START());
    await s.runner.reply(reply('SeatReserved', { seatId: '12A' }));
    const aborted = await s.runner.abort('saga-b1', 'booking cancelled', event('BookingCancelled', { bookingId: 'b1' }));
    expect(aborted).toMatchObject({ outcome: 'compensating', reason: 'booking cancelled' });
    expect(s.sent().slice(2)).toEqual(['RefundCard']);
    expect(aborted.state.history.at(-2)?.status).toBe('ABANDONED');
    expect((await s.runner.abort('saga-b1', 'again', event('BookingCancelled', { bookingId: 'b1' }))).outcome).toBe('ignored');
  });

  it('two copies of a reply handled at once advance the step once (a version conflict is decided again)', async () => {
    const s = setup();
    await s.runner.start(START());
    const r = reply('SeatReserved', { seatId: '12A' });
    const outcomes = (await Promise.all([s.runner.reply(r), s.runner.reply(r), s.runner.reply(r)])).map((t) => t.outcome).sort();
    expect(outcomes).toEqual(['advanced', 'ignored', 'ignored']);
    expect(s.sent()).toEqual(['ReserveSeat', 'ChargeCard']);
  });

  it('an ignored input re-arms the timer of the step waited on (a timer lost in a crash comes back)', async () => {
    const s = setup();
    await s.runner.start(START());
    s.timers.pending.clear();
    await s.runner.start(START());
    expect([...s.timers.pending.keys()]).toEqual(['booking-saga-b1-f-reserve-1']);
  });

  it('refuses a definition whose replies are ambiguous or whose steps could wait forever, naming each problem', () => {
    expect(() =>
      defineSaga<Booking>({
        name: 'bad',
        sagaId: () => 'x',
        init: () => ({ bookingId: 'x' }),
        retryBackoffRate: 0.5,
        steps: [
          { name: 'a', command: command('A'), success: ['Done'], failure: [], timeoutSeconds: 0 },
          { name: 'b', command: command('B'), success: ['Done'], failure: [], timeoutSeconds: 5 },
        ],
      }),
    ).toThrow(new SagaDefinitionError('bad', ['step a needs a timeoutSeconds > 0 (a saga must never wait forever)', 'reply Done of step b (success) is already the success reply of step a', 'retryBackoffRate must be at least 1']));
  });
});
