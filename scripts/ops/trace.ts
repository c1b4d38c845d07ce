/**
 * `ops trace <correlationId>`: the causal tree of one flow. Events are linked by their
 * envelope (metadata.causationId names the eventId that caused it); each shows when it
 * crossed which bus, the rules and targets that got it, the functions that handled it
 * (locally, from the cloud's invocation log: ok or failed, and how long), the errors the
 * errors bus recorded for it, the DLQ messages of the flow, and which saga step it is
 * (from the sagas the spec declares, generated/sagas). Locally the events come from the
 * cloud's event log; on AWS from the buses' archives (read with a replay to a temporary
 * queue, over --since), where handling is shown as the consumers the rules route to.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findDlqs, errorOf, type RecordedError } from './dlq';
import { OpsError } from './errors';
import { describeArchive, readArchive } from './replay';
import { consumerRules, OPS_PREFIX, routesOf, type ConsumerRule } from './routes';
import { allBuses, shortQueueName, type OpsTarget } from './target';
import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';

interface FlowEvent {
  at: number;
  bus: string;
  rules: string[];
  event: { id: string; source: string; 'detail-type': string; time?: string; detail?: unknown; 'replay-name'?: string };
}

interface Invocation {
  function: string;
  startedAt: number;
  durationMs: number;
  ok: boolean;
  error?: string;
  eventIds: string[];
  failedEventIds: string[];
}

export interface TraceNode {
  eventId: string;
  detailType: string;
  source: string;
  bus: string;
  at: number;
  causationId?: string;
  /** `rule -> target` for each target the event was routed to. */
  routes: string[];
  /** Functions that handled it (locally): name, ok, duration. */
  handledBy: { function: string; ok: boolean; durationMs: number; error?: string }[];
  /** Errors the errors bus recorded for it. */
  errors: RecordedError[];
  /** Its saga role, when a declared saga step sends or answers it. */
  saga?: string;
  /** The replays that delivered it again (to at least one rule; not the ops commands' own archive reads). */
  replays: string[];
  children: TraceNode[];
}

export interface TraceResult {
  correlationId: string;
  roots: TraceNode[];
  events: number;
  errors: RecordedError[];
  dlq: { queue: string; messageId: string; detailType?: string; eventId?: string }[];
}

interface SagaSpecShape {
  name: string;
  trigger?: string;
  timeout?: string;
  steps: { name: string; command: string; success: readonly string[]; failure: readonly string[]; compensation?: { command: string; reply: readonly string[] } }[];
}

/** detail-type -> saga role, from the generated saga specs (exports named `...SagaSpec`). */
async function sagaRoles(root: string): Promise<Map<string, string>> {
  const roles = new Map<string, string>();
  const dir = join(root, 'generated', 'sagas');
  if (!existsSync(dir)) return roles;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(join(dir, file))) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const [key, value] of Object.entries(mod)) {
      if (!key.endsWith('SagaSpec') || typeof value !== 'object' || value === null) continue;
      const saga = value as SagaSpecShape;
      if (saga.trigger) roles.set(saga.trigger, `saga ${saga.name}: trigger`);
      saga.steps.forEach((s, i) => {
        const step = `saga ${saga.name} step ${i + 1} ${s.name}`;
        roles.set(s.command, `${step}: command`);
        for (const r of s.success) roles.set(r, `${step}: success`);
        for (const r of s.failure) roles.set(r, `${step}: failure`);
        if (s.compensation) {
          roles.set(s.compensation.command, `${step}: compensation`);
          for (const r of s.compensation.reply) roles.set(r, `${step}: compensated`);
        }
      });
      if (saga.timeout) roles.set(saga.timeout, `saga ${saga.name}: step timeout`);
    }
  }
  return roles;
}

const metadataOf = (e: FlowEvent['event']): { eventId?: string; causationId?: string; correlationId?: string } => ((e.detail as { metadata?: Record<string, string> } | null)?.metadata ?? {}) as never;

/**
 * The flow's events: locally from the event log, or from the archives when the log has none
 * (a restarted cloud keeps its archives, not its log) or `from` says so; on AWS from the archives.
 */
async function flowEvents(target: OpsTarget, correlationId: string, since: Date, from: 'log' | 'archive' | undefined): Promise<FlowEvent[]> {
  if (target.local && target.endpoint && from !== 'archive') {
    const { events } = (await (await fetch(`${target.endpoint}/local/events?correlationId=${encodeURIComponent(correlationId)}`)).json()) as { events: FlowEvent[] };
    if (events.length || from === 'log') return events;
  }
  const out: FlowEvent[] = [];
  for (const bus of allBuses(target)) {
    const archive = await describeArchive(target, bus).catch(() => undefined);
    if (!archive) continue;
    const events = await readArchive(target, archive, since, new Date(), { detail: { metadata: { correlationId: [correlationId] } } });
    for (const e of events) out.push({ at: Date.parse(e.time), bus, rules: [], event: { ...e, 'replay-name': undefined } as FlowEvent['event'] });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** DLQ messages of the flow (each DLQ looked at, messages made visible again). */
async function flowDlqMessages(target: OpsTarget, correlationId: string): Promise<TraceResult['dlq']> {
  const found: TraceResult['dlq'] = [];
  for (const dlq of (await findDlqs(target)).filter((d) => d.depth > 0)) {
    const seen = new Map<string, Message>();
    try {
      for (;;) {
        const got = (await target.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }))).Messages ?? [];
        const fresh = got.filter((m) => !seen.has(m.MessageId ?? ''));
        for (const m of got) seen.set(m.MessageId ?? '', m);
        if (!fresh.length) break;
      }
    } finally {
      const all = [...seen.values()];
      for (let i = 0; i < all.length; i += 10) {
        await target.sqs
          .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: dlq.url, Entries: all.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle as string, VisibilityTimeout: 0 })) }))
          .catch(() => undefined);
      }
    }
    for (const m of seen.values()) {
      try {
        const e = JSON.parse(m.Body ?? '') as FlowEvent['event'];
        const md = metadataOf(e);
        if (md.correlationId === correlationId) found.push({ queue: shortQueueName(target, dlq.name), messageId: m.MessageId ?? '', detailType: e['detail-type'], ...(md.eventId ? { eventId: md.eventId } : {}) });
      } catch {
        // Not an event: not part of a flow.
      }
    }
  }
  return found;
}

/** A correlation id with no event (yet): the console shows it as a flow still to come. */
export class NoFlowEvents extends OpsError {}

export async function trace(target: OpsTarget, correlationId: string, options: { since?: Date; from?: 'log' | 'archive'; /** false: no look into the DLQs (which receives their messages) */ dlq?: boolean } = {}): Promise<TraceResult> {
  const since = options.since ?? new Date(Date.now() - 86_400_000);
  const logged = await flowEvents(target, correlationId, since, options.from);
  if (!logged.length) throw new NoFlowEvents(`no event with correlation id ${correlationId} ${target.local && options.from !== 'archive' ? "in the local cloud's event log or its archives" : 'in the archives'} since ${since.toISOString()} (widen with --since)`);
  const originals = logged.filter((e) => !e.event['replay-name']);
  const replays = new Map<string, string[]>();
  for (const e of logged) {
    const name = e.event['replay-name'];
    if (!name || name.startsWith(`${OPS_PREFIX}read-`) || !e.rules.length) continue;
    const id = metadataOf(e.event).eventId ?? e.event.id;
    replays.set(id, [...(replays.get(id) ?? []), name]);
  }
  const rulesByBus = new Map<string, ConsumerRule[]>();
  for (const bus of new Set(originals.map((e) => e.bus))) rulesByBus.set(bus, await consumerRules(target, bus).catch(() => []));
  const ids = originals.map((e) => metadataOf(e.event).eventId ?? e.event.id);
  let invocations: Invocation[] = [];
  if (target.local && target.endpoint && ids.length) {
    const response = await fetch(`${target.endpoint}/local/invocations?eventIds=${encodeURIComponent(ids.join(','))}`);
    if (response.ok) invocations = ((await response.json()) as { invocations: Invocation[] }).invocations;
  }
  const roles = await sagaRoles(target.root);
  const errors = originals.flatMap((e) => {
    const err = errorOf(e.event);
    return err ? [{ err, causationId: metadataOf(e.event).causationId }] : [];
  });
  const nodes = new Map<string, TraceNode>();
  for (const e of originals) {
    const md = metadataOf(e.event);
    const id = md.eventId ?? e.event.id;
    if (nodes.has(id)) continue;
    const rules = rulesByBus.get(e.bus) ?? [];
    const matched = e.rules.length ? rules.filter((r) => e.rules.includes(r.name)) : routesOf(rules, e.event);
    const routes = matched.flatMap((r) => r.targets.map((t) => `${r.name} -> ${(t.Arn ?? '').split(/[:/]/).pop() ?? ''}`));
    if (e.rules.length && !matched.length) routes.push(...e.rules);
    const handledBy = invocations
      .filter((i) => i.eventIds.includes(id))
      .map((i) => {
        const failed = !i.ok && (i.failedEventIds.includes(id) || i.failedEventIds.length === 0);
        return { function: i.function, ok: !failed, durationMs: i.durationMs, ...(failed && i.error ? { error: i.error } : {}) };
      });
    const role = roles.get(e.event['detail-type']);
    nodes.set(id, {
      eventId: id,
      detailType: e.event['detail-type'],
      source: e.event.source,
      bus: e.bus,
      at: e.at,
      ...(md.causationId ? { causationId: md.causationId } : {}),
      routes,
      handledBy,
      errors: errors.filter((x) => x.causationId === id).map((x) => x.err),
      ...(role ? { saga: role } : {}),
      replays: replays.get(id) ?? [],
      children: [],
    });
  }
  const roots: TraceNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.causationId ? nodes.get(node.causationId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const dlq = options.dlq === false ? [] : await flowDlqMessages(target, correlationId);
  const result: TraceResult = { correlationId, roots, events: nodes.size, errors: errors.map((e) => e.err), dlq };
  printTrace(target, result);
  return result;
}

function printTrace(target: OpsTarget, result: TraceResult): void {
  const first = Math.min(...result.roots.map((r) => r.at));
  const last = Math.max(...[...walk(result.roots)].map((n) => n.at));
  target.out(`trace ${result.correlationId}: ${result.events} event(s) from ${new Date(first).toISOString()} over ${last - first} ms; ${result.errors.length} error(s); ${result.dlq.length} DLQ message(s)`);
  const print = (node: TraceNode, depth: number): void => {
    const indent = '  '.repeat(depth);
    const bad = node.errors.length > 0 || node.handledBy.some((h) => !h.ok);
    target.out(`${indent}${bad ? '✗' : '•'} +${String(node.at - first).padStart(6)} ms  ${node.detailType}  (${node.source} on ${node.bus})  ${node.eventId}${node.saga ? `  [${node.saga}]` : ''}${node.replays.length ? `  replayed by ${node.replays.join(', ')}` : ''}`);
    for (const r of node.routes) target.out(`${indent}      -> ${r}`);
    for (const h of node.handledBy) target.out(`${indent}      handled by ${h.function}: ${h.ok ? 'ok' : `FAILED${h.error ? ` (${h.error})` : ''}`} ${h.durationMs} ms`);
    for (const e of node.errors) target.out(`${indent}      ✗ error ${e.errorCode}: ${e.errorMessage}${e.function ? ` (in ${e.function})` : ''}`);
    for (const d of result.dlq.filter((x) => x.eventId === node.eventId)) target.out(`${indent}      ✗ in DLQ ${d.queue} (message ${d.messageId})`);
    for (const c of node.children.sort((a, b) => a.at - b.at)) print(c, depth + 1);
  };
  for (const r of result.roots.sort((a, b) => a.at - b.at)) print(r, 0);
}

function* walk(nodes: TraceNode[]): Generator<TraceNode> {
  for (const n of nodes) {
    yield n;
    yield* walk(n.children);
  }
}
