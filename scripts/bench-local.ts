/**
 * `npm run bench:local`: the local runtime end to end. A template with one bus, one rule,
 * one queue and a no-op function (batch 10, no batching window) runs in-process; the
 * real EventBridge SDK client puts events on the local endpoint.
 *  - throughput: N events as fast as PutEvents batches of 10 allow, until the function
 *    has seen all of them;
 *  - latency: a steady 500 events/s for a few seconds, publish -> function invoke,
 *    p50 / p99 (the function reads each record's send time from the detail).
 * The matcher's own figures come from `npm run bench:matcher`.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LocalCloud } from '../local/runtime';
import { median, writeBenchSection } from './bench/report';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const ROOT = resolve(__dirname, '..');
const WORK = join(ROOT, '.test-out', 'bench-local');
const THROUGHPUT_EVENTS = Number(process.env['BENCH_EVENTS'] ?? 20_000);
const RATE = 500;
const RATE_SECONDS = Number(process.env['BENCH_RATE_SECONDS'] ?? 6);

function template(latencyFile: string): Record<string, unknown> {
  return {
    Resources: {
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'bench-bus' } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'bench-queue', VisibilityTimeout: 30 } },
      Rule: {
        Type: 'AWS::Events::Rule',
        Properties: { Name: 'bench-rule', EventBusName: { Ref: 'Bus' }, EventPattern: { source: ['bench'], 'detail-type': ['Tick'] }, Targets: [{ Id: 'q', Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }] },
      },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'bench-noop', Handler: 'scripts/bench/fixtures/noop.handler', Timeout: 10, Environment: { Variables: { LATENCY_FILE: latencyFile } } } },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, FunctionName: { Ref: 'Fn' }, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] },
      },
    },
  };
}

const latencies = (file: string): number[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .flatMap((l) => l.split(',').map(Number))
    : [];

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function waitFor(file: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (latencies(file).length < count) {
    if (Date.now() > deadline) throw new Error(`only ${latencies(file).length} of ${count} events reached the function`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  rmSync(WORK, { recursive: true, force: true });
  const latencyFile = join(WORK, 'latency.csv');
  const cloud = new LocalCloud({ root: ROOT, template: template(latencyFile), ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(WORK, 'build'), dynamodb: false });
  await cloud.start();
  const eb = new EventBridgeClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const put = (n: number): Promise<unknown> =>
    eb.send(new PutEventsCommand({ Entries: Array.from({ length: n }, () => ({ Source: 'bench', DetailType: 'Tick', EventBusName: 'bench-bus', Detail: JSON.stringify({ sentAt: Date.now(), pad: 'x'.repeat(200) }) })) }));
  try {
    // Warm-up: start the function's workers and the SDK connection.
    await Promise.all(Array.from({ length: 20 }, () => put(10)));
    await waitFor(latencyFile, 200, 30_000);
    rmSync(latencyFile);

    // Throughput: 8 publishers in parallel, batches of 10.
    const started = Date.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (sent < THROUGHPUT_EVENTS) {
          sent += 10;
          await put(10);
        }
      }),
    );
    await waitFor(latencyFile, sent, 120_000);
    const seconds = (Date.now() - started) / 1000;
    const throughput = sent / seconds;
    rmSync(latencyFile);

    // Latency at a steady rate: one event every 2 ms (500/s), paced by wall clock.
    const total = RATE * RATE_SECONDS;
    const t0 = Date.now();
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(put(1));
    }
    await Promise.all(inflight);
    await waitFor(latencyFile, total, 60_000);
    const lat = latencies(latencyFile);
    const body = [
      '## Local runtime end to end (`npm run bench:local`)',
      '',
      'One bus, one rule, one queue, a no-op function (batch 10, no batching window), all in the `npm start` runtime in one process; events put with the real `@aws-sdk/client-eventbridge` over HTTP on 127.0.0.1. Latency = publish (time in the detail) -> function invoked.',
      '',
      '| measure | result | target |',
      '|---|---|---|',
      `| throughput, ${sent.toLocaleString('en-US')} events, 8 concurrent PutEvents of 10 | ${Math.round(throughput).toLocaleString('en-US')} events/s | ≥ 3,000 events/s (${throughput >= 3000 ? 'met' : 'NOT met'}) |`,
      `| latency at a steady ${RATE} events/s for ${RATE_SECONDS} s: p50 | ${percentile(lat, 50)} ms | |`,
      `| latency p99 | ${percentile(lat, 99)} ms | < 50 ms (${percentile(lat, 99) < 50 ? 'met' : 'NOT met'}) |`,
      `| latency max | ${Math.max(...lat)} ms | |`,
      '',
      `Median latency ${median(lat)} ms over ${lat.length} events.`,
    ].join('\n');
    writeBenchSection(ROOT, 'local-e2e', body);
    process.stdout.write(`${body}\n`);
  } finally {
    eb.destroy();
    await cloud.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
