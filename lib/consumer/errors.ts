/** Base of the consumer stack's errors. */
export class ConsumerError extends Error {
  readonly code: string = 'CONSUMER_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConsumerError';
  }
}

/**
 * Thrown by a handler when the event can never be processed (retrying cannot help, e.g.
 * an unsupported version): the record is not retried but published to the errors bus
 * with this code and message, like a schema-invalid event.
 */
export class NonRetryableEventError extends ConsumerError {
  readonly retryable = false;
  /** Stable machine-readable code, `^[A-Z][A-Z0-9_]*$` (used as the error event's errorCode). */
  override readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableEventError';
    this.code = code;
  }
}

/**
 * A non-retryable record could not be published to the errors bus. The record is reported
 * as a batch item failure instead, so SQS redrives it to the DLQ after maxReceiveCount.
 */
export class ErrorEventPublishError extends ConsumerError {
  override readonly code = 'ERROR_EVENT_NOT_PUBLISHED';
  constructor(
    readonly messageId: string,
    readonly errorCode: string,
    options?: { cause?: unknown },
  ) {
    super(`record ${messageId} was rejected (${errorCode}) but its error event could not be published: ${(options?.cause as Error | undefined)?.message ?? 'unknown error'}`, options);
    this.name = 'ErrorEventPublishError';
  }
}

/** A record was rejected and no error event builder is configured: it goes to the DLQ. */
export class EventRejectedError extends ConsumerError {
  override readonly code = 'EVENT_REJECTED_NO_ERRORS_BUS';
  constructor(
    readonly messageId: string,
    readonly errorCode: string,
    reason: string,
  ) {
    super(`record ${messageId} rejected (${errorCode}: ${reason}); no error event configured, it will reach the DLQ after maxReceiveCount receives`);
    this.name = 'EventRejectedError';
  }
}

/** A handler called `ctx.commit` on a consumer made without an `outbox`: a wiring mistake, retried like any handler error. */
export class OutboxMissingError extends ConsumerError {
  override readonly code = 'CONSUMER_OUTBOX_MISSING';
  constructor(readonly queue: string) {
    super(`ctx.commit on ${queue}: this consumer has no outbox; create it with createSqsConsumer({ ..., outbox: createOutboxWriter() }) (lib/event-store)`);
    this.name = 'OutboxMissingError';
  }
}
