// POST /bookings: a student asks for a lesson. The booking record and the LOCAL event
// LessonBookingRequested (the saga's trigger) are one transaction in the booking outbox;
// the answer is 202 with the bookingId, whose progress is at GET /bookings/{bookingId}.
import { randomUUID } from 'node:crypto';
import { validateBookLessonCommand } from '../../generated';
import * as bookingEvents from '../../generated/publishers/booking';
import { clients } from '../../../../lib/clients';
import { writeWithOutbox } from '../../../../lib/event-store';
import { BadRequestError, createHttpApi, route, type HttpApiHandler } from '../../../../lib/http';
import { config } from './config';

export const bookingKey = (bookingId: string) => ({ pk: `BOOKING#${bookingId}`, sk: 'BOOKING' });

export interface Deps {
  table: () => string;
  outboxTable: () => string;
  now: () => number;
  newBookingId?: () => string;
}

export function makeApi({ table, outboxTable, now, newBookingId = randomUUID }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'booking',
    routes: {
      'POST /bookings': route({
        body: validateBookLessonCommand,
        handler: async ({ body }, { eventContext, logger }) => {
          const time = Date.parse(body.requestedTime);
          if (Number.isNaN(time)) throw new BadRequestError(`requestedTime "${body.requestedTime}" is not a date-time`, { code: 'INVALID_REQUESTED_TIME' });
          const bookingId = newBookingId();
          const requestedAt = new Date(now()).toISOString();
          const booking = { bookingId, studentId: body.studentId, tutorId: body.tutorId, requestedTime: new Date(time).toISOString(), subject: body.subject, requestedAt };
          const event = bookingEvents.LessonBookingRequested(booking, { ...eventContext, aggregateId: bookingId, sequence: 1, occurredAt: requestedAt });
          await writeWithOutbox({ doc: clients.dynamoDbDocument(), outboxTable: outboxTable(), writes: [{ Put: { TableName: table(), Item: { ...bookingKey(bookingId), ...booking }, ConditionExpression: 'attribute_not_exists(pk)' } }], events: [event] });
          logger.info('lesson booking requested', { bookingId, tutorId: body.tutorId });
          const status = `/bookings/${bookingId}`;
          return { statusCode: 202, headers: { location: status }, body: { bookingId, status: 'PENDING', links: { status } } };
        },
      }),
    },
  });
}

export const handler = makeApi({ table: () => config().bookingsTable, outboxTable: () => config().outboxTable, now: Date.now });
