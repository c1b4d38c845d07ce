/**
 * `npm run bench:outbox`: drain 10,000 PENDING outbox rows through the local bus to a
 * consumer, in-process on the local cloud (DynamoDB Local stream -> relay function ->
 * PutEvents -> rule -> SQS -> consumer function), for:
 *  - the platform relay (lib/outbox as functions/outbox/relay.ts runs it): up to 10
 *    entries per PutEvents call, 4 publish lanes, PUBLISHED images written back in batches;
 *  - the baseline: a relay handling one row at a time (one PutEvents entry, one UpdateItem);
 *  - for reference, the platform relay marking rows with conditional transactions.
 * Each run gets a fresh DynamoDB Local (it slows down as tables and streams accumulate)
 * and its rows written (BatchWriteItem) before the cloud starts; time runs from the relay's
 * first invocation until the consumer has seen every eventId and the last row is marked
 * PUBLISHED. Counts: rows PUBLISHED, lost (never seen), duplicates seen. Also measured:
 * DynamoDB Local alone marking the same number of rows PUBLISHED both ways the relay can.
 * Env: BENCH_ROWS (10000), BENCH_AGGREGATES (1000), BENCH_STREAM_BATCH (default: serverless.yml's), BENCH_LANES (4),
 * BENCH_ONLY_BATCHED=1 (the batched relay only, BENCHMARKS.md untouched: for trying options).
 */
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { BatchWriteCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClient, createDynamoDbDocumentClient } from '../lib/clients';
import { ensureTables, startDynamoDbLocal, type DynamoDbLocal } from '../local/dynamodb';
import { LocalCloud } from '../local/runtime';
import { planFromTemplate } from '../local/template/plan';
import { outboxBenchRows, outboxBenchTemplate, type OutboxBenchRelay } from './bench/outbox-template';
import { writeBenchSection } from './bench/report';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const ROOT = resolve(__dirname, '..');
const WORK = join(ROOT, '.test-out', 'bench-outbox');
const ROWS = Number(process.env['BENCH_ROWS'] ?? 10_000);
const AGGREGATES = Number(process.env['BENCH_AGGREGATES'] ?? 1_000);
/** The relay's stream batch size in serverless.yml (BENCH_STREAM_BATCH overrides it). */
function relayBatchSize(): number {
  const config = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as { functions: unknown[] };
  for (const block of config.functions) {
    const relay = (block as Record<string, { events?: { stream?: { batchSize?: number } }[] }>)['outbox-relay'];
    const size = relay?.events?.find((e) => e.stream)?.stream?.batchSize;
    if (size !== undefined) return size;
  }
  throw new Error('serverless.yml: outbox-relay has no stream batchSize');
}
const STREAM_BATCH = Number(process.env['BENCH_STREAM_BATCH'] ?? relayBatchSize());
const LANES = Number(process.env['BENCH_LANES'] ?? 4);
/** Drains per relay (the median is reported): runs on this machine vary by ±15%. */
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const TIMEOUT_MS = 20 * 60_000;
const PLAN_ENDPOINTS = { aws: 'http://127.0.0.1:1', http: 'http://127.0.0.1:1' };

interface Drain {
  label: string;
  /** events/s of every run; the other fields are the median run's. */
  runs: number[];
  /** Rows lost or left PENDING in any run (must be 0). */
  anyLost: number;
  seconds: number;
  perSecond: number;
  published: number;
  pending: number;
  lost: number;
  duplicates: number;
  putEventsCalls: number;
  invocations: number;
  /** Summed over the relay's concurrent calls. */
  waitedPutEventsS: number;
  waitedDynamoDbS: number;
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function countStatus(doc: DynamoDBDocumentClient, table: string, status: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({ TableName: table, IndexName: 'byStatus', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': status }, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

async function insert(doc: DynamoDBDocumentClient, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < rows.length; i += 25) chunks.push(rows.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < chunks.length) {
        let items = (chunks[next++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
        while (items.length) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: items } }));
          items = (out.UnprocessedItems?.[table] ?? []) as typeof items;
        }
      }
    }),
  );
}

/** A fresh DynamoDB Local with the template's table and `ROWS` PENDING rows in it. */
async function preparedTable(template: Record<string, unknown>, name: string): Promise<{ dynamo: DynamoDbLocal; doc: DynamoDBDocumentClient; ids: Set<string>; rows: Record<string, unknown>[] }> {
  const dynamo = await startDynamoDbLocal({ port: 0 });
  const doc = createDynamoDbDocumentClient({ endpoint: dynamo.endpoint, env: {} });
  try {
    const ddb = createDynamoDbClient({ endpoint: dynamo.endpoint, env: {} });
    await ensureTables(ddb, planFromTemplate(template, { region: 'us-east-1', accountId: '000000000000', endpoints: PLAN_ENDPOINTS }).tables);
    ddb.destroy();
    const rows = outboxBenchRows(ROWS, AGGREGATES);
    await insert(doc, name, rows);
    return { dynamo, doc, ids: new Set(rows.map((r) => r['id'] as string)), rows };
  } catch (error) {
    doc.destroy();
    await dynamo.stop();
    throw error;
  }
}

async function drain(label: string, relay: OutboxBenchRelay, run = 1): Promise<Drain> {
  const name = `bench-outbox-${relay.kind}-${relay.marking ?? 'images'}-${relay.entriesPerCall}x${relay.lanes}-${run}`;
  const files = { seenFile: join(WORK, `${name}.seen`), relayLog: join(WORK, `${name}.relay`) };
  const template = outboxBenchTemplate(name, files, relay);
  const { dynamo, doc, ids } = await preparedTable(template, name);
  process.stdout.write(`${label}: ${ids.size} PENDING rows written; draining...\n`);
  const cloud = new LocalCloud({ root: ROOT, template, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(WORK, `build-${name}`), dynamodb: { endpoint: dynamo.endpoint } });
  try {
    await cloud.start();
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const seen = new Set(lines(files.seenFile).flatMap((l) => (l.split(' ')[1] ?? '').split(',')));
      if (seen.size >= ids.size && (await countStatus(doc, name, 'PENDING')) === 0) break;
      if (Date.now() > deadline) throw new Error(`${label}: not drained after ${TIMEOUT_MS / 1000} s (${seen.size} of ${ids.size} seen)`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // Timing from the functions' own logs, so polling and start-up do not count.
    const invocations = lines(files.relayLog).map((l) => l.split(',').map(Number));
    const firstStart = Math.min(...invocations.map((r) => r[0] as number));
    const lastPublishingEnd = Math.max(...invocations.filter((r) => (r[3] as number) > 0).map((r) => r[1] as number));
    const seen = new Set<string>();
    let seenTotal = 0;
    let allSeenAt = 0;
    for (const line of lines(files.seenFile)) {
      const [at, list] = line.split(' ');
      for (const id of (list ?? '').split(',')) {
        seenTotal++;
        seen.add(id);
      }
      if (!allSeenAt && seen.size >= ids.size) allSeenAt = Number(at);
    }
    const seconds = (Math.max(allSeenAt, lastPublishingEnd) - firstStart) / 1000;
    const sum = (column: number): number => invocations.reduce((total, r) => total + (r[column] as number), 0);
    return {
      label,
      runs: [ids.size / seconds],
      anyLost: 0,
      seconds,
      perSecond: ids.size / seconds,
      published: await countStatus(doc, name, 'PUBLISHED'),
      pending: await countStatus(doc, name, 'PENDING'),
      lost: [...ids].filter((id) => !seen.has(id)).length,
      duplicates: seenTotal - seen.size,
      putEventsCalls: sum(3),
      invocations: invocations.length,
      waitedPutEventsS: sum(4) / 1000,
      waitedDynamoDbS: sum(5) / 1000,
    };
  } finally {
    await cloud.stop();
    doc.destroy();
    await dynamo.stop();
  }
}

/** `RUNS` drains of one relay, each on a fresh DynamoDB Local: the median run, with every run's rate. */
async function drains(label: string, relay: OutboxBenchRelay, runs = RUNS): Promise<Drain> {
  const all: Drain[] = [];
  for (let run = 1; run <= runs; run++) {
    const d = await drain(label, relay, run);
    process.stdout.write(`  run ${run}: ${fmt(d.perSecond)} events/s, lost ${d.lost}, pending ${d.pending}, duplicates ${d.duplicates}\n`);
    all.push(d);
  }
  const sorted = [...all].sort((a, b) => a.perSecond - b.perSecond);
  const median = sorted[Math.floor(sorted.length / 2)] as Drain;
  return { ...median, runs: all.map((d) => d.perSecond), anyLost: Math.max(...all.map((d) => d.lost + d.pending)) };
}

/**
 * DynamoDB Local alone, nothing else running: every row marked PUBLISHED the way a relay
 * marks them, 4 calls in flight: PUBLISHED images in BatchWriteItem calls of 25 (the
 * relay's default), or conditional updates in transactions of 25 (its `conditional` mode).
 */
async function markingFloor(marking: 'images' | 'conditional'): Promise<{ seconds: number; perSecond: number }> {
  const name = `bench-outbox-floor-${marking}`;
  const template = outboxBenchTemplate(name, { seenFile: join(WORK, 'floor.seen'), relayLog: join(WORK, 'floor.relay') }, { kind: 'platform', entriesPerCall: 10, lanes: 4, streamBatchSize: STREAM_BATCH });
  const { dynamo, doc, rows } = await preparedTable(template, name);
  try {
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < rows.length; i += 25) chunks.push(rows.slice(i, i + 25));
    const ttl = Math.floor(Date.now() / 1000) + 604_800;
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < chunks.length) {
          const at = new Date().toISOString();
          const chunk = chunks[next++] as Record<string, unknown>[];
          if (marking === 'images') {
            let requests = chunk.map((row) => ({ PutRequest: { Item: { ...row, status: 'PUBLISHED', publishedAt: at, lastAttemptAt: at, expiresAt: ttl, attempts: 1 } } }));
            while (requests.length) {
              const out = await doc.send(new BatchWriteCommand({ RequestItems: { [name]: requests } }));
              requests = (out.UnprocessedItems?.[name] ?? []) as typeof requests;
            }
            continue;
          }
          await doc.send(
            new TransactWriteCommand({
              TransactItems: chunk.map((row) => ({
                Update: {
                  TableName: name,
                  Key: { id: row['id'] },
                  UpdateExpression: 'SET #s = :published, publishedAt = :at, lastAttemptAt = :at, expiresAt = :ttl ADD attempts :one',
                  ConditionExpression: '#s = :pending',
                  ExpressionAttributeNames: { '#s': 'status' },
                  ExpressionAttributeValues: { ':published': 'PUBLISHED', ':pending': 'PENDING', ':at': at, ':ttl': ttl, ':one': 1 },
                },
              })),
            }),
          );
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    return { seconds, perSecond: rows.length / seconds };
  } finally {
    doc.destroy();
    await dynamo.stop();
  }
}

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const batched = await drains(`lib/outbox relay: up to 10 entries per PutEvents, ${LANES} lanes, PUBLISHED images written back 25 per BatchWriteItem`, { kind: 'platform', entriesPerCall: 10, lanes: LANES, marking: 'images', streamBatchSize: STREAM_BATCH });
  process.stdout.write(`${JSON.stringify(batched)}\n`);
  if (process.env['BENCH_ONLY_BATCHED']) return;
  const single = await drains('baseline: one row at a time, one PutEvents entry then one conditional UpdateItem', { kind: 'naive', entriesPerCall: 1, lanes: 1, streamBatchSize: STREAM_BATCH });
  process.stdout.write(`${JSON.stringify(single)}\n`);
  const conditional = await drains('reference: lib/outbox relay marking with conditional updates (transactions of 25)', { kind: 'platform', entriesPerCall: 10, lanes: 4, marking: 'conditional', streamBatchSize: STREAM_BATCH }, 1);
  process.stdout.write(`${JSON.stringify(conditional)}\n`);
  const floorImages = await markingFloor('images');
  const floorConditional = await markingFloor('conditional');
  process.stdout.write(`${JSON.stringify({ floorImages, floorConditional })}\n`);

  const ratio = batched.perSecond / single.perSecond;
  const row = (r: Drain): string =>
    `| ${r.label} | ${r.seconds.toFixed(1)} s | **${fmt(r.perSecond)}**${r.runs.length > 1 ? ` (runs: ${r.runs.map(fmt).join(' / ')})` : ''} | ${fmt(r.putEventsCalls)} | ${r.waitedPutEventsS.toFixed(1)} s / ${r.waitedDynamoDbS.toFixed(1)} s | ${fmt(r.invocations)} | ${fmt(r.published)} | ${r.lost} | ${r.duplicates} |`;
  const body = [
    '## Outbox relay (`npm run bench:outbox`)',
    '',
    `${fmt(ROWS)} PENDING outbox rows (${fmt(AGGREGATES)} aggregates, ~0.5 KB events) drained through the local cloud in-process: DynamoDB Local stream (batch size ${STREAM_BATCH}, as serverless.yml) -> relay function -> PutEvents -> rule -> SQS -> consumer function recording envelope eventIds. Each run has a fresh DynamoDB Local with its rows written before the cloud starts; time = the relay's first invocation until the consumer has seen every eventId and the last row is marked PUBLISHED. Baseline: the relay one writes first (scripts/bench/fixtures/outbox-naive-relay.ts): for each row in order, one PutEvents call with that one entry, then one UpdateItem marking it PUBLISHED, with the same bus publisher and clients.`,
    '',
    '| relay | drain time | events/s | PutEvents calls | waiting on PutEvents / DynamoDB (summed over lanes) | relay invocations | rows PUBLISHED | lost | duplicates seen |',
    '|---|---|---|---|---|---|---|---|---|',
    row(batched),
    row(single),
    row(conditional),
    '',
    `Rates are the median of ${RUNS} drains per relay (1 for the reference), each on a fresh DynamoDB Local; counts are the median run's, and every run is checked for lost rows. Ratio: **${ratio.toFixed(1)}×** the one-entry-per-call baseline (target ≥ 5×: ${ratio >= 5 ? 'met' : 'NOT met'}); **${fmt(batched.perSecond)} events/s** (target ≥ 1,000: ${batched.perSecond >= 1000 ? 'met' : 'NOT met'}). Lost = rows whose eventId the consumer never saw (must be 0); duplicates = eventIds seen more than once (consumers drop them by eventId).`,
    '',
    `Where the time goes, measured in the same run: **DynamoDB Local** alone (nothing else running, 4 calls in flight) writes PUBLISHED images at **${fmt(floorImages.perSecond)} rows/s** in BatchWriteItem calls of 25, but marks only **${fmt(floorConditional.perSecond)} rows/s** with conditional updates in transactions of 25; its JVM saturates one of the 2 cores, so the relay's marking mode decides its ceiling here (the conditional reference row). A 1-entry PutEvents on the local bus waited ${((1000 * single.waitedPutEventsS) / Math.max(1, single.putEventsCalls)).toFixed(1)} ms, a batched one ${((1000 * batched.waitedPutEventsS) / Math.max(1, batched.putEventsCalls)).toFixed(1)} ms. On AWS each call is a network round trip whatever its size (up to 10 entries), so the ${fmt(single.putEventsCalls)} -> ${fmt(batched.putEventsCalls)} PutEvents calls saved by batching weigh more there than here.`,
  ].join('\n');
  writeBenchSection(ROOT, 'outbox', body);
  process.stdout.write(`${body}\n`);
  if (batched.anyLost || single.anyLost || conditional.anyLost) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
