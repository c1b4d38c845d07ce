import type { EventContext, ValidationIssue } from '../envelope';
import { NonRetryableEventError } from './errors';

/** Error codes of the generated runtime that mean "this input can never be processed". */
const INPUT_ERROR_CODES: ReadonlySet<string> = new Set(['EVENT_MALFORMED', 'EVENT_TYPE_UNKNOWN', 'EVENT_SCHEMA_INVALID', 'EVENT_UPCAST_FAILED']);
const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ERROR_MESSAGE = 4000;
const MAX_STACK_TRACE = 32000;
/** Longest correlation or causation id an envelope takes (the spec's maxLength). */
const MAX_ENVELOPE_ID = 128;

/**
 * Why a record was not processed, in terms lib knows (no event names, no schema): the
 * input for the errors-bus event the caller's builder makes.
 */
export interface Rejection {
  /** Stable code: EVENT_MALFORMED, EVENT_TYPE_UNKNOWN, EVENT_SCHEMA_INVALID, EVENT_UPCAST_FAILED, a NonRetryableEventError code, or HANDLER_FAILED. */
  errorCode: string;
  /** One line naming what failed: for schema errors every `path message [keyword]`. */
  reason: string;
  issues?: ValidationIssue[];
  /** Whether a replay can succeed: false for rejected input, true for a handler that kept failing. */
  canRetry: boolean;
  queue: string;
  /** SQS receive count (1 = first delivery). */
  attempt: number;
  messageId: string;
  /** The SQS body as received. */
  body: string;
  /** The body as JSON, when it parsed. */
  parsed?: unknown;
  eventId?: string;
  correlationId?: string;
  detailType?: string;
  source?: string;
  stackTrace?: string;
}

/** Whether an error thrown while parsing or handling means the input itself is bad. */
export function isNonRetryable(error: unknown): boolean {
  if (error instanceof NonRetryableEventError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; retryable?: unknown };
  return e.retryable === false && typeof e.code === 'string' && INPUT_ERROR_CODES.has(e.code);
}

/** `/data/location/lat must be <= 90 [maximum]; / missing required property "data" [required]`. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.path || '/'} ${i.message} [${i.keyword}]`).join('; ');
}

/** The conventional errors-bus payload (seed 003's error event: code, message, severity, context, canRetry, failed event). */
export interface ErrorEventData {
  errorCode: string;
  errorMessage: string;
  severity: 'WARNING' | 'ERROR' | 'CRITICAL';
  context: {
    service: string;
    function: string;
    eventId?: string;
    detailType?: string;
    queue?: string;
    attempt?: number;
    messageId?: string;
    source?: string;
    issues?: { path: string; keyword: string; message: string }[];
  };
  stackTrace?: string;
  canRetry: boolean;
  /** The EventBridge event as received, or `{ body }` when the body was not a JSON object. */
  failedEvent?: Record<string, unknown>;
}

const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * Maps a Rejection to the conventional error event data. Fields are only set when they
 * are well-formed (an eventId only if it is a UUID...), so a garbage input cannot make the
 * error event itself invalid.
 */
export function toErrorEventData(rejection: Rejection, where: { service: string; functionName: string }): ErrorEventData {
  const parsed = rejection.parsed;
  const failedEvent = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { body: rejection.body };
  return {
    errorCode: ERROR_CODE.test(rejection.errorCode) ? rejection.errorCode : 'EVENT_REJECTED',
    errorMessage: truncate(rejection.reason || rejection.errorCode, MAX_ERROR_MESSAGE),
    severity: 'ERROR',
    context: {
      service: where.service,
      function: where.functionName,
      ...(rejection.eventId && UUID.test(rejection.eventId) ? { eventId: rejection.eventId } : {}),
      ...(rejection.detailType ? { detailType: rejection.detailType } : {}),
      queue: rejection.queue,
      attempt: rejection.attempt,
      messageId: rejection.messageId,
      ...(rejection.source ? { source: rejection.source } : {}),
      ...(rejection.issues?.length ? { issues: rejection.issues.map(({ path, keyword, message }) => ({ path, keyword, message })) } : {}),
    },
    ...(rejection.stackTrace ? { stackTrace: truncate(rejection.stackTrace, MAX_STACK_TRACE) } : {}),
    canRetry: rejection.canRetry,
    failedEvent,
  };
}

/**
 * The EventContext of a rejection's error event: it keeps the rejected event's correlationId
 * and names it as the cause, when those ids fit an envelope (a garbage input must not make
 * the error event itself invalid).
 */
export function rejectionContext(rejection: Pick<Rejection, 'correlationId' | 'eventId'>): EventContext {
  return {
    ...(rejection.correlationId && rejection.correlationId.length <= MAX_ENVELOPE_ID ? { correlationId: rejection.correlationId } : {}),
    ...(rejection.eventId && rejection.eventId.length <= MAX_ENVELOPE_ID ? { causationId: rejection.eventId } : {}),
  };
}
