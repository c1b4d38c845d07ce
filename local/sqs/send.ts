/**
 * Messages entering a queue: SendMessage (validation, digests, FIFO admission through the
 * queue's kind) and the fresh copy a move task puts into its destination.
 */
import { randomUUID } from 'node:crypto';
import type { SqsEngine } from './engine';
import { SqsInvalidParameterValueError, SqsMissingParameterError } from './errors';
import { assertValidBody, assertValidMessageAttributes, md5OfBody, md5OfMessageAttributes, messageSize } from './messages';
import type { QueueState, StoredMessage } from './model';
import { kindOf } from './queue-kind';
import type { SendMessageOptions, SendMessageResult } from './types';

/** Sends one message. Throws an `SqsError` (InvalidMessageContents, InvalidParameterValue...) as SQS would. */
export function sendMessage(engine: SqsEngine, q: QueueState, body: string, options: SendMessageOptions): SendMessageResult {
  if (typeof body !== 'string' || body.length === 0) throw new SqsMissingParameterError('MessageBody');
  assertValidBody(body);
  const messageAttributes = options.messageAttributes ?? {};
  const systemAttributes = options.messageSystemAttributes ?? {};
  assertValidMessageAttributes(messageAttributes, 'message');
  assertValidMessageAttributes(systemAttributes, 'system');
  const size = messageSize(body, messageAttributes);
  if (size > q.config.maximumMessageSize) {
    throw new SqsInvalidParameterValueError(`One or more parameters are invalid. Reason: Message must be shorter than ${q.config.maximumMessageSize} bytes.`);
  }
  const kind = kindOf(q);
  const delaySeconds = kind.delayFor(q, options.delaySeconds);
  const md5OfMessageAttributesValue = md5OfMessageAttributes(messageAttributes);
  const md5OfSystemAttributes = md5OfMessageAttributes(systemAttributes);
  const digests = {
    md5OfMessageBody: md5OfBody(body),
    ...(md5OfMessageAttributesValue ? { md5OfMessageAttributes: md5OfMessageAttributesValue } : {}),
    ...(md5OfSystemAttributes ? { md5OfMessageSystemAttributes: md5OfSystemAttributes } : {}),
  };
  const admission = kind.admit(q, body, options, engine.clock.now());
  if ('duplicate' in admission) return { ...admission.duplicate, ...digests };
  const now = engine.clock.now();
  const message: StoredMessage = {
    id: randomUUID(),
    body,
    md5OfBody: digests.md5OfMessageBody,
    messageAttributes,
    systemAttributes,
    sentAt: now,
    senderId: options.senderId ?? engine.queues.accountId,
    visibleAt: now + delaySeconds * 1000,
    receiveCount: 0,
    ...(admission.groupId !== undefined ? { groupId: admission.groupId } : {}),
    ...kind.entering(q, admission.dedupId),
  };
  insert(q, message);
  engine.emit('sent', { queue: engine.queues.info(q), messageId: message.id, body: message.body, delaySeconds });
  engine.changed();
  engine.wake(q);
  const sent = { messageId: message.id, ...(message.sequenceNumber ? { sequenceNumber: message.sequenceNumber } : {}) };
  admission.remember?.(sent);
  return { ...sent, ...digests };
}

/** A redriven message starts afresh in its destination: receive count 0, new enqueue time (same id). */
export function redriveMessage(engine: SqsEngine, source: QueueState, destination: QueueState, message: StoredMessage, taskHandle: string): void {
  const now = engine.clock.now();
  const fresh: StoredMessage = {
    id: message.id,
    body: message.body,
    md5OfBody: message.md5OfBody,
    messageAttributes: message.messageAttributes,
    systemAttributes: message.systemAttributes,
    sentAt: now,
    senderId: message.senderId,
    visibleAt: now + destination.config.delaySeconds * 1000,
    receiveCount: 0,
    ...(message.groupId !== undefined ? { groupId: message.groupId } : {}),
    ...kindOf(destination).entering(destination, message.dedupId ?? message.id),
  };
  insert(destination, fresh);
  engine.emit('redriven', { source: engine.queues.info(source), destination: engine.queues.info(destination), messageId: fresh.id, taskHandle });
  engine.wake(destination);
}

/** Adds a message, giving it a fresh id if the queue already holds one with the same id. */
export function insert(q: QueueState, message: StoredMessage): void {
  if (q.messages.has(message.id)) message.id = randomUUID();
  q.messages.set(message.id, message);
}
