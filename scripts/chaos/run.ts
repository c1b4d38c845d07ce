/**
 * One seeded chaos run on the local cloud (issue: resilience): the packaged template
 * in-process, faults on at the rates below, N flow instances started at a steady rate, then
 * a quiet period, then the verdict (./verdict.ts). Used by `npm run chaos` and the small
 * run in `npm test` (tests/e2e/chaos.test.ts).
 */
import { join, resolve } from 'node:path';
import { paginateQuery, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbDocumentClient } from '../../lib/clients';
import type { LocalPlan } from '../../local/template/plan';
import type { FaultSettings } from '../../local/faults';
import { LocalCloud } from '../../local/runtime';
import { packageStage } from '../../tests/helpers/template';
import type { ChaosContext, ChaosFlow, FlowInstance } from './flow';
import { recordLedger } from './ledger';
import { chaosTables, judge, type Check } from './verdict';

/**
 * Time is compressed: a queue's visibility timeout (300 s in the template) becomes this, so
 * a failed message is retried, and dead-lettered after maxReceiveCount, within the run.
 */
export const CHAOS_VISIBILITY_TIMEOUT_S = 10;

/** The faults of a chaos run, at the issue's rates. */
export function chaosFaults(seed: number): FaultSettings {
  return {
    seed,
    faults: [
      { service: 'lambda', function: '*-consumer', kind: 'error', rate: 0.1 },
      { service: 'events', operation: 'PutEvents', kind: 'entry-failure', rate: 0.05 },
      { service: 'sqs', kind: 'duplicate', rate: 0.05 },
      { service: 'dynamodb', kind: 'throttle', rate: 0.02 },
      { service: 'dynamodb', operation: 'TransactWriteItems', kind: 'transaction-conflict', rate: 0.01 },
      { service: 'lambda', function: '*-outbox-relay', kind: 'crash-after-publish', rate: 0.05 },
    ],
  };
}

export interface ChaosOptions {
  root: string;
  /** Modules whose default export is a ChaosFlow (package.json `config.chaosFlows`). */
  flows: readonly string[];
  incidents: number;
  seed: number;
  /** Flow instances started per second. */
  rate: number;
  /** Nothing happening for this long, no message left in a queue and no timer due soon, is quiet. */
  quietMs?: number;
  /**
   * A timer (a Scheduler schedule) due within this long keeps the run waiting: a step timeout
   * is part of the work in flight. Timers due later (an offer's expiry, say) are the
   * platform's future work; the report counts them.
   */
  timerHorizonMs?: number;
  /** Give up waiting for quiet after this long. */
  maxQuietWaitMs?: number;
  stage?: string;
  log?: (line: string) => void;
}

export interface ChaosReport {
  ok: boolean;
  checks: Check[];
  started: number;
  refused: number;
  faults: Record<string, number>;
  redeliveries: number;
  failedInvocations: number;
  deadLetters: Record<string, number>;
  explainedByDlq: number;
  /** Per flow, what its instances came to (the flows' own labels). */
  outcomes: Record<string, Record<string, number>>;
  outboxRows: Record<string, number>;
  sendSeconds: number;
  quietSeconds: number;
  quiet: boolean;
  /** Timers still scheduled (due after the horizon) when the run was judged. */
  timersLeft: number;
}

/**
 * Outbox rows not yet relayed (status PENDING), counted past the fault proxy: a row whose
 * stream record was lost to a relay crash waits for the sweeper (once a minute, rows older
 * than a minute), so the platform is not quiet while any is left. Uses the outbox's index on
 * `status` when the template has one, else a scan.
 */
export function pendingOutboxCounter(plan: LocalPlan, doc: DynamoDBDocumentClient): () => Promise<number> {
  const table = chaosTables(plan).outbox;
  if (!table) return async () => 0;
  const indexes = (plan.tables.find((t) => t.name === table)?.properties['GlobalSecondaryIndexes'] ?? []) as { IndexName?: string; KeySchema?: { AttributeName?: string; KeyType?: string }[] }[];
  const byStatus = indexes.find((i) => i.KeySchema?.some((k) => k.KeyType === 'HASH' && k.AttributeName === 'status'))?.IndexName;
  const names = { '#s': 'status' };
  const values = { ':p': 'PENDING' };
  return async () => {
    let count = 0;
    const pages = byStatus
      ? paginateQuery({ client: doc }, { TableName: table, IndexName: byStatus, KeyConditionExpression: '#s = :p', ExpressionAttributeNames: names, ExpressionAttributeValues: values, Select: 'COUNT' })
      : paginateScan({ client: doc }, { TableName: table, FilterExpression: '#s = :p', ExpressionAttributeNames: names, ExpressionAttributeValues: values, Select: 'COUNT' });
    for await (const page of pages) count += page.Count ?? 0;
    return count;
  };
}

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const stage = options.stage ?? 'chaos';
  const dir = join(options.root, '.test-out', `chaos-${stage}`);
  const template = packageStage(stage, join(dir, 'package')) as unknown as Template;
  for (const r of Object.values(template.Resources)) {
    if (r.Type === 'AWS::SQS::Queue' && r.Properties['VisibilityTimeout'] !== undefined) r.Properties['VisibilityTimeout'] = CHAOS_VISIBILITY_TIMEOUT_S;
    // Thousands of invocations: the functions' info logs and metrics would drown the report.
    if (r.Type === 'AWS::Lambda::Function') {
      const environment = (r.Properties['Environment'] ??= { Variables: {} }) as { Variables?: Record<string, unknown> };
      environment.Variables = { ...environment.Variables, POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' };
    }
  }
  const flows = new Map<string, ChaosFlow>();
  for (const file of options.flows) {
    const flow = ((await import(resolve(options.root, file))) as { default: ChaosFlow }).default;
    flows.set(flow.name, flow);
    for (const note of flow.prepare?.(template) ?? []) log(`${flow.name}: ${note}`);
  }
  const cloud = new LocalCloud({ root: options.root, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false, faults: chaosFaults(options.seed) });
  await cloud.start();
  const ledger = recordLedger(cloud);
  const doc = createDynamoDbDocumentClient({ endpoint: cloud.dynamodbEndpoint, env: {} });
  let progress: NodeJS.Timeout | undefined;
  try {
    /** Messages per consumer queue (those with a DLQ): visible, in flight or delayed. */
    const backlogByQueue = (): Map<string, number> =>
      new Map(
        cloud.plan.queues
          .filter((q) => 'RedrivePolicy' in q.attributes)
          .map((q) => {
            const a = cloud.sqs.getQueueAttributes(q.name, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed']);
            return [q.name, Number(a['ApproximateNumberOfMessages'] ?? 0) + Number(a['ApproximateNumberOfMessagesNotVisible'] ?? 0) + Number(a['ApproximateNumberOfMessagesDelayed'] ?? 0)];
          }),
      );
    const busyQueues = (): number => [...backlogByQueue().values()].reduce((a, b) => a + b, 0);
    const pendingRows = pendingOutboxCounter(cloud.plan, doc);
    // The stream-fed functions (the relay): their lag is invisible in queue depths.
    const streamed = new Set(cloud.plan.eventSources.filter((e) => e.kind === 'dynamodb').map((e) => e.functionName));
    // Every 30 s, where the backlog is: a run that outpaces the platform shows it here first.
    progress = setInterval(() => {
      const top = [...backlogByQueue()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).slice(0, 4);
      void pendingRows().then(
        (pending) => {
          const recent = cloud.recentInvocations({ since: Date.now() - 30_000 }).filter((i) => streamed.has(i.function));
          const failed = recent.filter((i) => !i.ok);
          const mean = recent.length ? recent.reduce((sum, i) => sum + i.durationMs, 0) / recent.length : 0;
          const lastError = failed.at(-1)?.error;
          const relay = `${recent.length} stream invocations (${failed.length} failed${lastError ? `, last: ${lastError.slice(0, 200)}` : ''}; mean ${Math.round(mean)} ms)`;
          log(`backlog ${top.reduce((sum, [, n]) => sum + n, 0)}${top.length ? `: ${top.map(([q, n]) => `${q} ${n}`).join(', ')}` : ''}; outbox rows PENDING ${pending}, ${relay}; ${ledger.bus.size} events so far`);
        },
        () => undefined,
      );
    }, 30_000);
    progress.unref();
    const token = cloud.issuer.mint({ aud: cloud.plan.routes.find((r) => r.authorizer)?.authorizer?.audience[0] ?? '' });
    const context: ChaosContext = {
      doc,
      backlog: busyQueues,
      table: (suffix) => {
        const found = cloud.plan.tables.find((t) => t.name.endsWith(`-${suffix}`));
        if (!found) throw new Error(`no table ending in -${suffix} in the template`);
        return found.name;
      },
      async call(method, path, body, headers) {
        const res = await fetch(`${cloud.urls.http}${path}`, { method, headers: { ...headers, authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        const text = await res.text();
        let parsed: Record<string, unknown> = {};
        try {
          parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          parsed = { text };
        }
        return { status: res.status, body: parsed, correlationId: res.headers.get('x-correlation-id') ?? undefined };
      },
    };

    const flowList = [...flows.values()];
    const instances: FlowInstance[] = [];
    let refused = 0;
    const sending = Date.now();
    const pending: Promise<void>[] = [];
    for (let n = 0; n < options.incidents; n++) {
      const flow = flowList[n % flowList.length] as ChaosFlow;
      pending.push(
        flow.start(context, n).then(
          (instance) => void (instance ? instances.push(instance) : (refused += 1)),
          () => void (refused += 1),
        ),
      );
      if ((n + 1) % 100 === 0) log(`${n + 1} started`);
      await new Promise((r) => setTimeout(r, 1000 / options.rate));
    }
    await Promise.all(pending);
    const sendSeconds = (Date.now() - sending) / 1000;
    log(`${instances.length} instances started, ${refused} refused, in ${sendSeconds.toFixed(0)} s; waiting for quiet...`);

    const quietStart = Date.now();
    const quietMs = options.quietMs ?? 5000;
    const deadline = quietStart + (options.maxQuietWaitMs ?? 10 * 60_000);
    const timerHorizonMs = options.timerHorizonMs ?? 30_000;
    const timers = (): number[] => cloud.scheduler.list().flatMap((s) => cloud.scheduler.nextInvocation(s) ?? []);
    const timersDue = (): number => timers().filter((at) => at <= Date.now() + timerHorizonMs).length;
    let quiet = false;
    let reported = 0;
    while (Date.now() < deadline) {
      if (busyQueues() === 0 && timersDue() === 0 && Date.now() - ledger.lastActivity >= quietMs) {
        const pending = await pendingRows();
        if (pending === 0) {
          quiet = true;
          break;
        }
        if (Date.now() - reported >= 30_000) {
          log(`${pending} outbox rows still PENDING: waiting for the relay's sweeper`);
          reported = Date.now();
        }
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const quietSeconds = (Date.now() - quietStart) / 1000;
    log(quiet ? `quiet after ${quietSeconds.toFixed(0)} s; judging...` : `NOT quiet after ${quietSeconds.toFixed(0)} s; judging anyway...`);

    const verdict = await judge({ plan: cloud.plan, ledger, context, flows, instances });
    const checks = [{ what: `quiet within ${((options.maxQuietWaitMs ?? 600_000) / 1000).toFixed(0)} s (no queue holding a message, no outbox row PENDING, no timer due within ${timerHorizonMs / 1000} s, nothing happening for ${quietMs / 1000} s)`, ok: quiet }, ...verdict.checks];
    return {
      ok: checks.every((c) => c.ok),
      checks,
      started: instances.length,
      refused,
      faults: cloud.faults.injected(),
      redeliveries: ledger.redeliveries,
      failedInvocations: ledger.failedInvocations,
      deadLetters: Object.fromEntries([...ledger.deadLetters].map(([q, l]) => [q, l.length])),
      explainedByDlq: verdict.explainedByDlq,
      outcomes: verdict.outcomes,
      outboxRows: verdict.outboxRows,
      sendSeconds,
      quietSeconds,
      quiet,
      timersLeft: timers().length,
    };
  } finally {
    clearInterval(progress);
    doc.destroy();
    await cloud.stop();
  }
}

/** The report as the console shows it. */
export function formatChaosReport(report: ChaosReport, options: { incidents: number; seed: number }): string {
  const entries = (o: Record<string, number>): string => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return [
    `Chaos run: ${options.incidents} flow instances, seed ${options.seed}: ${report.started} started, ${report.refused} refused; sent in ${report.sendSeconds.toFixed(0)} s`,
    `  faults injected: ${entries(report.faults)}`,
    `  retries: ${report.redeliveries} SQS redeliveries, ${report.failedInvocations} failed Lambda invocations`,
    `  DLQs: ${entries(report.deadLetters)}; instances explained by a DLQ or FAILED row: ${report.explainedByDlq}`,
    `  outbox rows: ${entries(report.outboxRows)}`,
    ...Object.entries(report.outcomes).filter(([, o]) => Object.keys(o).length).map(([flow, o]) => `  ${flow}: ${entries(o)}`),
    `  time to quiet: ${report.quietSeconds.toFixed(0)} s (${report.timersLeft} timers due later still scheduled)`,
    'Verdict:',
    ...report.checks.flatMap((c) => [
      `  - ${c.ok ? 'ok' : 'FAILED'}: ${c.what}`,
      ...(c.causes?.length ? [`      ${c.causes.reduce((n, k) => n + k.count, 0)} problems, by cause:`, ...c.causes.slice(0, 8).map((k) => `        ${k.count} x ${k.cause}`), '      first ones:'] : []),
      ...(c.examples ?? []).map((e) => `      ${e}`),
    ]),
    report.ok ? 'PASSED' : 'FAILED',
  ].join('\n');
}
