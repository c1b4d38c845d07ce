// The booking service's consumer: the lesson booking saga's orchestrator. The trigger
// (its own local event LessonBookingRequested) starts the saga; every participant's reply
// and every step timer comes back here and moves it (lib/saga: a duplicate, late or stale
// input is ignored, so the handlers are idempotent). A failure reply's code and reason are
// kept on the booking, for the status API, and so is a forward step's timeout (code TIMED_OUT).
import { createBookingQueueConsumer, type BookingQueueHandlers, type EventBridgeEvent } from '../../generated';
import { clients, sdk } from '../../../../lib/clients';
import type { ConsumerContext } from '../../../../lib/consumer';
import type { SagaEvent } from '../../../../lib/saga';
import { bookingKey } from './commands';
import { config } from './config';
import { bookingRunner, type BookingRunner } from './runner';

type Envelope<D> = EventBridgeEvent<string, { metadata: { eventId: string; correlationId: string }; data: D }>;
const sagaEvent = <D>(event: Envelope<D>): SagaEvent<D> => ({ detailType: event['detail-type'], detail: event.detail });

export interface Deps {
  runner: () => BookingRunner;
  /** Keeps why a step failed on the booking (once). */
  recordFailure: (bookingId: string, failure: { step: string; code: string; reason: string }) => Promise<void>;
}

export function makeHandlers({ runner, recordFailure }: Deps): BookingQueueHandlers<ConsumerContext> {
  const reply = async (event: Envelope<{ sagaId: string }>, ctx: ConsumerContext): Promise<void> => {
    const t = await runner().reply(sagaEvent(event));
    ctx.logger.info(`booking saga ${t.outcome}`, { sagaId: event.detail.data.sagaId, detailType: event['detail-type'], status: t.state.status, ...(t.reason ? { reason: t.reason } : {}) });
  };
  const failed = (step: string) => async (event: Envelope<{ sagaId: string; code: string; reason: string }>, ctx: ConsumerContext): Promise<void> => {
    const { sagaId, code, reason } = event.detail.data;
    await recordFailure(sagaId, { step, code, reason });
    await reply(event, ctx);
  };
  return {
    'lesson.booking.requested': async (event, ctx) => {
      const t = await runner().start(sagaEvent(event));
      ctx.logger.info(t.outcome === 'started' ? 'booking saga started' : 'booking saga already started', { bookingId: event.detail.data.bookingId, status: t.state.status });
    },
    'booking.step.timed-out': async (event, ctx) => {
      const { sagaId, step, phase } = event.detail.data;
      const t = await runner().timeout(sagaEvent(event));
      // A forward step with no reply in time, compensated: the booking says which, as for a failure
      // reply. Read from the state, not the outcome, so that a redelivered timer records it too.
      const timedOut = phase === 'forward' && t.state.history.some((h) => h.step === step && h.phase === 'forward' && h.status === 'TIMED_OUT');
      if (timedOut && (t.state.status === 'COMPENSATING' || t.state.status === 'COMPENSATED')) {
        await recordFailure(sagaId, { step, code: 'TIMED_OUT', reason: `no reply to ${step} in time (it may still have happened): it and the steps before it are compensated` });
      }
      ctx.logger.info(`booking saga timeout ${t.outcome}`, { sagaId, step, status: t.state.status });
    },
    'availability.confirmed': reply,
    'availability.rejected': failed('checkAvailability'),
    'availability.hold.released': reply,
    'payment.authorized': reply,
    'payment.failed': failed('authorizePayment'),
    'payment.released': reply,
    'lesson.created': reply,
    'lesson.creation.failed': failed('createLesson'),
  };
}

/** The first failure of a booking, written once (a redelivery does not overwrite it). */
export async function recordFailure(bookingId: string, failure: { step: string; code: string; reason: string }): Promise<void> {
  try {
    await clients.dynamoDbDocument().send(new (sdk.document().UpdateCommand)({ TableName: config().bookingsTable, Key: bookingKey(bookingId), UpdateExpression: 'SET failure = :f', ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(failure)', ExpressionAttributeValues: { ':f': failure } }));
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createBookingQueueConsumer(makeHandlers({ runner: bookingRunner, recordFailure }));
