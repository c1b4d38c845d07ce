/** Base of the event store's errors; `code` is stable (it may be logged or answered). */
export class EventStoreError extends Error {
  readonly code: string = 'EVENT_STORE_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreError';
  }
}

/** Why one item of a cancelled transaction failed (DynamoDB's CancellationReasons, named). */
export interface CancellationDetail {
  /** Position in the TransactItems. */
  index: number;
  /** `ConditionalCheckFailed`, `TransactionConflict`, `ThrottlingError`, `ValidationError`, ... (`None` = this item was fine). */
  code: string;
  message?: string;
  /** What the item is: `event v3 of ord-1`, `outbox row <eventId>`, `write #0 (Put on orders)`... */
  item: string;
}

/** The input cannot be stored as given (missing envelope, wrong sequence, bad write...); nothing was written. */
export class EventStoreInputError extends EventStoreError {
  override readonly code: string = 'EVENT_STORE_INPUT_INVALID';
  constructor(
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`cannot write: ${problems.join('; ')}`, options);
    this.name = 'EventStoreInputError';
  }
}

/** More items than one DynamoDB transaction takes (each event is 2: its row and its outbox row). Nothing was written. */
export class TransactionTooLargeError extends EventStoreInputError {
  override readonly code = 'EVENT_STORE_TRANSACTION_TOO_LARGE';
  constructor(
    readonly items: number,
    readonly limit: number,
    breakdown: string,
  ) {
    super([`${items} items in one transaction (${breakdown}); DynamoDB TransactWriteItems takes at most ${limit}: append fewer events at a time`]);
    this.name = 'TransactionTooLargeError';
  }
}

/**
 * Another writer appended to the aggregate since `expectedVersion` (one of the new versions
 * exists, or a concurrent transaction holds it). Nothing was written: load again, decide again.
 */
export class ConcurrencyError extends EventStoreError {
  override readonly code = 'EVENT_STORE_CONCURRENCY';
  /** The transaction's cancellation reasons (which new version was taken). */
  readonly reasons: CancellationDetail[];
  constructor(
    readonly aggregateId: string,
    readonly expectedVersion: number,
    options?: { cause?: unknown; reasons?: CancellationDetail[] },
  ) {
    super(`aggregate ${aggregateId} is no longer at version ${expectedVersion}: another writer appended first`, options);
    this.name = 'ConcurrencyError';
    this.reasons = options?.reasons ?? [];
  }
}

/**
 * `expectedVersion` is higher than the aggregate's version (that version is not stored):
 * the caller's state did not come from this store. Appending would leave a gap; nothing was written.
 */
export class ExpectedVersionNotFoundError extends EventStoreError {
  override readonly code = 'EVENT_STORE_EXPECTED_VERSION_NOT_FOUND';
  constructor(
    readonly aggregateId: string,
    readonly expectedVersion: number,
    options?: { cause?: unknown },
  ) {
    super(`aggregate ${aggregateId} has no version ${expectedVersion}: append at the version you loaded`, options);
    this.name = 'ExpectedVersionNotFoundError';
  }
}

/**
 * The transaction was cancelled only by failed conditions: of the caller's writes
 * (`failedWrites`: their indexes) and/or of outbox rows whose eventId is already there
 * (`existingEventIds`). Nothing was written.
 */
export class WriteConditionFailedError extends EventStoreError {
  override readonly code: string = 'EVENT_STORE_CONDITION_FAILED';
  constructor(
    readonly failedWrites: number[],
    readonly existingEventIds: string[],
    readonly reasons: CancellationDetail[],
    options?: { cause?: unknown },
  ) {
    super(
      `transaction cancelled by failed condition(s): ${[...failedWrites.map((i) => `write #${i}`), ...existingEventIds.map((id) => `outbox row ${id} exists`)].join(', ')}`,
      options,
    );
    this.name = 'WriteConditionFailedError';
  }
}

/**
 * A WriteConditionFailedError where at least one of the events is already in the outbox
 * (same envelope eventId): this write was made before. With ids derived from the cause
 * (a duplicate delivery), it means "done already"; nothing was written this time.
 */
export class AlreadyWrittenError extends WriteConditionFailedError {
  override readonly code = 'EVENT_STORE_ALREADY_WRITTEN';
  constructor(failedWrites: number[], existingEventIds: string[], reasons: CancellationDetail[], options?: { cause?: unknown }) {
    super(failedWrites, existingEventIds, reasons, options);
    this.name = 'AlreadyWrittenError';
  }
}

/** Cancelled for another reason (throttling, a conflicting transaction on a non-event item, ...): `reasons` lists every item's. */
export class TransactionCancelledError extends EventStoreError {
  override readonly code = 'EVENT_STORE_TRANSACTION_CANCELLED';
  constructor(
    what: string,
    readonly reasons: CancellationDetail[],
    options?: { cause?: unknown },
  ) {
    super(`${what} cancelled: ${describeReasons(reasons)}`, options);
    this.name = 'TransactionCancelledError';
  }
}

/** The write failed before DynamoDB could evaluate it (validation, too large, network...): `cause` says why. */
export class EventStoreWriteError extends EventStoreError {
  override readonly code = 'EVENT_STORE_WRITE_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreWriteError';
  }
}

/** Loading an aggregate failed, or a stored item is not an event row. */
export class EventStoreReadError extends EventStoreError {
  override readonly code = 'EVENT_STORE_READ_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreReadError';
  }
}

/** `item 2 (outbox row x): ConditionalCheckFailed; ...`, failing items only. */
export function describeReasons(reasons: readonly CancellationDetail[]): string {
  const failing = reasons.filter((r) => r.code !== 'None');
  return failing.length ? failing.map((r) => `item ${r.index} (${r.item}): ${r.code}${r.message ? ` ${r.message}` : ''}`).join('; ') : 'no reason given';
}
