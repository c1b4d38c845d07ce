/**
 * `npm run bench:outbox`: drain 10,000 PENDING outbox rows through the local bus to a
 * consumer, in-process on the local cloud (DynamoDB Local stream -> relay function ->
 * PutEvents -> rule -> SQS -> consumer function), for:
 *  - the platform relay (lib/outbox as functions/outbox/relay.ts runs it): up to 10
 *    entries per PutEvents call, 4 publish lanes;
 *  - the baseline: the same relay sending one entry per PutEvents call, one call at a time;
 *  - for reference, one entry per call but 4 calls in flight.
 * Each run gets a fresh DynamoDB Local (it slows down as tables and streams accumulate)
 * and its rows written (BatchWriteItem) before the cloud starts; time runs from the relay's
 * first invocation until the consumer has seen every eventId and the last row is marked
 * PUBLISHED. Counts: rows PUBLISHED, lost (never seen), duplicates seen. Also measured:
 * DynamoDB Local alone marking the same number of rows PUBLISHED the way the relay does,
 * the floor of any relay that records each row's state here.
 * Env: BENCH_ROWS (10000), BENCH_AGGREGATES (1000), BENCH_STREAM_BATCH (100, as serverless.yml),
 * BENCH_ONLY_BATCHED=1 (the batched relay only, BENCHMARKS.md untouched: for trying options).
 */
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
const STREAM_BATCH = Number(process.env['BENCH_STREAM_BATCH'] ?? 100);
const TIMEOUT_MS = 20 * 60_000;
const PLAN_ENDPOINTS = { aws: 'http://127.0.0.1:1', http: 'http://127.0.0.1:1' };

interface Drain {
  label: string;
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
async function preparedTable(template: Record<string, unknown>, name: string): Promise<{ dynamo: DynamoDbLocal; doc: DynamoDBDocumentClient; ids: Set<string> }> {
  const dynamo = await startDynamoDbLocal({ port: 0 });
  const doc = createDynamoDbDocumentClient({ endpoint: dynamo.endpoint, env: {} });
  try {
    const ddb = createDynamoDbClient({ endpoint: dynamo.endpoint, env: {} });
    await ensureTables(ddb, planFromTemplate(template, { region: 'us-east-1', accountId: '000000000000', endpoints: PLAN_ENDPOINTS }).tables);
    ddb.destroy();
    const rows = outboxBenchRows(ROWS, AGGREGATES);
    await insert(doc, name, rows);
    return { dynamo, doc, ids: new Set(rows.map((r) => r['id'] as string)) };
  } catch (error) {
    doc.destroy();
    await dynamo.stop();
    throw error;
  }
}

async function drain(label: string, relay: OutboxBenchRelay): Promise<Drain> {
  const name = `bench-outbox-${relay.entriesPerCall}x${relay.lanes}`;
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

/** DynamoDB Local alone: every row marked PUBLISHED as the relay marks them (conditional updates, transactions of 25, 4 in flight). */
async function markingFloor(): Promise<{ seconds: number; perSecond: number }> {
  const name = 'bench-outbox-floor';
  const template = outboxBenchTemplate(name, { seenFile: join(WORK, 'floor.seen'), relayLog: join(WORK, 'floor.relay') }, { entriesPerCall: 10, lanes: 4, streamBatchSize: STREAM_BATCH });
  const { dynamo, doc, ids } = await preparedTable(template, name);
  try {
    const chunks: string[][] = [];
    const all = [...ids];
    for (let i = 0; i < all.length; i += 25) chunks.push(all.slice(i, i + 25));
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < chunks.length) {
          const at = new Date().toISOString();
          const chunk = chunks[next++] as string[];
          await doc.send(
            new TransactWriteCommand({
              TransactItems: chunk.map((id) => ({
                Update: {
                  TableName: name,
                  Key: { id },
                  UpdateExpression: 'SET #s = :published, publishedAt = :at, lastAttemptAt = :at, expiresAt = :ttl ADD attempts :one',
                  ConditionExpression: '#s = :pending',
                  ExpressionAttributeNames: { '#s': 'status' },
                  ExpressionAttributeValues: { ':published': 'PUBLISHED', ':pending': 'PENDING', ':at': at, ':ttl': Math.floor(Date.now() / 1000) + 604_800, ':one': 1 },
                },
              })),
            }),
          );
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    return { seconds, perSecond: ids.size / seconds };
  } finally {
    doc.destroy();
    await dynamo.stop();
  }
}

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const batched = await drain('lib/outbox relay: up to 10 entries per PutEvents, 4 lanes', { entriesPerCall: 10, lanes: 4, streamBatchSize: STREAM_BATCH });
  process.stdout.write(`${JSON.stringify(batched)}\n`);
  if (process.env['BENCH_ONLY_BATCHED']) return;
  const single = await drain('baseline: 1 entry per PutEvents, one call at a time', { entriesPerCall: 1, lanes: 1, streamBatchSize: STREAM_BATCH });
  process.stdout.write(`${JSON.stringify(single)}\n`);
  const singleLanes = await drain('reference: 1 entry per PutEvents, 4 calls in flight', { entriesPerCall: 1, lanes: 4, streamBatchSize: STREAM_BATCH });
  process.stdout.write(`${JSON.stringify(singleLanes)}\n`);
  const floor = await markingFloor();
  process.stdout.write(`${JSON.stringify(floor)}\n`);

  const ratio = batched.perSecond / single.perSecond;
  const row = (r: Drain): string =>
    `| ${r.label} | ${r.seconds.toFixed(1)} s | **${fmt(r.perSecond)}** | ${fmt(r.putEventsCalls)} | ${r.waitedPutEventsS.toFixed(1)} s / ${r.waitedDynamoDbS.toFixed(1)} s | ${fmt(r.invocations)} | ${fmt(r.published)} | ${r.lost} | ${r.duplicates} |`;
  const body = [
    '## Outbox relay (`npm run bench:outbox`)',
    '',
    `${fmt(ROWS)} PENDING outbox rows (${fmt(AGGREGATES)} aggregates, ~0.5 KB events) drained through the local cloud in-process: DynamoDB Local stream (batch size ${STREAM_BATCH}, as serverless.yml) -> relay function (lib/outbox) -> PutEvents -> rule -> SQS -> consumer function recording envelope eventIds. Each run has a fresh DynamoDB Local with its rows written before the cloud starts; time = the relay's first invocation until the consumer has seen every eventId and the last row is marked PUBLISHED. Baseline: the same relay with a bus publisher sending one entry per PutEvents call, one call at a time.`,
    '',
    '| relay | drain time | events/s | PutEvents calls | waiting on PutEvents / DynamoDB (summed over lanes) | relay invocations | rows PUBLISHED | lost | duplicates seen |',
    '|---|---|---|---|---|---|---|---|---|',
    row(batched),
    row(single),
    row(singleLanes),
    '',
    `Ratio: **${ratio.toFixed(1)}×** the one-entry-per-call baseline (target ≥ 5×: ${ratio >= 5 ? 'met' : 'NOT met'}); **${fmt(batched.perSecond)} events/s** (target ≥ 1,000: ${batched.perSecond >= 1000 ? 'met' : 'NOT met'}). Lost = rows whose eventId the consumer never saw (must be 0); duplicates = eventIds seen more than once (consumers drop them by eventId).`,
    '',
    `Why the targets are out of reach on this machine, measured in the same run: (1) **DynamoDB Local** alone, marking the same ${fmt(ROWS)} rows PUBLISHED exactly as the relay does (conditional updates in transactions of 25, 4 in flight) with nothing else running, does **${fmt(floor.perSecond)} rows/s** (${floor.seconds.toFixed(1)} s; its JVM saturates one of the 2 cores). Any relay that records each row's state is bounded by that; the batched relay reaches ${Math.round((100 * batched.perSecond) / floor.perSecond)}% of it while also reading the stream and sharing the other core with the local bus, SQS and both functions. (2) **The local bus costs per entry, not per call**: a 1-entry PutEvents waited ${((1000 * single.waitedPutEventsS) / single.putEventsCalls).toFixed(1)} ms, a 10-entry one ${((1000 * batched.waitedPutEventsS) / batched.putEventsCalls).toFixed(1)} ms, so sending 10× fewer calls saves little here. On AWS each call is a network round trip whatever its size (up to 10 entries) and writes spread over partitions, so the ${fmt(single.putEventsCalls)} -> ${fmt(batched.putEventsCalls)} calls are what batching saves; this bench cannot show that.`,
  ].join('\n');
  writeBenchSection(ROOT, 'outbox', body);
  process.stdout.write(`${body}\n`);
  if (batched.lost || single.lost || batched.pending || single.pending) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
