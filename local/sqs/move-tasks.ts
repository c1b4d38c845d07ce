/**
 * DLQ redrive: SQS message move tasks (StartMessageMoveTask, ListMessageMoveTasks,
 * CancelMessageMoveTask). A task snapshots the ids in the dead-letter queue when it starts
 * and moves them oldest first, to `DestinationArn` or to each message's
 * `DeadLetterQueueSourceArn`; in-flight ones move when their visibility ends. Moving a
 * message itself is the engine's job (`MoveTaskHost.redrive`).
 */
import { randomUUID } from 'node:crypto';
import type { CancelTimer, Clock } from './clock';
import { SqsInvalidParameterValueError, SqsResourceNotFoundError, SqsUnsupportedOperationError } from './errors';
import type { QueueState, StoredMessage } from './model';
import type { PersistedMoveTask } from './persistence';
import type { MessageMoveTask, MessageMoveTaskStatus } from './types';

/** AWS limit: MaxNumberOfMessagesPerSecond of a move task. */
export const MOVE_TASK_MAX_RATE = 500;
/** Messages a task without a rate moves per step (then yields to I/O). */
const MOVE_TASK_CHUNK = 500;
/** Tasks kept per source queue (ListMessageMoveTasks returns at most 10). */
const MOVE_TASK_HISTORY = 10;
/** How often a task waiting on in-flight messages with no known visibility end looks again. */
const MOVE_TASK_IDLE_MS = 1000;

/** What the task runner needs from the engine. */
export interface MoveTaskHost {
  readonly clock: Clock;
  /** The queue an ARN names, or `undefined` (also for anything that is not an ARN). */
  queueByArn(arn: string): QueueState | undefined;
  arnOf(queue: QueueState): string;
  /** Whether some queue's RedrivePolicy targets this ARN. */
  isDeadLetterQueue(arn: string): boolean;
  /** Puts `message`, already removed from `source`, into `destination` as a fresh message. */
  redrive(source: QueueState, destination: QueueState, message: StoredMessage, taskHandle: string): void;
  /** The state changed (persist it). */
  changed(): void;
}

interface MoveTaskState {
  readonly id: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly rate?: number;
  status: MessageMoveTaskStatus;
  moved: number;
  readonly toMove: number;
  readonly startedAt: number;
  failureReason?: string;
  /** Ids still to move, oldest first. */
  pending: string[];
  cancelTimer?: CancelTimer;
}

export class MessageMoveTasks {
  private tasks: MoveTaskState[] = [];
  private stopped = false;

  constructor(private readonly host: MoveTaskHost) {}

  start(sourceArn: string, options: { destinationArn?: string; maxNumberOfMessagesPerSecond?: number }): { taskHandle: string } {
    const source = this.host.queueByArn(sourceArn);
    if (!source) throw new SqsResourceNotFoundError(`The resource that you specified for the SourceArn parameter doesn't exist: ${sourceArn}`);
    const arn = this.host.arnOf(source);
    if (!this.host.isDeadLetterQueue(arn)) throw new SqsInvalidParameterValueError(`Source queue ${arn} must be configured as a dead-letter queue of another queue.`);
    const { destinationArn, maxNumberOfMessagesPerSecond: rate } = options;
    let destination: QueueState | undefined;
    if (destinationArn !== undefined) {
      destination = this.host.queueByArn(destinationArn);
      if (!destination) throw new SqsResourceNotFoundError(`The resource that you specified for the DestinationArn parameter doesn't exist: ${destinationArn}`);
      if (destination.fifo !== source.fifo) throw new SqsInvalidParameterValueError('The source and destination queues must be of the same type (standard or FIFO).');
    }
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > MOVE_TASK_MAX_RATE)) {
      throw new SqsInvalidParameterValueError(`Value ${rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and ${MOVE_TASK_MAX_RATE}.`);
    }
    if (this.tasks.some((t) => t.sourceArn === arn && t.status === 'RUNNING')) {
      throw new SqsUnsupportedOperationError(`There is already a task running. Only one active task is allowed for a source queue arn (${arn}) at a given time.`);
    }
    const pending = [...source.messages.keys()];
    const task: MoveTaskState = {
      id: randomUUID(),
      sourceArn: arn,
      ...(destination ? { destinationArn: this.host.arnOf(destination) } : {}),
      ...(rate !== undefined ? { rate } : {}),
      status: 'RUNNING',
      moved: 0,
      toMove: pending.length,
      startedAt: this.host.clock.now(),
      pending,
    };
    this.tasks.push(task);
    const ofSource = this.tasks.filter((t) => t.sourceArn === arn);
    const dropped = new Set(ofSource.slice(0, Math.max(0, ofSource.length - MOVE_TASK_HISTORY)));
    this.tasks = this.tasks.filter((t) => !dropped.has(t));
    this.schedule(task, 0);
    this.host.changed();
    return { taskHandle: handleOf(task) };
  }

  list(sourceArn: string, maxResults: number): MessageMoveTask[] {
    const source = this.host.queueByArn(sourceArn);
    if (!source) throw new SqsResourceNotFoundError(`The resource that you specified for the SourceArn parameter doesn't exist: ${sourceArn}`);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 10) {
      throw new SqsInvalidParameterValueError(`Value ${maxResults} for parameter MaxResults is invalid. Reason: Must be between 1 and 10.`);
    }
    const arn = this.host.arnOf(source);
    return this.tasks
      .filter((t) => t.sourceArn === arn)
      .reverse()
      .slice(0, maxResults)
      .map(describe);
  }

  cancel(taskHandle: string): { approximateNumberOfMessagesMoved: number } {
    const task = this.tasks.find((t) => handleOf(t) === taskHandle);
    if (!task || task.status !== 'RUNNING') throw new SqsResourceNotFoundError(`No running message move task matches the task handle ${taskHandle}.`);
    task.cancelTimer?.();
    task.status = 'CANCELLED';
    task.pending = [];
    this.host.changed();
    return { approximateNumberOfMessagesMoved: task.moved };
  }

  /** Stops every timer (tasks stay RUNNING in the snapshot and resume on restore). */
  stop(): void {
    this.stopped = true;
    for (const task of this.tasks) {
      task.cancelTimer?.();
      delete task.cancelTimer;
    }
  }

  snapshot(): PersistedMoveTask[] {
    return this.tasks.map((t) => ({
      id: t.id,
      sourceArn: t.sourceArn,
      ...(t.destinationArn !== undefined ? { destinationArn: t.destinationArn } : {}),
      ...(t.rate !== undefined ? { maxNumberOfMessagesPerSecond: t.rate } : {}),
      status: t.status,
      moved: t.moved,
      toMove: t.toMove,
      startedAt: t.startedAt,
      ...(t.failureReason !== undefined ? { failureReason: t.failureReason } : {}),
      pending: t.pending,
    }));
  }

  /** Loads saved tasks; the ones a restart interrupted carry on. */
  restore(saved: readonly PersistedMoveTask[]): void {
    this.tasks = saved.map((t) => ({
      id: t.id,
      sourceArn: t.sourceArn,
      ...(t.destinationArn !== undefined ? { destinationArn: t.destinationArn } : {}),
      ...(t.maxNumberOfMessagesPerSecond !== undefined ? { rate: t.maxNumberOfMessagesPerSecond } : {}),
      status: isStatus(t.status) ? t.status : 'FAILED',
      moved: t.moved,
      toMove: t.toMove,
      startedAt: t.startedAt,
      ...(t.failureReason !== undefined ? { failureReason: t.failureReason } : {}),
      pending: t.pending,
    }));
    for (const task of this.tasks) if (task.status === 'RUNNING') this.schedule(task, 0);
  }

  private schedule(task: MoveTaskState, delayMs: number): void {
    if (this.stopped) return;
    task.cancelTimer?.();
    task.cancelTimer = this.host.clock.setTimer(() => {
      delete task.cancelTimer;
      this.step(task);
    }, delayMs);
  }

  /**
   * Moves what the task may move now, then schedules the next step: when the rate allows the
   * next message, or when the next pending in-flight message becomes visible. With a rate r,
   * at most `floor(r * elapsed) + 1` messages have moved after `elapsed` seconds.
   */
  private step(task: MoveTaskState): void {
    if (task.status !== 'RUNNING') return;
    const source = this.host.queueByArn(task.sourceArn);
    if (!source) return this.fail(task, `The source queue ${task.sourceArn} was deleted.`);
    const now = this.host.clock.now();
    let budget = task.rate !== undefined ? Math.floor(((now - task.startedAt) * task.rate) / 1000) + 1 - task.moved : MOVE_TASK_CHUNK;
    const retentionMs = source.config.messageRetentionPeriod * 1000;
    const remaining: string[] = [];
    let nextVisible = Infinity;
    for (const id of task.pending) {
      const message = source.messages.get(id);
      if (!message || message.sentAt + retentionMs <= now) continue; // deleted, expired or consumed meanwhile
      if (budget <= 0 || message.visibleAt > now) {
        remaining.push(id);
        if (message.visibleAt > now) nextVisible = Math.min(nextVisible, message.visibleAt);
        continue;
      }
      const destinationArn = task.destinationArn ?? message.deadLetterSourceArn;
      if (destinationArn === undefined) return this.fail(task, 'CouldNotDetermineMessageSource');
      const destination = this.host.queueByArn(destinationArn);
      if (!destination) return this.fail(task, `The destination queue ${destinationArn} does not exist.`);
      source.messages.delete(id);
      task.moved += 1;
      this.host.redrive(source, destination, message, handleOf(task));
      budget -= 1;
    }
    task.pending = remaining;
    this.host.changed();
    if (remaining.length === 0) {
      task.status = 'COMPLETED';
      return;
    }
    const nextByRate = task.rate !== undefined ? task.startedAt + Math.ceil((task.moved * 1000) / task.rate) : now;
    const next = budget <= 0 ? Math.max(now, nextByRate) : Math.max(nextByRate, nextVisible === Infinity ? now + MOVE_TASK_IDLE_MS : nextVisible);
    this.schedule(task, next - now);
  }

  private fail(task: MoveTaskState, reason: string): void {
    task.status = 'FAILED';
    task.failureReason = reason;
    task.pending = [];
    this.host.changed();
  }
}

/** Opaque to clients; like SQS, a base64 JSON naming the task and its source. */
function handleOf(task: MoveTaskState): string {
  return Buffer.from(JSON.stringify({ taskId: task.id, sourceArn: task.sourceArn })).toString('base64');
}

function describe(task: MoveTaskState): MessageMoveTask {
  return {
    ...(task.status === 'RUNNING' ? { taskHandle: handleOf(task) } : {}),
    status: task.status,
    sourceArn: task.sourceArn,
    ...(task.destinationArn !== undefined ? { destinationArn: task.destinationArn } : {}),
    ...(task.rate !== undefined ? { maxNumberOfMessagesPerSecond: task.rate } : {}),
    approximateNumberOfMessagesMoved: task.moved,
    approximateNumberOfMessagesToMove: task.toMove,
    ...(task.failureReason !== undefined ? { failureReason: task.failureReason } : {}),
    startedTimestamp: task.startedAt,
  };
}

function isStatus(value: string): value is MessageMoveTaskStatus {
  return ['RUNNING', 'COMPLETED', 'CANCELLING', 'CANCELLED', 'FAILED'].includes(value);
}
