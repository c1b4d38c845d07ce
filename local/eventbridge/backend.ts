import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { RuleSet, validatePattern } from '../event-pattern';
import { ArchiveStore, type ArchivedEvent, type ArchiveInfo } from './archive';
import { deliverWithRetry, type DeliveryDeps } from './delivery';
import { awsTime, checkEntry, testEventPattern } from './entries';
import { EventBridgeError } from './errors';
import { checkTargetInput } from './input';
import type { DeadLetter, Deliver, EventBridgeEvent, Json, PutEventsEntry, PutEventsResultEntry, ReplayState, Rule, Target } from './types';
import { checkArchiveName, checkBusName, checkPatternSize, checkRetention, checkRuleName, checkSchedule } from './validation';

export type { DeadLetter, Deliver, EventBridgeEvent, Json, PutEventsEntry, PutEventsResultEntry, ReplayState, Rule, Target } from './types';

/**
 * An in-process EventBridge: buses, rules with full event-pattern semantics (compiled per
 * bus), targets with retry policy and dead-letter queue (`delivery.ts`), archives
 * (`archive.ts`) and replays. Delivery is injected (`deliver`), so the local SQS and Lambda
 * runner stay separate modules; entry checks live in `entries.ts`.
 */

export interface EventBridgeBackendOptions {
  region: string;
  accountId: string;
  deliver: Deliver;
  deadLetter: DeadLetter;
  /** Folder for archives; in memory when absent. */
  dataDir?: string;
  /** Base delay of delivery retries in ms (AWS backs off over up to 24 h; locally seconds). */
  retryBaseMs?: number;
  now?: () => number;
}

/** An event bus: its rules (compiled per bus) and what DescribeEventBus answers. */
interface Bus {
  name: string;
  arn: string;
  rules: RuleSet<Rule>;
  byName: Map<string, Rule>;
  createdAt: number;
  modifiedAt: number;
  description?: string;
  /** The resource-based policy (PutPermission), as JSON text. */
  policy?: string;
}

/** AWS limits on tags (TagResource). */
const MAX_TAGS = 50;

export class EventBridgeBackend extends EventEmitter {
  readonly region: string;
  readonly accountId: string;
  private readonly buses = new Map<string, Bus>();
  /** Tags by resource ARN (buses and rules). */
  private readonly tags = new Map<string, Map<string, string>>();
  private readonly archives: ArchiveStore;
  private readonly replays = new Map<string, ReplayState>();
  private readonly now: () => number;
  private readonly delivery: DeliveryDeps;
  private readonly pending = new Set<Promise<void>>();

  constructor(options: EventBridgeBackendOptions) {
    super();
    this.region = options.region;
    this.accountId = options.accountId;
    this.now = options.now ?? Date.now;
    this.archives = new ArchiveStore(options.dataDir, this.now);
    this.delivery = { deliver: options.deliver, deadLetter: options.deadLetter, retryBaseMs: options.retryBaseMs, now: this.now, emit: (event, payload) => this.emit(event, payload) };
    this.createBus('default');
  }

  busArn(name: string): string {
    return `arn:aws:events:${this.region}:${this.accountId}:event-bus/${name}`;
  }

  /** Creates a bus (its name checked as CreateEventBus checks it); nothing when it exists. */
  createBus(name: string, options: { description?: string } = {}): void {
    if (this.buses.has(name)) return;
    checkBusName(name);
    const now = this.now();
    this.buses.set(name, { name, arn: this.busArn(name), rules: new RuleSet<Rule>(), byName: new Map(), createdAt: now, modifiedAt: now, ...options });
  }

  listBuses(): { name: string; arn: string; rules: number; createdAt: number; modifiedAt: number; description?: string; policy?: string }[] {
    return [...this.buses.values()].map((b) => ({
      name: b.name,
      arn: b.arn,
      rules: b.byName.size,
      createdAt: b.createdAt,
      modifiedAt: b.modifiedAt,
      ...(b.description !== undefined ? { description: b.description } : {}),
      ...(b.policy !== undefined ? { policy: b.policy } : {}),
    }));
  }

  /** DescribeEventBus: the bus by name or ARN (the default bus when absent). */
  describeBus(nameOrArn: string | undefined): ReturnType<EventBridgeBackend['listBuses']>[number] {
    const bus = this.bus(nameOrArn);
    return this.listBuses().find((b) => b.name === bus.name) as ReturnType<EventBridgeBackend['listBuses']>[number];
  }

  /**
   * DeleteEventBus. The default bus cannot be deleted; a bus that still has rules is refused
   * with AWS's ValidationException (the API reference: its rules "need to be deleted" first;
   * the user guide's "deletes the rules" is the console's doing). Deleting a bus that does not
   * exist succeeds, as on AWS.
   */
  deleteBus(name: string): void {
    if (name === 'default') throw new EventBridgeError('ValidationException', 'Cannot delete event bus default.');
    const bus = this.buses.get(name);
    if (!bus) return;
    if (bus.byName.size) throw new EventBridgeError('ValidationException', 'EventBus can\'t be deleted since it has rules.');
    this.buses.delete(name);
    this.tags.delete(bus.arn);
  }

  /** PutPermission / RemovePermission: sets (or, with `undefined`, removes) the bus's policy. */
  setBusPolicy(nameOrArn: string | undefined, policy: string | undefined): void {
    const bus = this.bus(nameOrArn);
    if (policy === undefined) delete bus.policy;
    else bus.policy = policy;
    bus.modifiedAt = this.now();
  }

  private bus(nameOrArn: string | undefined): Bus {
    const name = !nameOrArn ? 'default' : nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
    const bus = this.buses.get(name);
    if (!bus) throw new EventBridgeError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  /**
   * Creates or replaces a rule, checked as PutRule checks it: its name, its pattern (valid, at
   * most 2,048 characters), its schedule expression (valid, default bus only), its targets.
   */
  putRule(rule: Rule): void {
    checkRuleName(rule.name);
    if (!rule.pattern && !rule.schedule) throw new EventBridgeError('ValidationException', `Rule ${rule.name}: either EventPattern or ScheduleExpression must be given.`);
    if (rule.schedule !== undefined) checkSchedule(rule.schedule, this.bus(rule.busName).name);
    if (rule.pattern) {
      checkPatternSize(JSON.stringify(rule.pattern));
      try {
        validatePattern(rule.pattern);
      } catch (error) {
        throw new EventBridgeError('InvalidEventPatternException', `Rule ${rule.name}: ${(error as Error).message}`, { cause: error });
      }
    }
    for (const target of rule.targets) checkTarget(target);
    const bus = this.bus(rule.busName);
    if (bus.byName.has(rule.name)) bus.rules.remove(rule.name);
    bus.byName.set(rule.name, rule);
    if (rule.pattern && rule.enabled) bus.rules.add(rule.name, rule.pattern, rule);
  }

  deleteRule(busName: string | undefined, name: string): void {
    const bus = this.bus(busName);
    const rule = bus.byName.get(name);
    if (!rule) throw new EventBridgeError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus.name}.`);
    if (rule.targets.length) throw new EventBridgeError('ValidationException', 'Rule can\'t be deleted since it has targets.');
    bus.byName.delete(name);
    bus.rules.remove(name);
    this.tags.delete(rule.arn);
  }

  /** EnableRule / DisableRule: a disabled rule matches nothing and its schedule does not fire. */
  setRuleState(busName: string | undefined, name: string, enabled: boolean): void {
    const bus = this.bus(busName);
    const rule = this.getRule(busName, name);
    if (rule.enabled === enabled) return;
    rule.enabled = enabled;
    bus.rules.remove(name);
    if (rule.pattern && enabled) bus.rules.add(rule.name, rule.pattern, rule);
  }

  /** The bus or rule an ARN names; ResourceNotFoundException when there is none. */
  private resourceOf(arn: string): { kind: 'bus' | 'rule'; arn: string } {
    const match = /^arn:aws:events:[^:]*:[^:]*:(event-bus|rule)\/(.+)$/.exec(arn);
    if (match?.[1] === 'event-bus' && this.buses.get(match[2] as string)?.arn === arn) return { kind: 'bus', arn };
    if (match?.[1] === 'rule') {
      const path = match[2] as string;
      const slash = path.indexOf('/');
      const rule = this.buses.get(slash < 0 ? 'default' : path.slice(0, slash))?.byName.get(slash < 0 ? path : path.slice(slash + 1));
      if (rule?.arn === arn) return { kind: 'rule', arn };
    }
    throw new EventBridgeError('ResourceNotFoundException', `Resource ${arn} does not exist.`);
  }

  /** TagResource on a bus or rule: adds or overwrites tags (50 at most per resource). */
  tagResource(arn: string, tags: Record<string, string>): void {
    this.resourceOf(arn);
    for (const [key, value] of Object.entries(tags)) {
      if (key.length < 1 || key.length > 128) throw new EventBridgeError('ValidationException', `1 validation error detected: Value '${key}' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128`);
      if (value.length > 256) throw new EventBridgeError('ValidationException', `1 validation error detected: Value at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`);
      if (key.toLowerCase().startsWith('aws:')) throw new EventBridgeError('ValidationException', `Tag keys starting with 'aws:' are reserved for AWS use: ${key}`);
    }
    const next = new Map(this.tags.get(arn));
    for (const [key, value] of Object.entries(tags)) next.set(key, value);
    if (next.size > MAX_TAGS) throw new EventBridgeError('LimitExceededException', `The resource ${arn} would have ${next.size} tags; the limit is ${MAX_TAGS}.`);
    this.tags.set(arn, next);
  }

  untagResource(arn: string, keys: string[]): void {
    this.resourceOf(arn);
    const current = this.tags.get(arn);
    for (const key of keys) current?.delete(key);
  }

  listTags(arn: string): Record<string, string> {
    this.resourceOf(arn);
    return Object.fromEntries(this.tags.get(arn) ?? []);
  }

  getRule(busName: string | undefined, name: string): Rule {
    const rule = this.bus(busName).byName.get(name);
    if (!rule) throw new EventBridgeError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${this.bus(busName).name}.`);
    return rule;
  }

  listRules(busName?: string, prefix = ''): Rule[] {
    return [...this.bus(busName).byName.values()].filter((r) => r.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  }

  setTargets(busName: string | undefined, ruleName: string, targets: Target[]): void {
    const rule = this.getRule(busName, ruleName);
    for (const t of targets) checkTarget(t);
    const byId = new Map(rule.targets.map((t) => [t.id, t]));
    for (const t of targets) byId.set(t.id, t);
    if (byId.size > 5) throw new EventBridgeError('LimitExceededException', `Rule ${ruleName} would have ${byId.size} targets; the limit is 5.`);
    rule.targets = [...byId.values()];
  }

  removeTargets(busName: string | undefined, ruleName: string, ids: string[]): void {
    const rule = this.getRule(busName, ruleName);
    rule.targets = rule.targets.filter((t) => !ids.includes(t.id));
  }

  archiveArn(name: string): string {
    return `arn:aws:events:${this.region}:${this.accountId}:archive/${name}`;
  }

  /** A template's archive: checked as CreateArchive checks it; nothing when it exists. */
  addArchive(name: string, busName: string, options: { retentionDays?: number; pattern?: Json; description?: string } = {}): void {
    if (this.archives.has(name)) return;
    this.createArchive(name, busName, options, { fresh: false });
  }

  /**
   * CreateArchive: a name not yet taken, an existing bus, a valid pattern (what the archive
   * records; every event of the bus without one), a retention of 0 (forever) or more days.
   */
  createArchive(name: string, busNameOrArn: string, options: { retentionDays?: number; pattern?: Json; description?: string } = {}, how: { fresh: boolean } = { fresh: true }): ArchiveInfo {
    checkArchiveName(name);
    checkRetention(options.retentionDays);
    if (options.pattern) checkArchivePattern(options.pattern);
    const bus = this.bus(busNameOrArn);
    if (this.archives.has(name)) throw new EventBridgeError('ResourceAlreadyExistsException', `Archive ${name} already exists.`);
    this.archives.define({ name, arn: this.archiveArn(name), busName: bus.name, ...options }, how);
    return this.describeArchive(name);
  }

  describeArchive(name: string): ArchiveInfo {
    checkArchiveName(name);
    const archive = this.archives.byArn(name);
    if (!archive) throw new EventBridgeError('ResourceNotFoundException', `Archive ${name} does not exist.`);
    return archive;
  }

  /** UpdateArchive: description, pattern and retention replaced by those given. */
  updateArchive(name: string, changes: { retentionDays?: number; pattern?: Json; description?: string }): ArchiveInfo {
    this.describeArchive(name);
    checkRetention(changes.retentionDays);
    if (changes.pattern) checkArchivePattern(changes.pattern);
    this.archives.update(name, changes);
    return this.describeArchive(name);
  }

  /** DeleteArchive: gone at once (its file once closed; `close()` waits for that). */
  deleteArchive(name: string): void {
    this.describeArchive(name);
    this.track(this.archives.remove(name));
  }

  listArchives(): ArchiveInfo[] {
    return this.archives.list();
  }

  /** TestEventPattern, as AWS checks its inputs. */
  testEventPattern(pattern: string, event: string): boolean {
    return testEventPattern(pattern, event);
  }

  /**
   * PutEvents: each entry accepted or refused on its own, as AWS answers. `forwarded`: the
   * entries come from a rule whose target is this bus (EventBridge itself puts them, so an
   * `aws.*` source is allowed).
   */
  putEvents(entries: PutEventsEntry[], options: { forwarded?: boolean } = {}): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
      throw new EventBridgeError('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10`);
    }
    const results = entries.map((entry) => this.putOne(entry, options.forwarded ?? false));
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  private putOne(entry: PutEventsEntry, forwarded: boolean): PutEventsResultEntry {
    const checked = checkEntry(entry, { awsSources: forwarded });
    if ('ErrorCode' in checked) return checked;
    let bus: Bus;
    try {
      bus = this.bus(entry.EventBusName);
    } catch (error) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: (error as Error).message };
    }
    const time = entry.Time === undefined ? this.now() : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time).getTime();
    const event = this.newEvent(checked.source, checked.detailType, checked.detail, entry.Resources ?? [], Number.isNaN(time) ? this.now() : time);
    const ingestedAt = this.now();
    this.archives.record(bus.name, event, ingestedAt);
    this.route(bus, event, undefined, ingestedAt);
    return { EventId: event.id };
  }

  /** Matches the event against the bus's rules and delivers it to every target of each match. */
  private route(bus: Bus, event: EventBridgeEvent, onlyRules: Set<string> | undefined, ingestedAt: number): void {
    const matched = bus.rules.matching(event).filter((rule) => !onlyRules || onlyRules.has(rule.arn));
    this.emit('event', { bus: bus.name, event, rules: matched.map((r) => r.name) });
    for (const rule of matched) for (const target of rule.targets) this.track(deliverWithRetry(this.delivery, rule, target, event, ingestedAt));
  }

  /** Invokes a schedule rule's targets with the event AWS sends for a scheduled rule; nothing while the rule is disabled or gone. */
  fireSchedule(scheduled: Rule): void {
    const rule = this.buses.get(scheduled.busName)?.byName.get(scheduled.name);
    if (!rule?.enabled) return;
    const event = this.newEvent('aws.events', 'Scheduled Event', {}, [rule.arn], this.now());
    this.emit('event', { bus: rule.busName, event, rules: [rule.name] });
    const ingestedAt = this.now();
    for (const target of rule.targets) this.track(deliverWithRetry(this.delivery, rule, target, event, ingestedAt));
  }

  private newEvent(source: string, detailType: string, detail: unknown, resources: string[], time: number): EventBridgeEvent {
    return { version: '0', id: randomUUID(), 'detail-type': detailType, source, account: this.accountId, time: awsTime(time), region: this.region, resources, detail };
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when every delivery started so far has ended (delivered or dead-lettered). */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** StartReplay: re-sends the archive's events of [start, end) to the bus, marked with `replay-name`. */
  startReplay(input: { name: string; archiveArn: string; start: number; end: number; destinationArn: string; filterArns?: string[] }): ReplayState {
    if (this.replays.has(input.name)) throw new EventBridgeError('ResourceAlreadyExistsException', `Replay ${input.name} already exists.`);
    const archive = this.archives.byArn(input.archiveArn);
    if (!archive) throw new EventBridgeError('ResourceNotFoundException', `Archive ${input.archiveArn} does not exist.`);
    if (!(input.end > input.start)) throw new EventBridgeError('ValidationException', 'EventEndTime must be after EventStartTime.');
    const bus = this.bus(input.destinationArn);
    if (bus.name !== archive.busName) throw new EventBridgeError('ValidationException', 'The replay destination must be the event bus the archive belongs to.');
    const state: ReplayState = {
      name: input.name,
      archiveArn: input.archiveArn,
      destinationBusArn: bus.arn,
      filterArns: input.filterArns ?? [],
      start: input.start,
      end: input.end,
      state: 'STARTING',
      startedAt: this.now(),
      replayed: 0,
    };
    this.replays.set(input.name, state);
    this.track(this.runReplay(state, bus));
    return state;
  }

  private async runReplay(state: ReplayState, bus: Bus): Promise<void> {
    await new Promise((r) => setImmediate(r));
    state.state = 'RUNNING';
    const only = state.filterArns.length ? new Set(state.filterArns) : undefined;
    try {
      const events: ArchivedEvent[] = await this.archives.read(state.archiveArn, state.start, state.end);
      for (const archived of events) {
        if ((state.state as ReplayState['state']) === 'CANCELLING') break;
        this.route(bus, { ...archived.event, 'replay-name': state.name }, only, this.now());
        state.replayed += 1;
        state.lastReplayed = archived.at;
      }
      state.state = (state.state as ReplayState['state']) === 'CANCELLING' ? 'CANCELLED' : 'COMPLETED';
    } catch (error) {
      state.state = 'FAILED';
      state.stateReason = (error as Error).message;
    }
    state.endedAt = this.now();
    this.emit('replay', { ...state });
  }

  describeReplay(name: string): ReplayState {
    const replay = this.replays.get(name);
    if (!replay) throw new EventBridgeError('ResourceNotFoundException', `Replay ${name} does not exist.`);
    return replay;
  }

  listReplays(): ReplayState[] {
    return [...this.replays.values()];
  }

  cancelReplay(name: string): ReplayState {
    const replay = this.describeReplay(name);
    if (replay.state === 'COMPLETED' || replay.state === 'CANCELLED' || replay.state === 'FAILED') {
      throw new EventBridgeError('IllegalStatusException', `Replay ${name} is ${replay.state} and cannot be cancelled.`);
    }
    replay.state = 'CANCELLING';
    return replay;
  }

  async close(): Promise<void> {
    await this.archives.close();
  }
}

/** An archive's event pattern: valid, and no longer than a rule's. */
function checkArchivePattern(pattern: Json): void {
  checkPatternSize(JSON.stringify(pattern));
  try {
    validatePattern(pattern);
  } catch (error) {
    throw new EventBridgeError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * PutTargets' checks on one target, as AWS makes them: its input fields (`input.ts`), and a
 * FIFO queue target must name its message group (SqsParameters.MessageGroupId).
 */
function checkTarget(target: Target): void {
  checkTargetInput(target);
  const fifoQueue = target.arn.startsWith('arn:aws:sqs:') && target.arn.endsWith('.fifo');
  if (fifoQueue && !target.sqsParameters) throw new EventBridgeError('ValidationException', `Parameter(s) SqsParameters must be specified for target: ${target.id}.`);
}

export { awsTime } from './entries';
