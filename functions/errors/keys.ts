// Where the errors service keeps its rows in the read-model table.
import { joinKey } from '../../lib/read-model';

/** The errors of one flow: one partition per correlation id. */
export const errorsKey = (correlationId: string): string => joinKey('ERRORS', correlationId);
/** One error in its flow, oldest first. */
export const errorSortKey = (occurredAt: string, eventId: string): string => joinKey(occurredAt, eventId);
/** The counter of one error code, beside reporting's counters. */
export const errorCountKey = (errorCode: string): { pk: string; sk: string } => ({ pk: 'COUNTS', sk: joinKey('ERROR', errorCode) });
