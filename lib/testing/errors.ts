/** Base of the contract harness's errors; `code` is stable. */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ContractError';
  }
}

/** `contract()` was given a queue or service the catalog does not have (or a service with several queues), or an operation its queue does not receive. */
export class ContractTargetError extends ContractError {
  constructor(message: string) {
    super('CONTRACT_TARGET_UNKNOWN', message);
    this.name = 'ContractTargetError';
  }
}

/** A receive operation's examples were not all accepted; the message has one line per failure. */
export class ContractFailedError extends ContractError {
  constructor(
    readonly operationId: string,
    readonly failures: readonly string[],
    message: string,
  ) {
    super('CONTRACT_FAILED', message);
    this.name = 'ContractFailedError';
  }
}
