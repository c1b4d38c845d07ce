// The lesson booking saga (seed 002 7.5). Its steps, replies, compensations and timeouts are
// declared in the spec (asyncapi/booking/service.yaml, x-sagas.lessonBooking); this file
// gives the pure functions: the saga id (the bookingId, as in the seed), its data, each
// command's data and what each reply adds.
//   1 checkAvailability  CheckAvailability  -> AvailabilityConfirmed | AvailabilityRejected   undo: ReleaseAvailabilityHold
//   2 authorizePayment   AuthorizeLessonPayment   -> LessonPaymentAuthorized | LessonPaymentFailed             undo: ReleaseLessonPayment
//   3 createLesson       CreateLesson       -> LessonCreated | LessonCreationFailed          (pivot: lesson + chat session)
// A failure compensates the completed steps in reverse: LessonPaymentFailed releases the slot;
// LessonCreationFailed releases the payment, then the slot.
import type { LessonBookingSagaHandlers } from '../../generated/sagas/booking';

export interface BookingData {
  bookingId: string;
  studentId: string;
  tutorId: string;
  requestedTime: string;
  subject: string;
  requestedAt: string;
  holdId?: string;
  tutorName?: string;
  lessonPrice?: number;
  paymentId?: string;
  lessonId?: string;
  chatSessionId?: string;
}

/** Why the saga compensates, in words, from the engine's reason (it names the failing reply or the timeout). */
export function compensationReason(reason: string | undefined): string {
  if (!reason) return 'booking saga compensating';
  if (reason.includes('payment.failed')) return 'payment authorization failed';
  if (reason.includes('lesson.creation.failed')) return 'lesson creation failed';
  if (/tim/i.test(reason)) return `a step timed out: ${reason}`;
  return reason;
}

export const lessonBooking: LessonBookingSagaHandlers<BookingData> = {
  sagaId: (trigger) => trigger.detail.data.bookingId,
  init: ({ detail: { data: d } }) => ({ bookingId: d.bookingId, studentId: d.studentId, tutorId: d.tutorId, requestedTime: d.requestedTime, subject: d.subject, requestedAt: d.requestedAt }),
  steps: {
    checkAvailability: {
      command: (d) => ({ sagaId: d.bookingId, bookingId: d.bookingId, tutorId: d.tutorId, studentId: d.studentId, requestedTime: d.requestedTime, subject: d.subject }),
      onAvailabilityConfirmed: (d, reply) => ({ ...d, holdId: reply.detail.data.holdId, tutorName: reply.detail.data.tutorName, lessonPrice: reply.detail.data.lessonPrice }),
      compensation: (d, context) => ({ sagaId: d.bookingId, tutorId: d.tutorId, requestedTime: d.requestedTime, ...(d.holdId ? { holdId: d.holdId } : {}), reason: compensationReason(context.reason) }),
    },
    authorizePayment: {
      command: (d) => ({
        sagaId: d.bookingId,
        bookingId: d.bookingId,
        studentId: d.studentId,
        tutorId: d.tutorId,
        // Set by the confirmed availability: this step runs only after it.
        amount: d.lessonPrice ?? 0,
        description: `${d.subject} lesson with ${d.tutorName ?? d.tutorId} at ${d.requestedTime}`,
      }),
      onLessonPaymentAuthorized: (d, reply) => ({ ...d, paymentId: reply.detail.data.paymentId }),
      compensation: (d, context) => ({ sagaId: d.bookingId, ...(d.paymentId ? { paymentId: d.paymentId } : {}), reason: compensationReason(context.reason) }),
    },
    createLesson: {
      command: (d) => ({ sagaId: d.bookingId, bookingId: d.bookingId, studentId: d.studentId, tutorId: d.tutorId, requestedTime: d.requestedTime, subject: d.subject, holdId: d.holdId ?? '', paymentId: d.paymentId ?? '', requestedAt: d.requestedAt }),
      onLessonCreated: (d, reply) => ({ ...d, lessonId: reply.detail.data.lessonId, chatSessionId: reply.detail.data.chatSessionId }),
    },
  },
};

/** What the API shows of a saga: the booking's status in the seed's words. */
export type BookingStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'FAILED';
export function bookingStatus(sagaStatus: string | undefined): BookingStatus {
  if (sagaStatus === 'COMPLETED') return 'CONFIRMED';
  if (sagaStatus === 'COMPENSATED') return 'CANCELLED';
  if (sagaStatus === 'FAILED') return 'FAILED';
  return 'PENDING';
}
