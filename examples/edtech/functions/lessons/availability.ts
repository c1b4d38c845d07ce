// The lessons service's rules (pure): who the tutors are (tutors.json, read-only data of
// the service), when a tutor can take a lesson, and whether a chat session can be opened.
// Lessons last one hour and start on the hour (UTC); a tutor works on `hours.days`
// (0 = Sunday) from `hours.from` to `hours.to` (the last lesson starts at `to - 1`).
import directory from './tutors.json';

export interface Tutor {
  tutorId: string;
  name: string;
  subjects: string[];
  /** EUR per one-hour lesson. */
  lessonPrice: number;
  hours: { days: number[]; from: number; to: number };
  /** False: the chat service has no channel for this tutor yet, so no lesson can be created. */
  chatEnabled: boolean;
}

export const TUTORS: readonly Tutor[] = directory.tutors;

export function findTutor(tutorId: string, tutors: readonly Tutor[] = TUTORS): Tutor | undefined {
  return tutors.find((t) => t.tutorId === tutorId);
}

export type AvailabilityCode = 'UNKNOWN_TUTOR' | 'SUBJECT_NOT_TAUGHT' | 'OUTSIDE_HOURS' | 'IN_THE_PAST';
export type AvailabilityDecision = { ok: true; tutor: Tutor; slot: string } | { ok: false; code: AvailabilityCode; reason: string };

/** The slot key of a lesson start: the ISO hour, so that two spellings of one time are one slot. */
export function slotOf(requestedTime: string): string {
  return new Date(Date.parse(requestedTime)).toISOString();
}

/** Can the tutor teach this subject at this time (before looking at other bookings)? */
export function checkAvailability(request: { tutorId: string; subject: string; requestedTime: string }, now: number, tutors: readonly Tutor[] = TUTORS): AvailabilityDecision {
  const tutor = findTutor(request.tutorId, tutors);
  if (!tutor) return { ok: false, code: 'UNKNOWN_TUTOR', reason: `no tutor ${request.tutorId}` };
  if (!tutor.subjects.includes(request.subject)) return { ok: false, code: 'SUBJECT_NOT_TAUGHT', reason: `${tutor.name} teaches ${tutor.subjects.join(', ')}, not ${request.subject}` };
  const at = new Date(Date.parse(request.requestedTime));
  if (Number.isNaN(at.getTime())) return { ok: false, code: 'OUTSIDE_HOURS', reason: `requestedTime ${request.requestedTime} is not a time` };
  if (at.getTime() <= now) return { ok: false, code: 'IN_THE_PAST', reason: `${at.toISOString()} has passed` };
  if (at.getUTCMinutes() !== 0 || at.getUTCSeconds() !== 0 || at.getUTCMilliseconds() !== 0) return { ok: false, code: 'OUTSIDE_HOURS', reason: `lessons start on the hour, not at ${at.toISOString()}` };
  const hour = at.getUTCHours();
  if (!tutor.hours.days.includes(at.getUTCDay()) || hour < tutor.hours.from || hour + 1 > tutor.hours.to) {
    return { ok: false, code: 'OUTSIDE_HOURS', reason: `${tutor.name} teaches on days ${tutor.hours.days.join(',')} from ${tutor.hours.from}:00 to ${tutor.hours.to}:00 UTC, not at ${at.toISOString()}` };
  }
  return { ok: true, tutor, slot: slotOf(request.requestedTime) };
}
