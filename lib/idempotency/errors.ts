/** Idempotency was asked for explicitly but cannot be set up (no table name). */
export class IdempotencyConfigError extends Error {
  readonly code = 'IDEMPOTENCY_CONFIG_INVALID';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdempotencyConfigError';
  }
}
