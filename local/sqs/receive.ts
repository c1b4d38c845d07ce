/**
 * Messages leaving the visible set: receive (with FIFO group blocking and the move of
 * over-received messages to the dead-letter queue), receipt handles, delete, visibility
 * changes, purge, retention expiry and the counts GetQueueAttributes reports. Message state
 * is evaluated lazily against the clock: a message is visible when `visibleAt <= now`.
 */
import { randomUUID } from 'node:crypto';
import type { SqsEngine } from './engine';
import { SqsInvalidParameterValueError, SqsMessageNotInflightError, SqsReceiptHandleIsInvalidError } from './errors';
import { md5OfMessageAttributes, selectMessageAttributes } from './messages';
import type { NormalizedReceive, QueueState, StoredMessage } from './model';
import { LIMITS } from './queue-attributes';
import { assertSeconds, kindOf } from './queue-kind';
import { insert } from './send';
import type { ReceivedMessage, ReceiveMessagesOptions } from './types';

/** AWS limit: messages per ReceiveMessage. */
export const RECEIVE_MAX_MESSAGES = 10;

/** Checks and completes receive options against the queue's defaults. */
export function normalizeReceive(q: QueueState, options: ReceiveMessagesOptions): NormalizedReceive {
  const max = options.max ?? options.maxNumberOfMessages ?? 1;
  if (!Number.isInteger(max) || max < 1 || max > RECEIVE_MAX_MESSAGES) {
    throw new SqsInvalidParameterValueError(`Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and ${RECEIVE_MAX_MESSAGES}, if provided.`);
  }
  if (options.visibilityTimeout !== undefined) assertSeconds('VisibilityTimeout', options.visibilityTimeout, LIMITS.visibilityTimeout);
  return {
    max,
    visibilityTimeout: options.visibilityTimeout,
    attributeNames: options.attributeNames ?? [],
    messageAttributeNames: options.messageAttributeNames ?? [],
  };
}

/** Takes up to `max` receivable messages now, moving over-received ones to the DLQ on the way. */
export function take(engine: SqsEngine, q: QueueState, options: NormalizedReceive): ReceivedMessage[] {
  const now = engine.clock.now();
  const out: ReceivedMessage[] = [];
  const counts: number[] = [];
  const retentionMs = q.config.messageRetentionPeriod * 1000;
  const redrive = q.config.redrivePolicy;
  const dlq = redrive ? engine.queues.resolve(redrive.deadLetterTargetArn) : undefined;
  const blocked = kindOf(q).blockedGroups(q, now);
  let changed = false;
  for (const message of q.messages.values()) {
    if (out.length >= options.max) break;
    if (message.sentAt + retentionMs <= now) {
      expire(engine, q, message);
      changed = true;
      continue;
    }
    if (message.visibleAt > now) {
      // Not yet visible: later messages of its group must wait for it.
      if (blocked && message.groupId !== undefined) blocked.add(message.groupId);
      continue;
    }
    if (blocked && message.groupId !== undefined && blocked.has(message.groupId)) continue;
    if (redrive && dlq && dlq !== q && message.receiveCount >= redrive.maxReceiveCount) {
      moveToDeadLetterQueue(engine, q, message, dlq, now);
      changed = true;
      continue;
    }
    message.receiveCount += 1;
    message.firstReceivedAt ??= now;
    message.visibleAt = now + (options.visibilityTimeout ?? q.config.visibilityTimeout) * 1000;
    message.receiptToken = randomUUID();
    out.push(toReceived(q, message, options));
    counts.push(message.receiveCount);
    changed = true;
  }
  if (changed) engine.changed();
  out.forEach((message, n) => engine.emit('received', { queue: engine.queues.info(q), messageId: message.messageId, receiveCount: counts[n] ?? 0 }));
  return out;
}

/**
 * Deletes the message a receipt handle points to. Returns `false` (and deletes nothing) when
 * the handle is stale or the message is already gone; a handle this queue never issued throws.
 */
export function deleteMessage(engine: SqsEngine, q: QueueState, receiptHandle: string): boolean {
  const handle = decodeHandle(q, receiptHandle);
  const message = q.messages.get(handle.messageId);
  if (!message || message.receiptToken !== handle.token) return false;
  q.messages.delete(message.id);
  engine.emit('deleted', { queue: engine.queues.info(q), messageId: message.id });
  engine.changed();
  return true;
}

/** Changes the visibility timeout of an in-flight message, counted from now. */
export function changeVisibility(engine: SqsEngine, q: QueueState, receiptHandle: string, visibilityTimeout: number): void {
  const handle = decodeHandle(q, receiptHandle);
  assertSeconds('VisibilityTimeout', visibilityTimeout, LIMITS.visibilityTimeout);
  const message = q.messages.get(handle.messageId);
  if (!message || message.receiptToken !== handle.token) {
    throw new SqsInvalidParameterValueError(`Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
  }
  const now = engine.clock.now();
  if (message.visibleAt <= now) throw new SqsMessageNotInflightError();
  message.visibleAt = now + visibilityTimeout * 1000;
  engine.changed();
  engine.wake(q);
}

/** Deletes every message of the queue (in flight and delayed too); returns how many. */
export function purge(engine: SqsEngine, q: QueueState): number {
  const count = q.messages.size;
  q.messages.clear();
  engine.emit('purged', { queue: engine.queues.info(q), count });
  engine.changed();
  return count;
}

/** Visible, in-flight and delayed messages now; expired ones are dropped on the way. */
export function countMessages(engine: SqsEngine, q: QueueState): { visible: number; inFlight: number; delayed: number } {
  const now = engine.clock.now();
  const retentionMs = q.config.messageRetentionPeriod * 1000;
  let visible = 0;
  let inFlight = 0;
  let delayed = 0;
  for (const message of q.messages.values()) {
    if (message.sentAt + retentionMs <= now) {
      expire(engine, q, message);
      engine.changed();
    } else if (message.visibleAt <= now) visible += 1;
    else if (message.receiptToken !== undefined) inFlight += 1;
    else delayed += 1;
  }
  return { visible, inFlight, delayed };
}

function expire(engine: SqsEngine, q: QueueState, message: StoredMessage): void {
  q.messages.delete(message.id);
  engine.emit('expired', { queue: engine.queues.info(q), messageId: message.id });
}

/**
 * Moves a message to the DLQ as SQS does for standard queues: same id, body, attributes,
 * receive count and enqueue timestamp (so the DLQ's retention counts from the original send),
 * plus the `DeadLetterQueueSourceArn` attribute. On FIFO queues the deduplication id becomes
 * the message id.
 */
function moveToDeadLetterQueue(engine: SqsEngine, source: QueueState, message: StoredMessage, dlq: QueueState, now: number): void {
  source.messages.delete(message.id);
  const moved: StoredMessage = { ...message, visibleAt: now, deadLetterSourceArn: engine.queues.arnOf(source.name), ...kindOf(dlq).entering(dlq, message.id) };
  delete moved.receiptToken;
  insert(dlq, moved);
  engine.emit('movedToDlq', { queue: engine.queues.info(source), deadLetterQueue: engine.queues.info(dlq), messageId: moved.id, receiveCount: moved.receiveCount });
  engine.wake(dlq);
}

function toReceived(q: QueueState, m: StoredMessage, options: NormalizedReceive): ReceivedMessage {
  const system: Record<string, string> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
  };
  const trace = m.systemAttributes.AWSTraceHeader?.stringValue;
  if (trace !== undefined) system.AWSTraceHeader = trace;
  if (m.deadLetterSourceArn !== undefined) system.DeadLetterQueueSourceArn = m.deadLetterSourceArn;
  if (m.groupId !== undefined) system.MessageGroupId = m.groupId;
  if (m.dedupId !== undefined) system.MessageDeduplicationId = m.dedupId;
  if (m.sequenceNumber !== undefined) system.SequenceNumber = m.sequenceNumber;
  const wantsAll = options.attributeNames.includes('All');
  const attributes = wantsAll ? system : Object.fromEntries(Object.entries(system).filter(([name]) => options.attributeNames.includes(name)));
  const messageAttributes = selectMessageAttributes(m.messageAttributes, options.messageAttributeNames);
  const digest = md5OfMessageAttributes(messageAttributes);
  return {
    messageId: m.id,
    receiptHandle: encodeHandle(q.name, m.id, m.receiptToken ?? ''),
    body: m.body,
    md5OfBody: m.md5OfBody,
    attributes,
    messageAttributes,
    ...(digest ? { md5OfMessageAttributes: digest } : {}),
  };
}

function encodeHandle(queueName: string, messageId: string, token: string): string {
  return Buffer.from(`${queueName}\u0000${messageId}\u0000${token}`, 'utf8').toString('base64url');
}

function decodeHandle(q: QueueState, receiptHandle: string): { messageId: string; token: string } {
  const parts = typeof receiptHandle === 'string' ? Buffer.from(receiptHandle, 'base64url').toString('utf8').split('\u0000') : [];
  const [queueName, messageId, token] = parts;
  if (parts.length !== 3 || queueName !== q.name || !messageId || !token) throw new SqsReceiptHandleIsInvalidError(String(receiptHandle));
  return { messageId, token };
}
