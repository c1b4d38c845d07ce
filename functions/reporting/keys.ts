// Where the reporting read model keeps its rows in the read-model table.
import { createHash } from 'node:crypto';
import { joinKey, keyPrefix } from '../../lib/read-model';

/** The timeline of one incident (notifications write to the same partition). */
export const incidentKey = (incidentId: string): string => joinKey('INCIDENT', incidentId);
export const TIMELINE = 'TIMELINE';
/** One event in its incident's timeline, in time order. */
export const timelineSortKey = (occurredAt: string, eventId: string): string => joinKey(TIMELINE, occurredAt, eventId);
export const TIMELINE_PREFIX = keyPrefix(TIMELINE);
/**
 * The partition of the counters: per detail-type, COUNT_SHARDS rows (`<detailType>#<shard>`),
 * the shard chosen by the event id. One row per type was a hot item: every event of a type
 * incremented it in its transaction, so concurrent batches conflicted (TransactionConflict)
 * and retried; the sum over the shards is the count.
 */
export const COUNTS_KEY = 'COUNTS';
export const COUNT_SHARDS = 8;
export const countShard = (eventId: string): number => createHash('sha1').update(eventId).digest().readUInt32BE(0) % COUNT_SHARDS;
export const countKey = (detailType: string, eventId: string): { pk: string; sk: string } => ({ pk: COUNTS_KEY, sk: `${detailType}#${countShard(eventId)}` });
/** The detail-type a counter row counts. */
export const countedType = (sk: string): string => sk.slice(0, sk.lastIndexOf('#'));
/** Marks an event without an incident as counted, so a duplicate does not count it twice. */
export const countedMarker = (eventId: string): { pk: string; sk: string } => ({ pk: joinKey('EVENT', eventId), sk: 'COUNTED' });
