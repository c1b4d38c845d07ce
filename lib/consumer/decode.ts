import type { SQSRecord } from 'aws-lambda';
import { MalformedEventError, parseEvent, readMetadata, type EventBridgeEvent, type Route, type ValidationIssue } from '../envelope';
import { describeIssues, isNonRetryable, type Rejection } from './rejection';

/** What is known of a record whatever its body holds: the fields every Rejection of it carries. */
export type RecordFacts = Pick<Rejection, 'queue' | 'attempt' | 'messageId' | 'body' | 'parsed' | 'eventId' | 'correlationId' | 'detailType' | 'source'>;

/** A record decoded: the valid event it carries, or why it can never be processed. */
export type DecodedRecord =
  | { ok: true; event: EventBridgeEvent; facts: RecordFacts; occurredAt: string | undefined }
  | { ok: false; facts: RecordFacts; rejection: Rejection };

/** Routes of a queue by detail-type, as the generated `<queue>Routes` constant holds them. */
export type Routes = { readonly [detailType: string]: Route };

/** SQS receive count of a record (1 = first delivery). */
export function receiveCount(record: Pick<SQSRecord, 'attributes'>): number {
  return Number(record.attributes?.ApproximateReceiveCount) || 1;
}

/**
 * The envelope fields of a parsed body that may be anything, as far as they can be read.
 * Built by assignment, not by spreading optional parts: this runs for every record, and
 * V8 makes one small object this way instead of a temporary per optional field.
 */
function factsOf(base: RecordFacts, input: unknown): { facts: RecordFacts; occurredAt: string | undefined } {
  const raw = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const metadata = readMetadata(raw['detail']);
  const detailType = raw['detail-type'];
  const source = raw['source'];
  const facts: RecordFacts = { queue: base.queue, attempt: base.attempt, messageId: base.messageId, body: base.body, parsed: input };
  if (metadata.eventId) facts.eventId = metadata.eventId;
  if (metadata.correlationId) facts.correlationId = metadata.correlationId;
  if (typeof detailType === 'string' && detailType) facts.detailType = detailType;
  if (typeof source === 'string' && source) facts.source = source;
  return { facts, occurredAt: metadata.occurredAt };
}

/**
 * Parses an SQS record of an EventBridge rule target and checks it against the queue's
 * routes: the typed event, or the Rejection of a body that can never be processed (not
 * JSON, not an EventBridge event, unknown detail-type or source, detail invalid against the
 * spec). Pure; any other error of the validator is thrown (the record is then retried).
 */
export function decodeRecord(record: Pick<SQSRecord, 'messageId' | 'body' | 'attributes'>, queue: string, routes: Routes): DecodedRecord {
  const base: RecordFacts = { queue, attempt: receiveCount(record), messageId: record.messageId, body: record.body };
  let input: unknown;
  try {
    input = JSON.parse(record.body);
  } catch (cause) {
    const error = new MalformedEventError(`SQS message body is not JSON: ${(cause as Error).message}`, { cause });
    return { ok: false, facts: base, rejection: { ...base, errorCode: error.code, reason: error.message, canRetry: false } };
  }
  const { facts, occurredAt } = factsOf(base, input);
  try {
    return { ok: true, event: parseEvent(queue, routes, input) as EventBridgeEvent, facts, occurredAt };
  } catch (error) {
    if (!isNonRetryable(error)) throw error;
    const e = error as Error & { code: string; issues?: ValidationIssue[] };
    // A schema error names the detail-type as received (an older version is checked against its own schema before any upcaster runs).
    const reason = e.code === 'EVENT_SCHEMA_INVALID' && e.issues ? `${facts.detailType ?? 'event'} does not match its schema: ${describeIssues(e.issues)}` : e.message;
    return { ok: false, facts, rejection: { ...facts, errorCode: e.code, reason, canRetry: false, ...(e.issues?.length ? { issues: e.issues } : {}) } };
  }
}

/** Logger keys of a record: on every line logged while it is handled. */
export function recordLogKeys(facts: RecordFacts): Record<string, string | undefined> {
  if (!('parsed' in facts)) return { queue: facts.queue, messageId: facts.messageId };
  return { correlationId: facts.correlationId, eventId: facts.eventId, detailType: facts.detailType, queue: facts.queue, messageId: facts.messageId };
}

/** The keys `recordLogKeys` may set, removed once the record is done. */
export const RECORD_LOG_KEYS = ['correlationId', 'eventId', 'detailType', 'queue', 'messageId'];

/** A handler error that means the input itself is bad (NonRetryableEventError...): its Rejection. */
export function handlerRejection(facts: RecordFacts, error: unknown): Rejection | undefined {
  if (!isNonRetryable(error)) return undefined;
  const e = error as Error & { code: string };
  return { ...facts, errorCode: e.code, reason: e.message, canRetry: false };
}

/** The report of a handler that failed on the record's last receive (it goes to the DLQ next). */
export function finalFailure(facts: RecordFacts, error: Error): Rejection {
  return { ...facts, errorCode: 'HANDLER_FAILED', reason: `${error.name}: ${error.message}`, canRetry: true, ...(error.stack ? { stackTrace: error.stack } : {}) };
}
