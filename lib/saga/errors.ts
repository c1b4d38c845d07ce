/** Base of the saga errors; `code` is stable across process boundaries. */
export class SagaError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SagaError';
  }
}

/** A saga definition that cannot run; every problem is named. */
export class SagaDefinitionError extends SagaError {
  constructor(
    readonly saga: string,
    readonly problems: string[],
  ) {
    super('SAGA_DEFINITION_INVALID', `saga ${saga} is not valid: ${problems.join('; ')}`);
    this.name = 'SagaDefinitionError';
  }
}

/** Another writer changed the saga since it was read: decide again on the new state. */
export class SagaConflictError extends SagaError {
  constructor(sagaId: string, expectedVersion: number, options?: { cause?: unknown }) {
    super('SAGA_CONFLICT', `saga ${sagaId} changed after version ${expectedVersion} was read`, options);
    this.name = 'SagaConflictError';
  }
}

/** Reading or writing saga state failed (not a conflict); `cause` is the underlying error. */
export class SagaStoreError extends SagaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SAGA_STORE_FAILED', message, options);
    this.name = 'SagaStoreError';
  }
}
