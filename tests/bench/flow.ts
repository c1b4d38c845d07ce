/**
 * `npm run bench:flow`: Roadcall's whole day (tests/flows/roadcall-day.ts: report, matching,
 * offers, accept and the assignment saga, tracking pings to arrival, work, payment) on the
 * local cloud, hop by hop. Domain code (it plays the Roadcall day), so it lives with the
 * tests; the hop figures are scripts/bench's (hops.ts: from the cloud's bus log, invocation
 * log and outbox rows). Two phases on one in-memory cloud from the packaged test stage:
 *  - warm: `--quiet` days (5) one after the other, after one that warms every function;
 *  - load: `--days` (200) played at once.
 * Reported per phase: the hop (an event's outbox row written -> a consumer invoked with it)
 * p50/p95; the bare hop of the same events (the event on the bus -> consumer invoked); their
 * ratio; both to the consumer done; where an outbox hop's time goes; report -> offers and the
 * whole day, p50/p95. Target: outbox hop p95 under 50 ms warm.
 * The bench's cloud gives the business timeouts room (the matching deadline 900 s, saga steps
 * 300 s) and vendors room for 1,000 jobs each (tests/bench/saga-vendor.ts), so a backed-up
 * queue delays a day instead of ending it another way; printed with the figures.
 *
 *   npm run bench:flow                             # figures to BENCHMARKS.md
 *   npm run bench:flow -- --days 20 --quiet 3      # a short run (BENCHMARKS.md untouched)
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbDocumentClient } from '../../lib/clients';
import type { DemoSession } from '../../scripts/demo';
import { option } from '../../scripts/args';
import { hopFigures, hopsOf, type HopFigures } from '../../scripts/bench/hops';
import { writeBenchSection } from '../../scripts/bench/report';
import { percentile } from '../../scripts/bench/saga';
import { chaosTables } from '../../scripts/chaos/verdict';
import { playDay } from '../flows/roadcall-day';
import { ROOT } from '../helpers/codegen';
import { startRoadcallCloud, type RoadcallCloud } from '../helpers/roadcall-cloud';
import type { Template } from '../helpers/template';

const DAYS = Number(option('days', '200'));
const QUIET = Number(option('quiet', '5'));
const HOP_TARGET_MS = 50;
const MATCHING_DEADLINE_S = 900;
const SAGA_STEP_TIMEOUT_S = 300;
const VENDOR_CAPACITY = 1000;

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ms = (v: number): string => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');

function tweak(template: Template): Template {
  for (const r of Object.values(template.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const env = ((r.Properties['Environment'] ??= { Variables: {} }) as { Variables: Record<string, unknown> }).Variables;
    // Thousands of invocations: info logs and metrics would drown the report.
    Object.assign(env, { POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' });
    const handler = String(r.Properties['Handler'] ?? '');
    if (handler === 'functions/match/consumer.handler') Object.assign(env, { MATCHING_DEADLINE_SECONDS: String(MATCHING_DEADLINE_S), SAGA_STEP_TIMEOUT_SECONDS: String(SAGA_STEP_TIMEOUT_S) });
    if (handler === 'functions/vendor/consumer.handler') {
      r.Properties['Handler'] = 'tests/bench/saga-vendor.handler';
      env['BENCH_VENDOR_CAPACITY'] = String(VENDOR_CAPACITY);
    }
  }
  return template;
}

/**
 * A day session on the bench's cloud: requests carry the session's correlation id; waits are
 * answered as events cross the bus (indexed by correlation id as they come, so hundreds of
 * days waiting at once cost nothing between events).
 */
function sessions(rc: RoadcallCloud) {
  const seen = new Map<string, { detailType: string; data: Record<string, unknown>; at: number }[]>();
  const waiters = new Map<string, Set<() => void>>();
  rc.cloud.events.on('event', (e: { event: { 'detail-type': string; detail?: unknown } }) => {
    const detail = e.event.detail as { metadata?: { correlationId?: unknown }; data?: Record<string, unknown> } | undefined;
    const id = detail?.metadata?.correlationId;
    if (typeof id !== 'string') return;
    const list = seen.get(id) ?? [];
    list.push({ detailType: e.event['detail-type'], data: detail?.data ?? {}, at: Date.now() });
    seen.set(id, list);
    for (const wake of waiters.get(id) ?? []) wake();
  });
  const session = (correlationId: string): DemoSession => ({
    correlationId,
    call: async (method, path, body, options = {}) => {
      for (let attempt = 1; ; attempt++) {
        const res = await rc.call(method, path, body, { headers: { 'x-correlation-id': correlationId }, ...(options.scope ? { claims: { sub: 'ops-bench', scope: options.scope } } : {}) });
        if (res.status < 500 || attempt === 3) return res;
        await sleep(500 * attempt);
      }
    },
    waitFor: (detailType, match = () => true, options = {}) => {
      const types = typeof detailType === 'string' ? [detailType] : detailType;
      const found = () => (seen.get(correlationId) ?? []).filter((e) => types.includes(e.detailType) && match(e.data)).map((e) => e.data);
      return new Promise((resolve, reject) => {
        const set = waiters.get(correlationId) ?? new Set<() => void>();
        waiters.set(correlationId, set);
        const done = (): void => {
          clearTimeout(timer);
          set.delete(check);
        };
        const check = (): void => {
          const list = found();
          if (list.length >= (options.count ?? 1)) {
            done();
            resolve(list);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${types.join('/')} for ${correlationId} within ${options.timeoutMs ?? 30_000} ms`));
        }, options.timeoutMs ?? 30_000);
        set.add(check);
        check();
      });
    },
    say: () => undefined,
  });
  const firstAt = (correlationId: string, type: string): number | undefined => seen.get(correlationId)?.find((e) => e.detailType === type)?.at;
  return { session, firstAt };
}

interface Played {
  correlationId: string;
  startedAt: number;
  endedAt: number;
  error?: string;
}

async function main(): Promise<number> {
  const loadBefore = loadavg();
  log(`starting the local cloud (load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')})`);
  const rc = await startRoadcallCloud('bench-flow', tweak);
  const doc = createDynamoDbDocumentClient({ endpoint: rc.cloud.dynamodbEndpoint, env: {} });
  const outbox = chaosTables(rc.cloud.plan).outbox;
  if (!outbox) throw new Error('the template has no outbox table (a table whose stream feeds a function)');
  const { session, firstAt } = sessions(rc);
  const play = async (timeoutMs: number): Promise<Played> => {
    const correlationId = randomUUID();
    const startedAt = Date.now();
    try {
      await playDay(session(correlationId), { driverId: randomUUID(), stepTimeoutMs: timeoutMs });
      return { correlationId, startedAt, endedAt: Date.now() };
    } catch (error) {
      return { correlationId, startedAt, endedAt: Date.now(), error: (error as Error).message };
    }
  };
  // The hop starts when DynamoDB answered the producer's write of the row (the proxy records it).
  const commits = rc.cloud.recordCommits(outbox, 'id');
  const built = async (): Promise<Map<string, number>> => {
    const times = new Map<string, number>();
    for await (const page of paginateScan({ client: doc }, { TableName: outbox, ProjectionExpression: 'id, createdAt' })) {
      for (const row of page.Items ?? []) if (typeof row['createdAt'] === 'string') times.set(String(row['id']), Date.parse(row['createdAt']));
    }
    return times;
  };
  const figures = async (played: Played[], since: number): Promise<{ hops: HopFigures; toOffers: number[]; day: number[]; failed: string[] }> => {
    await sleep(3000); // the last events' other consumers (notifications, reporting) finish
    const hops = hopFigures(hopsOf(rc.cloud.recentEvents({ since }), rc.cloud.recentInvocations({ since }), { built: await built(), committed: commits }));
    const ok = played.filter((p) => !p.error);
    const toOffers = ok.flatMap((p) => {
      const created = firstAt(p.correlationId, 'IncidentCreated');
      const offered = firstAt(p.correlationId, 'OfferCreated');
      return created !== undefined && offered !== undefined ? [offered - created] : [];
    });
    return { hops, toOffers, day: ok.map((p) => p.endedAt - p.startedAt), failed: played.flatMap((p) => (p.error ? [p.error] : [])) };
  };
  try {
    log('warm-up day (starts every function)');
    const warm = await play(120_000);
    if (warm.error) throw new Error(`the warm-up day failed: ${warm.error}`);
    await sleep(2000);
    log(`warm phase: ${QUIET} days one at a time`);
    const quietSince = Date.now();
    const quietPlayed: Played[] = [];
    for (let n = 1; n <= QUIET; n++) quietPlayed.push(await play(60_000));
    const quiet = await figures(quietPlayed, quietSince);
    log(`load phase: ${DAYS} days at once`);
    const loadSince = Date.now();
    const loadAt = loadavg()[0] as number;
    const loadPlayed = await Promise.all(Array.from({ length: DAYS }, () => play(600_000)));
    const load = await figures(loadPlayed, loadSince);
    const loadAfter = loadavg();
    const pair = (v: { p50: number; p95: number }, bold = false): string => `${ms(v.p50)} / ${bold ? `**${ms(v.p95)}**` : ms(v.p95)}`;
    const row = (name: string, f: Awaited<ReturnType<typeof figures>>) =>
      `| ${name} | ${f.hops.hops} | ${pair(f.hops.outboxHop, true)} | ${pair(f.hops.bareHop)} | ${(f.hops.outboxHop.p95 / f.hops.bareHop.p95).toFixed(1)}x | ${pair(f.hops.outboxToDone)} | ${pair(f.hops.bareToDone)} | ${ms(percentile(f.toOffers, 50))} / ${ms(percentile(f.toOffers, 95))} | ${ms(percentile(f.day, 50))} / ${ms(percentile(f.day, 95))} |`;
    const splitRow = (name: string, f: Awaited<ReturnType<typeof figures>>) => `| ${name} | ${pair(f.hops.split.write)} | ${pair(f.hops.split.stream)} | ${pair(f.hops.split.relay)} | ${pair(f.hops.split.queue)} | ${pair(f.hops.split.handler)} |`;
    const met = quiet.hops.outboxHop.p95 < HOP_TARGET_MS;
    const body = [
      `One incident's whole day (tests/flows/roadcall-day.ts) on the local cloud, in-process from the packaged test stage: warm, ${QUIET} days one at a time after one that warms every function; then ${DAYS} days played at once. Each day: report, matching round, offers, accept and the assignment saga, three tracking pings to arrival, work start and complete, payment created, approved and captured; every consumer of every event (timeline, notifications, KPIs) runs.`,
      `A hop is an event's delivery: its outbox row committed (DynamoDB answered the producer's write; the local cloud's DynamoDB endpoint records it for the bench) -> a consumer invoked with it, through the DynamoDB stream, the relay, PutEvents, the rule, SQS and the poller. The bare hop: the same events from the bus -> the consumer invoked, no outbox (what \`bench:local\` measures). What the consumer then does is its handler's own work (its DynamoDB calls), the same on AWS, so it is reported apart: the hops to the consumer done, and the handler in the split. The bench's cloud: matching deadline ${MATCHING_DEADLINE_S} s and saga steps ${SAGA_STEP_TIMEOUT_S} s (spec: 10 s and 10-15 s), vendors take ${VENDOR_CAPACITY} jobs each, function logs at ERROR.`,
      `Load average (1 min) before ${loadBefore[0]?.toFixed(2)}, at the load phase ${loadAt.toFixed(2)}, after ${loadAfter[0]?.toFixed(2)}.`,
      '',
      '| phase | hops | outbox hop p50 / p95 | bare hop p50 / p95 | outbox / bare (p95) | row committed -> consumer done | bus -> consumer done | report -> offers p50 / p95 | whole day p50 / p95 |',
      '|---|---|---|---|---|---|---|---|---|',
      row('warm, one at a time', quiet),
      row(`${DAYS} days at once`, load),
      '',
      'Where an outbox hop goes, p50 / p95: the stream (row committed -> relay invoked: the stream poller woken by the write, GetRecords, the invocation), the relay (-> the event on the bus), the queue (-> the consumer invoked); then the handler. Before the hop, the producer\'s write: row built (its createdAt) -> committed, its TransactWriteItems on DynamoDB Local and whatever it did between.',
      '',
      '| phase | producer\'s write | stream | relay | queue | handler |',
      '|---|---|---|---|---|---|',
      splitRow('warm', quiet),
      splitRow('load', load),
      '',
      `Target: outbox hop p95 under ${HOP_TARGET_MS} ms warm: ${met ? 'met' : 'NOT met'}. Days that did not finish: warm ${quiet.failed.length}, load ${load.failed.length}${load.failed.length ? ` (first: ${load.failed[0]})` : ''}.`,
    ].join('\n');
    log(`\n${body}\n`);
    if (DAYS >= 200 && QUIET >= 5) {
      writeBenchSection(ROOT, 'flow', `## Whole days, hop by hop (\`npm run bench:flow\`)\n\n${body}`);
      log('written to BENCHMARKS.md (section bench:flow)');
    }
    return quiet.failed.length || load.failed.length ? 1 : 0;
  } finally {
    doc.destroy();
    await rc.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:flow failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
