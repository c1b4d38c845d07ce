// GET /bookings/{bookingId}: the booking and its saga. PENDING until the saga ends, then
// CONFIRMED (lesson and chat session ids), CANCELLED (compensated: which step failed, its
// code and reason, every compensation done) or FAILED (a compensation never answered).
import { clients, sdk } from '../../../../lib/clients';
import { createHttpApi, NotFoundError, route, type HttpApiHandler } from '../../../../lib/http';
import { createDynamoDbSagaStore, type SagaState } from '../../../../lib/saga';
import { bookingKey } from './commands';
import { config } from './config';
import { bookingStatus, type BookingData } from './saga';

export interface Deps {
  booking: (bookingId: string) => Promise<Record<string, unknown> | undefined>;
  saga: (sagaId: string) => Promise<SagaState<BookingData> | undefined>;
}

/** The status body of a booking and its saga (none yet: the trigger is on its way). */
export function bookingView(booking: Record<string, unknown>, saga: SagaState<BookingData> | undefined): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...record } = booking;
  if (!saga) return { ...record, status: 'PENDING', saga: null };
  const d = saga.data;
  return {
    ...record,
    status: bookingStatus(saga.status),
    saga: {
      status: saga.status,
      startedAt: saga.startedAt,
      ...(saga.endedAt ? { endedAt: saga.endedAt, durationMs: Date.parse(saga.endedAt) - Date.parse(saga.startedAt) } : {}),
      ...(saga.reason ? { reason: saga.reason } : {}),
      steps: saga.history.map((h) => ({ step: h.step, phase: h.phase, attempt: h.attempt, status: h.status, ...(h.reply ? { reply: h.reply.detailType } : {}) })),
    },
    ...(d.tutorName ? { tutorName: d.tutorName } : {}),
    ...(d.lessonPrice !== undefined ? { lessonPrice: d.lessonPrice } : {}),
    ...(d.paymentId ? { paymentId: d.paymentId } : {}),
    ...(d.lessonId ? { lessonId: d.lessonId, chatSessionId: d.chatSessionId } : {}),
  };
}

export function makeApi({ booking, saga }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'booking',
    routes: {
      'GET /bookings/{bookingId}': route({
        handler: async ({ pathParameters }) => {
          const bookingId = pathParameters['bookingId'] as string;
          const found = await booking(bookingId);
          if (!found) throw new NotFoundError(`no booking ${bookingId}`, { code: 'BOOKING_NOT_FOUND' });
          return { body: bookingView(found, await saga(bookingId)) };
        },
      }),
    },
  });
}

// The saga's state as its store keeps it (read only: this function sends no command and arms no timer); built on first use.
let sagas: ReturnType<typeof createDynamoDbSagaStore> | undefined;

export const handler = makeApi({
  booking: async (bookingId) => (await clients.dynamoDbDocument().send(new (sdk.document().GetCommand)({ TableName: config().bookingsTable, Key: bookingKey(bookingId) }))).Item,
  saga: (sagaId) => (sagas ??= createDynamoDbSagaStore({ doc: clients.dynamoDbDocument(), table: config().sagaTable, outboxTable: config().outboxTable })).load<BookingData>(sagaId),
});
