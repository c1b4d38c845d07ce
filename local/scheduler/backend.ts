import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backoffDelay } from '../../lib/backoff';
import { defined } from '../optional';
import { invalid, SchedulerError } from './errors';
import { parseScheduleExpression, type ScheduleTiming } from './expressions';
import type { Schedule, ScheduleGroup, ScheduleInput, ScheduleTarget } from './model';

/**
 * EventBridge Scheduler, locally: schedule groups and schedules as the API keeps them,
 * each enabled schedule armed with a timer for its next invocation time (so it fires
 * within milliseconds of it), target deliveries retried with backoff under the
 * schedule's RetryPolicy and sent to its dead-letter queue when they fail for good, and
 * the whole state kept in `<dataDir>/scheduler.json` across restarts (a one-time schedule
 * that came due while the cloud was down fires once when it starts again).
 * Flexible time windows fire at the start of the window (the earliest time AWS may pick).
 */

export interface SchedulerBackendOptions {
  region: string;
  accountId: string;
  dataDir?: string;
  /** Invokes a target with the payload (its Input); throws when the target refuses it. */
  deliver(target: ScheduleTarget, payload: string, schedule: Schedule): Promise<void>;
  /** Sends a payload that could not be delivered to a dead-letter queue, with attributes as AWS sets them. */
  deadLetter(queueArn: string, payload: string, attributes: Record<string, string>): Promise<void>;
  now?: () => number;
  /** First retry delay (ms); AWS's is about a minute, locally far less so failures show at once. */
  retryBaseMs?: number;
}

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const DEFAULT_GROUP = 'default';
const STATE_FILE = 'scheduler.json';
/** State changes within this window are written once (a busy saga run creates and deletes many timers). */
const SAVE_DEBOUNCE_MS = 50;
/** setTimeout's longest delay; a later time is re-armed when this one ends. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SchedulerBackend extends EventEmitter {
  private readonly groups = new Map<string, ScheduleGroup>();
  private readonly schedules = new Map<string, Schedule>();
  private readonly timings = new Map<string, ScheduleTiming>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => number;
  private closed = false;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SchedulerBackendOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.restore();
    if (!this.groups.has(DEFAULT_GROUP)) this.putGroup(DEFAULT_GROUP, {});
    for (const schedule of this.schedules.values()) this.arm(schedule);
  }

  private arn(kind: 'schedule' | 'schedule-group', name: string): string {
    return `arn:aws:scheduler:${this.options.region}:${this.options.accountId}:${kind}/${name}`;
  }

  private putGroup(name: string, tags: Record<string, string>): ScheduleGroup {
    const at = this.now();
    const group: ScheduleGroup = { Name: name, Arn: this.arn('schedule-group', name), State: 'ACTIVE', CreationDate: at, LastModificationDate: at, Tags: tags };
    this.groups.set(name, group);
    return group;
  }

  createGroup(name: string, tags: Record<string, string> = {}): ScheduleGroup {
    checkName(name, 'Name');
    if (this.groups.has(name)) throw new SchedulerError('ConflictException', `Schedule group ${name} already exists.`);
    const group = this.putGroup(name, tags);
    this.save();
    return group;
  }

  getGroup(name: string): ScheduleGroup {
    const group = this.groups.get(name);
    if (!group) throw new SchedulerError('ResourceNotFoundException', `Schedule group ${name} does not exist.`);
    return group;
  }

  /** DeleteScheduleGroup: the group and every schedule in it. The default group cannot be deleted. */
  deleteGroup(name: string): void {
    if (name === DEFAULT_GROUP) throw invalid('The default schedule group cannot be deleted.');
    this.getGroup(name);
    for (const schedule of [...this.schedules.values()]) if (schedule.GroupName === name) this.remove(schedule);
    this.groups.delete(name);
    this.save();
  }

  listGroups(prefix = ''): ScheduleGroup[] {
    return [...this.groups.values()].filter((g) => g.Name.startsWith(prefix)).sort((a, b) => a.Name.localeCompare(b.Name));
  }

  create(input: ScheduleInput): Schedule {
    const group = input.GroupName ?? DEFAULT_GROUP;
    this.getGroup(group);
    if (this.schedules.has(key(group, input.Name))) throw new SchedulerError('ConflictException', `Schedule ${input.Name} already exists.`);
    return this.put(input, group, this.now());
  }

  /** UpdateSchedule replaces the whole definition, as AWS does (a field left out goes back to its default). */
  update(input: ScheduleInput): Schedule {
    const group = input.GroupName ?? DEFAULT_GROUP;
    const existing = this.get(input.Name, group);
    return this.put(input, group, existing.CreationDate);
  }

  private put(input: ScheduleInput, group: string, createdAt: number): Schedule {
    checkName(input.Name, 'Name');
    const schedule: Schedule = {
      ...input,
      GroupName: group,
      Arn: this.arn('schedule', `${group}/${input.Name}`),
      State: input.State ?? 'ENABLED',
      ActionAfterCompletion: input.ActionAfterCompletion ?? 'NONE',
      CreationDate: createdAt,
      LastModificationDate: this.now(),
    };
    const timing = parseScheduleExpression(schedule.ScheduleExpression, { origin: schedule.LastModificationDate, ...defined({ timezone: schedule.ScheduleExpressionTimezone, startDate: schedule.StartDate, endDate: schedule.EndDate }) });
    this.schedules.set(key(group, schedule.Name), schedule);
    this.timings.set(key(group, schedule.Name), timing);
    this.arm(schedule);
    this.save();
    return schedule;
  }

  get(name: string, group = DEFAULT_GROUP): Schedule {
    const schedule = this.schedules.get(key(group, name));
    if (!schedule) throw new SchedulerError('ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return schedule;
  }

  delete(name: string, group = DEFAULT_GROUP): void {
    this.remove(this.get(name, group));
    this.save();
  }

  list(filter: { group?: string; prefix?: string; state?: string } = {}): Schedule[] {
    return [...this.schedules.values()]
      .filter((s) => (filter.group === undefined || s.GroupName === filter.group) && s.Name.startsWith(filter.prefix ?? '') && (filter.state === undefined || s.State === filter.state))
      .sort((a, b) => a.GroupName.localeCompare(b.GroupName) || a.Name.localeCompare(b.Name));
  }

  /** The next invocation time of a schedule, or undefined (disabled, or none left). */
  nextInvocation(schedule: Schedule): number | undefined {
    if (schedule.State !== 'ENABLED') return undefined;
    const timing = this.timing(schedule);
    if (timing.oneTime) {
      // A one-time schedule fires once, even when its time had passed (late, after a restart).
      if (schedule.lastInvokedAt !== undefined) return undefined;
      return timing.next(Number.NEGATIVE_INFINITY);
    }
    return timing.next(Math.max(schedule.lastInvokedAt ?? schedule.LastModificationDate - 1, this.now() - 1));
  }

  private timing(schedule: Schedule): ScheduleTiming {
    const k = key(schedule.GroupName, schedule.Name);
    let timing = this.timings.get(k);
    if (!timing) {
      timing = parseScheduleExpression(schedule.ScheduleExpression, { origin: schedule.LastModificationDate, ...defined({ timezone: schedule.ScheduleExpressionTimezone, startDate: schedule.StartDate, endDate: schedule.EndDate }) });
      this.timings.set(k, timing);
    }
    return timing;
  }

  private arm(schedule: Schedule): void {
    const k = key(schedule.GroupName, schedule.Name);
    clearTimeout(this.timers.get(k));
    this.timers.delete(k);
    if (this.closed) return;
    const due = this.nextInvocation(schedule);
    if (due === undefined) return;
    const timer = setTimeout(() => {
      this.timers.delete(k);
      if (this.schedules.get(k) !== schedule) return;
      if (due > this.now() + 5) return this.arm(schedule);
      this.invoke(schedule, due);
    }, Math.min(Math.max(0, due - this.now()), MAX_TIMER_MS));
    timer.unref();
    this.timers.set(k, timer);
  }

  private invoke(schedule: Schedule, due: number): void {
    schedule.lastInvokedAt = due;
    this.emit('invoked', { schedule: schedule.Name, group: schedule.GroupName, due, lateMs: this.now() - due });
    const delivery = this.deliverWithRetry(schedule, schedule.Target.Input ?? '{}');
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
    if (this.timing(schedule).oneTime && schedule.ActionAfterCompletion === 'DELETE') this.remove(schedule);
    else this.arm(schedule);
    this.save();
  }

  private async deliverWithRetry(schedule: Schedule, payload: string): Promise<void> {
    const target = schedule.Target;
    const maxRetries = target.RetryPolicy?.MaximumRetryAttempts ?? 185;
    const maxAgeMs = (target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400) * 1000;
    const started = this.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.deliver(target, payload, schedule);
        return;
      } catch (error) {
        const tooOld = this.now() - started >= maxAgeMs;
        if (attempt < maxRetries && !tooOld && !this.closed) {
          await new Promise((r) => setTimeout(r, backoffDelay(attempt + 1, { baseMs: this.options.retryBaseMs ?? 200, maxMs: 30_000, jitter: 'equal' })).unref());
          continue;
        }
        const message = error instanceof Error ? error.message : String(error);
        this.emit('delivery-failed', { schedule: schedule.Name, group: schedule.GroupName, target: target.Arn, error: message });
        const dlq = target.DeadLetterConfig?.Arn;
        if (dlq) {
          await this.options
            .deadLetter(dlq, payload, {
              'X-Amz-Scheduler-Attempt': String(attempt + 1),
              'X-Amz-Scheduler-Schedule-Arn': schedule.Arn,
              'X-Amz-Scheduler-Target-Arn': target.Arn,
              ERROR_CODE: (error as { code?: string }).code ?? (error instanceof Error ? error.name : 'DeliveryFailed'),
              ERROR_MESSAGE: message.slice(0, 256),
            })
            .catch((dlqError: unknown) => this.emit('delivery-lost', { schedule: schedule.Name, error: String(dlqError) }));
        }
        return;
      }
    }
  }

  private remove(schedule: Schedule): void {
    const k = key(schedule.GroupName, schedule.Name);
    clearTimeout(this.timers.get(k));
    this.timers.delete(k);
    this.timings.delete(k);
    this.schedules.delete(k);
  }

  /** Writes the state soon, once for every change made meanwhile. */
  private save(): void {
    if (!this.options.dataDir || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), SAVE_DEBOUNCE_MS);
    this.saveTimer.unref();
  }

  /** Writes the state now (temp file + rename: a crash leaves the old state or the new one). */
  private flush(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.options.dataDir) return;
    mkdirSync(this.options.dataDir, { recursive: true });
    const file = join(this.options.dataDir, STATE_FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify({ version: 1, groups: [...this.groups.values()], schedules: [...this.schedules.values()] }));
    renameSync(`${file}.tmp`, file);
  }

  private restore(): void {
    if (!this.options.dataDir) return;
    let text: string;
    try {
      text = readFileSync(join(this.options.dataDir, STATE_FILE), 'utf8');
    } catch {
      return;
    }
    const state = JSON.parse(text) as { groups: ScheduleGroup[]; schedules: Schedule[] };
    for (const g of state.groups) this.groups.set(g.Name, g);
    for (const s of state.schedules) this.schedules.set(key(s.GroupName, s.Name), s);
  }

  /** Resolves when every delivery started so far has ended (delivered or dead-lettered). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.flush();
  }
}

function key(group: string, name: string): string {
  return `${group}/${name}`;
}

function checkName(name: unknown, field: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) throw invalid(`${field} must be 1 to 64 characters of letters, digits, '-', '_' and '.'.`);
}
