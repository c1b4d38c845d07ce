import type { ValidationIssue } from './validation';

/** An event cannot become a PutEvents entry (empty source, detail not a JSON object, bad time...). */
export class EnvelopeInvalidError extends Error {
  readonly code = 'ENVELOPE_INVALID';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`event cannot be sent: ${reason}`, options);
    this.name = 'EnvelopeInvalidError';
  }
}

/**
 * Base of the errors the event runtime raises while building, parsing or validating an
 * event (generated builders and dispatchers throw them); `code` is stable across processes.
 * The name stays `GeneratedEventError`: users catch it by that name through generated/index.
 */
export class GeneratedEventError extends Error {
  readonly code: string = 'EVENT_ERROR';
  /** Retrying the same input cannot succeed. */
  readonly retryable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeneratedEventError';
  }
}

/** A payload does not match the spec. */
export class EventValidationError extends GeneratedEventError {
  override readonly code = 'EVENT_SCHEMA_INVALID';
  constructor(
    readonly messageName: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`${messageName} does not match its schema: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`);
    this.name = 'EventValidationError';
  }
}

/** An event arrived whose detail-type (or source) the receiving queue does not expect. */
export class UnknownEventTypeError extends GeneratedEventError {
  override readonly code = 'EVENT_TYPE_UNKNOWN';
  constructor(
    readonly queue: string,
    readonly detailType: string,
    readonly source: string,
  ) {
    super(`queue ${queue} has no handler for detail-type "${detailType}" from source "${source}"`);
    this.name = 'UnknownEventTypeError';
  }
}

/** The input is not an EventBridge event at all. */
export class MalformedEventError extends GeneratedEventError {
  override readonly code = 'EVENT_MALFORMED';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`not an EventBridge event: ${reason}`, options);
    this.name = 'MalformedEventError';
  }
}

/**
 * An upcaster failed on an event that matched its own version's schema: it threw, or its
 * result does not match the next version's schema. Retrying runs the same pure function on
 * the same input, so the event is rejected (errors bus or DLQ) with the step named; fix the
 * upcaster, then replay it.
 */
export class EventUpcastError extends GeneratedEventError {
  override readonly code = 'EVENT_UPCAST_FAILED';
  constructor(
    readonly from: string,
    readonly to: string,
    reason: string,
    readonly issues: ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(`upcaster ${from} -> ${to} ${reason}`, options);
    this.name = 'EventUpcastError';
  }
}
