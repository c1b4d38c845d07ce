/**
 * Long polling: receives that wait up to 20 s for a message. A waiter is served as soon as a
 * message becomes receivable (a send, a visibility change, a redrive) or, while it waits,
 * when the next delayed or in-flight message becomes visible: only that one wake-up timer is
 * armed per queue, everything else is evaluated lazily against the clock.
 */
import type { CancelTimer } from './clock';
import type { SqsEngine } from './engine';
import type { NormalizedReceive, QueueState, Waiter } from './model';
import { SqsInvalidParameterValueError } from './errors';
import { normalizeReceive, take } from './receive';
import type { ReceivedMessage, ReceiveMessagesOptions } from './types';

export class LongPolls {
  private closed = false;

  constructor(private readonly engine: SqsEngine) {}

  /** ReceiveMessage: what is receivable now, or else a wait of the request's (or the queue's) wait time. */
  receive(q: QueueState, options: ReceiveMessagesOptions): Promise<ReceivedMessage[]> {
    const normalized = normalizeReceive(q, options);
    const wait = options.waitTimeSeconds ?? q.config.receiveMessageWaitTimeSeconds;
    if (typeof wait !== 'number' || !(wait >= 0 && wait <= 20)) {
      throw new SqsInvalidParameterValueError(`Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`);
    }
    const first = take(this.engine, q, normalized);
    if (first.length > 0 || wait === 0) return Promise.resolve(first);
    return this.wait(q, normalized, wait, options.signal);
  }

  /** Waits up to `waitSeconds` for messages; resolves `[]` when the wait ends, the signal aborts or the queue goes. */
  private wait(q: QueueState, options: NormalizedReceive, waitSeconds: number, signal: AbortSignal | undefined): Promise<ReceivedMessage[]> {
    if (this.closed || signal?.aborted) return Promise.resolve([]);
    return new Promise<ReceivedMessage[]>((resolve) => {
      let cancelDeadline: CancelTimer = () => undefined;
      const onAbort = (): void => waiter.finish([]);
      const waiter: Waiter = {
        options,
        finish: (messages) => {
          if (!q.waiters.delete(waiter)) return;
          cancelDeadline();
          signal?.removeEventListener('abort', onAbort);
          resolve(messages);
        },
      };
      q.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      cancelDeadline = this.engine.clock.setTimer(() => {
        // One last look: a message may have become visible in the very last millisecond.
        waiter.finish(this.engine.queues.holds(q) ? take(this.engine, q, options) : []);
      }, waitSeconds * 1000);
      this.arm(q);
    });
  }

  /** Hands newly receivable messages to waiting long polls, then re-arms the wake-up timer. */
  serve(q: QueueState): void {
    if (q.waiters.size === 0 || this.closed) return;
    for (const waiter of [...q.waiters]) {
      const messages = take(this.engine, q, waiter.options);
      if (messages.length === 0) break;
      waiter.finish(messages);
    }
    this.arm(q);
  }

  /** Ends the queue's long polls with no messages and stops its timer (queue deleted). */
  end(q: QueueState): void {
    for (const waiter of [...q.waiters]) waiter.finish([]);
    q.cancelWake?.();
    q.cancelWake = undefined;
  }

  /** Ends every long poll; later waits return at once. */
  close(queues: Iterable<QueueState>): void {
    for (const q of queues) this.end(q);
    this.closed = true;
  }

  private arm(q: QueueState): void {
    q.cancelWake?.();
    q.cancelWake = undefined;
    if (q.waiters.size === 0 || this.closed) return;
    const now = this.engine.clock.now();
    let next = Infinity;
    for (const message of q.messages.values()) {
      if (message.visibleAt > now && message.visibleAt < next) next = message.visibleAt;
    }
    if (next === Infinity) return;
    q.cancelWake = this.engine.clock.setTimer(() => {
      q.cancelWake = undefined;
      this.serve(q);
      if (!q.cancelWake) this.arm(q);
    }, next - now);
  }
}
