/**
 * The in-process SQS engine: queues, messages, visibility, delays, retention, long polling,
 * redrive to dead-letter queues and DLQ redrive (message move tasks). It speaks no HTTP:
 * `protocol.ts` maps the AWS JSON protocol onto it, and other parts of the local runtime
 * (EventBridge targets, the Lambda event-source poller) call it directly.
 *
 * Time is the injected `Clock` (milliseconds). The API takes seconds where SQS does.
 * Message state is evaluated lazily against the clock (a message is visible when
 * `visibleAt <= now`); timers are only armed for long-poll wake-ups and move tasks.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { systemClock, type CancelTimer, type Clock } from './clock';
import {
  SqsInvalidAttributeNameError,
  SqsInvalidParameterValueError,
  SqsMessageNotInflightError,
  SqsMissingParameterError,
  SqsQueueDoesNotExistError,
  SqsQueueNameExistsError,
  SqsReceiptHandleIsInvalidError,
} from './errors';
import {
  assertValidBody,
  assertValidMessageAttributes,
  md5OfBody,
  md5OfMessageAttributes,
  messageSize,
  selectMessageAttributes,
} from './messages';
import { persistMessage, restoreMessage, type NormalizedReceive, type QueueState, type StoredMessage, type Waiter } from './model';
import { MessageMoveTasks } from './move-tasks';
import { SnapshotStore, SNAPSHOT_VERSION, type SqsSnapshot } from './persistence';
import { COMPUTED_ATTRIBUTES, configOf, defaultAttributes, LIMITS, normalizeAttributes, parseRedrivePolicy, redriveAllowed, SETTABLE_ATTRIBUTES } from './queue-attributes';
import type {
  MessageMoveTask,
  QueueInfo,
  QueueRef,
  ReceivedMessage,
  ReceiveMessagesOptions,
  SendMessageOptions,
  SendMessageResult,
  SqsBackendOptions,
  SqsEventMap,
} from './types';

export type {
  MessageMoveTask,
  MessageMoveTaskStatus,
  QueueInfo,
  QueueRef,
  ReceivedMessage,
  ReceiveMessagesOptions,
  SendMessageOptions,
  SendMessageResult,
  SqsBackendOptions,
  SqsEventMap,
} from './types';
export { MOVE_TASK_MAX_RATE } from './move-tasks';

/** FIFO deduplication interval (AWS: 5 minutes). */
export const DEDUPLICATION_INTERVAL_MS = 5 * 60 * 1000;
/** AWS limit: messages per ReceiveMessage. */
export const RECEIVE_MAX_MESSAGES = 10;

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const GROUP_OR_DEDUP_ID = /^[\x21-\x7E]{1,128}$/;

/**
 * The local SQS service, usable without HTTP.
 *
 * @example
 * const sqs = new SqsBackend({ region: 'eu-west-1', accountId: '000000000000', baseUrl: 'http://127.0.0.1:4566' });
 * sqs.createQueue('orders-dlq');
 * sqs.createQueue('orders', { VisibilityTimeout: '30', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: sqs.getQueue('orders-dlq').arn, maxReceiveCount: 3 }) });
 * sqs.sendMessage('orders', '{"id":1}');
 * const [message] = await sqs.receiveMessages('orders', { max: 10, waitTimeSeconds: 20, attributeNames: ['All'] });
 * if (message) sqs.deleteMessage('orders', message.receiptHandle);
 * await sqs.close();
 */
export class SqsBackend {
  readonly region: string;
  readonly accountId: string;
  readonly events = new EventEmitter<SqsEventMap>();
  private base: string;
  private readonly clock: Clock;
  private readonly queues = new Map<string, QueueState>();
  private readonly moveTasks: MessageMoveTasks;
  private readonly store: SnapshotStore | undefined;
  private closed = false;

  constructor(options: SqsBackendOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.base = trimSlash(options.baseUrl ?? 'http://127.0.0.1:4566');
    this.clock = options.clock ?? systemClock;
    this.moveTasks = new MessageMoveTasks({
      clock: this.clock,
      queueByArn: (arn) => (arn.startsWith('arn:') ? this.resolve(arn) : undefined),
      arnOf: (q) => this.arnOf(q.name),
      isDeadLetterQueue: (arn) => [...this.queues.values()].some((q) => q.config.redrivePolicy?.deadLetterTargetArn === arn),
      redrive: (source, destination, message, taskHandle) => this.redrive(source, destination, message, taskHandle),
      changed: () => this.changed(),
    });
    if (options.dataDir !== undefined) {
      this.store = new SnapshotStore(options.dataDir, options.persistDebounceMs ?? 100);
      const snapshot = this.store.load();
      if (snapshot) this.restore(snapshot);
    }
  }

  /** Origin of queue URLs; URLs are derived, so changing it renames every queue URL. */
  get baseUrl(): string {
    return this.base;
  }
  set baseUrl(value: string) {
    this.base = trimSlash(value);
  }

  // ---------------------------------------------------------------- queues

  /**
   * Creates a queue. `attributes` are SQS API attributes as strings (`RedrivePolicy` is a JSON
   * string). A name ending in `.fifo` makes a FIFO queue. Creating an existing queue with the
   * same attribute values returns it; different values throw `QueueNameExists`, as in SQS.
   */
  createQueue(name: string, attributes: Readonly<Record<string, string>> = {}, tags: Readonly<Record<string, string>> = {}): QueueInfo {
    const fifo = assertQueueName(name);
    const normalized = normalizeAttributes(attributes, fifo, 'create');
    const existing = this.queues.get(name);
    if (existing) {
      for (const [key, value] of Object.entries(normalized)) {
        if ((existing.attributes[key] ?? '') !== value) throw new SqsQueueNameExistsError(name, key);
      }
      return this.info(existing);
    }
    this.assertRedriveTarget(this.arnOf(name), fifo, normalized.RedrivePolicy);
    const now = this.clock.now();
    const stored = { ...defaultAttributes(fifo), ...dropEmpty(normalized) };
    const queue: QueueState = {
      name,
      fifo,
      createdAt: now,
      lastModifiedAt: now,
      attributes: stored,
      config: configOf(stored),
      tags: { ...tags },
      messages: new Map(),
      dedup: new Map(),
      nextSequence: 1,
      waiters: new Set(),
    };
    this.queues.set(name, queue);
    this.emit('queueCreated', this.info(queue));
    this.changed();
    return this.info(queue);
  }

  /**
   * Creates the queue or, when it exists, makes its attributes exactly `attributes` over the
   * defaults (unlisted policies are removed): what a template-driven runtime wants on every start.
   */
  ensureQueue(name: string, attributes: Readonly<Record<string, string>> = {}, tags: Readonly<Record<string, string>> = {}): QueueInfo {
    const queue = this.queues.get(name);
    if (!queue) return this.createQueue(name, attributes, tags);
    const desired: Record<string, string> = { ...defaultAttributes(queue.fifo), RedrivePolicy: '', RedriveAllowPolicy: '', Policy: '', ...attributes };
    delete desired.FifoQueue;
    this.setQueueAttributes(name, desired);
    queue.tags = { ...queue.tags, ...tags };
    return this.info(queue);
  }

  /** Deletes a queue and its messages; pending long polls on it return empty. */
  deleteQueue(queue: QueueRef): void {
    const q = this.require(queue);
    this.queues.delete(q.name);
    for (const waiter of [...q.waiters]) waiter.finish([]);
    q.cancelWake?.();
    this.emit('queueDeleted', this.info(q));
    this.changed();
  }

  /** The queue named by a name, URL or ARN; throws `QueueDoesNotExist`. */
  getQueue(queue: QueueRef): QueueInfo {
    return this.info(this.require(queue));
  }

  /** The queue named by a name, URL or ARN, or `undefined`. */
  findQueue(queue: QueueRef): QueueInfo | undefined {
    const q = this.resolve(queue);
    return q ? this.info(q) : undefined;
  }

  /** Queues whose name starts with `prefix`, sorted by name. */
  listQueues(prefix = ''): QueueInfo[] {
    return [...this.queues.values()]
      .filter((q) => q.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((q) => this.info(q));
  }

  /** Queues whose RedrivePolicy targets this queue. */
  listDeadLetterSourceQueues(queue: QueueRef): QueueInfo[] {
    const arn = this.arnOf(this.require(queue).name);
    return this.listQueues().filter((q) => this.queues.get(q.name)?.config.redrivePolicy?.deadLetterTargetArn === arn);
  }

  /**
   * Queue attributes as SQS returns them (all strings). `names` may hold `All` (the default)
   * or attribute names; an unknown name throws `InvalidAttributeName`.
   */
  getQueueAttributes(queue: QueueRef, names: readonly string[] = ['All']): Record<string, string> {
    const q = this.require(queue);
    for (const name of names) {
      if (name !== 'All' && !SETTABLE_ATTRIBUTES.has(name) && !COMPUTED_ATTRIBUTES.has(name)) {
        throw new SqsInvalidAttributeNameError(name);
      }
    }
    const counts = this.count(q);
    const all: Record<string, string> = {
      ...q.attributes,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(q.lastModifiedAt / 1000)),
      QueueArn: this.arnOf(q.name),
    };
    if (names.includes('All')) return all;
    const selected: Record<string, string> = {};
    for (const name of names) {
      const value = all[name];
      if (value !== undefined) selected[name] = value;
    }
    return selected;
  }

  /** Sets attributes (SQS API strings); `''` removes `RedrivePolicy`, `RedriveAllowPolicy` or `Policy`. */
  setQueueAttributes(queue: QueueRef, attributes: Readonly<Record<string, string>>): void {
    const q = this.require(queue);
    const normalized = normalizeAttributes(attributes, q.fifo, 'set');
    this.assertRedriveTarget(this.arnOf(q.name), q.fifo, normalized.RedrivePolicy);
    const next = { ...q.attributes };
    for (const [key, value] of Object.entries(normalized)) {
      if (value === '') delete next[key];
      else next[key] = value;
    }
    q.attributes = next;
    q.config = configOf(next);
    q.lastModifiedAt = this.clock.now();
    this.changed();
    // A RedrivePolicy change may make a waiting long poll move messages; let it look again.
    this.serveWaiters(q);
  }

  tagQueue(queue: QueueRef, tags: Readonly<Record<string, string>>): void {
    const q = this.require(queue);
    q.tags = { ...q.tags, ...tags };
    this.changed();
  }

  untagQueue(queue: QueueRef, keys: readonly string[]): void {
    const q = this.require(queue);
    q.tags = Object.fromEntries(Object.entries(q.tags).filter(([key]) => !keys.includes(key)));
    this.changed();
  }

  listQueueTags(queue: QueueRef): Record<string, string> {
    return { ...this.require(queue).tags };
  }

  // -------------------------------------------------------------- messages

  /** Sends one message. Throws an `SqsError` (InvalidMessageContents, InvalidParameterValue...) as SQS would. */
  sendMessage(queue: QueueRef, body: string, options: SendMessageOptions = {}): SendMessageResult {
    const q = this.require(queue);
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
    const delaySeconds = this.delayFor(q, options.delaySeconds);
    const now = this.clock.now();
    const md5OfMessageAttributesValue = md5OfMessageAttributes(messageAttributes);
    const md5OfSystemAttributes = md5OfMessageAttributes(systemAttributes);
    const digests = {
      md5OfMessageBody: md5OfBody(body),
      ...(md5OfMessageAttributesValue ? { md5OfMessageAttributes: md5OfMessageAttributesValue } : {}),
      ...(md5OfSystemAttributes ? { md5OfMessageSystemAttributes: md5OfSystemAttributes } : {}),
    };

    const groupId = options.messageGroupId;
    if (groupId !== undefined && !GROUP_OR_DEDUP_ID.test(groupId)) {
      throw new SqsInvalidParameterValueError(`Value ${groupId} for parameter MessageGroupId is invalid. Reason: 1 to 128 alphanumeric or punctuation characters.`);
    }
    if (q.fifo) {
      if (groupId === undefined) throw new SqsMissingParameterError('MessageGroupId');
      const dedupId = options.messageDeduplicationId ?? (q.config.contentBasedDeduplication ? digestSha256(body) : undefined);
      if (dedupId === undefined) {
        throw new SqsInvalidParameterValueError('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
      if (!GROUP_OR_DEDUP_ID.test(dedupId)) {
        throw new SqsInvalidParameterValueError(`Value ${dedupId} for parameter MessageDeduplicationId is invalid. Reason: 1 to 128 alphanumeric or punctuation characters.`);
      }
      const dedupKey = q.attributes.DeduplicationScope === 'messageGroup' ? `${groupId}\u0000${dedupId}` : dedupId;
      this.pruneDedup(q, now);
      const seen = q.dedup.get(dedupKey);
      // A duplicate inside the interval is accepted and answered like the original, but not enqueued.
      if (seen) return { messageId: seen.messageId, ...digests, ...(seen.sequenceNumber ? { sequenceNumber: seen.sequenceNumber } : {}) };
      const message = this.enqueue(q, {
        id: randomUUID(),
        body,
        messageAttributes,
        systemAttributes,
        senderId: options.senderId ?? this.accountId,
        delaySeconds,
        groupId,
        dedupId,
      });
      q.dedup.set(dedupKey, { messageId: message.id, ...(message.sequenceNumber ? { sequenceNumber: message.sequenceNumber } : {}), at: now });
      return { messageId: message.id, ...digests, ...(message.sequenceNumber ? { sequenceNumber: message.sequenceNumber } : {}) };
    }
    if (options.messageDeduplicationId !== undefined) {
      throw new SqsInvalidParameterValueError(`Value ${options.messageDeduplicationId} for parameter MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type.`);
    }
    const message = this.enqueue(q, {
      id: randomUUID(),
      body,
      messageAttributes,
      systemAttributes,
      senderId: options.senderId ?? this.accountId,
      delaySeconds,
      groupId,
    });
    return { messageId: message.id, ...digests };
  }

  /**
   * Receives up to `max` messages. With a wait time (long polling) it resolves as soon as at
   * least one message can be returned, or with `[]` when the wait ends. A message already
   * received `maxReceiveCount` times is moved to the dead-letter queue instead of being
   * returned, as SQS does on the receive that would exceed the count.
   */
  async receiveMessages(queue: QueueRef, options: ReceiveMessagesOptions = {}): Promise<ReceivedMessage[]> {
    const q = this.require(queue);
    const normalized = this.normalizeReceive(q, options);
    const wait = options.waitTimeSeconds ?? q.config.receiveMessageWaitTimeSeconds;
    if (typeof wait !== 'number' || !(wait >= 0 && wait <= 20)) {
      throw new SqsInvalidParameterValueError(`Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`);
    }
    const first = this.take(q, normalized);
    if (first.length > 0 || wait === 0 || this.closed) return first;
    const signal = options.signal;
    if (signal?.aborted) return [];
    return new Promise<ReceivedMessage[]>((resolve) => {
      let cancelDeadline: CancelTimer = () => undefined;
      const onAbort = (): void => waiter.finish([]);
      const waiter: Waiter = {
        options: normalized,
        finish: (messages) => {
          if (!q.waiters.delete(waiter)) return;
          cancelDeadline();
          signal?.removeEventListener('abort', onAbort);
          resolve(messages);
        },
      };
      q.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      cancelDeadline = this.clock.setTimer(() => {
        // One last look: a message may have become visible in the very last millisecond.
        waiter.finish(this.queues.get(q.name) === q ? this.take(q, normalized) : []);
      }, wait * 1000);
      this.armWake(q);
    });
  }

  /**
   * Deletes the message a receipt handle points to. Returns `false` (and deletes nothing) when
   * the handle is stale (the message was received again since) or the message is already gone:
   * SQS answers success in both cases. A handle this queue never issued throws
   * `ReceiptHandleIsInvalid`.
   */
  deleteMessage(queue: QueueRef, receiptHandle: string): boolean {
    const q = this.require(queue);
    const handle = this.decodeHandle(q, receiptHandle);
    const message = q.messages.get(handle.messageId);
    if (!message || message.receiptToken !== handle.token) return false;
    q.messages.delete(message.id);
    this.emit('deleted', { queue: this.info(q), messageId: message.id });
    this.changed();
    return true;
  }

  /**
   * Changes the visibility timeout of an in-flight message, counted from now. A stale handle or
   * a deleted message throws `InvalidParameterValue`; a message whose visibility has already
   * expired throws `MessageNotInflight`.
   */
  changeVisibility(queue: QueueRef, receiptHandle: string, visibilityTimeout: number): void {
    const q = this.require(queue);
    const handle = this.decodeHandle(q, receiptHandle);
    assertSeconds('VisibilityTimeout', visibilityTimeout, LIMITS.visibilityTimeout);
    const message = q.messages.get(handle.messageId);
    if (!message || message.receiptToken !== handle.token) {
      throw new SqsInvalidParameterValueError(`Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
    }
    const now = this.clock.now();
    if (message.visibleAt <= now) throw new SqsMessageNotInflightError();
    message.visibleAt = now + visibilityTimeout * 1000;
    this.changed();
    this.serveWaiters(q);
  }

  /** Deletes every message of the queue (in flight and delayed too); returns how many. */
  purge(queue: QueueRef): number {
    const q = this.require(queue);
    const count = q.messages.size;
    q.messages.clear();
    this.emit('purged', { queue: this.info(q), count });
    this.changed();
    return count;
  }

  // ------------------------------------------------------------ move tasks

  /**
   * Starts moving the messages of a dead-letter queue back to their source queues (or to
   * `destinationArn`). Messages present at start are moved, oldest first; in-flight ones when
   * their visibility ends. `maxNumberOfMessagesPerSecond` (1-500) paces the move; without it
   * messages move as fast as possible. One running task per source queue.
   */
  startMessageMoveTask(sourceArn: string, options: { destinationArn?: string; maxNumberOfMessagesPerSecond?: number } = {}): { taskHandle: string } {
    return this.moveTasks.start(sourceArn, options);
  }

  /** The most recent move tasks of a source queue, newest first (`maxResults` 1-10, default 1). */
  listMessageMoveTasks(sourceArn: string, maxResults = 1): MessageMoveTask[] {
    return this.moveTasks.list(sourceArn, maxResults);
  }

  /** Cancels a running move task; messages already moved stay moved. */
  cancelMessageMoveTask(taskHandle: string): { approximateNumberOfMessagesMoved: number } {
    return this.moveTasks.cancel(taskHandle);
  }

  // ------------------------------------------------------------- lifecycle

  /** Writes pending state to disk now (no-op without a data folder). */
  async flush(): Promise<void> {
    if (!this.store) return;
    if (!this.closed) this.store.schedule(() => this.snapshot());
    await this.store.flush();
  }

  /** Ends pending long polls (empty), stops timers and writes the state. The backend must not be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const q of this.queues.values()) {
      for (const waiter of [...q.waiters]) waiter.finish([]);
      q.cancelWake?.();
      q.cancelWake = undefined;
    }
    this.moveTasks.stop();
    if (this.store) this.store.schedule(() => this.snapshot());
    this.closed = true;
    await this.store?.flush();
    this.events.removeAllListeners();
  }

  // ------------------------------------------------------------- internals

  private info(q: QueueState): QueueInfo {
    return { name: q.name, url: `${this.base}/${this.accountId}/${q.name}`, arn: this.arnOf(q.name), fifo: q.fifo };
  }

  private arnOf(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  /** Name, URL (`.../<account>/<name>`, any host), ARN (`arn:aws:sqs:<region>:<account>:<name>`) or `QueueInfo`. */
  private resolve(ref: QueueRef): QueueState | undefined {
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

  private require(ref: QueueRef): QueueState {
    const q = this.resolve(ref);
    if (!q) throw new SqsQueueDoesNotExistError(typeof ref === 'string' ? ref : ref.arn);
    return q;
  }

  /** A RedrivePolicy's DLQ must have the source's type and allow it; a DLQ not created yet is accepted. */
  private assertRedriveTarget(sourceArn: string, fifo: boolean, policy: string | undefined): void {
    if (!policy) return;
    const { deadLetterTargetArn } = parseRedrivePolicy(policy);
    const dlq = this.resolve(deadLetterTargetArn);
    if (!dlq) return;
    if (dlq.fifo !== fifo) {
      throw new SqsInvalidParameterValueError(`Value ${policy} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source.`);
    }
    if (!redriveAllowed(dlq.config.redriveAllowPolicy, sourceArn)) {
      throw new SqsInvalidParameterValueError(`Value ${policy} for parameter RedrivePolicy is invalid. Reason: Queue ${sourceArn} is not allowed to use ${deadLetterTargetArn} as its dead-letter queue (RedriveAllowPolicy).`);
    }
  }

  private delayFor(q: QueueState, delaySeconds: number | undefined): number {
    if (delaySeconds === undefined) return q.config.delaySeconds;
    if (q.fifo) {
      throw new SqsInvalidParameterValueError(`Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
    }
    assertSeconds('DelaySeconds', delaySeconds, LIMITS.delaySeconds);
    return delaySeconds;
  }

  private normalizeReceive(q: QueueState, options: ReceiveMessagesOptions): NormalizedReceive {
    const max = options.max ?? options.maxNumberOfMessages ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > RECEIVE_MAX_MESSAGES) {
      throw new SqsInvalidParameterValueError(`Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and ${RECEIVE_MAX_MESSAGES}, if provided.`);
    }
    const visibilityTimeout = options.visibilityTimeout ?? q.config.visibilityTimeout;
    assertSeconds('VisibilityTimeout', visibilityTimeout, LIMITS.visibilityTimeout);
    return {
      max,
      visibilityTimeout,
      attributeNames: options.attributeNames ?? [],
      messageAttributeNames: options.messageAttributeNames ?? [],
    };
  }

  private enqueue(
    q: QueueState,
    m: Pick<StoredMessage, 'id' | 'body' | 'messageAttributes' | 'systemAttributes' | 'senderId'> & { delaySeconds: number; groupId?: string; dedupId?: string },
  ): StoredMessage {
    const now = this.clock.now();
    const message: StoredMessage = {
      id: m.id,
      body: m.body,
      md5OfBody: md5OfBody(m.body),
      messageAttributes: m.messageAttributes,
      systemAttributes: m.systemAttributes,
      sentAt: now,
      senderId: m.senderId,
      visibleAt: now + m.delaySeconds * 1000,
      receiveCount: 0,
      ...(m.groupId !== undefined ? { groupId: m.groupId } : {}),
      ...(m.dedupId !== undefined ? { dedupId: m.dedupId } : {}),
      ...(q.fifo ? { sequenceNumber: this.nextSequence(q) } : {}),
    };
    this.insert(q, message);
    this.emit('sent', { queue: this.info(q), messageId: message.id, body: message.body, delaySeconds: m.delaySeconds });
    this.changed();
    this.serveWaiters(q);
    return message;
  }

  /** Adds a message, giving it a fresh id if the queue already holds one with the same id. */
  private insert(q: QueueState, message: StoredMessage): void {
    if (q.messages.has(message.id)) message.id = randomUUID();
    q.messages.set(message.id, message);
  }

  private nextSequence(q: QueueState): string {
    return String(q.nextSequence++).padStart(20, '0');
  }

  private pruneDedup(q: QueueState, now: number): void {
    for (const [key, entry] of q.dedup) {
      if (entry.at + DEDUPLICATION_INTERVAL_MS <= now) q.dedup.delete(key);
    }
  }

  /** Takes up to `max` receivable messages now, moving over-received ones to the DLQ on the way. */
  private take(q: QueueState, options: NormalizedReceive): ReceivedMessage[] {
    const now = this.clock.now();
    const out: ReceivedMessage[] = [];
    const counts: number[] = [];
    const retentionMs = q.config.messageRetentionPeriod * 1000;
    const redrive = q.config.redrivePolicy;
    const dlq = redrive ? this.resolve(redrive.deadLetterTargetArn) : undefined;
    // FIFO: a group with a message in flight (or not yet visible ahead in the group) is blocked.
    const blocked = q.fifo ? this.groupsInFlight(q, now) : undefined;
    let changed = false;
    for (const message of q.messages.values()) {
      if (out.length >= options.max) break;
      if (message.sentAt + retentionMs <= now) {
        this.expire(q, message);
        changed = true;
        continue;
      }
      if (message.visibleAt > now) {
        if (blocked && message.groupId !== undefined) blocked.add(message.groupId);
        continue;
      }
      if (blocked && message.groupId !== undefined && blocked.has(message.groupId)) continue;
      if (redrive && dlq && dlq !== q && message.receiveCount >= redrive.maxReceiveCount) {
        this.moveToDeadLetterQueue(q, message, dlq, now);
        changed = true;
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + options.visibilityTimeout * 1000;
      message.receiptToken = randomUUID();
      out.push(this.toReceived(q, message, options));
      counts.push(message.receiveCount);
      changed = true;
    }
    if (changed) this.changed();
    out.forEach((message, n) => this.emit('received', { queue: this.info(q), messageId: message.messageId, receiveCount: counts[n] ?? 0 }));
    return out;
  }

  private groupsInFlight(q: QueueState, now: number): Set<string> {
    const groups = new Set<string>();
    for (const message of q.messages.values()) {
      if (message.groupId !== undefined && message.receiptToken !== undefined && message.visibleAt > now) groups.add(message.groupId);
    }
    return groups;
  }

  private toReceived(q: QueueState, m: StoredMessage, options: NormalizedReceive): ReceivedMessage {
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

  private expire(q: QueueState, message: StoredMessage): void {
    q.messages.delete(message.id);
    this.emit('expired', { queue: this.info(q), messageId: message.id });
  }

  /**
   * Moves a message to the DLQ as SQS does for standard queues: same id, body, attributes,
   * receive count and enqueue timestamp (so the DLQ's retention counts from the original send),
   * plus the `DeadLetterQueueSourceArn` attribute. On FIFO queues the deduplication id becomes
   * the message id.
   */
  private moveToDeadLetterQueue(source: QueueState, message: StoredMessage, dlq: QueueState, now: number): void {
    source.messages.delete(message.id);
    const moved: StoredMessage = {
      ...message,
      visibleAt: now,
      deadLetterSourceArn: this.arnOf(source.name),
      ...(dlq.fifo ? { dedupId: message.id, sequenceNumber: this.nextSequence(dlq) } : {}),
    };
    delete moved.receiptToken;
    this.insert(dlq, moved);
    this.emit('movedToDlq', { queue: this.info(source), deadLetterQueue: this.info(dlq), messageId: moved.id, receiveCount: moved.receiveCount });
    this.serveWaiters(dlq);
  }

  /** Hands newly receivable messages to waiting long polls, then re-arms the wake-up timer. */
  private serveWaiters(q: QueueState): void {
    if (q.waiters.size === 0 || this.closed) return;
    for (const waiter of [...q.waiters]) {
      const messages = this.take(q, waiter.options);
      if (messages.length === 0) break;
      waiter.finish(messages);
    }
    this.armWake(q);
  }

  /** While long polls wait, wakes up when the next delayed or in-flight message becomes visible. */
  private armWake(q: QueueState): void {
    q.cancelWake?.();
    q.cancelWake = undefined;
    if (q.waiters.size === 0 || this.closed) return;
    const now = this.clock.now();
    let next = Infinity;
    for (const message of q.messages.values()) {
      if (message.visibleAt > now && message.visibleAt < next) next = message.visibleAt;
    }
    if (next === Infinity) return;
    q.cancelWake = this.clock.setTimer(() => {
      q.cancelWake = undefined;
      this.serveWaiters(q);
      if (!q.cancelWake) this.armWake(q);
    }, next - now);
  }

  private count(q: QueueState): { visible: number; inFlight: number; delayed: number } {
    const now = this.clock.now();
    const retentionMs = q.config.messageRetentionPeriod * 1000;
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of q.messages.values()) {
      if (message.sentAt + retentionMs <= now) {
        this.expire(q, message);
        this.changed();
      } else if (message.visibleAt <= now) visible += 1;
      else if (message.receiptToken !== undefined) inFlight += 1;
      else delayed += 1;
    }
    return { visible, inFlight, delayed };
  }

  private decodeHandle(q: QueueState, receiptHandle: string): { messageId: string; token: string } {
    const parts = typeof receiptHandle === 'string' ? Buffer.from(receiptHandle, 'base64url').toString('utf8').split('\u0000') : [];
    const [queueName, messageId, token] = parts;
    if (parts.length !== 3 || queueName !== q.name || !messageId || !token) throw new SqsReceiptHandleIsInvalidError(String(receiptHandle));
    return { messageId, token };
  }

  /** A redriven message starts afresh in its destination: receive count 0, new enqueue time (same id). */
  private redrive(source: QueueState, destination: QueueState, message: StoredMessage, taskHandle: string): void {
    const now = this.clock.now();
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
      ...(destination.fifo ? { dedupId: message.dedupId ?? message.id, sequenceNumber: this.nextSequence(destination) } : {}),
    };
    this.insert(destination, fresh);
    this.emit('redriven', { source: this.info(source), destination: this.info(destination), messageId: fresh.id, taskHandle });
    this.serveWaiters(destination);
  }

  private emit<K extends keyof SqsEventMap>(event: K, ...args: SqsEventMap[K]): void {
    try {
      (this.events.emit as (event: K, ...args: SqsEventMap[K]) => boolean)(event, ...args);
    } catch (error) {
      process.emitWarning(`local SQS: a '${String(event)}' listener threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Marks the state dirty: written to disk within the debounce interval. */
  private changed(): void {
    if (this.store && !this.closed) this.store.schedule(() => this.snapshot());
  }

  private snapshot(): SqsSnapshot {
    return {
      version: SNAPSHOT_VERSION,
      queues: [...this.queues.values()].map((q) => ({
        name: q.name,
        createdAt: q.createdAt,
        lastModifiedAt: q.lastModifiedAt,
        attributes: q.attributes,
        tags: q.tags,
        nextSequence: q.nextSequence,
        messages: [...q.messages.values()].map(persistMessage),
        dedup: [...q.dedup.entries()].map(([id, entry]) => ({ id, ...entry })),
      })),
      moveTasks: this.moveTasks.snapshot(),
    };
  }

  private restore(snapshot: SqsSnapshot): void {
    for (const saved of snapshot.queues) {
      const fifo = saved.name.endsWith('.fifo');
      const queue: QueueState = {
        name: saved.name,
        fifo,
        createdAt: saved.createdAt,
        lastModifiedAt: saved.lastModifiedAt,
        attributes: saved.attributes,
        config: configOf(saved.attributes),
        tags: saved.tags,
        messages: new Map(saved.messages.map((m) => [m.id, restoreMessage(m)])),
        dedup: new Map(saved.dedup.map(({ id, ...entry }) => [id, entry])),
        nextSequence: saved.nextSequence,
        waiters: new Set(),
      };
      this.queues.set(queue.name, queue);
    }
    this.moveTasks.restore(snapshot.moveTasks);
  }
}

function encodeHandle(queueName: string, messageId: string, token: string): string {
  return Buffer.from(`${queueName}\u0000${messageId}\u0000${token}`, 'utf8').toString('base64url');
}

function assertQueueName(name: string): boolean {
  const fifo = typeof name === 'string' && name.endsWith('.fifo');
  const base = fifo ? name.slice(0, -'.fifo'.length) : name;
  if (typeof name !== 'string' || name.length > 80 || !QUEUE_NAME.test(base)) {
    throw new SqsInvalidParameterValueError(`Value ${String(name)} for parameter QueueName is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.`);
  }
  return fifo;
}

function assertSeconds(parameter: string, value: number, [min, max]: readonly [number, number]): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SqsInvalidParameterValueError(`Value ${value} for parameter ${parameter} is invalid. Reason: Must be between ${min} and ${max}.`);
  }
}

function dropEmpty(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== ''));
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Content-based deduplication id: SHA-256 of the body, as SQS does. */
function digestSha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}
