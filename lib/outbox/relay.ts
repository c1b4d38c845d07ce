import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { BusPublisher } from '../bus';
import { buildErrorEvent, type OutgoingEvent } from '../envelope';
import { createMetrics, resolveStack, type Stack } from '../observability';
import { mapLimit } from './concurrency';
import { errorEventContext, toOutboxErrorData, type OutboxFailure } from './error-event';
import { parseOutboxRow, PUBLISHED_ROW_TTL_SECONDS, type OutboxRow } from './row';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_SWEEP_LIMIT, DEFAULT_SWEEP_OLDER_THAN_MS, OUTBOX_METRICS, type OutboxRelay, type OutboxRelayOptions, type RecheckMode, type SweepOptions, type SweepReport } from './relay-options';
import { createSender, type SendAndMark } from './send';
import { selectPending } from './stream';
import { createOutboxTable, type OutboxTable } from './table';
import { counts, createFailureMemory, emptyReport, latestById, markedRows, mergeInto, triage, unsentRows, type RelayInput, type RelayReport, type Unsent } from './triage';

export { counts, OUTBOX_METRICS, DEFAULT_MAX_ATTEMPTS, DEFAULT_SWEEP_LIMIT, DEFAULT_SWEEP_OLDER_THAN_MS };
export type { OutboxRelay, OutboxRelayOptions, RecheckMode, RelayInput, RelayReport, SweepOptions, SweepReport };

/** Sequence numbers remembered to recognise a retried batch (per container). */
const REMEMBERED_FAILURES = 2000;
/** Rows the sweeper relays per run of `relay` (its stop check runs between them). */
const SWEEP_CHUNK = 100;

/** What the steps of one relay share. */
interface RelayDeps {
  options: OutboxRelayOptions;
  stack: Stack;
  table: OutboxTable;
  sendAndMark: SendAndMark;
  maxAttempts: number;
  writeConcurrency: number;
}

/**
 * The transactional outbox relay (seed 002). A row is only ever published after it was
 * committed (the stream and the index only show committed rows), and marked PUBLISHED only
 * after PutEvents accepted it: a crash in between leaves it PENDING, so it is published
 * again later (at least once; consumers dedupe by the envelope eventId).
 *
 * @example
 * const relay = createOutboxRelay({ doc: clients.dynamoDbDocument(), table: OUTBOX_TABLE,
 *   publisher: createBusPublisher({ client: clients.eventBridge() }), errorEvent: somePublisher.ErrorOccurred });
 * export const handler = (event: DynamoDBStreamEvent) => relay.handleStream(event);
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  // The relay traces nothing itself (its handler does): no tracer of its own.
  const stack = resolveStack({ ...options, tracer: false }, { service: 'outbox-relay', createMetrics });
  const recheck: RecheckMode = options.recheck ?? 'retries';
  const table = createOutboxTable({ doc: options.doc, table: options.table, maxAttempts, publishedTtlSeconds: options.publishedTtlSeconds ?? PUBLISHED_ROW_TTL_SECONDS });
  const deps: RelayDeps = {
    options,
    stack,
    table,
    maxAttempts,
    writeConcurrency: Math.max(1, options.writeConcurrency ?? 16),
    sendAndMark: createSender({
      publisher: options.publisher,
      table,
      lanes: Math.max(1, options.publishLanes ?? 4),
      markBatchSize: Math.min(100, Math.max(1, options.markBatchSize ?? 25)),
      marking: options.marking ?? 'images',
      logger: stack.logger,
      now: stack.now,
    }),
  };
  const run = (inputs: readonly RelayInput[], read: boolean): Promise<RelayReport> => relay(deps, inputs, read);
  return {
    relay: (inputs, read) => run(inputs, read ?? recheck !== 'never'),
    handleStream: streamHandler(stack, recheck, run),
    sweep: (sweepOptions = {}) => sweep(stack, table, { ...options.sweep, ...definedOnly(sweepOptions) }, run),
  };
}

/** `read`: read the rows again before sending instead of trusting `item` (the sweeper always does: its index may lag, or project keys only). */
async function relay(deps: RelayDeps, inputs: readonly RelayInput[], read: boolean): Promise<RelayReport> {
  const report = emptyReport();
  const byId = latestById(inputs);
  if (!byId.size) return report;
  const current = read ? await deps.table.read([...byId.keys()]) : undefined;
  const { rows, items, unsendable, skipped } = triage(byId, current);
  report.skipped.push(...skipped);

  const { outcomes, marks } = await deps.sendAndMark(rows, items);
  const { published, unmarked } = markedRows(rows, marks);
  report.published.push(...published);
  for (const { row, error } of unmarked) {
    report.unconfirmed.push(row.id);
    deps.stack.logger.error('outbox row published but not marked: it stays PENDING and will be published again (consumers dedupe by eventId)', { eventId: row.id, error });
  }

  const failures = await recordFailures(deps, unsentRows(rows, outcomes, unsendable), report);
  await publishErrorEvents(deps, failures);
  countRun(deps.stack, report);
  return report;
}

/** Records a failed attempt of each unsent row: it stays PENDING, or becomes FAILED (returned, for the error events). */
async function recordFailures(deps: RelayDeps, unsent: readonly Unsent[], report: RelayReport): Promise<OutboxFailure[]> {
  const { logger, now } = deps.stack;
  const failures: OutboxFailure[] = [];
  const at = now();
  await mapLimit(unsent, deps.writeConcurrency, async ({ id, row, item, outcome }) => {
    try {
      const recorded = await deps.table.recordFailure(id, outcome.reason, at, outcome.permanent);
      if (recorded.status === 'retry') {
        report.retrying.push(id);
        logger.warn('outbox row not published; it stays PENDING for another attempt', { eventId: id, detailType: row?.detailType, attempts: recorded.attempts, maxAttempts: deps.maxAttempts, reason: outcome.reason });
      } else if (recorded.status === 'failed') {
        report.failed.push(id);
        const updated = safeParse(recorded.item) ?? row;
        failures.push({ id, ...(updated ? { row: updated } : { item: item ?? recorded.item }), reason: outcome.reason, attempts: recorded.attempts, permanent: outcome.permanent });
        logger.error('outbox row given up and marked FAILED', { eventId: id, detailType: row?.detailType, correlationId: row?.correlationId, attempts: recorded.attempts, permanent: outcome.permanent, reason: outcome.reason });
      } else report.skipped.push(id);
    } catch (error) {
      report.unconfirmed.push(id);
      logger.error('could not record a failed attempt of an outbox row; it stays PENDING', { eventId: id, error: error as Error });
    }
  });
  return failures;
}

/** Best effort: a FAILED row is in the table and counted in the metric whatever happens here. */
async function publishErrorEvents(deps: RelayDeps, failures: readonly OutboxFailure[]): Promise<void> {
  const { errorEvent, toErrorData, table, publisher } = deps.options;
  const { logger, service, functionName } = deps.stack;
  if (!errorEvent || !failures.length) return;
  const events: OutgoingEvent[] = [];
  for (const failure of failures) {
    try {
      const defaults = toOutboxErrorData(failure, { service, functionName, table });
      events.push(buildErrorEvent(errorEvent, toErrorData ? toErrorData(failure, defaults) : defaults, errorEventContext(failure)));
    } catch (error) {
      logger.error('could not build the error event of a FAILED outbox row', { eventId: failure.id, error: error as Error });
    }
  }
  await publishBestEffort(publisher, events).catch((error: unknown) =>
    logger.error('could not publish the error events of FAILED outbox rows; the rows stay FAILED and OutboxEventsFailed is counted', { rows: failures.map((f) => f.id), error: error as Error }),
  );
}

async function publishBestEffort(publisher: BusPublisher, events: readonly OutgoingEvent[]): Promise<void> {
  if (events.length) await publisher.publish(events);
}

function countRun(stack: Stack, report: RelayReport): void {
  const { metrics } = stack;
  if (report.published.length) metrics.addMetric(OUTBOX_METRICS.published, MetricUnit.Count, report.published.length);
  if (report.retrying.length) metrics.addMetric(OUTBOX_METRICS.retried, MetricUnit.Count, report.retrying.length);
  // Always emitted (0 too), so the alarm's metric exists and is evaluated.
  metrics.addMetric(OUTBOX_METRICS.failed, MetricUnit.Count, report.failed.length);
}

type Run = (inputs: readonly RelayInput[], read: boolean) => Promise<RelayReport>;

/** The DynamoDB stream entry point: relays the PENDING rows of a batch, reports those to retry. */
function streamHandler(stack: Stack, recheck: RecheckMode, run: Run): OutboxRelay['handleStream'] {
  const { logger, metrics } = stack;
  const memory = createFailureMemory(REMEMBERED_FAILURES);
  return async (event: DynamoDBStreamEvent) => {
    const selection = selectPending(event);
    for (const u of selection.unusable) logger.error('stream record cannot be relayed nor reported', { ...u });
    if (!selection.candidates.length) {
      metrics.addMetric(OUTBOX_METRICS.failed, MetricUnit.Count, 0);
      return { batchItemFailures: [] };
    }
    const retry = event.Records.some((r) => memory.has(r.dynamodb?.SequenceNumber ?? ''));
    const read = recheck === 'always' || (recheck === 'retries' && retry);
    let report: RelayReport;
    try {
      report = await run(
        selection.candidates.map((c) => ({ id: c.id, ...(c.image ? { item: c.image } : {}), ...(c.problem ? { problem: c.problem } : {}) })),
        read,
      );
    } catch (error) {
      // The table could not be read: nothing was sent; the stream delivers these records again.
      logger.error('outbox relay failed; every candidate record is reported for retry', { records: selection.candidates.length, error: error as Error });
      return { batchItemFailures: memory.remember(selection.candidates.map((c) => ({ itemIdentifier: c.sequenceNumber }))) };
    }
    const again = new Set([...report.retrying, ...report.unconfirmed]);
    const batchItemFailures = memory.remember(selection.candidates.filter((c) => again.has(c.id)).map((c) => ({ itemIdentifier: c.sequenceNumber })));
    logger.debug('outbox stream batch relayed', { records: event.Records.length, candidates: selection.candidates.length, ignored: selection.ignored, retry, reread: read, ...counts(report) });
    return { batchItemFailures };
  };
}

/** The sweeper: PENDING rows older than the cut-off, oldest first, in chunks, until the limit or `shouldStop`. */
async function sweep(stack: Stack, table: OutboxTable, sweepOptions: SweepOptions, run: Run): Promise<SweepReport> {
  const { logger, metrics, now } = stack;
  const olderThanMs = sweepOptions.olderThanMs ?? DEFAULT_SWEEP_OLDER_THAN_MS;
  const limit = sweepOptions.limit ?? DEFAULT_SWEEP_LIMIT;
  const shouldStop = sweepOptions.shouldStop ?? (() => false);
  const before = new Date(now() - olderThanMs).toISOString();
  const { items, more } = await table.pendingBefore(before, limit);
  const report: SweepReport = { ...emptyReport(), scanned: items.length, more };
  for (let i = 0; i < items.length; i += SWEEP_CHUNK) {
    if (shouldStop()) {
      report.more = true;
      break;
    }
    const chunk = items.slice(i, i + SWEEP_CHUNK).flatMap((item) => (typeof item['id'] === 'string' ? [{ id: item['id'], item }] : []));
    mergeInto(report, await run(chunk, true));
  }
  metrics.addMetric(OUTBOX_METRICS.swept, MetricUnit.Count, items.length);
  if (!items.length) metrics.addMetric(OUTBOX_METRICS.failed, MetricUnit.Count, 0);
  if (items.length) logger.warn('sweeper found PENDING rows older than the cut-off (the stream did not finish them)', { before, scanned: items.length, more: report.more, ...counts(report) });
  return report;
}

/** A sweep option given as `undefined` falls back to the relay's default, as `??` did. */
function definedOnly(options: SweepOptions): SweepOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as SweepOptions;
}

function safeParse(item: Record<string, unknown>): OutboxRow | undefined {
  try {
    return parseOutboxRow(item);
  } catch {
    return undefined;
  }
}
