/**
 * Queue lifecycle and configuration: create (idempotent as in SQS), ensure (what a
 * template-driven start wants), delete, attributes with their computed counts, tags, and the
 * rules a RedrivePolicy must follow.
 */
import type { SqsEngine } from './engine';
import { SqsInvalidAttributeNameError, SqsInvalidParameterValueError, SqsQueueNameExistsError } from './errors';
import type { QueueState } from './model';
import { COMPUTED_ATTRIBUTES, configOf, defaultAttributes, normalizeAttributes, parseRedrivePolicy, redriveAllowed, SETTABLE_ATTRIBUTES } from './queue-attributes';
import { countMessages } from './receive';
import type { QueueInfo } from './types';

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** A queue's state as created or restored from a snapshot; FIFO-ness follows from the name, as in SQS. */
export function queueState(saved: Pick<QueueState, 'name' | 'createdAt' | 'lastModifiedAt' | 'attributes' | 'tags' | 'messages' | 'dedup' | 'nextSequence'>): QueueState {
  return { ...saved, fifo: saved.name.endsWith('.fifo'), config: configOf(saved.attributes), waiters: new Set() };
}

/** See `SqsBackend.createQueue`. */
export function createQueue(engine: SqsEngine, name: string, attributes: Readonly<Record<string, string>>, tags: Readonly<Record<string, string>>): QueueInfo {
  const fifo = assertQueueName(name, attributes['FifoQueue']);
  const normalized = normalizeAttributes(attributes, fifo, 'create');
  const existing = engine.queues.byName(name);
  if (existing) {
    for (const [key, value] of Object.entries(normalized)) {
      if ((existing.attributes[key] ?? '') !== value) throw new SqsQueueNameExistsError(name, key);
    }
    return engine.queues.info(existing);
  }
  assertRedriveTarget(engine, engine.queues.arnOf(name), fifo, normalized.RedrivePolicy);
  const now = engine.clock.now();
  const queue = queueState({
    name,
    createdAt: now,
    lastModifiedAt: now,
    attributes: { ...defaultAttributes(fifo), ...dropEmpty(normalized) },
    tags: { ...tags },
    messages: new Map(),
    dedup: new Map(),
    nextSequence: 1,
  });
  engine.queues.add(queue);
  engine.emit('queueCreated', engine.queues.info(queue));
  engine.changed();
  return engine.queues.info(queue);
}

/** See `SqsBackend.ensureQueue`. */
export function ensureQueue(engine: SqsEngine, name: string, attributes: Readonly<Record<string, string>>, tags: Readonly<Record<string, string>>): QueueInfo {
  const queue = engine.queues.byName(name);
  if (!queue) return createQueue(engine, name, attributes, tags);
  const desired: Record<string, string> = { ...defaultAttributes(queue.fifo), RedrivePolicy: '', RedriveAllowPolicy: '', Policy: '', ...attributes };
  delete desired.FifoQueue;
  setQueueAttributes(engine, queue, desired);
  queue.tags = { ...queue.tags, ...tags };
  return engine.queues.info(queue);
}

/** See `SqsBackend.getQueueAttributes`. */
export function getQueueAttributes(engine: SqsEngine, q: QueueState, names: readonly string[]): Record<string, string> {
  for (const name of names) {
    if (name !== 'All' && !SETTABLE_ATTRIBUTES.has(name) && !COMPUTED_ATTRIBUTES.has(name)) {
      throw new SqsInvalidAttributeNameError(name);
    }
  }
  const counts = countMessages(engine, q);
  const all: Record<string, string> = {
    ...q.attributes,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(q.lastModifiedAt / 1000)),
    QueueArn: engine.queues.arnOf(q.name),
  };
  if (names.includes('All')) return all;
  const selected: Record<string, string> = {};
  for (const name of names) {
    const value = all[name];
    if (value !== undefined) selected[name] = value;
  }
  return selected;
}

/** See `SqsBackend.setQueueAttributes`. */
export function setQueueAttributes(engine: SqsEngine, q: QueueState, attributes: Readonly<Record<string, string>>): void {
  const normalized = normalizeAttributes(attributes, q.fifo, 'set');
  assertRedriveTarget(engine, engine.queues.arnOf(q.name), q.fifo, normalized.RedrivePolicy);
  const next = { ...q.attributes };
  for (const [key, value] of Object.entries(normalized)) {
    if (value === '') delete next[key];
    else next[key] = value;
  }
  q.attributes = next;
  q.config = configOf(next);
  q.lastModifiedAt = engine.clock.now();
  engine.changed();
  // A RedrivePolicy change may make a waiting long poll move messages; let it look again.
  engine.wake(q);
}

/** Merges tags in (`remove` absent) or removes the named keys. */
export function retag(engine: SqsEngine, q: QueueState, change: { add: Readonly<Record<string, string>> } | { remove: readonly string[] }): void {
  q.tags = 'add' in change ? { ...q.tags, ...change.add } : Object.fromEntries(Object.entries(q.tags).filter(([key]) => !change.remove.includes(key)));
  engine.changed();
}

/** A RedrivePolicy's DLQ must have the source's type and allow it; a DLQ not created yet is accepted. */
function assertRedriveTarget(engine: SqsEngine, sourceArn: string, fifo: boolean, policy: string | undefined): void {
  if (!policy) return;
  const { deadLetterTargetArn } = parseRedrivePolicy(policy);
  const dlq = engine.queues.resolve(deadLetterTargetArn);
  if (!dlq) return;
  if (dlq.fifo !== fifo) {
    throw new SqsInvalidParameterValueError(`Value ${policy} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source.`);
  }
  if (!redriveAllowed(dlq.config.redriveAllowPolicy, sourceArn)) {
    throw new SqsInvalidParameterValueError(`Value ${policy} for parameter RedrivePolicy is invalid. Reason: Queue ${sourceArn} is not allowed to use ${deadLetterTargetArn} as its dead-letter queue (RedriveAllowPolicy).`);
  }
}

/** AWS's texts for a bad queue name (CreateQueue answers InvalidParameterValue with them verbatim). */
export const QUEUE_NAME_MESSAGES = {
  standard: 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
  fifo: 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
} as const;

/**
 * A queue is FIFO only when CreateQueue says `FifoQueue=true`, and then its name must end in
 * `.fifo`; without it the queue is standard, whose names cannot hold a `.` (so `orders.fifo`
 * alone is refused), as SQS does. Returns whether the queue is FIFO.
 */
function assertQueueName(name: string, fifoQueue: string | undefined): boolean {
  const fifo = typeof fifoQueue === 'string' && fifoQueue.toLowerCase() === 'true';
  if (typeof name !== 'string' || name.length > 80) throw new SqsInvalidParameterValueError(fifo ? QUEUE_NAME_MESSAGES.fifo : QUEUE_NAME_MESSAGES.standard);
  if (fifo) {
    if (!name.endsWith('.fifo') || !QUEUE_NAME.test(name.slice(0, -'.fifo'.length))) throw new SqsInvalidParameterValueError(QUEUE_NAME_MESSAGES.fifo);
  } else if (!QUEUE_NAME.test(name)) {
    throw new SqsInvalidParameterValueError(QUEUE_NAME_MESSAGES.standard);
  }
  return fifo;
}

function dropEmpty(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== ''));
}
