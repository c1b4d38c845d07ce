/**
 * The engine's internal state: stored messages and queues (not part of the public API).
 * `snapshot.ts` turns it into the JSON snapshot and back.
 */
import type { CancelTimer } from './clock';
import type { MessageAttributes } from './messages';
import type { QueueConfig } from './queue-attributes';
import type { ReceivedMessage } from './types';

export interface StoredMessage {
  id: string;
  body: string;
  md5OfBody: string;
  messageAttributes: MessageAttributes;
  systemAttributes: MessageAttributes;
  sentAt: number;
  senderId: string;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Token of the newest receipt handle; older handles no longer delete or change the message. */
  receiptToken?: string;
  deadLetterSourceArn?: string;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
}

export interface NormalizedReceive {
  max: number;
  /** The request's VisibilityTimeout; undefined: the queue's, read when messages are taken (a long poll outlives a SetQueueAttributes). */
  visibilityTimeout: number | undefined;
  attributeNames: readonly string[];
  messageAttributeNames: readonly string[];
}

export interface Waiter {
  readonly options: NormalizedReceive;
  finish(messages: ReceivedMessage[]): void;
}

export interface QueueState {
  readonly name: string;
  readonly fifo: boolean;
  readonly createdAt: number;
  lastModifiedAt: number;
  attributes: Record<string, string>;
  config: QueueConfig;
  tags: Record<string, string>;
  /** In send order (Map keeps insertion order). */
  messages: Map<string, StoredMessage>;
  dedup: Map<string, { messageId: string; sequenceNumber?: string; at: number }>;
  nextSequence: number;
  waiters: Set<Waiter>;
  cancelWake?: CancelTimer;
}
