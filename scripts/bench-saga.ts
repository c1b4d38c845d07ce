/**
 * `npm run bench:saga`: sagas under load on the local cloud. The packaged template runs
 * in-process (in memory); the project's saga flow (package.json `config.sagaBench`, a module
 * whose default export is a `SagaBenchFlow`, scripts/bench/saga.ts) says how one saga is
 * prepared and started. Two phases:
 *  - quiet: `--quiet` sagas (20) one after the other, nothing else running (this also warms
 *    the functions);
 *  - load: `--sagas` (500) prepared `--concurrency` (100) at a time, then all started at
 *    once (the same bounded concurrency of HTTP calls: they overlap), and followed in the
 *    saga table until every one is terminal (COMPLETED, COMPENSATED, FAILED) or
 *    `--deadline` seconds (600) after the last start.
 * Every event crossing a bus is stamped as the bus routes it. Reported: terminal statuses, the
 * sagas still running at the deadline (stuck: must be 0), double steps (must be 0: each
 * saga's step history has every step once, and every command on the bus is one its history
 * sent), throughput (started sagas per second from the first start to the last terminal
 * state), completion time (start answered -> saga endedAt) p50/p95, the step latency from the
 * step history (command sent -> reply applied), and the same run's plain event hop (the
 * flow's `hop`: an event, a consumer, its event through the outbox, bus to bus), with the
 * ratio step / hop (target: at most 2x). Exit code 1 when a saga is stuck, a step ran twice,
 * or a saga could not be started.
 *
 *   npm run bench:saga                               # 500 sagas, figures to BENCHMARKS.md
 *   npm run bench:saga -- --sagas 50 --quiet 5       # a short run (BENCHMARKS.md untouched)
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbDocumentClient } from '../lib/clients';
import type { SagaState } from '../lib/saga';
import { LocalCloud } from '../local/runtime';
import type { EventBridgeEvent } from '../local/eventbridge/types';
import { packageStage } from '../tests/helpers/template';
import { flag, option } from './args';
import { pool, writeBenchSection } from './bench/report';
import { busHops, doubleSteps, hopTimes, percentile, stepDurations, TERMINAL_STATUSES, type BusEvent, type Prepared, type SagaBenchContext, type SagaBenchFlow } from './bench/saga';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const ROOT = resolve(__dirname, '..');
const SAGAS = Number(option('sagas', '500'));
const QUIET = Number(option('quiet', '20'));
const CONCURRENCY = Number(option('concurrency', '100'));
const DEADLINE_S = Number(option('deadline', '600'));
const POLL_MS = 1000;
/** A run this big (and not `--no-write`) writes its section of BENCHMARKS.md. */
const WRITE_FROM = 500;
const RATIO_TARGET = 2;
/** After the last saga ended: time for a late, extra command to show up on the bus before the double-step check. */
const SETTLE_MS = 3000;

type State = SagaState<unknown>;
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ms = (v: number): string => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');

/** The flow module named in package.json `config.sagaBench`. */
async function loadFlow(): Promise<SagaBenchFlow> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { config?: { sagaBench?: unknown } };
  const path = pkg.config?.sagaBench;
  if (typeof path !== 'string' || !path) throw new Error('package.json config.sagaBench names no saga flow module');
  const mod = (await import(isAbsolute(path) ? path : join(ROOT, path))) as { default?: SagaBenchFlow | { default?: SagaBenchFlow } };
  const flow = mod.default && 'default' in mod.default ? mod.default.default : (mod.default as SagaBenchFlow | undefined);
  if (!flow?.setup) throw new Error(`${path} has no default export of a saga bench flow`);
  return flow;
}

/** Items of `ids` from the saga table (BatchGetItem, 100 at a time, consistent), whole or only the given attributes. */
async function readItems(doc: DynamoDBDocumentClient, table: string, ids: readonly string[], attributes?: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  const items = new Map<string, Record<string, unknown>>();
  const projection = attributes ? { ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '), ExpressionAttributeNames: Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a])) } : {};
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] = ids.slice(i, i + 100).map((sagaId) => ({ sagaId }));
    while (keys.length) {
      const out = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true, ...projection } } }));
      for (const item of out.Responses?.[table] ?? []) items.set(String(item['sagaId']), item);
      keys = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return items;
}

/** The states of `ids` (lib/saga's store keeps the whole state in `state`). */
async function readStates(doc: DynamoDBDocumentClient, table: string, ids: readonly string[]): Promise<Map<string, State>> {
  return new Map([...(await readItems(doc, table, ids))].map(([id, item]) => [id, item['state'] as State]));
}

/** The statuses of `ids` (the store's top-level `status`): what polling needs, without reading every state. */
async function readStatuses(doc: DynamoDBDocumentClient, table: string, ids: readonly string[]): Promise<Map<string, string>> {
  return new Map([...(await readItems(doc, table, ids, ['sagaId', 'status']))].map(([id, item]) => [id, String(item['status'])]));
}

const isTerminalStatus = (status: string | undefined): boolean => status !== undefined && (TERMINAL_STATUSES as readonly string[]).includes(status);
const isTerminal = (s: State | undefined): boolean => isTerminalStatus(s?.status);

interface Started {
  sagaId: string;
  sentAt: number;
  answeredAt: number;
}

/** Figures of one phase. */
function phaseFigures(states: State[], started: Started[], hops: number[], firstAt: ReadonlyMap<string, number>) {
  const answered = new Map(started.map((s) => [s.sagaId, s.answeredAt]));
  const completion = states.flatMap((s) => (s.endedAt && answered.has(s.sagaId) ? [Date.parse(s.endedAt) - (answered.get(s.sagaId) as number)] : []));
  const steps = new Map<string, number[]>();
  for (const s of states) for (const d of stepDurations(s.history)) steps.set(d.step, [...(steps.get(d.step) ?? []), d.ms]);
  const allSteps = [...steps.values()].flat();
  // The saga's own cost per step: start -> end over the steps it ran.
  const perStep = states.flatMap((s) => (s.endedAt && s.history.length ? [(Date.parse(s.endedAt) - Date.parse(s.startedAt)) / s.history.length] : []));
  const onBus = states.map((s) => busHops(s.history, firstAt));
  return { completion, steps, allSteps, perStep, hop: hops, participant: onBus.flatMap((b) => b.participant), orchestrator: onBus.flatMap((b) => b.orchestrator), busStep: onBus.flatMap((b) => b.step) };
}

async function main(): Promise<number> {
  const flow = await loadFlow();
  const loadBefore = loadavg();
  const dir = join(ROOT, '.test-out', 'bench-saga');
  log(`packaging the bench stage... (load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')})`);
  const template = packageStage('bench', join(dir, 'package'));
  const changes = flow.prepare?.(template) ?? [];
  const cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  const doc = createDynamoDbDocumentClient({ endpoint: cloud.urls.dynamodb, env: {} });
  const token = cloud.issuer.mint({ aud: cloud.plan.routes.find((r) => r.authorizer)?.authorizer?.audience[0] ?? '' });
  const failedInvocations = new Map<string, number>();
  cloud.runner.on('invoked', (e: { function: string; ok: boolean }) => {
    if (!e.ok) failedInvocations.set(e.function, (failedInvocations.get(e.function) ?? 0) + 1);
  });

  // The bus tail: every event the buses route, stamped now.
  const bus: BusEvent[] = [];
  const waiters = new Set<{ match: (e: BusEvent) => boolean; found: BusEvent[]; count: number; done: (events: BusEvent[]) => void }>();
  cloud.events.on('event', (e: { event: EventBridgeEvent }) => {
    const detail = (e.event.detail ?? {}) as { metadata?: { eventId?: unknown; aggregateId?: unknown }; data?: unknown };
    const entry: BusEvent = {
      at: Date.now(),
      detailType: e.event['detail-type'],
      eventId: typeof detail.metadata?.eventId === 'string' ? detail.metadata.eventId : e.event.id,
      aggregateId: typeof detail.metadata?.aggregateId === 'string' ? detail.metadata.aggregateId : undefined,
      data: typeof detail.data === 'object' && detail.data !== null ? (detail.data as Record<string, unknown>) : {},
    };
    bus.push(entry);
    for (const w of waiters) {
      if (!w.match(entry)) continue;
      w.found.push(entry);
      if (w.found.length >= w.count) {
        waiters.delete(w);
        w.done(w.found);
      }
    }
  });
  const context: SagaBenchContext = {
    doc,
    async call(method, path, body) {
      const res = await fetch(`${cloud.urls.http}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    table(suffix) {
      const table = cloud.plan.tables.find((t) => t.name.endsWith(`-${suffix}`));
      if (!table) throw new Error(`no table ending in -${suffix} in the template`);
      return table.name;
    },
    waitForEvents(match, count, timeoutMs) {
      const found = bus.filter(match);
      if (found.length >= count) return Promise.resolve(found.slice(0, count));
      return new Promise((resolveWait, reject) => {
        const waiter = { match, found, count, done: (events: BusEvent[]) => (clearTimeout(timer), resolveWait(events)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${found.length} of ${count} awaited events on the bus after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
  const sagaTable = context.table(flow.sagaTable);
  const hopsBetween = (from: number, to: number): number[] => [...hopTimes(bus.filter((e) => e.at >= from && e.at <= to), flow.hop).values()];

  try {
    // Quiet phase: one saga at a time.
    log(`quiet phase: ${QUIET} ${flow.name} sagas one after the other`);
    const quietStarted: Started[] = [];
    const quietFrom = Date.now();
    for (let n = 0; n < QUIET; n++) {
      const prepared = await flow.setup(context, n);
      const sentAt = Date.now();
      const sagaId = await flow.start(context, prepared, n);
      if (!sagaId) throw new Error(`quiet saga ${n} was not started`);
      quietStarted.push({ sagaId, sentAt, answeredAt: Date.now() });
      const deadline = Date.now() + 60_000;
      while (!isTerminalStatus((await readStatuses(doc, sagaTable, [sagaId])).get(sagaId))) {
        if (Date.now() > deadline) throw new Error(`quiet saga ${sagaId} not terminal after 60 s`);
        await sleep(25);
      }
      // Let the saga's aftermath (offers expiring, notifications) pass before the next one.
      await sleep(300);
    }
    const quietHops = hopsBetween(quietFrom, Date.now());
    const quietStates = [...(await readStates(doc, sagaTable, quietStarted.map((s) => s.sagaId))).values()];
    await sleep(1000);

    // Load phase: prepare every saga, then start them all at once.
    const loadAvgAtLoad = loadavg()[0] as number;
    log(`load phase: preparing ${SAGAS} sagas, ${CONCURRENCY} at a time...`);
    const prepareFrom = Date.now();
    const indexes = Array.from({ length: SAGAS }, (_, i) => QUIET + i);
    const prepared = await pool(indexes, CONCURRENCY, (n) => flow.setup(context, n).catch((error: unknown) => (log(`  setup ${n} failed: ${(error as Error).message}`), undefined)));
    const prepareSeconds = (Date.now() - prepareFrom) / 1000;
    const loadHops = hopsBetween(prepareFrom, Date.now());
    log(`prepared ${prepared.filter(Boolean).length} in ${prepareSeconds.toFixed(1)} s; starting them all...`);
    await sleep(1000);
    const firstStart = Date.now();
    const results = await pool(indexes, CONCURRENCY, async (n, i): Promise<Started | undefined> => {
      const p = prepared[i];
      if (!p) return undefined;
      const sentAt = Date.now();
      const sagaId = await flow.start(context, p as Prepared, n).catch(() => undefined);
      return sagaId ? { sagaId, sentAt, answeredAt: Date.now() } : undefined;
    });
    const started = results.filter((r): r is Started => r !== undefined);
    const lastStart = Date.now();
    log(`${started.length} started in ${((lastStart - firstStart) / 1000).toFixed(1)} s; following them in ${sagaTable}...`);

    const ids = started.map((s) => s.sagaId);
    const statuses = new Map<string, string>();
    const deadline = lastStart + DEADLINE_S * 1000;
    let lastReport = 0;
    for (;;) {
      const open = ids.filter((id) => !isTerminalStatus(statuses.get(id)));
      for (const [id, s] of await readStatuses(doc, sagaTable, open)) statuses.set(id, s);
      const running = ids.filter((id) => !isTerminalStatus(statuses.get(id))).length;
      if (!running || Date.now() - lastReport > 10_000) {
        log(`  ${ids.length - running} terminal, ${running} running (${((Date.now() - firstStart) / 1000).toFixed(0)} s)`);
        lastReport = Date.now();
      }
      if (!running || Date.now() > deadline) break;
      // The times come from the saga states, not from this loop: polling slowly costs no accuracy, and little load.
      await sleep(POLL_MS);
    }
    await sleep(SETTLE_MS);
    const states = await readStates(doc, sagaTable, ids);
    const loadStates = ids.flatMap((id) => (states.get(id) ? [states.get(id) as State] : []));
    const stuck = ids.filter((id) => !isTerminal(states.get(id)));
    const byStatus = new Map<string, number>();
    for (const s of loadStates) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);

    // Double steps, over both phases: each saga's history, and its commands on the bus.
    const commandTypes = new Set(flow.commands);
    const commandsOf = new Map<string, BusEvent[]>();
    for (const e of bus) if (e.aggregateId && commandTypes.has(e.detailType)) commandsOf.set(e.aggregateId, [...(commandsOf.get(e.aggregateId) ?? []), e]);
    const doubles: string[] = [];
    const unpublished: string[] = [];
    let republished = 0;
    let commandCount = 0;
    for (const s of [...quietStates, ...loadStates]) {
      const commands = commandsOf.get(s.sagaId) ?? [];
      commandCount += commands.length;
      const check = doubleSteps(s, commands);
      doubles.push(...check.doubles.map((d) => `${s.sagaId}: ${d}`));
      // A running saga's last command may still be in the outbox.
      if (isTerminal(s)) unpublished.push(...check.unpublished.map((d) => `${s.sagaId}: ${d}`));
      republished += check.republished;
    }

    const lastEnded = Math.max(...loadStates.flatMap((s) => (s.endedAt ? [Date.parse(s.endedAt)] : [])));
    const throughput = started.length / ((lastEnded - firstStart) / 1000);
    const firstAt = new Map<string, number>();
    for (const e of bus) if (!firstAt.has(e.eventId)) firstAt.set(e.eventId, e.at);
    const quiet = phaseFigures(quietStates, quietStarted, quietHops, firstAt);
    const load = phaseFigures(loadStates, started, loadHops, firstAt);
    const dlqs = deadLetterCounts(cloud);
    const waiting = waitingCounts(cloud);
    const health = { ...cloud.health };
    const loadAfter = loadavg();

    const ratio = (step: number, hop: number): string => `${(step / hop).toFixed(2)}x`;
    const verdict = (r: number): string => (r <= RATIO_TARGET ? 'met' : 'NOT met');
    const stepRows = (f: ReturnType<typeof phaseFigures>): string[] => [...f.steps].map(([step, v]) => `| ${step} (${v.length}) | ${ms(percentile(v, 50))} | ${ms(percentile(v, 95))} |`);
    const p50 = (v: number[]): number => percentile(v, 50);
    const row = (what: string, q: number[], l: number[]): string => `| ${what} | ${ms(percentile(q, 50))} | ${ms(percentile(q, 95))} | ${ms(percentile(l, 50))} | ${ms(percentile(l, 95))} |`;
    const lines = [
      `Saga: ${flow.name}. ${SAGAS} sagas prepared ${CONCURRENCY} at a time (${prepareSeconds.toFixed(1)} s), then all started at once (${CONCURRENCY} concurrent HTTP calls; ${started.length} started in ${((lastStart - firstStart) / 1000).toFixed(1)} s), followed in the saga table until terminal or ${DEADLINE_S} s after the last start.`,
      `The bench's own cloud: ${changes.length ? changes.join('; ') : 'the packaged template unchanged'}.`,
      `Load average (1/5/15 min) before the run ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}, at the load phase ${loadAvgAtLoad.toFixed(2)}, after ${loadAfter.map((l) => l.toFixed(2)).join(' / ')}.`,
      '',
      '| measure | result | required / target |',
      '|---|---|---|',
      `| sagas started | ${started.length} of ${SAGAS} | all |`,
      `| status at the end | ${[...byStatus].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} | |`,
      `| stuck (not terminal ${DEADLINE_S} s after the last start) | ${stuck.length} | 0 (${stuck.length ? 'FAILED' : 'met'}) |`,
      `| double steps (history: a step twice; bus: a command no step of the history sent), ${quietStates.length + loadStates.length} sagas, ${commandCount} commands seen | ${doubles.length} | 0 (${doubles.length ? 'FAILED' : 'met'}) |`,
      `| commands in a terminal saga's history never seen on the bus | ${unpublished.length} | 0 |`,
      `| same command published again (same eventId, dropped by consumers) | ${republished} | |`,
      `| throughput, first start -> last terminal (${((lastEnded - firstStart) / 1000).toFixed(1)} s) | ${throughput.toFixed(1)} sagas/s | |`,
      `| completion, start answered -> saga endedAt: p50 / p95 / max | ${ms(percentile(load.completion, 50))} / ${ms(percentile(load.completion, 95))} / ${ms(Math.max(...load.completion))} | |`,
      `| quiet (one saga at a time, ${quietStates.length}): completion p50 / p95 | ${ms(percentile(quiet.completion, 50))} / ${ms(percentile(quiet.completion, 95))} | |`,
      '',
      `Step cost against one plain event hop, measured in the same run. Hop: ${flow.hop.what}. Step: from the step history, command sent (the state and the command committed together) -> reply applied to the saga; that is the command through the outbox and the bus, the participant's consumer, its reply through the outbox and the bus, and the orchestrator applying it. A step is two hops by construction (the command out to the participant, its reply back to the orchestrator), so 2x means a step costs no more than the two plain hops it is made of; the rows below split a step as seen on the bus into the two, and the last row compares the orchestrator's hop alone with the plain hop.`,
      '',
      '| | quiet p50 | quiet p95 | load p50 | load p95 |',
      '|---|---|---|---|---|',
      `| plain hop (${quiet.hop.length} quiet / ${load.hop.length} under load) | ${ms(percentile(quiet.hop, 50))} | ${ms(percentile(quiet.hop, 95))} | ${ms(percentile(load.hop, 50))} | ${ms(percentile(load.hop, 95))} |`,
      `| saga step, all steps (${quiet.allSteps.length} / ${load.allSteps.length}) | ${ms(percentile(quiet.allSteps, 50))} | ${ms(percentile(quiet.allSteps, 95))} | ${ms(percentile(load.allSteps, 50))} | ${ms(percentile(load.allSteps, 95))} |`,
      row(`saga start -> end / steps run`, quiet.perStep, load.perStep),
      row(`step on the bus, command -> next command (${quiet.busStep.length} / ${load.busStep.length})`, quiet.busStep, load.busStep),
      row(`  of which participant: command -> reply`, quiet.participant, load.participant),
      row(`  of which orchestrator: reply -> next command (the saga's own hop)`, quiet.orchestrator, load.orchestrator),
      `| **step / hop (p50)** | **${ratio(p50(quiet.allSteps), p50(quiet.hop))}** | | **${ratio(p50(load.allSteps), p50(load.hop))}** | |`,
      `| orchestrator hop / plain hop (p50) | ${ratio(p50(quiet.orchestrator), p50(quiet.hop))} | | ${ratio(p50(load.orchestrator), p50(load.hop))} | |`,
      '',
      `Target: one step at most ${RATIO_TARGET}x one hop. Quiet: ${verdict(p50(quiet.allSteps) / p50(quiet.hop))}; under load: ${verdict(p50(load.allSteps) / p50(load.hop))}. Under load both are mostly time spent waiting in a consumer's queue (the local cloud polls each queue with two pollers, and a consumer handles a batch's records one after the other): the participant's hop stays short while the orchestrator's grows with the backlog of its queue, which takes every saga's trigger, replies and step timers.`,
      '',
      '| step (load phase, count) | p50 | p95 |',
      '|---|---|---|',
      ...stepRows(load),
      '',
      `At the end: failed invocations ${failedInvocations.size ? [...failedInvocations].map(([f, n]) => `${f} ${n}`).join(', ') : 'none'}; messages still in queues (a backlog, or records a handler failed waiting for their retry) ${waiting.length ? waiting.join(', ') : 'none'}; in DLQs ${dlqs.length ? dlqs.join(', ') : 'none'}; local cloud ${health.requestErrors} request errors, ${health.unhandledRejections} unhandled rejections.`,
    ];
    const text = lines.join('\n');
    log(`\n${text}`);
    for (const d of [...doubles, ...unpublished].slice(0, 20)) log(`  ${d}`);
    for (const id of stuck.slice(0, 20)) {
      const s = states.get(id);
      log(`  stuck ${id}: ${s ? `${s.status} at ${s.phase} step ${s.step} (${s.history.map((r) => `${r.step}:${r.status}`).join(', ')})` : 'no state'}`);
    }
    if (SAGAS >= WRITE_FROM && !flag('no-write')) {
      writeBenchSection(ROOT, 'saga', ['## Sagas under load (`npm run bench:saga`)', '', text].join('\n'));
      log('\nwritten to BENCHMARKS.md (section bench:saga)');
    }
    return stuck.length === 0 && doubles.length === 0 && started.length === SAGAS ? 0 : 1;
  } finally {
    doc.destroy();
    await cloud.stop();
  }
}

/** Messages still in the template's other queues (visible, or in flight and due again: a handler that failed them). */
function waitingCounts(cloud: LocalCloud): string[] {
  return cloud.plan.queues.flatMap((q) => {
    if (!('RedrivePolicy' in q.attributes)) return [];
    const a = cloud.sqs.getQueueAttributes(q.name, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed']);
    const n = Number(a['ApproximateNumberOfMessages'] ?? 0) + Number(a['ApproximateNumberOfMessagesNotVisible'] ?? 0) + Number(a['ApproximateNumberOfMessagesDelayed'] ?? 0);
    return n ? [`${q.name} ${n}`] : [];
  });
}

/** Messages waiting in the template's dead-letter queues (the targets of a redrive policy). */
function deadLetterCounts(cloud: LocalCloud): string[] {
  const targets = new Set(
    cloud.plan.queues.flatMap((q) => {
      const policy = q.attributes['RedrivePolicy'];
      if (!policy) return [];
      const arn = (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
      return arn ? [arn.slice(arn.lastIndexOf(':') + 1)] : [];
    }),
  );
  return [...targets].flatMap((name) => {
    const n = Number(cloud.sqs.getQueueAttributes(name, ['ApproximateNumberOfMessages'])['ApproximateNumberOfMessages'] ?? 0);
    return n ? [`${name} ${n}`] : [];
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:saga failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
