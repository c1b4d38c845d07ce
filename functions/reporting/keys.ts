// Where the reporting read model keeps its rows in the read-model table.
import { joinKey, keyPrefix } from '../../lib/read-model';

/** The timeline of one incident (notifications write to the same partition). */
export const incidentKey = (incidentId: string): string => joinKey('INCIDENT', incidentId);
export const TIMELINE = 'TIMELINE';
/** One event in its incident's timeline, in time order. */
export const timelineSortKey = (occurredAt: string, eventId: string): string => joinKey(TIMELINE, occurredAt, eventId);
export const TIMELINE_PREFIX = keyPrefix(TIMELINE);
/** The partition of the counters, one row per detail-type. */
export const COUNTS_KEY = 'COUNTS';
export const countKey = (detailType: string): { pk: string; sk: string } => ({ pk: COUNTS_KEY, sk: detailType });
/** Marks an event without an incident as counted, so a duplicate does not count it twice. */
export const countedMarker = (eventId: string): { pk: string; sk: string } => ({ pk: joinKey('EVENT', eventId), sk: 'COUNTED' });
