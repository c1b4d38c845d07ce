/** Base of the outbox's errors. */
export class OutboxError extends Error {
  readonly code: string = 'OUTBOX_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboxError';
  }
}

/**
 * An event cannot become an outbox row (no envelope eventId, no source...). Raised by the
 * writers before anything is written; `problems` names every reason.
 */
export class OutboxEventInvalidError extends OutboxError {
  override readonly code = 'OUTBOX_EVENT_INVALID';
  constructor(
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`event(s) cannot be written to the outbox: ${problems.join('; ')}`, options);
    this.name = 'OutboxEventInvalidError';
  }
}

/** An outbox row read back (stream image, query) is not a row the relay can send. */
export class OutboxRowInvalidError extends OutboxError {
  override readonly code = 'OUTBOX_ROW_INVALID';
  constructor(
    readonly id: string | undefined,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`outbox row ${id ?? '(no id)'} cannot be sent: ${reason}`, options);
    this.name = 'OutboxRowInvalidError';
  }
}

/** Reading or updating the outbox table failed (the relay reports the records as failures). */
export class OutboxStoreError extends OutboxError {
  override readonly code = 'OUTBOX_STORE_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboxStoreError';
  }
}

/** `Name: message` of anything thrown, as a row's `lastError` records it. */
export const errorText = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
