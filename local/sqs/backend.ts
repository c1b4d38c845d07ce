/**
 * The in-process SQS engine: queues, messages, visibility, delays, retention, long polling,
 * redrive to dead-letter queues and DLQ redrive (message move tasks). It speaks no HTTP:
 * `protocol.ts` maps the AWS JSON protocol onto it, and other parts of the local runtime
 * (EventBridge targets, the Lambda event-source poller) call it directly.
 *
 * This class is the facade: each responsibility lives in its own module (`registry`,
 * `queue-admin`, `queue-kind` for standard vs FIFO, `send`, `receive`, `long-poll`,
 * `move-tasks`, `snapshot`), sharing one `SqsEngine`. Time is the injected `Clock`
 * (milliseconds); the API takes seconds where SQS does.
 */
import { EventEmitter } from 'node:events';
import { systemClock } from './clock';
import { emitSafely, type SqsEngine } from './engine';
import { LongPolls } from './long-poll';
import { MessageMoveTasks } from './move-tasks';
import { SnapshotStore } from './persistence';
import { createQueue, ensureQueue, getQueueAttributes, retag, setQueueAttributes } from './queue-admin';
import { changeVisibility, deleteMessage, purge } from './receive';
import { QueueRegistry } from './registry';
import { redriveMessage, sendMessage } from './send';
import { restoreSnapshot, snapshotOf } from './snapshot';
import type { MessageMoveTask, QueueInfo, QueueRef, ReceivedMessage, ReceiveMessagesOptions, SendMessageOptions, SendMessageResult, SqsBackendOptions, SqsEventMap } from './types';

export type { MessageMoveTask, MessageMoveTaskStatus, QueueInfo, QueueRef, ReceivedMessage, ReceiveMessagesOptions, SendMessageOptions, SendMessageResult, SqsBackendOptions, SqsEventMap } from './types';
export { MOVE_TASK_MAX_RATE } from './move-tasks';
export { DEDUPLICATION_INTERVAL_MS } from './queue-kind';
export { RECEIVE_MAX_MESSAGES } from './receive';

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
  readonly events = new EventEmitter<SqsEventMap>();
  private readonly queues: QueueRegistry;
  private readonly engine: SqsEngine;
  private readonly polls: LongPolls;
  private readonly moveTasks: MessageMoveTasks;
  private readonly store: SnapshotStore | undefined;
  private closed = false;

  constructor(options: SqsBackendOptions = {}) {
    const queues = new QueueRegistry(options.region ?? 'us-east-1', options.accountId ?? '000000000000', options.baseUrl ?? 'http://127.0.0.1:4566');
    const clock = options.clock ?? systemClock;
    this.queues = queues;
    this.engine = { clock, queues, emit: (event, ...args) => this.emit(event, ...args), changed: () => this.changed(), wake: (q) => this.polls.serve(q) };
    this.polls = new LongPolls(this.engine);
    this.moveTasks = new MessageMoveTasks({
      clock,
      queueByArn: (arn) => (arn.startsWith('arn:') ? queues.resolve(arn) : undefined),
      arnOf: (q) => queues.arnOf(q.name),
      isDeadLetterQueue: (arn) => queues.isDeadLetterQueue(arn),
      redrive: (source, destination, message, taskHandle) => redriveMessage(this.engine, source, destination, message, taskHandle),
      changed: () => this.changed(),
    });
    if (options.dataDir !== undefined) {
      this.store = new SnapshotStore(options.dataDir, options.persistDebounceMs ?? 100);
      const snapshot = this.store.load();
      if (snapshot) restoreSnapshot(snapshot, queues, this.moveTasks);
    }
  }

  /** Region of queue ARNs and account of queue URLs and ARNs. */
  get region(): string {
    return this.queues.region;
  }
  get accountId(): string {
    return this.queues.accountId;
  }
  /** Origin of queue URLs; URLs are derived, so changing it renames every queue URL. */
  get baseUrl(): string {
    return this.queues.baseUrl;
  }
  set baseUrl(value: string) {
    this.queues.baseUrl = value;
  }

  /**
   * Creates a queue. `attributes` are SQS API attributes as strings (`RedrivePolicy` is a JSON
   * string). A name ending in `.fifo` makes a FIFO queue. Creating an existing queue with the
   * same attribute values returns it; different values throw `QueueNameExists`, as in SQS.
   */
  createQueue(name: string, attributes: Readonly<Record<string, string>> = {}, tags: Readonly<Record<string, string>> = {}): QueueInfo {
    return createQueue(this.engine, name, attributes, tags);
  }

  /** Creates the queue or makes its attributes exactly `attributes` over the defaults: what a template-driven start wants. */
  ensureQueue(name: string, attributes: Readonly<Record<string, string>> = {}, tags: Readonly<Record<string, string>> = {}): QueueInfo {
    return ensureQueue(this.engine, name, attributes, tags);
  }

  /** Deletes a queue and its messages; pending long polls on it return empty. */
  deleteQueue(queue: QueueRef): void {
    const q = this.queues.require(queue);
    this.queues.remove(q);
    this.polls.end(q);
    this.emit('queueDeleted', this.queues.info(q));
    this.changed();
  }

  /** The queue named by a name, URL or ARN; throws `QueueDoesNotExist`. */
  getQueue(queue: QueueRef): QueueInfo {
    return this.queues.info(this.queues.require(queue));
  }

  /** The queue named by a name, URL or ARN, or `undefined`. */
  findQueue(queue: QueueRef): QueueInfo | undefined {
    const q = this.queues.resolve(queue);
    return q ? this.queues.info(q) : undefined;
  }

  /** Queues whose name starts with `prefix`, sorted by name. */
  listQueues(prefix = ''): QueueInfo[] {
    return this.queues.sorted(prefix).map((q) => this.queues.info(q));
  }

  /** Queues whose RedrivePolicy targets this queue. */
  listDeadLetterSourceQueues(queue: QueueRef): QueueInfo[] {
    return this.queues.deadLetterSourcesOf(this.queues.require(queue)).map((q) => this.queues.info(q));
  }

  /** Queue attributes as SQS returns them (all strings); `names` may hold `All` (the default) or names; an unknown one throws `InvalidAttributeName`. */
  getQueueAttributes(queue: QueueRef, names: readonly string[] = ['All']): Record<string, string> {
    return getQueueAttributes(this.engine, this.queues.require(queue), names);
  }

  /** Sets attributes (SQS API strings); `''` removes `RedrivePolicy`, `RedriveAllowPolicy` or `Policy`. */
  setQueueAttributes(queue: QueueRef, attributes: Readonly<Record<string, string>>): void {
    setQueueAttributes(this.engine, this.queues.require(queue), attributes);
  }

  tagQueue(queue: QueueRef, tags: Readonly<Record<string, string>>): void {
    retag(this.engine, this.queues.require(queue), { add: tags });
  }

  untagQueue(queue: QueueRef, keys: readonly string[]): void {
    retag(this.engine, this.queues.require(queue), { remove: keys });
  }

  listQueueTags(queue: QueueRef): Record<string, string> {
    return { ...this.queues.require(queue).tags };
  }

  /** Sends one message. Throws an `SqsError` (InvalidMessageContents, InvalidParameterValue...) as SQS would. */
  sendMessage(queue: QueueRef, body: string, options: SendMessageOptions = {}): SendMessageResult {
    return sendMessage(this.engine, this.queues.require(queue), body, options);
  }

  /**
   * Receives up to `max` messages. With a wait time (long polling) it resolves as soon as at
   * least one message can be returned, or with `[]` when the wait ends. A message already
   * received `maxReceiveCount` times is moved to the dead-letter queue instead of being
   * returned, as SQS does on the receive that would exceed the count.
   */
  async receiveMessages(queue: QueueRef, options: ReceiveMessagesOptions = {}): Promise<ReceivedMessage[]> {
    return this.polls.receive(this.queues.require(queue), options);
  }

  /** Deletes by receipt handle; `false` for a stale handle or a gone message (SQS answers success), throws `ReceiptHandleIsInvalid` for a foreign one. */
  deleteMessage(queue: QueueRef, receiptHandle: string): boolean {
    return deleteMessage(this.engine, this.queues.require(queue), receiptHandle);
  }

  /** Changes an in-flight message's visibility from now; throws `InvalidParameterValue` (stale handle) or `MessageNotInflight`. */
  changeVisibility(queue: QueueRef, receiptHandle: string, visibilityTimeout: number): void {
    changeVisibility(this.engine, this.queues.require(queue), receiptHandle, visibilityTimeout);
  }

  /** Deletes every message of the queue (in flight and delayed too); returns how many. */
  purge(queue: QueueRef): number {
    return purge(this.engine, this.queues.require(queue));
  }

  /** Starts moving a DLQ's messages back to their sources (or `destinationArn`), paced by `maxNumberOfMessagesPerSecond`; see `move-tasks.ts`. */
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

  /** Writes pending state to disk now (no-op without a data folder). */
  async flush(): Promise<void> {
    if (!this.store) return;
    if (!this.closed) this.store.schedule(() => snapshotOf(this.queues, this.moveTasks));
    await this.store.flush();
  }

  /** Ends pending long polls (empty), stops timers and writes the state. The backend must not be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.polls.close(this.queues.all());
    this.moveTasks.stop();
    this.store?.schedule(() => snapshotOf(this.queues, this.moveTasks));
    this.closed = true;
    await this.store?.flush();
    this.events.removeAllListeners();
  }

  private emit<K extends keyof SqsEventMap>(event: K, ...args: SqsEventMap[K]): void {
    emitSafely(this.events, event, args);
  }

  /** Marks the state dirty: written to disk within the debounce interval. */
  private changed(): void {
    if (this.store && !this.closed) this.store.schedule(() => snapshotOf(this.queues, this.moveTasks));
  }
}
