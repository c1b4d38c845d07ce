import { backoffDelay } from '../backoff';

export interface RetryPolicy {
  /** PutEvents calls per entry, first included (>= 1). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000 };

/** Per-entry PutEvents error codes AWS documents as retryable; every other code is final. */
export const RETRYABLE_ENTRY_ERRORS: ReadonlySet<string> = new Set(['InternalFailure', 'ThrottlingException', 'InternalException', 'ServiceUnavailable']);

const RETRYABLE_CALL_ERRORS = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'InternalFailure', 'InternalException', 'ServiceUnavailable', 'RequestTimeout', 'TimeoutError']);
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN']);

/** Delay before retry number `retry` (1-based) of a policy: full jitter under the policy's capped ceiling. */
export function retryDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  return backoffDelay(retry, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs, jitter: 'full' }, random);
}

/** Whether a failed PutEvents call (not a per-entry failure) may succeed when repeated: throttling, 5xx, network. */
export function isRetryableCallError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; $retryable?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof e.name === 'string' && RETRYABLE_CALL_ERRORS.has(e.name)) return true;
  if (typeof e.code === 'string' && RETRYABLE_NETWORK_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  if (e.$fault === 'server') return true;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && (status >= 500 || status === 429);
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
