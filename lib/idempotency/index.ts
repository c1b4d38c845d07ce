export { createIdempotency, DEFAULT_IDEMPOTENCY_TTL_SECONDS } from './idempotency';
export type { Idempotency, IdempotencyOptions } from './idempotency';
export { IdempotencyConfigError } from './errors';
