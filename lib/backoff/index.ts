/**
 * The one backoff formula of the tree: exponential from `baseMs`, capped at `maxMs`, with
 * jitter so that many retriers do not retry in step. Every retry loop (bus publisher,
 * outbox table, the local cloud's stream poller and rule-target retries) takes its delay here.
 */
export interface Backoff {
  baseMs: number;
  maxMs: number;
  /**
   * `full` (default): random in [0, ceiling), AWS's recommendation for contended calls;
   * `equal`: random in [ceiling/2, ceiling), never retrying at once;
   * `none`: the ceiling itself.
   */
  jitter?: 'full' | 'equal' | 'none';
}

/** Doubling stops here: 2^30 times any base is past every cap, and keeps the number finite. */
const MAX_DOUBLINGS = 30;

/** Delay in ms before retry number `retry` (1-based). */
export function backoffDelay(retry: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(Math.max(retry - 1, 0), MAX_DOUBLINGS));
  switch (backoff.jitter ?? 'full') {
    case 'none':
      return ceiling;
    case 'equal':
      return Math.floor(ceiling * (0.5 + random() / 2));
    default:
      return Math.floor(random() * ceiling);
  }
}
