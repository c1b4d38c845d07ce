/**
 * `npm run bench:gather`: Roadcall's matching round (lib/gather) under load on the local
 * cloud. Domain code (it knows the round's events), so it lives with the tests; the timing
 * helpers are scripts/bench's. Two phases on one in-memory cloud from the packaged template:
 *  - quiet: one incident that starts every function (cold starts, not counted), then
 *    `--quiet` incidents (20) one after the other;
 *  - load: `--incidents` (500) reported at once (`--concurrency` 100 HTTP calls in flight),
 *    followed until every round ended or `--deadline` seconds (600) after the last report.
 * Every event crossing the bus is stamped as the bus routes it. Reported: rounds ended per
 * status; rounds ended more than once (two sets of offers, or offers and MatchingFailed:
 * must be 0); lost answers (an answer on the bus that the round's item does not hold:
 * must be 0); IncidentCreated -> first OfferCreated p50/p95; and the round's overhead: from
 * its requests on the bus to the round's end (its item COMPLETE, offers written), against its
 * slowest responder's round trip (request on the bus -> answer on the bus), as a ratio of the
 * p50s (target: at most 1.5x); to OfferCreated on the bus (one relay hop more) for reference. The bench's cloud waits 900 s for answers (spec: 10 s) so that a backed-up queue
 * delays a round instead of ending it early; that is printed with the figures.
 *
 *   npm run bench:gather                              # 500 incidents, figures to BENCHMARKS.md
 *   npm run bench:gather -- --incidents 50 --quiet 5  # a short run (BENCHMARKS.md untouched)
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbDocumentClient } from '../../lib/clients';
import type { LoggedInvocation } from '../../local/invocation-log';
import { LocalCloud } from '../../local/runtime';
import type { EventBridgeEvent } from '../../local/eventbridge/types';
import { option } from '../../scripts/args';
import { pool, writeBenchSection } from '../../scripts/bench/report';
import { percentile } from '../../scripts/bench/saga';
import { packageStage, type Template } from '../helpers/template';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const ROOT = resolve(__dirname, '..', '..');
const INCIDENTS = Number(option('incidents', '500'));
const QUIET = Number(option('quiet', '20'));
const CONCURRENCY = Number(option('concurrency', '100'));
const DEADLINE_S = Number(option('deadline', '600'));
const BENCH_DEADLINE_S = 900;
const RATIO_TARGET = 1.5;
const REQUESTS = ['VendorAvailabilityRequested', 'PriceQuoteRequested', 'EtaRequested'];
const ANSWERS: Record<string, string> = { VendorAvailabilityResponse: 'vendor', VendorAvailabilityError: 'vendor', PriceQuoteResponse: 'pricing', PriceQuoteError: 'pricing', EtaResponse: 'tracking', EtaError: 'tracking' };
const REQUEST_OF: Record<string, string> = { vendor: 'VendorAvailabilityRequested', pricing: 'PriceQuoteRequested', tracking: 'EtaRequested' };
const demo = JSON.parse(readFileSync(join(ROOT, 'functions/incident/demo-request.json'), 'utf8')) as { body: Record<string, unknown> };
/** Report places with vendors in reach (San Francisco, Oakland, Marin). */
const PLACES = [
  { lat: 37.7793, lon: -122.4193 },
  { lat: 37.8044, lon: -122.2712 },
  { lat: 37.9735, lon: -122.5311 },
];

interface BusEvent {
  at: number;
  detailType: string;
  eventId: string;
  incidentId: string | undefined;
}

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ms = (v: number): string => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');

type Round = { status: string; answers: Record<string, { eventId: string }>; endedAt: number | undefined };
async function readRounds(doc: DynamoDBDocumentClient, table: string, ids: readonly string[]): Promise<Map<string, Round>> {
  const rounds = new Map<string, Round>();
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] = ids.slice(i, i + 100).map((id) => ({ pk: `GATHER#${id}`, sk: 'STATE' }));
    while (keys.length) {
      const out = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'requestId, #s, answers, endedAt', ExpressionAttributeNames: { '#s': 'status' } } } }));
      for (const item of out.Responses?.[table] ?? []) rounds.set(String(item['requestId']), { status: String(item['status']), answers: (item['answers'] ?? {}) as Round['answers'], endedAt: typeof item['endedAt'] === 'string' ? Date.parse(item['endedAt']) : undefined });
      keys = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return rounds;
}

/**
 * Per incident: report -> offers, the round's requests -> offers, the round's requests -> its
 * end (the round's item COMPLETE with the offers written, in match's transaction), and its
 * slowest responder's round trip.
 */
/** When each event was first handled by an invocation of a function of the match service: its start. */
function handledAt(invocations: readonly LoggedInvocation[]): Map<string, number> {
  const at = new Map<string, number>();
  for (const inv of invocations) {
    if (!inv.function.endsWith('-match-consumer')) continue;
    for (const id of inv.eventIds) if (!inv.failedEventIds.includes(id) && !at.has(id)) at.set(id, inv.startedAt);
  }
  return at;
}

function figures(bus: readonly BusEvent[], ids: readonly string[], rounds: ReadonlyMap<string, Round>, handled: ReadonlyMap<string, number> = new Map()) {
  const byIncident = new Map<string, BusEvent[]>();
  for (const e of bus) if (e.incidentId) byIncident.set(e.incidentId, [...(byIncident.get(e.incidentId) ?? []), e]);
  const toOffers: number[] = [];
  const roundTime: number[] = [];
  const roundEnd: number[] = [];
  const slowest: number[] = [];
  /** The round's last answer: on the bus -> match invoked with it; match invoked -> the round ended. */
  const lastQueue: number[] = [];
  const lastHandling: number[] = [];
  for (const id of ids) {
    const events = byIncident.get(id) ?? [];
    const first = (type: string) => events.find((e) => e.detailType === type)?.at;
    const created = first('IncidentCreated');
    const offered = first('OfferCreated') ?? first('MatchingFailed');
    const requested = Math.min(...REQUESTS.map((r) => first(r) ?? Infinity));
    if (created !== undefined && offered !== undefined) toOffers.push(offered - created);
    if (offered !== undefined && Number.isFinite(requested)) roundTime.push(offered - requested);
    const endedAt = rounds.get(id)?.endedAt;
    if (endedAt !== undefined && Number.isFinite(requested)) roundEnd.push(endedAt - requested);
    const trips = Object.entries(REQUEST_OF).flatMap(([responder, request]) => {
      const sent = first(request);
      const answered = events.find((e) => ANSWERS[e.detailType] === responder)?.at;
      return sent !== undefined && answered !== undefined ? [answered - sent] : [];
    });
    if (trips.length === 3) slowest.push(Math.max(...trips));
    const answers = events.filter((e) => ANSWERS[e.detailType]);
    const last = answers.reduce<BusEvent | undefined>((a, e) => (a === undefined || e.at > a.at ? e : a), undefined);
    const invoked = last ? handled.get(last.eventId) : undefined;
    if (last && invoked !== undefined && endedAt !== undefined) {
      lastQueue.push(invoked - last.at);
      lastHandling.push(endedAt - invoked);
    }
  }
  return { toOffers, roundTime, roundEnd, slowest, lastQueue, lastHandling };
}

async function main(): Promise<number> {
  const loadBefore = loadavg();
  log(`packaging the bench stage... (load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')})`);
  const dir = join(ROOT, '.test-out', 'bench-gather');
  const template = packageStage('bench', join(dir, 'package')) as Template;
  const match = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties['Handler'] === 'functions/match/consumer.handler');
  if (!match) throw new Error('the template has no match consumer');
  const env = ((match.Properties['Environment'] ??= { Variables: {} }) as { Variables: Record<string, unknown> }).Variables;
  env['MATCHING_DEADLINE_SECONDS'] = String(BENCH_DEADLINE_S);
  const cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  const doc = createDynamoDbDocumentClient({ endpoint: cloud.urls.dynamodb, env: {} });
  const token = cloud.issuer.mint({ aud: cloud.plan.routes.find((r) => r.authorizer)?.authorizer?.audience[0] ?? '' });
  const table = cloud.plan.tables.find((t) => t.name.endsWith('-read-models'))?.name as string;
  const bus: BusEvent[] = [];
  cloud.events.on('event', (e: { event: EventBridgeEvent }) => {
    const detail = (e.event.detail ?? {}) as { metadata?: { eventId?: string }; data?: { incidentId?: unknown } };
    bus.push({ at: Date.now(), detailType: e.event['detail-type'], eventId: detail.metadata?.eventId ?? e.event.id, incidentId: typeof detail.data?.incidentId === 'string' ? detail.data.incidentId : undefined });
  });
  const report = async (n: number): Promise<string | undefined> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await fetch(`${cloud.urls.http}/incidents`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...demo.body, location: { coordinates: PLACES[n % PLACES.length] }, description: `bench:gather incident ${n}` }) });
      const body = (await res.json().catch(() => ({}))) as { incidentId?: string };
      if (res.status === 202 && body.incidentId) return body.incidentId;
      if (res.status < 500) return undefined;
    }
    return undefined;
  };
  const ended = (r: Round | undefined): boolean => r !== undefined && r.status !== 'PENDING';
  const follow = async (ids: readonly string[], until: number): Promise<Map<string, Round>> => {
    let rounds = new Map<string, Round>();
    let lastLog = 0;
    for (;;) {
      rounds = await readRounds(doc, table, ids);
      const open = ids.filter((id) => !ended(rounds.get(id))).length;
      if (!open || Date.now() - lastLog > 10_000) {
        log(`  ${ids.length - open} ended, ${open} pending`);
        lastLog = Date.now();
      }
      if (!open || Date.now() > until) return rounds;
      await sleep(1000);
    }
  };
  try {
    log(`quiet phase: one incident that starts every function (not counted), then ${QUIET} one after the other`);
    const quietIds: string[] = [];
    for (let n = -1; n < QUIET; n++) {
      const id = await report(Math.max(n, 0));
      if (!id) throw new Error(`quiet incident ${n} was refused`);
      if (n >= 0) quietIds.push(id);
      const until = Date.now() + 60_000;
      while (!ended((await readRounds(doc, table, [id])).get(id))) {
        if (Date.now() > until) throw new Error(`quiet round ${id} not ended after 60 s`);
        await sleep(25);
      }
      await sleep(300);
    }
    const loadAtLoad = loadavg()[0] as number;
    log(`load phase: ${INCIDENTS} incidents at once (${CONCURRENCY} requests in flight)`);
    const first = Date.now();
    const loadIds = (await pool(Array.from({ length: INCIDENTS }, (_, i) => QUIET + i), CONCURRENCY, report)).filter((id): id is string => id !== undefined);
    const lastReport = Date.now();
    log(`${loadIds.length} reported in ${((lastReport - first) / 1000).toFixed(1)} s`);
    const rounds = await follow(loadIds, lastReport + DEADLINE_S * 1000);
    await sleep(3000);
    const loadAfter = loadavg();

    // Exactly once, nothing lost: from the bus and the rounds' items.
    const byStatus = new Map<string, number>();
    for (const id of loadIds) byStatus.set(rounds.get(id)?.status ?? 'missing', (byStatus.get(rounds.get(id)?.status ?? 'missing') ?? 0) + 1);
    const pending = loadIds.filter((id) => !ended(rounds.get(id)));
    const ids = new Set([...quietIds, ...loadIds]);
    const twice: string[] = [];
    const lost: string[] = [];
    const allRounds = new Map([...(await readRounds(doc, table, quietIds)), ...rounds]);
    for (const id of ids) {
      const events = bus.filter((e) => e.incidentId === id);
      const offers = new Set(events.filter((e) => e.detailType === 'OfferCreated').map((e) => e.eventId)).size;
      const failed = new Set(events.filter((e) => e.detailType === 'MatchingFailed').map((e) => e.eventId)).size;
      if (offers > 3 || failed > 1 || (offers > 0 && failed > 0)) twice.push(id);
      const held = new Set(Object.values(allRounds.get(id)?.answers ?? {}).map((a) => a.eventId));
      for (const e of events) if (ANSWERS[e.detailType] && !held.has(e.eventId)) lost.push(`${id} ${e.detailType}`);
    }
    const handled = handledAt(cloud.recentInvocations());
    const quiet = figures(bus, quietIds, allRounds, handled);
    const load = figures(bus, loadIds, allRounds, handled);
    const ratio = (f: ReturnType<typeof figures>) => percentile(f.roundEnd, 50) / percentile(f.slowest, 50);
    const toBus = (f: ReturnType<typeof figures>) => percentile(f.roundTime, 50) / percentile(f.slowest, 50);
    const rows = [
      `Round: matching (vendor required; pricing, tracking optional). ${QUIET} incidents one at a time after one that starts every function (not counted), then ${loadIds.length} of ${INCIDENTS} reported at once (${CONCURRENCY} requests in flight, ${((lastReport - first) / 1000).toFixed(1)} s), followed until every round ended or ${DEADLINE_S} s after the last report.`,
      `The bench's own cloud: match consumer MATCHING_DEADLINE_SECONDS=${BENCH_DEADLINE_S} (spec 10 s), so a backed-up queue delays a round instead of ending it at the deadline without its answers.`,
      `Load average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}, at the load phase ${loadAtLoad.toFixed(2)}, after ${loadAfter.map((l) => l.toFixed(2)).join(' / ')}.`,
      '',
      '| measure | result | required / target |',
      '|---|---|---|',
      `| rounds ended (load) | ${[...byStatus].map(([s, n]) => `${s} ${n}`).join(', ')} | all |`,
      `| rounds still pending at the end | ${pending.length} | 0 (${pending.length ? 'NOT met' : 'met'}) |`,
      `| rounds ended twice (offers twice, or offers and MatchingFailed), ${ids.size} rounds | ${twice.length} | 0 (${twice.length ? 'NOT met' : 'met'}) |`,
      `| answers on the bus not held by their round (lost) | ${lost.length} | 0 (${lost.length ? 'NOT met' : 'met'}) |`,
      `| IncidentCreated -> offers, quiet: p50 / p95 | ${ms(percentile(quiet.toOffers, 50))} / ${ms(percentile(quiet.toOffers, 95))} | |`,
      `| IncidentCreated -> offers, ${loadIds.length} at once: p50 / p95 | ${ms(percentile(load.toOffers, 50))} / ${ms(percentile(load.toOffers, 95))} | |`,
      '',
      'Overhead of the round: its requests on the bus -> the round ended (its item COMPLETE with the offers written, in match\'s end transaction), against its slowest responder\'s round trip (its request on the bus -> its answer on the bus), p50 of each. The difference is the gather\'s own work: the last answer delivered to match, recorded (a conditional update) and the round ended. For reference, the offers on the bus (OfferCreated) come one more relay hop later, which is the next event of the flow, not the gather.',
      '',
      '| | quiet p50 | quiet p95 | load p50 | load p95 |',
      '|---|---|---|---|---|',
      `| slowest responder round trip | ${ms(percentile(quiet.slowest, 50))} | ${ms(percentile(quiet.slowest, 95))} | ${ms(percentile(load.slowest, 50))} | ${ms(percentile(load.slowest, 95))} |`,
      `| round: requests -> round ended, offers written | ${ms(percentile(quiet.roundEnd, 50))} | ${ms(percentile(quiet.roundEnd, 95))} | ${ms(percentile(load.roundEnd, 50))} | ${ms(percentile(load.roundEnd, 95))} |`,
      `| **round / slowest responder (p50)** | **${ratio(quiet).toFixed(2)}x** | | **${ratio(load).toFixed(2)}x** | |`,
      `| of the round: its last answer on the bus -> match invoked with it | ${ms(percentile(quiet.lastQueue, 50))} | ${ms(percentile(quiet.lastQueue, 95))} | ${ms(percentile(load.lastQueue, 50))} | ${ms(percentile(load.lastQueue, 95))} |`,
      `| of the round: match invoked -> round ended (the answer's conditional update, after the answers before it in the same batch) | ${ms(percentile(quiet.lastHandling, 50))} | ${ms(percentile(quiet.lastHandling, 95))} | ${ms(percentile(load.lastHandling, 50))} | ${ms(percentile(load.lastHandling, 95))} |`,
      `| reference: requests -> OfferCreated on the bus | ${ms(percentile(quiet.roundTime, 50))} | ${ms(percentile(quiet.roundTime, 95))} | ${ms(percentile(load.roundTime, 50))} | ${ms(percentile(load.roundTime, 95))} |`,
      `| reference: that / slowest responder (p50) | ${toBus(quiet).toFixed(2)}x | | ${toBus(load).toFixed(2)}x | |`,
      '',
      `Target: the round at most ${RATIO_TARGET}x its slowest responder. Quiet: ${ratio(quiet) <= RATIO_TARGET ? 'met' : 'NOT met'}; under load: ${ratio(load) <= RATIO_TARGET ? 'met' : 'NOT met'}.`,
    ];
    const body = rows.join('\n');
    log(`\n${body}\n`);
    if (INCIDENTS >= 500) {
      writeBenchSection(ROOT, 'gather', `## Matching round under load (\`npm run bench:gather\`)\n\n${body}`);
      log('written to BENCHMARKS.md (section bench:gather)');
    }
    return pending.length || twice.length || lost.length ? 1 : 0;
  } finally {
    doc.destroy();
    await cloud.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:gather failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
