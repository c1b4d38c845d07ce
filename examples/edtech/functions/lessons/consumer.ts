// The lessons service's consumer: a participant of the lesson booking saga.
//   CheckAvailability       -> the tutor's rules (availability.ts), then a hold on the slot
//                              (conditional: one saga per slot) -> AvailabilityConfirmed / AvailabilityRejected
//   ReleaseAvailabilityHold -> the hold of this saga removed (compensation) -> AvailabilityHoldReleased
//   CreateLesson            -> slot BOOKED + lesson + chat session + LessonCreated + LessonScheduled
//                              in one transaction, or LessonCreationFailed
// Every reply's id derives from the command's eventId and every write is conditional on the
// saga holding the slot, so a redelivered command changes nothing and answers nothing twice.
import { createLessonsQueueConsumer, type LessonsQueueHandlers } from '../../generated';
import * as lessonsEvents from '../../generated/publishers/lessons';
import type { AvailabilityRejectedDataCode, LessonCreationFailedDataCode } from '../../generated';
import type { ConsumerContext } from '../../../../lib/consumer';
import { nameUuid } from '../../../../lib/ids';
import { checkAvailability, findTutor, slotOf, TUTORS, type Tutor } from './availability';
import { config } from './config';
import { causedContext, commitOnce, conditionFailed, serviceOutbox } from '../shared/outbox';

const NS = '6f3d2c1b-5a49-4e8f-9b7a-0c1d2e3f4a5b';

export const slotKey = (tutorId: string, slot: string) => ({ pk: `SLOT#${tutorId}#${slot}`, sk: 'SLOT' });
export const lessonIdOf = (sagaId: string): string => nameUuid(NS, sagaId, 'lesson');
export const chatSessionIdOf = (sagaId: string): string => nameUuid(NS, sagaId, 'chat');
export const holdIdOf = (sagaId: string): string => nameUuid(NS, sagaId, 'hold');

export interface Deps {
  table: () => string;
  now: () => number;
  tutors?: readonly Tutor[];
}

export function makeHandlers({ table, now, tutors = TUTORS }: Deps): LessonsQueueHandlers<ConsumerContext> {
  return {
    'availability.check': async (event, ctx) => {
      const d = event.detail.data;
      const id = (what: string) => causedContext(ctx, NS, event, what);
      const reject = (code: AvailabilityRejectedDataCode, reason: string) => commitOnce(ctx, { events: [lessonsEvents.AvailabilityRejected({ sagaId: d.sagaId, code, reason }, id('rejected'))] });
      const decision = checkAvailability(d, now(), tutors);
      if (!decision.ok) {
        await reject(decision.code, decision.reason);
        ctx.logger.info('availability rejected', { sagaId: d.sagaId, code: decision.code });
        return;
      }
      const holdId = holdIdOf(d.sagaId);
      try {
        await commitOnce(ctx, {
          writes: [{ Put: { TableName: table(), Item: { ...slotKey(d.tutorId, decision.slot), tutorId: d.tutorId, slot: decision.slot, holder: d.sagaId, holdId, studentId: d.studentId, status: 'HELD', heldAt: new Date(now()).toISOString() }, ConditionExpression: 'attribute_not_exists(pk) OR holder = :saga', ExpressionAttributeValues: { ':saga': d.sagaId } } }],
          events: [lessonsEvents.AvailabilityConfirmed({ sagaId: d.sagaId, holdId, tutorName: decision.tutor.name, lessonPrice: decision.tutor.lessonPrice }, id('confirmed'))],
        });
        ctx.logger.info('slot held', { sagaId: d.sagaId, tutorId: d.tutorId, slot: decision.slot });
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        await reject('SLOT_TAKEN', `${decision.tutor.name} is booked at ${decision.slot}`);
        ctx.logger.info('availability rejected', { sagaId: d.sagaId, code: 'SLOT_TAKEN' });
      }
    },
    'availability.hold.release': async (event, ctx) => {
      const d = event.detail.data;
      const reply = (released: boolean) => lessonsEvents.AvailabilityHoldReleased({ sagaId: d.sagaId, released }, causedContext(ctx, NS, event, 'released'));
      try {
        await commitOnce(ctx, {
          writes: [{ Delete: { TableName: table(), Key: slotKey(d.tutorId, slotOf(d.requestedTime)), ConditionExpression: 'holder = :saga AND #status = :held', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':saga': d.sagaId, ':held': 'HELD' } } }],
          events: [reply(true)],
        });
        ctx.logger.info('hold released', { sagaId: d.sagaId, reason: d.reason });
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        // Nothing held by this saga (never held, released before, or another saga's slot): done all the same.
        await commitOnce(ctx, { events: [reply(false)] });
      }
    },
    'lesson.create': async (event, ctx) => {
      const d = event.detail.data;
      const id = (what: string) => causedContext(ctx, NS, event, what);
      const fail = (code: LessonCreationFailedDataCode, reason: string) => commitOnce(ctx, { events: [lessonsEvents.LessonCreationFailed({ sagaId: d.sagaId, code, reason }, id('failed'))] });
      const tutor = findTutor(d.tutorId, tutors);
      if (!tutor?.chatEnabled) {
        await fail('CHAT_UNAVAILABLE', `the chat service has no channel for tutor ${d.tutorId}: no lesson without its chat session`);
        return;
      }
      const slot = slotOf(d.requestedTime);
      const lessonId = lessonIdOf(d.sagaId);
      const chatSessionId = chatSessionIdOf(d.sagaId);
      const at = new Date(now()).toISOString();
      try {
        await commitOnce(ctx, {
          writes: [
            { Update: { TableName: table(), Key: slotKey(d.tutorId, slot), UpdateExpression: 'SET #status = :booked, lessonId = :lesson', ConditionExpression: 'holder = :saga', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':booked': 'BOOKED', ':lesson': lessonId, ':saga': d.sagaId } } },
            { Put: { TableName: table(), Item: { pk: `LESSON#${lessonId}`, sk: 'LESSON', lessonId, bookingId: d.bookingId, studentId: d.studentId, tutorId: d.tutorId, scheduledTime: slot, subject: d.subject, paymentId: d.paymentId, chatSessionId, createdAt: at }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: table(), Item: { pk: `CHAT#${chatSessionId}`, sk: 'CHAT', chatSessionId, lessonId, participants: [d.studentId, d.tutorId], createdAt: at }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
          events: [
            lessonsEvents.LessonCreated({ sagaId: d.sagaId, lessonId, chatSessionId }, id('created')),
            lessonsEvents.LessonScheduled(
              { lessonId, studentId: d.studentId, tutorId: d.tutorId, scheduledTime: slot, subject: d.subject, bookingId: d.bookingId, paymentId: d.paymentId, chatSessionId, bookingRequestedAt: d.requestedAt },
              { ...id('scheduled'), aggregateId: lessonId, sequence: 1 },
            ),
          ],
        });
        ctx.logger.info('lesson created', { sagaId: d.sagaId, lessonId, chatSessionId });
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        await fail('HOLD_LOST', `the saga no longer holds ${d.tutorId} at ${slot}`);
      }
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; events to the lessons outbox. */
export const handler = createLessonsQueueConsumer(makeHandlers({ table: () => config().lessonsTable, now: Date.now }), { outbox: serviceOutbox(() => config().outboxTable) });
