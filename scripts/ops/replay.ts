/**
 * `ops replay start|status|cancel|list` (seed 004's replay CLI: --archive --start --end
 * --event-bus --replay-name, status --wait).
 *
 * Without a filter a replay is plain StartReplay: every rule of the bus sees the archived
 * events again. With --detail-type / --source / --correlation-id the replay names one
 * temporary rule in its FilterArns; that rule matches only the wanted events and sends them
 * to a temporary queue, and this command hands each one to the targets of the bus's rules
 * that match it, as the bus would have (EventBridge has no content filter on a replay, and
 * the consumers' queue policies accept only their own rules, so the temporary rule cannot
 * target them itself). The command therefore stays until the replay is done, then removes
 * the rule and the queue. --dry-run reads the same events (a replay to the temporary queue
 * only: nobody else receives anything) and lists them with the consumers that would get them.
 */
import { CancelReplayCommand, DescribeArchiveCommand, DescribeReplayCommand, ListReplaysCommand, StartReplayCommand, type DescribeReplayCommandOutput, type Target } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { MATCH_ALL, openCapture, type Capture, type CapturedEvent } from './capture';
import { OpsError } from './errors';
import { consumerRules, describeRoute, routesOf, type ConsumerRule } from './routes';
import { archiveName, busName, type OpsTarget } from './target';

export interface ReplayFilter {
  detailTypes?: string[];
  sources?: string[];
  correlationId?: string;
}

export interface ReplayStartOptions extends ReplayFilter {
  archive?: string;
  start: Date;
  end: Date;
  /** The bus the replay goes to (default: the archive's own bus; EventBridge allows no other). */
  eventBus?: string;
  replayName?: string;
  wait?: boolean;
  dryRun?: boolean;
  /** How long to keep reading after the replay ended, for events still on their way (ms). */
  settleMs?: number;
  /** Ctrl-C: a filtered replay is cancelled (nobody would hand its events on), then its rule and queue removed. */
  signal?: AbortSignal;
}

export const TERMINAL = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

/** Parses a time: ISO 8601, epoch milliseconds, `now`, or `-15m` / `-2h` / `-1d` ago. */
export function parseTime(text: string, now = Date.now()): Date {
  if (text === 'now') return new Date(now);
  const relative = /^-(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text);
  if (relative) return new Date(now - Number(relative[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd']);
  const date = /^\d{10,}$/.test(text) ? new Date(Number(text)) : new Date(text);
  if (Number.isNaN(date.getTime())) throw new OpsError(`"${text}" is not a time: use ISO 8601 (2024-01-15T00:00:00Z), epoch ms, now, or -15m / -2h / -1d`);
  return date;
}

/** The event pattern of a filter; undefined when there is none. */
export function filterPattern(filter: ReplayFilter): Record<string, unknown> | undefined {
  const pattern: Record<string, unknown> = {};
  if (filter.detailTypes?.length) pattern['detail-type'] = filter.detailTypes;
  if (filter.sources?.length) pattern['source'] = filter.sources;
  if (filter.correlationId) pattern['detail'] = { metadata: { correlationId: [filter.correlationId] } };
  return Object.keys(pattern).length ? pattern : undefined;
}

interface ArchiveInfo {
  name: string;
  arn: string;
  bus: string;
  busArn: string;
  eventCount?: number;
}

export async function describeArchive(target: OpsTarget, given?: string): Promise<ArchiveInfo> {
  const name = archiveName(target, given);
  const a = await target.eventBridge.send(new DescribeArchiveCommand({ ArchiveName: name })).catch((error: unknown) => {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') throw new OpsError(`no archive ${name} on ${target.local ? 'the local cloud' : `stage ${target.stage}`}`);
    throw error;
  });
  const busArn = a.EventSourceArn as string;
  return { name, arn: a.ArchiveArn as string, bus: busArn.slice(busArn.lastIndexOf('/') + 1), busArn, ...(a.EventCount !== undefined ? { eventCount: a.EventCount } : {}) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A progress bar from DescribeReplay: how far through the window the last replayed event is. */
export function progressBar(replay: Pick<DescribeReplayCommandOutput, 'State' | 'EventStartTime' | 'EventEndTime' | 'EventLastReplayedTime'>, width = 30): string {
  const start = replay.EventStartTime?.getTime() ?? 0;
  const end = replay.EventEndTime?.getTime() ?? 0;
  const last = replay.EventLastReplayedTime?.getTime();
  let fraction = replay.State === 'COMPLETED' ? 1 : last && end > start ? Math.min(1, Math.max(0, (last - start) / (end - start))) : 0;
  if (!Number.isFinite(fraction)) fraction = 0;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${replay.State ?? ''}`;
}

/**
 * Polls DescribeReplay until the replay ends, reporting progress when it changes; `each` runs
 * between polls. When `cancelOn` aborts (Ctrl-C), the replay is cancelled and waited for.
 */
export async function waitForReplay(target: OpsTarget, name: string, each?: () => Promise<void>, cancelOn?: AbortSignal, pollMs = target.local ? 100 : 2000): Promise<DescribeReplayCommandOutput> {
  let shown = '';
  let cancelled = false;
  for (;;) {
    let r = await target.eventBridge.send(new DescribeReplayCommand({ ReplayName: name }));
    if (cancelOn?.aborted && !cancelled && !TERMINAL.has(r.State ?? '')) {
      cancelled = true;
      target.out(`${name}: cancelling (interrupted)`);
      await target.eventBridge.send(new CancelReplayCommand({ ReplayName: name })).catch(() => undefined);
      r = await target.eventBridge.send(new DescribeReplayCommand({ ReplayName: name }));
    }
    const bar = progressBar(r);
    if (bar !== shown) target.out(`${name} ${bar}`);
    shown = bar;
    if (each) await each();
    if (TERMINAL.has(r.State ?? '')) return r;
    await sleep(pollMs);
  }
}

/**
 * Reads the archived events of a window that match a pattern, by replaying them to a
 * temporary rule and queue only (FilterArns): works the same on AWS, where an archive has
 * no read API, and locally.
 */
export async function readArchive(target: OpsTarget, archive: ArchiveInfo, start: Date, end: Date, pattern: unknown, settleMs?: number): Promise<CapturedEvent[]> {
  const capture = await openCapture(target, archive.bus, pattern ?? MATCH_ALL, 'read');
  const events = new Map<string, CapturedEvent>();
  const name = capture.ruleName;
  try {
    await target.eventBridge.send(new StartReplayCommand({ ReplayName: name, EventSourceArn: archive.arn, EventStartTime: start, EventEndTime: end, Destination: { Arn: archive.busArn, FilterArns: [capture.ruleArn] } }));
    const drain = async (): Promise<void> => {
      for (const e of await capture.receive(0)) if (e['replay-name'] === name) events.set(e.id, e);
    };
    const quiet = { out: () => undefined };
    const final = await waitForReplay({ ...target, ...quiet }, name, drain);
    if (final.State !== 'COMPLETED') throw new OpsError(`reading archive ${archive.name} failed: replay ${name} ${final.State}${final.StateReason ? ` (${final.StateReason})` : ''}`);
    await settle(capture, settleMs ?? (target.local ? 300 : 15_000), (e) => e['replay-name'] === name && events.set(e.id, e));
  } finally {
    await capture.close();
  }
  return [...events.values()].sort((a, b) => a.time.localeCompare(b.time));
}

/** Keeps receiving until nothing arrived for `quietMs`. */
async function settle(capture: Capture, quietMs: number, take: (e: CapturedEvent) => unknown): Promise<void> {
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs) {
    const got = await capture.receive(quietMs >= 2000 ? 1 : 0);
    for (const e of got) take(e);
    if (got.length) quietSince = Date.now();
    else if (quietMs < 2000) await sleep(50);
  }
}

export interface DryRunResult {
  archive: string;
  events: { event: CapturedEvent; routes: string[] }[];
  consumers: Record<string, number>;
}

export interface ReplayStartResult {
  replayName: string;
  state: string;
  /** Events handed to each target (filtered replays). */
  forwarded?: Record<string, number>;
  dryRun?: DryRunResult;
}

/** `replay start`. */
export async function replayStart(target: OpsTarget, options: ReplayStartOptions): Promise<ReplayStartResult> {
  if (!(options.end.getTime() > options.start.getTime())) throw new OpsError('--end must be after --start');
  const archive = await describeArchive(target, options.archive);
  if (options.eventBus && busName(target, options.eventBus) !== archive.bus) {
    throw new OpsError(`archive ${archive.name} belongs to bus ${archive.bus}; EventBridge replays only to the archive's own bus`);
  }
  const pattern = filterPattern(options);
  const rules = await consumerRules(target, archive.bus);
  if (options.dryRun) {
    const result = await dryRun(target, archive, options, pattern, rules);
    return { replayName: '(dry run)', state: 'DRY_RUN', dryRun: result };
  }
  const name = options.replayName ?? `ops-replay-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 4)}`;
  const window = `${options.start.toISOString()} .. ${options.end.toISOString()}`;
  if (!pattern) {
    await target.eventBridge.send(new StartReplayCommand({ ReplayName: name, EventSourceArn: archive.arn, EventStartTime: options.start, EventEndTime: options.end, Destination: { Arn: archive.busArn } }));
    target.out(`replay ${name} started: archive ${archive.name}, ${window}, to every rule of ${archive.bus}`);
    if (!options.wait) return { replayName: name, state: 'STARTING' };
    const final = await waitForReplay(target, name);
    return { replayName: name, state: final.State ?? 'UNKNOWN' };
  }
  return filteredReplay(target, { ...options, name, archive, pattern, rules, window });
}

async function filteredReplay(
  target: OpsTarget,
  options: Omit<ReplayStartOptions, 'archive'> & { name: string; archive: ArchiveInfo; pattern: Record<string, unknown>; rules: ConsumerRule[]; window: string },
): Promise<ReplayStartResult> {
  const { name, archive, rules } = options;
  const capture = await openCapture(target, archive.bus, options.pattern, 'replay');
  const forwarded: Record<string, number> = {};
  const queueUrls = new Map<string, string>();
  const skipped = new Set<string>();
  const seen = new Set<string>();
  const forward = async (event: CapturedEvent): Promise<void> => {
    if (event['replay-name'] !== name || seen.has(event.id)) return;
    seen.add(event.id);
    for (const rule of routesOf(rules, event)) for (const t of rule.targets) await deliver(rule, t, event);
  };
  const deliver = async (rule: ConsumerRule, t: Target, event: CapturedEvent): Promise<void> => {
    const arn = t.Arn ?? '';
    if (!arn.startsWith('arn:aws:sqs:') || t.Input !== undefined || t.InputPath !== undefined || t.InputTransformer !== undefined) {
      if (!skipped.has(arn)) target.out(`  skipped target ${arn} of ${rule.name}: a filtered replay hands events to SQS targets that take the whole event only`);
      skipped.add(arn);
      return;
    }
    const [, , , , account, queue] = arn.split(':');
    let url = queueUrls.get(arn);
    if (!url) {
      url = (await target.sqs.send(new GetQueueUrlCommand({ QueueName: queue as string, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }))).QueueUrl as string;
      queueUrls.set(arn, url);
    }
    const group = t.SqsParameters?.MessageGroupId;
    await target.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(event), ...(group ? { MessageGroupId: group, MessageDeduplicationId: event.id } : {}) }));
    const key = queue as string;
    forwarded[key] = (forwarded[key] ?? 0) + 1;
  };
  try {
    await target.eventBridge.send(
      new StartReplayCommand({ ReplayName: name, EventSourceArn: archive.arn, EventStartTime: options.start, EventEndTime: options.end, Destination: { Arn: archive.busArn, FilterArns: [capture.ruleArn] } }),
    );
    target.out(`replay ${name} started: archive ${archive.name}, ${options.window}, only events matching ${JSON.stringify(options.pattern)}`);
    target.out(`  (temporary rule ${capture.ruleName} -> this command -> the matching consumers; stays until the replay is done)`);
    const drain = async (): Promise<void> => {
      for (const e of await capture.receive(0)) await forward(e);
    };
    const final = await waitForReplay(target, name, drain, options.signal);
    await settle(capture, options.settleMs ?? (target.local ? 500 : 15_000), (e) => forward(e));
    target.out(`replay ${name} ${final.State}: ${seen.size} event(s) redelivered${Object.keys(forwarded).length ? `: ${Object.entries(forwarded).map(([q, n]) => `${q} ${n}`).join(', ')}` : ''}`);
    return { replayName: name, state: final.State ?? 'UNKNOWN', forwarded };
  } finally {
    await capture.close();
  }
}

async function dryRun(target: OpsTarget, archive: ArchiveInfo, options: ReplayStartOptions, pattern: Record<string, unknown> | undefined, rules: ConsumerRule[]): Promise<DryRunResult> {
  target.out(`dry run: archive ${archive.name}, ${options.start.toISOString()} .. ${options.end.toISOString()}${pattern ? `, only ${JSON.stringify(pattern)}` : ''}; nothing is delivered`);
  const events = await readArchive(target, archive, options.start, options.end, pattern, options.settleMs);
  const consumers: Record<string, number> = {};
  const listed = events.map((event) => {
    const routes = routesOf(rules, event).map(describeRoute);
    for (const r of routes) consumers[r] = (consumers[r] ?? 0) + 1;
    const metadata = (event.detail as { metadata?: { correlationId?: string } } | null)?.metadata;
    target.out(`  ${event.time}  ${event.source}  ${event['detail-type']}  ${event.id}${metadata?.correlationId ? `  corr ${metadata.correlationId}` : ''}`);
    target.out(`      -> ${routes.length ? routes.join('; ') : '(no consumer)'}`);
    return { event, routes };
  });
  target.out(`${events.length} event(s) would be replayed`);
  for (const [route, n] of Object.entries(consumers)) target.out(`  ${String(n).padStart(5)}  ${route}`);
  return { archive: archive.name, events: listed, consumers };
}

export async function replayStatus(target: OpsTarget, name: string, wait: boolean): Promise<string> {
  const r = wait ? await waitForReplay(target, name) : await target.eventBridge.send(new DescribeReplayCommand({ ReplayName: name }));
  target.out(`${r.ReplayName}: ${r.State}${r.StateReason ? ` (${r.StateReason})` : ''}`);
  target.out(`  archive   ${r.EventSourceArn?.split('/').pop() ?? ''}`);
  target.out(`  window    ${r.EventStartTime?.toISOString() ?? '?'} .. ${r.EventEndTime?.toISOString() ?? '?'}`);
  if (r.EventLastReplayedTime) target.out(`  last      ${r.EventLastReplayedTime.toISOString()}`);
  if (r.Destination?.FilterArns?.length) target.out(`  rules     ${r.Destination.FilterArns.map((a) => a.split('/').pop()).join(', ')}`);
  if (!wait) target.out(`  ${progressBar(r)}`);
  return r.State ?? 'UNKNOWN';
}

export async function replayCancel(target: OpsTarget, name: string): Promise<string> {
  const r = await target.eventBridge.send(new CancelReplayCommand({ ReplayName: name }));
  target.out(`${name}: ${r.State}`);
  return r.State ?? 'UNKNOWN';
}

export async function replayList(target: OpsTarget): Promise<{ name: string; state: string }[]> {
  const out: { name: string; state: string }[] = [];
  let token: string | undefined;
  do {
    const page = await target.eventBridge.send(new ListReplaysCommand({ ...(token ? { NextToken: token } : {}) }));
    for (const r of page.Replays ?? []) {
      out.push({ name: r.ReplayName ?? '', state: r.State ?? '' });
      target.out(`${(r.ReplayName ?? '').padEnd(44)} ${(r.State ?? '').padEnd(10)} ${r.EventStartTime?.toISOString() ?? ''} .. ${r.EventEndTime?.toISOString() ?? ''}  ${r.EventSourceArn?.split('/').pop() ?? ''}`);
    }
    token = page.NextToken;
  } while (token);
  if (!out.length) target.out('no replays');
  return out;
}
