/**
 * What the parts of the local SQS share: the clock, the queues, the event emitter, the
 * persistence trigger and the long-poll wake-up. The `SqsBackend` facade builds one and hands
 * it to each part, so no part holds another and each can be read alone.
 */
import type { EventEmitter } from 'node:events';
import type { Clock } from './clock';
import type { QueueState } from './model';
import type { QueueRegistry } from './registry';
import type { SqsEventMap } from './types';

export interface SqsEngine {
  readonly clock: Clock;
  readonly queues: QueueRegistry;
  /** Reports an event; a throwing listener becomes a process warning. */
  emit<K extends keyof SqsEventMap>(event: K, ...args: SqsEventMap[K]): void;
  /** The state changed: persist it within the debounce interval. */
  changed(): void;
  /** Messages of `queue` may have become receivable: hand them to its waiting long polls. */
  wake(queue: QueueState): void;
}

/** Emits an event; a listener that throws becomes a process warning instead of failing the SQS call. */
export function emitSafely<K extends keyof SqsEventMap>(events: EventEmitter<SqsEventMap>, event: K, args: SqsEventMap[K]): void {
  try {
    (events.emit as (event: K, ...args: SqsEventMap[K]) => boolean)(event, ...args);
  } catch (error) {
    process.emitWarning(`local SQS: a '${String(event)}' listener threw: ${error instanceof Error ? error.message : String(error)}`);
  }
}
