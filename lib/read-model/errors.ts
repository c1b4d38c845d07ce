/** Base of the read model's errors; `code` is stable (it may be logged or answered). */
export class ReadModelError extends Error {
  readonly code: string = 'READ_MODEL_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelError';
  }
}

/** A write was refused before it was sent (no item, too many items) or failed; nothing was written. */
export class ReadModelWriteError extends ReadModelError {
  override readonly code = 'READ_MODEL_WRITE_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelWriteError';
  }
}

/** A query failed; `cause` says why. */
export class ReadModelReadError extends ReadModelError {
  override readonly code = 'READ_MODEL_READ_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelReadError';
  }
}
