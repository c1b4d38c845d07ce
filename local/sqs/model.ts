/**
 * The engine's internal state: stored messages and queues (not part of the public API), and
 * their conversion to and from the JSON snapshot.
 */
import type { CancelTimer } from './clock';
import { md5OfBody, type MessageAttributes, type MessageAttributeValue } from './messages';
import type { PersistedAttribute, PersistedMessage } from './persistence';
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
  visibilityTimeout: number;
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

function persistAttributes(attributes: MessageAttributes): Record<string, PersistedAttribute> {
  const out: Record<string, PersistedAttribute> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      dataType: value.dataType,
      ...(value.stringValue !== undefined ? { stringValue: value.stringValue } : {}),
      ...(value.binaryValue !== undefined ? { binaryValue: Buffer.from(value.binaryValue).toString('base64') } : {}),
    };
  }
  return out;
}

function restoreAttributes(attributes: Record<string, PersistedAttribute>): MessageAttributes {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      dataType: value.dataType,
      ...(value.stringValue !== undefined ? { stringValue: value.stringValue } : {}),
      ...(value.binaryValue !== undefined ? { binaryValue: Buffer.from(value.binaryValue, 'base64') } : {}),
    };
  }
  return out;
}

export function persistMessage(m: StoredMessage): PersistedMessage {
  const { md5OfBody: _digest, messageAttributes, systemAttributes, ...rest } = m;
  return { ...rest, messageAttributes: persistAttributes(messageAttributes), systemAttributes: persistAttributes(systemAttributes) };
}

export function restoreMessage(m: PersistedMessage): StoredMessage {
  return {
    ...m,
    md5OfBody: md5OfBody(m.body),
    messageAttributes: restoreAttributes(m.messageAttributes),
    systemAttributes: restoreAttributes(m.systemAttributes),
  };
}
