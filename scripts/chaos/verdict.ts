/**
 * The chaos verdict, from what the platform stored (read directly from DynamoDB, past the
 * fault proxy) and what the ledger saw: every flow instance terminal or explained, no event
 * lost, no duplicate side effect, no sequence gap per aggregate. Domain-free: flows judge
 * their own instances; everything else follows from the template (tables, rules, queues).
 */
import { paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalPlan } from '../../local/template/plan';
import type { ChaosContext, ChaosFlow, FlowInstance } from './flow';
import type { ChaosLedger } from './ledger';

export interface Check {
  what: string;
  ok: boolean;
  /** A few examples of what failed. */
  examples?: string[];
  /** How many problems, by cause (ids and figures left out), most frequent first. */
  causes?: { cause: string; count: number }[];
}

type Item = Record<string, unknown>;

async function scanAll(doc: DynamoDBDocumentClient, table: string): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateScan({ client: doc }, { TableName: table })) items.push(...((page.Items ?? []) as Item[]));
  return items;
}

/** The outbox: the table whose stream feeds a function. The event store: keyed by aggregateId and version. */
export function chaosTables(plan: LocalPlan): { outbox: string | undefined; eventStore: string | undefined } {
  const streamed = new Set(plan.eventSources.filter((s) => s.kind !== 'sqs').map((s) => s.sourceArn));
  const keys = (t: LocalPlan['tables'][number]): string => JSON.stringify(((t.properties['KeySchema'] as { AttributeName?: string }[] | undefined) ?? []).map((k) => k.AttributeName));
  return {
    outbox: plan.tables.find((t) => t.streamArn && streamed.has(t.streamArn))?.name,
    eventStore: plan.tables.find((t) => keys(t) === JSON.stringify(['aggregateId', 'version']))?.name,
  };
}

const check = (what: string, problems: string[]): Check => ({ what, ok: problems.length === 0, ...(problems.length ? { examples: problems.slice(0, 5), causes: problemCauses(problems) } : {}) });

/** A problem's cause: its text with ids and figures replaced, so 100 instances of one cause count as one line. */
export function causeOf(problem: string): string {
  return problem
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d+(\.\d+)?/g, 'N');
}

export function problemCauses(problems: readonly string[]): { cause: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(causeOf(p), (counts.get(causeOf(p)) ?? 0) + 1);
  return [...counts].map(([cause, count]) => ({ cause, count })).sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause));
}

/** Sequence gaps: each aggregate's versions must run 1, 2, ... n. */
export function sequenceGaps(rows: readonly Item[]): string[] {
  const versions = new Map<string, number[]>();
  for (const row of rows) versions.set(String(row['aggregateId']), [...(versions.get(String(row['aggregateId'])) ?? []), Number(row['version'])]);
  return [...versions].flatMap(([id, v]) => (v.sort((a, b) => a - b).every((x, i) => x === i + 1) ? [] : [`${id}: versions ${v.join(',')}`]));
}

export async function judge(input: { plan: LocalPlan; ledger: ChaosLedger; context: ChaosContext; flows: ReadonlyMap<string, ChaosFlow>; instances: readonly FlowInstance[] }): Promise<{ checks: Check[]; explainedByDlq: number; outboxRows: Record<string, number>; outcomes: Record<string, Record<string, number>> }> {
  const { plan, ledger, context } = input;
  const tables = chaosTables(plan);
  const outbox = tables.outbox ? await scanAll(context.doc, tables.outbox) : [];
  const errorCorrelations = new Set([...ledger.bus.values()].flat().filter((b) => b.detailType === 'ErrorOccurred').map((b) => b.correlationId));
  const dlqCorrelations = new Set([...ledger.deadLetters.values()].flat().map((d) => d.correlationId));
  const failedCorrelations = new Set(outbox.filter((r) => r['status'] === 'FAILED' && errorCorrelations.has(r['correlationId'] as string)).map((r) => r['correlationId']));

  // Outbox: every row published (and its event seen on the bus) or FAILED with its error on the errors bus.
  const outboxProblems = outbox.flatMap((r) => {
    if (r['status'] === 'PUBLISHED') return ledger.bus.has(String(r['id'])) ? [] : [`${String(r['id'])} PUBLISHED but never seen on a bus`];
    if (r['status'] === 'FAILED') return failedCorrelations.has(r['correlationId'] as string) ? [] : [`${String(r['id'])} FAILED with no error on the errors bus`];
    return [`${String(r['id'])} still ${String(r['status'])}`];
  });

  // Every event reached every queue its rules target, and each copy was consumed or dead-lettered.
  const queueOf = new Map(plan.rules.map((r) => [r.name, r.targets.filter((t) => t.arn.split(':')[2] === 'sqs').map((t) => t.arn.split(':').pop() as string)]));
  const routeProblems: string[] = [];
  for (const [eventId, puts] of ledger.bus) {
    const queues = new Set(puts.flatMap((p) => p.rules.flatMap((rule) => queueOf.get(rule) ?? [])));
    for (const queue of queues) {
      const copies = ledger.messages.get(`${queue} ${eventId}`);
      if (!copies?.size) routeProblems.push(`${eventId} (${puts[0]?.detailType}) never reached ${queue}`);
      else for (const [messageId, end] of copies) if (end === 'pending') routeProblems.push(`${eventId} (${puts[0]?.detailType}) message ${messageId} still in ${queue}`);
    }
  }
  routeProblems.push(...ledger.deliveryFailures);

  const storeRows = tables.eventStore ? await scanAll(context.doc, tables.eventStore) : [];

  // Flows: terminal, or explained by a DLQ or a FAILED row with its error; never a duplicate.
  let explainedByDlq = 0;
  const unexplained: string[] = [];
  const duplicates: string[] = [];
  const outcomes: Record<string, Record<string, number>> = {};
  for (const instance of input.instances) {
    const outcome = await (input.flows.get(instance.flow) as ChaosFlow).check(context, instance);
    const tally = (outcomes[instance.flow] ??= {});
    for (const label of outcome.tally ?? []) tally[label] = (tally[label] ?? 0) + 1;
    duplicates.push(...outcome.duplicates.map((d) => `${instance.flow} ${instance.key}: ${d}`));
    if (outcome.terminal) continue;
    if (dlqCorrelations.has(instance.correlationId) || failedCorrelations.has(instance.correlationId)) explainedByDlq += 1;
    else unexplained.push(`${instance.flow} ${instance.key}: ${outcome.missing ?? 'not terminal'}`);
  }
  const count = (status: string): number => outbox.filter((r) => r['status'] === status).length;
  return {
    explainedByDlq,
    outcomes,
    outboxRows: { PUBLISHED: count('PUBLISHED'), FAILED: count('FAILED'), other: outbox.length - count('PUBLISHED') - count('FAILED') },
    checks: [
      check(`every flow instance terminal, or its messages in a DLQ / FAILED outbox rows with an error on the errors bus (${input.instances.length - explainedByDlq - unexplained.length} terminal, ${explainedByDlq} explained)`, unexplained),
      check(`0 events lost: ${outbox.length} outbox rows published or FAILED with a reason; ${ledger.bus.size} events reached every queue their rules name and were consumed or dead-lettered`, [...outboxProblems, ...routeProblems]),
      check('0 duplicate side effects per business key', duplicates),
      check(`no sequence gap per aggregate (${new Set(storeRows.map((r) => r['aggregateId'])).size} aggregates, ${storeRows.length} events)`, sequenceGaps(storeRows)),
    ],
  };
}
