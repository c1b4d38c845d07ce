/**
 * What differs between standard and FIFO queues, as one strategy per kind: which send
 * parameters are allowed, deduplication within the 5-minute interval, sequence numbers, and
 * message groups that block each other while a message of the group is in flight. The rest
 * of the engine asks `kindOf(queue)` and never tests `queue.fifo` itself.
 */
import { createHash } from 'node:crypto';
import { SqsInvalidParameterValueError, SqsMissingParameterError } from './errors';
import type { QueueState } from './model';
import { LIMITS } from './queue-attributes';
import type { SendMessageOptions } from './types';

/** FIFO deduplication interval (AWS: 5 minutes). */
export const DEDUPLICATION_INTERVAL_MS = 5 * 60 * 1000;

const GROUP_OR_DEDUP_ID = /^[\x21-\x7E]{1,128}$/;

/** The earlier answer to a message sent again inside the deduplication interval. */
export interface Duplicate {
  readonly messageId: string;
  readonly sequenceNumber?: string;
}

/** A send the queue accepts: the ids to store, or the answer of the duplicate it is. */
export type Admission = { readonly duplicate: Duplicate } | { readonly groupId?: string; readonly dedupId?: string; readonly remember?: (sent: Duplicate) => void };

export interface QueueKind {
  /** The message's delay: the queue's, or the per-message one where this kind allows it. */
  delayFor(q: QueueState, delaySeconds: number | undefined): number;
  /** Checks the group and deduplication ids of a send. */
  admit(q: QueueState, body: string, options: SendMessageOptions, now: number): Admission;
  /** Fields a message takes on entering the queue (send, dead-letter move, redrive). */
  entering(q: QueueState, dedupId: string | undefined): { dedupId?: string; sequenceNumber?: string };
  /** Message groups that cannot be received from now; `undefined` when the kind has no groups. */
  blockedGroups(q: QueueState, now: number): Set<string> | undefined;
}

const standard: QueueKind = {
  delayFor(q, delaySeconds) {
    if (delaySeconds === undefined) return q.config.delaySeconds;
    assertSeconds('DelaySeconds', delaySeconds, LIMITS.delaySeconds);
    return delaySeconds;
  },
  admit(_q, _body, options) {
    const groupId = checkedGroupId(options.messageGroupId);
    if (options.messageDeduplicationId !== undefined) {
      throw new SqsInvalidParameterValueError(`Value ${options.messageDeduplicationId} for parameter MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type.`);
    }
    // Kept and returned on standard queues too (fair queues).
    return groupId === undefined ? {} : { groupId };
  },
  entering: () => ({}),
  blockedGroups: () => undefined,
};

const fifo: QueueKind = {
  delayFor(q, delaySeconds) {
    if (delaySeconds === undefined) return q.config.delaySeconds;
    throw new SqsInvalidParameterValueError(`Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
  },
  admit(q, body, options, now) {
    const groupId = checkedGroupId(options.messageGroupId);
    if (groupId === undefined) throw new SqsMissingParameterError('MessageGroupId');
    const dedupId = options.messageDeduplicationId ?? (q.config.contentBasedDeduplication ? digestSha256(body) : undefined);
    if (dedupId === undefined) {
      throw new SqsInvalidParameterValueError('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
    if (!GROUP_OR_DEDUP_ID.test(dedupId)) {
      throw new SqsInvalidParameterValueError(`Value ${dedupId} for parameter MessageDeduplicationId is invalid. Reason: 1 to 128 alphanumeric or punctuation characters.`);
    }
    const dedupKey = q.attributes.DeduplicationScope === 'messageGroup' ? `${groupId}\u0000${dedupId}` : dedupId;
    pruneDedup(q, now);
    const seen = q.dedup.get(dedupKey);
    // A duplicate inside the interval is accepted and answered like the original, but not enqueued.
    if (seen) return { duplicate: { messageId: seen.messageId, ...(seen.sequenceNumber ? { sequenceNumber: seen.sequenceNumber } : {}) } };
    return { groupId, dedupId, remember: (sent) => q.dedup.set(dedupKey, { ...sent, at: now }) };
  },
  entering(q, dedupId) {
    return { ...(dedupId !== undefined ? { dedupId } : {}), sequenceNumber: String(q.nextSequence++).padStart(20, '0') };
  },
  blockedGroups(q, now) {
    // A group with a message in flight is blocked; `take` adds groups with a message not yet visible ahead.
    const groups = new Set<string>();
    for (const message of q.messages.values()) {
      if (message.groupId !== undefined && message.receiptToken !== undefined && message.visibleAt > now) groups.add(message.groupId);
    }
    return groups;
  },
};

export function kindOf(q: QueueState): QueueKind {
  return q.fifo ? fifo : standard;
}

/** Throws `InvalidParameterValue` unless `value` is a whole number of seconds within the AWS limit. */
export function assertSeconds(parameter: string, value: number, [min, max]: readonly [number, number]): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SqsInvalidParameterValueError(`Value ${value} for parameter ${parameter} is invalid. Reason: Must be between ${min} and ${max}.`);
  }
}

function checkedGroupId(groupId: string | undefined): string | undefined {
  if (groupId !== undefined && !GROUP_OR_DEDUP_ID.test(groupId)) {
    throw new SqsInvalidParameterValueError(`Value ${groupId} for parameter MessageGroupId is invalid. Reason: 1 to 128 alphanumeric or punctuation characters.`);
  }
  return groupId;
}

function pruneDedup(q: QueueState, now: number): void {
  for (const [key, entry] of q.dedup) {
    if (entry.at + DEDUPLICATION_INTERVAL_MS <= now) q.dedup.delete(key);
  }
}

/** Content-based deduplication id: SHA-256 of the body, as SQS does. */
function digestSha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}
