/** Base of the event store's errors. */
export class EventStoreError extends Error {
  readonly code: string = 'EVENT_STORE_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreError';
  }
}

/** Another writer appended to the aggregate first: load again, decide again. */
export class ConcurrencyError extends EventStoreError {
  override readonly code = 'EVENT_STORE_CONFLICT';
  constructor(
    readonly aggregateId: string,
    readonly expectedVersion: number,
    options?: { cause?: unknown },
  ) {
    super(`aggregate ${aggregateId} is no longer at version ${expectedVersion}: another writer appended first`, options);
    this.name = 'ConcurrencyError';
  }
}

/** A write guarded by "must not exist" found its items there: the same work was done before. */
export class AlreadyWrittenError extends EventStoreError {
  override readonly code = 'ALREADY_WRITTEN';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlreadyWrittenError';
  }
}

/** The events cannot be stored as given (missing envelope, wrong sequence, too many for a transaction). */
export class EventStoreInputError extends EventStoreError {
  override readonly code = 'EVENT_STORE_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreInputError';
  }
}

/** The transaction was cancelled for another reason (throttling, a caller's condition...). */
export class TransactionFailedError extends EventStoreError {
  override readonly code = 'EVENT_STORE_TRANSACTION_FAILED';
  constructor(
    message: string,
    readonly reasons: { code: string; message?: string }[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransactionFailedError';
  }
}
