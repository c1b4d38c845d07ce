import type { EventContext } from '../envelope';
import type { ErrorEventData } from '../consumer';
import type { OutboxRow } from './row';

/** A row the relay gave up on (marked FAILED): the input of the errors-bus event. */
export interface OutboxFailure {
  id: string;
  /** The row as last read; undefined when it could not be read as a row at all. */
  row?: OutboxRow;
  /** The item as stored, when `row` is undefined. */
  item?: Record<string, unknown>;
  /** The last error (`ThrottlingException: Rate exceeded`, `entry is 300000 bytes...`). */
  reason: string;
  /** Attempts made, this one included. */
  attempts: number;
  /** The row itself is unsendable (invalid, too large): republishing it unchanged cannot succeed. */
  permanent: boolean;
}

/** `OUTBOX_PUBLISH_FAILED`: attempts ran out; `OUTBOX_EVENT_REFUSED`: the row can never be sent as it is. */
export const OUTBOX_ERROR_CODES = { failed: 'OUTBOX_PUBLISH_FAILED', refused: 'OUTBOX_EVENT_REFUSED' } as const;

/** The conventional error data (lib/consumer's), with where the row is. */
export interface OutboxErrorEventData extends Omit<ErrorEventData, 'context'> {
  context: ErrorEventData['context'] & { outboxTable: string; bus?: string; aggregateId?: string; sequence?: number };
}

/** Largest failed detail copied into the error event (PutEvents takes 256 KiB per entry, the error data needs room too). */
export const MAX_FAILED_DETAIL_BYTES = 200 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ERROR_MESSAGE = 4000;
const MAX_ID = 128;
const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * The errors-bus payload for a row given up: severity CRITICAL (an event of the platform
 * will not reach its consumers until someone acts), `failedEvent` = the event as it would
 * have been sent, so it can be republished. Fields are set only when well-formed, so a
 * broken row cannot make the error event itself invalid.
 */
export function toOutboxErrorData(failure: OutboxFailure, where: { service: string; functionName: string; table: string }): OutboxErrorEventData {
  const row = failure.row;
  const what = row ? `${row.detailType} ${failure.id}` : `outbox row ${failure.id}`;
  const message = failure.permanent
    ? `${what} can never be published as stored: ${failure.reason}`
    : `${what} not published after ${failure.attempts} attempt(s); last error: ${failure.reason}`;
  return {
    errorCode: failure.permanent ? OUTBOX_ERROR_CODES.refused : OUTBOX_ERROR_CODES.failed,
    errorMessage: truncate(message, MAX_ERROR_MESSAGE),
    severity: 'CRITICAL',
    context: {
      service: where.service,
      function: where.functionName,
      outboxTable: where.table,
      ...(UUID.test(failure.id) ? { eventId: failure.id } : {}),
      ...(row?.detailType ? { detailType: row.detailType } : {}),
      ...(row?.source ? { source: row.source } : {}),
      ...(row?.bus ? { bus: row.bus } : {}),
      ...(row?.aggregateId ? { aggregateId: row.aggregateId } : {}),
      ...(row?.sequence !== undefined ? { sequence: row.sequence } : {}),
      ...(failure.attempts >= 1 ? { attempt: failure.attempts } : {}),
    },
    canRetry: !failure.permanent,
    failedEvent: row ? failedEventOf(row, where.table) : { outboxItem: failure.item ?? { id: failure.id } },
  };
}

/** The event as it would have been sent; a detail too large to travel inside an error event is replaced by its envelope and a pointer to the row. */
function failedEventOf(row: OutboxRow, table: string): Record<string, unknown> {
  const bytes = Buffer.byteLength(JSON.stringify(row.detail), 'utf8');
  const detail =
    bytes <= MAX_FAILED_DETAIL_BYTES
      ? row.detail
      : { metadata: row.detail['metadata'], detailOmitted: `${bytes} bytes, too large to copy here: read item ${row.id} of table ${table}` };
  return { source: row.source, 'detail-type': row.detailType, detail, resources: row.resources };
}

/** The error event continues the failed event's flow: same correlationId, caused by it. */
export function errorEventContext(failure: OutboxFailure): EventContext {
  const correlationId = failure.row?.correlationId ?? readCorrelationId(failure.row?.detail);
  return {
    ...(correlationId && correlationId.length <= MAX_ID ? { correlationId } : {}),
    ...(failure.id.length <= MAX_ID ? { causationId: failure.id } : {}),
  };
}

function readCorrelationId(detail: unknown): string | undefined {
  const metadata = (detail as { metadata?: { correlationId?: unknown } } | undefined)?.metadata;
  return typeof metadata?.correlationId === 'string' ? metadata.correlationId : undefined;
}
