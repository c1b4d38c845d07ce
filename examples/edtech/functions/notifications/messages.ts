// What the notifications service tells whom when a lesson is scheduled (pure): the seed's
// sendLessonConfirmation (student) and sendLessonNotification (tutor).
import type { LessonScheduledData } from '../../generated';

export interface Notification {
  notificationId: string;
  userId: string;
  kind: 'LESSON_CONFIRMATION' | 'LESSON_NOTIFICATION';
  lessonId: string;
  text: string;
}

export function lessonNotifications(d: LessonScheduledData): Notification[] {
  const when = d.scheduledTime.replace('T', ' ').replace(/:00(\.000)?Z$/, ' UTC');
  const chat = d.chatSessionId ? ` Chat session ${d.chatSessionId} is open.` : '';
  return [
    { notificationId: `${d.lessonId}-student`, userId: d.studentId, kind: 'LESSON_CONFIRMATION', lessonId: d.lessonId, text: `Your ${d.subject} lesson with ${d.tutorId} is confirmed for ${when}.${chat}` },
    { notificationId: `${d.lessonId}-tutor`, userId: d.tutorId, kind: 'LESSON_NOTIFICATION', lessonId: d.lessonId, text: `New ${d.subject} lesson with ${d.studentId} on ${when}.${chat}` },
  ];
}
