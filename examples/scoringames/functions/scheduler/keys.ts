// Where the scheduler keeps things in SchedulesTable (its only table), and its ids.
import { randomBytes } from 'node:crypto';
import { nameUuid } from '../../../../lib/ids';
import { joinKey } from '../../../../lib/read-model';

/** Namespace of the scheduler's name-based ids (lib/ids). */
export const SCHEDULER_NAMESPACE = '5c0e2d7a-8b1f-4e3c-9a6d-2f4b8e1c7a90';

/** A schedule request's id, as seed 000 shows it: `req-<epoch ms>-<6 lowercase letters or digits>`. */
export function newRequestId(now: number, random: () => Buffer = () => randomBytes(6)): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...random()].map((b) => alphabet[b % alphabet.length]).join('');
  return `req-${now}-${suffix}`;
}

/** The schedule a round makes: one per request, the same id on a redelivery. */
export const scheduleIdOf = (requestId: string): string => nameUuid(SCHEDULER_NAMESPACE, 'schedule', requestId);

export const requestKey = (requestId: string): { pk: string; sk: string } => ({ pk: joinKey('REQUEST', requestId), sk: 'REQUEST' });
export const gatherKey = (requestId: string): { pk: string; sk: string } => ({ pk: joinKey('GATHER', requestId), sk: 'STATE' });
export const schedulePk = (eventId: string): string => joinKey('EVENT', eventId);
export const scheduleKey = (eventId: string, scheduleId: string): { pk: string; sk: string } => ({ pk: schedulePk(eventId), sk: joinKey('SCHEDULE', scheduleId) });
export const SCHEDULE_SK_PREFIX = 'SCHEDULE#';
