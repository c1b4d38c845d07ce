import { createInMemorySagaStore, type SagaEvent, type SagaTimeoutData } from '../../../../lib/saga';
import { fakeTimers } from '../../../../tests/helpers/fake-timers';
import { consumerContext, delivered } from '../../../../tests/helpers/handlers';
import { makeHandlers } from '../../functions/booking/consumer';
import { createBookingRunner } from '../../functions/booking/runner';
import { bookingStatus, compensationReason } from '../../functions/booking/saga';

// The lesson booking saga (functions/booking/saga.ts on lib/saga, steps from the spec) with
// no AWS: the commands it sends and their data, the happy path, each failure's compensations
// in reverse order, a step timeout (and what the booking records of it), and duplicates ignored.

const BOOKING = { bookingId: '3f1c2a7e-8b9d-4e5f-a6b7-c8d9e0f1a2b3', studentId: 'usr-1', tutorId: 'tut-ana', requestedTime: '2027-03-02T10:00:00.000Z', subject: 'math', requestedAt: '2026-12-03T12:00:00.000Z' };
const SAGA = BOOKING.bookingId;

function setup() {
  const clock = Date.UTC(2026, 11, 3, 12, 0, 0);
  const store = createInMemorySagaStore();
  const timers = fakeTimers();
  const runner = createBookingRunner({ store, timers, now: () => clock });
  let n = 0;
  const event = <D>(detailType: string, data: D): SagaEvent<D> => ({ detailType, detail: { metadata: { eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, correlationId: 'corr-1' }, data } });
  const sent = () => store.outbox.map((e) => e.detailType);
  const dataOf = (i: number) => (store.outbox[i]?.detail as { data: Record<string, unknown> }).data;
  return { store, timers, runner, event, sent, dataOf };
}

describe('the lesson booking saga', () => {
  it('checks availability, authorizes the price the tutor asks, creates the lesson: COMPLETED', async () => {
    const { runner, event, sent, dataOf } = setup();
    await runner.start(event('lesson.booking.requested', BOOKING));
    await runner.reply(event('availability.confirmed', { sagaId: SAGA, holdId: 'hold-1', tutorName: 'Ana Silva', lessonPrice: 40 }));
    await runner.reply(event('payment.authorized', { sagaId: SAGA, paymentId: 'pay-1', amount: 40 }));
    const done = await runner.reply(event('lesson.created', { sagaId: SAGA, lessonId: 'les-1', chatSessionId: 'chat-1' }));

    expect(done.state.status).toBe('COMPLETED');
    expect(bookingStatus(done.state.status)).toBe('CONFIRMED');
    expect(sent()).toEqual(['availability.check', 'payment.authorize', 'lesson.create']);
    expect(dataOf(0)).toEqual({ sagaId: SAGA, bookingId: SAGA, tutorId: 'tut-ana', studentId: 'usr-1', requestedTime: BOOKING.requestedTime, subject: 'math' });
    expect(dataOf(1)).toEqual({ sagaId: SAGA, bookingId: SAGA, studentId: 'usr-1', tutorId: 'tut-ana', amount: 40, description: 'math lesson with Ana Silva at 2027-03-02T10:00:00.000Z' });
    expect(dataOf(2)).toMatchObject({ holdId: 'hold-1', paymentId: 'pay-1', requestedAt: BOOKING.requestedAt });
    expect(done.state.data).toMatchObject({ lessonId: 'les-1', chatSessionId: 'chat-1' });
  });

  it('rejected availability: nothing to undo, COMPENSATED at once (CANCELLED)', async () => {
    const { runner, event, sent } = setup();
    await runner.start(event('lesson.booking.requested', BOOKING));
    const t = await runner.reply(event('availability.rejected', { sagaId: SAGA, code: 'SLOT_TAKEN', reason: 'taken' }));
    expect([t.state.status, bookingStatus(t.state.status)]).toEqual(['COMPENSATED', 'CANCELLED']);
    expect(sent()).toEqual(['availability.check']);
  });

  it('failed payment: the slot is released (the seed compensatePaymentFailed)', async () => {
    const { runner, event, sent, dataOf } = setup();
    await runner.start(event('lesson.booking.requested', BOOKING));
    await runner.reply(event('availability.confirmed', { sagaId: SAGA, holdId: 'hold-1', tutorName: 'Ana Silva', lessonPrice: 40 }));
    const compensating = await runner.reply(event('payment.failed', { sagaId: SAGA, code: 'INSUFFICIENT_FUNDS', reason: 'no' }));
    expect(compensating.state.status).toBe('COMPENSATING');
    expect(sent()).toEqual(['availability.check', 'payment.authorize', 'availability.hold.release']);
    expect(dataOf(2)).toEqual({ sagaId: SAGA, tutorId: 'tut-ana', requestedTime: BOOKING.requestedTime, holdId: 'hold-1', reason: 'payment authorization failed' });
    const ended = await runner.reply(event('availability.hold.released', { sagaId: SAGA, released: true }));
    expect(ended.state.status).toBe('COMPENSATED');
  });

  it('failed lesson creation: the payment is released first, then the slot (reverse order)', async () => {
    const { runner, event, sent, dataOf } = setup();
    await runner.start(event('lesson.booking.requested', BOOKING));
    await runner.reply(event('availability.confirmed', { sagaId: SAGA, holdId: 'hold-1', tutorName: 'Ana Silva', lessonPrice: 40 }));
    await runner.reply(event('payment.authorized', { sagaId: SAGA, paymentId: 'pay-1', amount: 40 }));
    await runner.reply(event('lesson.creation.failed', { sagaId: SAGA, code: 'CHAT_UNAVAILABLE', reason: 'no chat' }));
    expect(sent().slice(3)).toEqual(['payment.release']);
    expect(dataOf(3)).toEqual({ sagaId: SAGA, paymentId: 'pay-1', reason: 'lesson creation failed' });
    await runner.reply(event('payment.released', { sagaId: SAGA, paymentId: 'pay-1', released: true }));
    expect(sent().slice(4)).toEqual(['availability.hold.release']);
    const ended = await runner.reply(event('availability.hold.released', { sagaId: SAGA, released: true }));
    expect(ended.state.status).toBe('COMPENSATED');
  });

  it('a silent participant: the step timer compensates the step itself too (it may have happened)', async () => {
    const { runner, event, sent, timers } = setup();
    await runner.start(event('lesson.booking.requested', BOOKING));
    await runner.reply(event('availability.confirmed', { sagaId: SAGA, holdId: 'hold-1', tutorName: 'Ana Silva', lessonPrice: 40 }));
    const timer = [...timers.pending.values()].find((t) => (t.event.detail as { data: SagaTimeoutData }).data.step === 'authorizePayment');
    expect(timer?.event.detailType).toBe('booking.step.timed-out');
    const t = await runner.timeout({ detailType: 'booking.step.timed-out', detail: timer?.event.detail as SagaEvent<SagaTimeoutData>['detail'] });
    expect(t.state.status).toBe('COMPENSATING');
    expect(sent().slice(2)).toEqual(['payment.release']);
  });

  it('a step timeout through the consumer: the booking records TIMED_OUT once, for the forward step only', async () => {
    const { runner, event, timers } = setup();
    const failures: { bookingId: string; failure: { step: string; code: string; reason: string } }[] = [];
    const handlers = makeHandlers({ runner: () => runner, recordFailure: async (bookingId, failure) => void failures.push({ bookingId, failure }) });
    const fire = async (step: string, phase: string) => {
      const timer = [...timers.pending.values()].find((t) => (t.event.detail as { data: SagaTimeoutData }).data.step === step && (t.event.detail as { data: SagaTimeoutData }).data.phase === phase);
      expect(timer).toBeDefined();
      const detail = timer?.event.detail as { metadata: { eventId: string }; data: SagaTimeoutData };
      const delivery = delivered('booking.step.timed-out', 'edtech.booking', detail.data, { eventId: detail.metadata.eventId });
      await handlers['booking.step.timed-out'](delivery as Parameters<(typeof handlers)['booking.step.timed-out']>[0], consumerContext(delivery));
      return delivery;
    };
    await runner.start(event('lesson.booking.requested', BOOKING));
    await runner.reply(event('availability.confirmed', { sagaId: SAGA, holdId: 'hold-1', tutorName: 'Ana Silva', lessonPrice: 40 }));

    const forward = await fire('authorizePayment', 'forward');
    expect((await runner.status(SAGA))?.status).toBe('COMPENSATING');
    expect(failures).toEqual([{ bookingId: SAGA, failure: { step: 'authorizePayment', code: 'TIMED_OUT', reason: 'no reply to authorizePayment in time (it may still have happened): it and the steps before it are compensated' } }]);
    // The same timer delivered again: ignored by the saga, recorded again (the store keeps the first).
    await handlers['booking.step.timed-out'](forward as Parameters<(typeof handlers)['booking.step.timed-out']>[0], consumerContext(forward));
    expect(failures.map((f) => f.failure.step)).toEqual(['authorizePayment', 'authorizePayment']);
    // A compensation that times out is sent again: not a failure of the booking.
    await fire('authorizePayment', 'compensation');
    expect(failures).toHaveLength(2);
  });

  it('ignores a duplicate trigger and a duplicate reply: no command twice', async () => {
    const { runner, event, sent } = setup();
    const trigger = event('lesson.booking.requested', BOOKING);
    await runner.start(trigger);
    expect((await runner.start(trigger)).outcome).toBe('ignored');
    const confirmed = event('availability.confirmed', { sagaId: SAGA, holdId: 'hold-1', tutorName: 'Ana Silva', lessonPrice: 40 });
    await runner.reply(confirmed);
    expect((await runner.reply(confirmed)).outcome).toBe('ignored');
    expect(sent()).toEqual(['availability.check', 'payment.authorize']);
  });

  it('says why it compensates in words', () => {
    expect(compensationReason('step authorizePayment failed: payment.failed')).toBe('payment authorization failed');
    expect(compensationReason('step createLesson failed: lesson.creation.failed')).toBe('lesson creation failed');
    expect(compensationReason(undefined)).toBe('booking saga compensating');
    expect(bookingStatus('RUNNING')).toBe('PENDING');
    expect(bookingStatus('FAILED')).toBe('FAILED');
  });
});
