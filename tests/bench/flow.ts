/**
 * `npm run bench:flow`: Roadcall's flows on the local cloud, hop by hop. Domain code (it
 * drives the Roadcall API), so it lives with the tests; the hop figures are scripts/bench's
 * (hops.ts: from the cloud's bus log, invocation log and outbox rows). Two phases on one
 * in-memory cloud from the packaged template:
 *  - warm: `--quiet` incidents (20) one after the other, each followed to its offers;
 *  - load: `--incidents` (200) at once (`--concurrency` 50 HTTP calls in flight), followed
 *    until every incident has its offers or `--deadline` s (300).
 * Reported per phase: the hop (event committed to the outbox -> consumer done) p50/p95, the
 * bare hop of the same events (event put on the bus -> consumer done), their ratio, where an
 * outbox hop's time goes, and report -> offers p50/p95. Target: outbox hop p95 under 50 ms warm.
 *
 *   npm run bench:flow                               # figures to BENCHMARKS.md
 *   npm run bench:flow -- --incidents 20 --quiet 5   # a short run (BENCHMARKS.md untouched)
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbDocumentClient } from '../../lib/clients';
import { LocalCloud } from '../../local/runtime';
import { option } from '../../scripts/args';
import { hopFigures, hopsOf, type HopFigures } from '../../scripts/bench/hops';
import { pool, writeBenchSection } from '../../scripts/bench/report';
import { percentile } from '../../scripts/bench/saga';
import { chaosTables } from '../../scripts/chaos/verdict';
import { packageStage, type Template } from '../helpers/template';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const ROOT = resolve(__dirname, '..', '..');
const INCIDENTS = Number(option('incidents', '200'));
const QUIET = Number(option('quiet', '20'));
const CONCURRENCY = Number(option('concurrency', '50'));
const DEADLINE_S = Number(option('deadline', '300'));
const HOP_TARGET_MS = 50;
const demo = JSON.parse(readFileSync(join(ROOT, 'functions/incident/demo-request.json'), 'utf8')) as { body: Record<string, unknown> };
const PLACES = [
  { lat: 37.7793, lon: -122.4193 },
  { lat: 37.8044, lon: -122.2712 },
  { lat: 37.9735, lon: -122.5311 },
];

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ms = (v: number): string => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');

async function main(): Promise<number> {
  const loadBefore = loadavg();
  log(`packaging the bench stage... (load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')})`);
  const dir = join(ROOT, '.test-out', 'bench-flow');
  const template = packageStage('bench', join(dir, 'package')) as Template;
  const cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  const doc = createDynamoDbDocumentClient({ endpoint: cloud.dynamodbEndpoint, env: {} });
  const token = cloud.issuer.mint({ aud: cloud.plan.routes.find((r) => r.authorizer)?.authorizer?.audience[0] ?? '' });
  const outbox = chaosTables(cloud.plan).outbox;
  if (!outbox) throw new Error('the template has no outbox table (a table whose stream feeds a function)');
  const offered = new Map<string, number>();
  cloud.events.on('event', (e: { event: { 'detail-type': string; detail?: unknown } }) => {
    const incidentId = (e.event.detail as { data?: { incidentId?: unknown } } | undefined)?.data?.incidentId;
    if (e.event['detail-type'] === 'OfferCreated' && typeof incidentId === 'string' && !offered.has(incidentId)) offered.set(incidentId, Date.now());
  });
  const report = async (n: number): Promise<{ id: string; at: number } | undefined> => {
    const at = Date.now();
    const res = await fetch(`${cloud.urls.http}/incidents`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...demo.body, location: { coordinates: PLACES[n % PLACES.length] }, description: `bench:flow incident ${n}` }) });
    const body = (await res.json().catch(() => ({}))) as { incidentId?: string };
    return res.status === 202 && body.incidentId ? { id: body.incidentId, at } : undefined;
  };
  const committed = async (): Promise<Map<string, number>> => {
    const times = new Map<string, number>();
    for await (const page of paginateScan({ client: doc }, { TableName: outbox, ProjectionExpression: 'id, createdAt' })) {
      for (const row of page.Items ?? []) if (typeof row['createdAt'] === 'string') times.set(String(row['id']), Date.parse(row['createdAt']));
    }
    return times;
  };
  const phase = async (reports: { id: string; at: number }[], since: number, until: number): Promise<{ figures: HopFigures; toOffers: number[]; missing: number }> => {
    while (reports.some((r) => !offered.has(r.id)) && Date.now() < until) await sleep(250);
    await sleep(3000); // the offers' own consumers (notifications, reporting) finish
    const figures = hopFigures(hopsOf(cloud.recentEvents({ since }), cloud.recentInvocations({ since }), await committed()));
    const toOffers = reports.flatMap((r) => (offered.has(r.id) ? [(offered.get(r.id) as number) - r.at] : []));
    return { figures, toOffers, missing: reports.filter((r) => !offered.has(r.id)).length };
  };
  try {
    log(`warm phase: ${QUIET} incidents one at a time`);
    // The first incident warms every function of the flow; it is not counted.
    const first = await report(0);
    if (first) while (!offered.has(first.id)) await sleep(100);
    await sleep(2000);
    const quietSince = Date.now();
    const quietReports: { id: string; at: number }[] = [];
    for (let n = 1; n <= QUIET; n++) {
      const r = await report(n);
      if (!r) continue;
      quietReports.push(r);
      const until = Date.now() + 30_000;
      while (!offered.has(r.id) && Date.now() < until) await sleep(20);
      await sleep(500);
    }
    const quiet = await phase(quietReports, quietSince, Date.now());
    log(`load phase: ${INCIDENTS} incidents at once`);
    const loadSince = Date.now();
    const loadAt = loadavg()[0] as number;
    const loadReports = (await pool(Array.from({ length: INCIDENTS }, (_, i) => QUIET + 1 + i), CONCURRENCY, report)).filter((r): r is { id: string; at: number } => r !== undefined);
    const load = await phase(loadReports, loadSince, Date.now() + DEADLINE_S * 1000);
    const loadAfter = loadavg();
    const row = (name: string, f: { figures: HopFigures; toOffers: number[] }) =>
      `| ${name} | ${f.figures.hops} | ${ms(f.figures.outboxHop.p50)} / **${ms(f.figures.outboxHop.p95)}** | ${ms(f.figures.bareHop.p50)} / ${ms(f.figures.bareHop.p95)} | ${(f.figures.outboxHop.p95 / f.figures.bareHop.p95).toFixed(1)}x | ${ms(f.figures.split.outbox)} / ${ms(f.figures.split.queue)} / ${ms(f.figures.split.handler)} | ${ms(percentile(f.toOffers, 50))} / ${ms(percentile(f.toOffers, 95))} |`;
    const met = quiet.figures.outboxHop.p95 < HOP_TARGET_MS;
    const body = [
      `The incident flow on the local cloud (in-process, the packaged template): POST /incidents -> IncidentCreated -> the matching round (three requests, three answers) -> offers, with every consumer of each event (timeline, notifications, reports). Warm: ${quietReports.length} incidents one at a time after one that warms the functions; load: ${loadReports.length} reported at once (${CONCURRENCY} requests in flight).`,
      `A hop: an event's outbox row committed -> a consumer done with it (the invocation that handled it ended). Bare hop: the same events from the bus -> consumer done (no outbox). Split of an outbox hop, p50: row committed -> on the bus (DynamoDB stream, relay, PutEvents) / bus -> consumer invoked (rule, SQS, poller) / the invocation.`,
      `Load average (1 min) before ${loadBefore[0]?.toFixed(2)}, at the load phase ${loadAt.toFixed(2)}, after ${loadAfter[0]?.toFixed(2)}.`,
      '',
      '| phase | hops | outbox hop p50 / p95 | bare hop p50 / p95 | outbox / bare (p95) | split: outbox / queue / handler | report -> offers p50 / p95 |',
      '|---|---|---|---|---|---|---|',
      row('warm, one at a time', quiet),
      row(`${loadReports.length} at once`, load),
      '',
      `Target: outbox hop p95 under ${HOP_TARGET_MS} ms warm: ${met ? 'met' : 'NOT met'}. Incidents without offers at the end: warm ${quiet.missing}, load ${load.missing}.`,
    ].join('\n');
    log(`\n${body}\n`);
    if (INCIDENTS >= 200 && QUIET >= 20) {
      writeBenchSection(ROOT, 'flow', `## Flow hops (\`npm run bench:flow\`)\n\n${body}`);
      log('written to BENCHMARKS.md (section bench:flow)');
    }
    return quiet.missing || load.missing ? 1 : 0;
  } finally {
    doc.destroy();
    await cloud.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:flow failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
