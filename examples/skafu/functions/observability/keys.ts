// Where the observability service keeps its rows in ErrorsTable.
import { joinKey } from '../../../../lib/read-model';

/** The errors of one request: one partition per correlation id. */
export const errorsKey = (correlationId: string): string => joinKey('ERRORS', correlationId);
/** One error in its request, oldest first. */
export const errorSortKey = (occurredAt: string, eventId: string): string => joinKey(occurredAt, eventId);
/** The counter of one error code and producer. */
export const errorCountKey = (producer: string, errorCode: string): { pk: string; sk: string } => ({ pk: 'COUNTS', sk: joinKey(producer, errorCode) });
