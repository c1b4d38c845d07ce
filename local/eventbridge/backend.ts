import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { matches, RuleSet, validatePattern } from '../event-pattern';
import { ArchiveStore, type ArchivedEvent } from './archive';
import { EventBridgeError } from './errors';

/**
 * An in-process EventBridge: buses, rules with full event-pattern semantics (compiled per
 * bus), targets with retry policy and dead-letter queue, archives and replays. Delivery is
 * injected (`deliver`), so the local SQS and Lambda runner stay separate modules.
 */

export type Json = Record<string, unknown>;

export interface EventBridgeEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  'replay-name'?: string;
}

export interface Target {
  id: string;
  arn: string;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  deadLetterArn: string | undefined;
  input: string | undefined;
}

export interface Rule {
  name: string;
  arn: string;
  busName: string;
  pattern: Json | undefined;
  schedule: string | undefined;
  enabled: boolean;
  targets: Target[];
  description?: string;
}

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: Date | number | string;
  TraceHeader?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** Sends one event to a target ARN (an SQS queue, a Lambda function, another bus); throws on failure. */
export type Deliver = (target: Target, payload: string, context: { rule: Rule; event: EventBridgeEvent }) => Promise<void>;
/** Sends a failed delivery to the target's dead-letter queue, with AWS's attributes. */
export type DeadLetter = (queueArn: string, payload: string, attributes: Record<string, string>) => Promise<void>;

export interface ReplayState {
  name: string;
  archiveArn: string;
  destinationBusArn: string;
  filterArns: string[];
  start: number;
  end: number;
  state: 'STARTING' | 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  stateReason?: string;
  startedAt: number;
  endedAt?: number;
  lastReplayed?: number;
  replayed: number;
}

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

const MAX_ENTRY_BYTES = 256 * 1024;

/** AWS's event time format: ISO 8601 without milliseconds. */
const awsTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export class EventBridgeBackend extends EventEmitter {
  readonly region: string;
  readonly accountId: string;
  private readonly buses = new Map<string, { name: string; arn: string; rules: RuleSet<Rule>; byName: Map<string, Rule> }>();
  private readonly archives: ArchiveStore;
  private readonly replays = new Map<string, ReplayState>();
  private readonly options: EventBridgeBackendOptions;
  private readonly now: () => number;
  private readonly pending = new Set<Promise<void>>();

  constructor(options: EventBridgeBackendOptions) {
    super();
    this.options = options;
    this.region = options.region;
    this.accountId = options.accountId;
    this.now = options.now ?? Date.now;
    this.archives = new ArchiveStore(options.dataDir);
    this.createBus('default');
  }

  busArn(name: string): string {
    return `arn:aws:events:${this.region}:${this.accountId}:event-bus/${name}`;
  }

  createBus(name: string): void {
    if (this.buses.has(name)) return;
    this.buses.set(name, { name, arn: this.busArn(name), rules: new RuleSet<Rule>(), byName: new Map() });
  }

  listBuses(): { name: string; arn: string; rules: number }[] {
    return [...this.buses.values()].map((b) => ({ name: b.name, arn: b.arn, rules: b.byName.size }));
  }

  private bus(nameOrArn: string | undefined): { name: string; arn: string; rules: RuleSet<Rule>; byName: Map<string, Rule> } {
    const name = !nameOrArn ? 'default' : nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
    const bus = this.buses.get(name);
    if (!bus) throw new EventBridgeError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  /** Creates or replaces a rule (its pattern validated as AWS does). */
  putRule(rule: Rule): void {
    if (!rule.pattern && !rule.schedule) throw new EventBridgeError('ValidationException', `Rule ${rule.name}: either EventPattern or ScheduleExpression must be given.`);
    if (rule.pattern) {
      try {
        validatePattern(rule.pattern);
      } catch (error) {
        throw new EventBridgeError('InvalidEventPatternException', `Rule ${rule.name}: ${(error as Error).message}`, { cause: error });
      }
    }
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
    const byId = new Map(rule.targets.map((t) => [t.id, t]));
    for (const t of targets) byId.set(t.id, t);
    if (byId.size > 5) throw new EventBridgeError('LimitExceededException', `Rule ${ruleName} would have ${byId.size} targets; the limit is 5.`);
    rule.targets = [...byId.values()];
  }

  removeTargets(busName: string | undefined, ruleName: string, ids: string[]): void {
    const rule = this.getRule(busName, ruleName);
    rule.targets = rule.targets.filter((t) => !ids.includes(t.id));
  }

  addArchive(name: string, busName: string, options: { retentionDays?: number; pattern?: Json } = {}): void {
    this.bus(busName);
    this.archives.define({ name, arn: `arn:aws:events:${this.region}:${this.accountId}:archive/${name}`, busName, ...options });
  }

  listArchives(): ReturnType<ArchiveStore['list']> {
    return this.archives.list();
  }

  testEventPattern(pattern: string, event: string): boolean {
    let p: Json;
    let e: unknown;
    try {
      p = JSON.parse(pattern) as Json;
    } catch (error) {
      throw new EventBridgeError('InvalidEventPatternException', 'Event pattern is not valid JSON.', { cause: error });
    }
    try {
      validatePattern(p);
    } catch (error) {
      throw new EventBridgeError('InvalidEventPatternException', (error as Error).message, { cause: error });
    }
    try {
      e = JSON.parse(event);
    } catch (error) {
      throw new EventBridgeError('ValidationException', 'Event is not valid JSON.', { cause: error });
    }
    for (const field of ['id', 'account', 'source', 'time', 'region', 'detail-type']) {
      if (typeof e !== 'object' || e === null || !(field in e)) throw new EventBridgeError('ValidationException', `Parameter Event is not valid: the event must have a "${field}" field.`);
    }
    return matches(p, e);
  }

  /** PutEvents: each entry accepted or refused on its own, as AWS answers. */
  putEvents(entries: PutEventsEntry[]): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
      throw new EventBridgeError('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10`);
    }
    const results = entries.map((entry) => this.putOne(entry));
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  private putOne(entry: PutEventsEntry): PutEventsResultEntry {
    const fail = (ErrorCode: string, ErrorMessage: string): PutEventsResultEntry => ({ ErrorCode, ErrorMessage });
    if (!entry.Source) return fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
    if (!entry.DetailType) return fail('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.');
    if (entry.Detail === undefined) return fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return fail('MalformedDetail', 'Detail is malformed.');
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return fail('MalformedDetail', 'Detail is malformed.');
    const size = Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail) + (entry.Time ? 14 : 0) + (entry.Resources ?? []).reduce((n, r) => n + Buffer.byteLength(r), 0);
    if (size > MAX_ENTRY_BYTES) return fail('InvalidArgument', `Event size ${size} bytes exceeds the limit of ${MAX_ENTRY_BYTES} bytes.`);
    let bus: ReturnType<EventBridgeBackend['bus']>;
    try {
      bus = this.bus(entry.EventBusName);
    } catch (error) {
      return fail('ResourceNotFoundException', (error as Error).message);
    }
    const time = entry.Time === undefined ? this.now() : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time).getTime();
    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.accountId,
      time: awsTime(Number.isNaN(time) ? this.now() : time),
      region: this.region,
      resources: entry.Resources ?? [],
      detail,
    };
    this.archives.record(bus.name, event, this.now());
    this.route(bus, event, undefined);
    return { EventId: event.id };
  }

  /** Matches the event against the bus's rules and delivers it to every target of each match. */
  private route(bus: ReturnType<EventBridgeBackend['bus']>, event: EventBridgeEvent, onlyRules: Set<string> | undefined): void {
    const matched = bus.rules.matching(event).filter((rule) => !onlyRules || onlyRules.has(rule.arn));
    this.emit('event', { bus: bus.name, event, rules: matched.map((r) => r.name) });
    for (const rule of matched) for (const target of rule.targets) this.track(this.deliverWithRetry(rule, target, event));
  }

  /** Invokes a schedule rule's targets with the event AWS sends for a scheduled rule. */
  fireSchedule(rule: Rule): void {
    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.accountId,
      time: awsTime(this.now()),
      region: this.region,
      resources: [rule.arn],
      detail: {},
    };
    this.emit('event', { bus: rule.busName, event, rules: [rule.name] });
    for (const target of rule.targets) this.track(this.deliverWithRetry(rule, target, event));
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when every delivery started so far has ended (delivered or dead-lettered). */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private async deliverWithRetry(rule: Rule, target: Target, event: EventBridgeEvent): Promise<void> {
    const payload = target.input ?? JSON.stringify(event);
    const started = this.now();
    const base = this.options.retryBaseMs ?? 200;
    let attempt = 0;
    for (;;) {
      try {
        await this.options.deliver(target, payload, { rule, event });
        this.emit('delivered', { rule: rule.name, target: target.arn, eventId: event.id });
        return;
      } catch (error) {
        attempt += 1;
        const tooOld = (this.now() - started) / 1000 >= target.maximumEventAgeSeconds;
        if (attempt > target.maximumRetryAttempts || tooOld) {
          const message = error instanceof Error ? error.message : String(error);
          this.emit('delivery-failed', { rule: rule.name, target: target.arn, eventId: event.id, error: message });
          if (target.deadLetterArn) {
            await this.options
              .deadLetter(target.deadLetterArn, payload, {
                RULE_ARN: rule.arn,
                TARGET_ARN: target.arn,
                ERROR_CODE: (error as { code?: string }).code ?? 'DeliveryFailed',
                ERROR_MESSAGE: message.slice(0, 256),
                EXHAUSTED_RETRY_CONDITION: tooOld ? 'MaximumEventAgeInSeconds' : 'MaximumRetryAttempts',
                RETRY_ATTEMPTS: String(attempt - 1),
              })
              .catch((dlqError: unknown) => this.emit('delivery-lost', { rule: rule.name, target: target.arn, eventId: event.id, error: String(dlqError) }));
          }
          return;
        }
        // Exponential backoff with jitter, capped at 30 s locally.
        const delay = Math.min(30_000, base * 2 ** Math.min(attempt - 1, 10)) * (0.5 + Math.random() / 2);
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
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

  private async runReplay(state: ReplayState, bus: ReturnType<EventBridgeBackend['bus']>): Promise<void> {
    await new Promise((r) => setImmediate(r));
    state.state = 'RUNNING';
    const only = state.filterArns.length ? new Set(state.filterArns) : undefined;
    try {
      const events: ArchivedEvent[] = await this.archives.read(state.archiveArn, state.start, state.end);
      for (const archived of events) {
        if ((state.state as ReplayState['state']) === 'CANCELLING') break;
        this.route(bus, { ...archived.event, 'replay-name': state.name }, only);
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

export { awsTime };
