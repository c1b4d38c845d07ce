/**
 * The queues of one local SQS and how callers name them: by name, URL (any host), ARN or
 * `QueueInfo`. URLs and ARNs are derived from the name, so changing `baseUrl` renames every
 * queue URL at once.
 */
import { SqsQueueDoesNotExistError } from './errors';
import type { QueueState } from './model';
import type { QueueInfo, QueueRef } from './types';

export class QueueRegistry {
  private readonly queues = new Map<string, QueueState>();
  private base: string;

  constructor(
    readonly region: string,
    readonly accountId: string,
    baseUrl: string,
  ) {
    this.base = trimSlash(baseUrl);
  }

  get baseUrl(): string {
    return this.base;
  }
  set baseUrl(value: string) {
    this.base = trimSlash(value);
  }

  add(queue: QueueState): void {
    this.queues.set(queue.name, queue);
  }

  remove(queue: QueueState): void {
    this.queues.delete(queue.name);
  }

  /** Whether `queue` is still the registered one (a deleted queue may be held by a pending long poll). */
  holds(queue: QueueState): boolean {
    return this.queues.get(queue.name) === queue;
  }

  byName(name: string): QueueState | undefined {
    return this.queues.get(name);
  }

  all(): IterableIterator<QueueState> {
    return this.queues.values();
  }

  /** Queues whose name starts with `prefix`, sorted by name. */
  sorted(prefix = ''): QueueState[] {
    return [...this.queues.values()].filter((q) => q.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Queues whose RedrivePolicy targets `dlq`, sorted by name. */
  deadLetterSourcesOf(dlq: QueueState): QueueState[] {
    const arn = this.arnOf(dlq.name);
    return this.sorted().filter((q) => q.config.redrivePolicy?.deadLetterTargetArn === arn);
  }

  /** Whether some queue's RedrivePolicy targets this ARN. */
  isDeadLetterQueue(arn: string): boolean {
    return [...this.queues.values()].some((q) => q.config.redrivePolicy?.deadLetterTargetArn === arn);
  }

  info(q: QueueState): QueueInfo {
    return { name: q.name, url: `${this.base}/${this.accountId}/${q.name}`, arn: this.arnOf(q.name), fifo: q.fifo };
  }

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  /** Name, URL (`.../<account>/<name>`, any host), ARN (`arn:aws:sqs:<region>:<account>:<name>`) or `QueueInfo`. */
  resolve(ref: QueueRef): QueueState | undefined {
    if (typeof ref === 'object' && ref !== null) return this.queues.get(ref.name);
    if (typeof ref !== 'string' || ref.length === 0) return undefined;
    if (ref.startsWith('arn:')) {
      const parts = ref.split(':');
      if (parts.length !== 6 || parts[2] !== 'sqs') return undefined;
      return this.queues.get(parts[5] ?? '');
    }
    if (ref.includes('://')) {
      let url: URL;
      try {
        url = new URL(ref);
      } catch {
        return undefined;
      }
      const name = url.pathname.split('/').filter(Boolean).at(-1);
      return name === undefined ? undefined : this.queues.get(decodeURIComponent(name));
    }
    return this.queues.get(ref);
  }

  /** As `resolve`, but throws `QueueDoesNotExist`. */
  require(ref: QueueRef): QueueState {
    const q = this.resolve(ref);
    if (!q) throw new SqsQueueDoesNotExistError(typeof ref === 'string' ? ref : ref.arn);
    return q;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
