import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { EventContext } from '../envelope';
import type { BusPublisher } from '../bus';
import { ENV, optionalEnv, type Env } from '../config';
import type { ErrorEventBuilder } from '../consumer';
import type { OutgoingEvent } from '../envelope';
import { createLogger, createMetrics } from '../observability';
import { mapLimit } from './concurrency';
import { errorEventContext, toOutboxErrorData, type OutboxErrorEventData, type OutboxFailure } from './error-event';
import { OutboxRowInvalidError } from './errors';
import { compareForSending, OUTBOX_STATUS, parseOutboxRow, PUBLISHED_ROW_TTL_SECONDS, type OutboxRow } from './row';
import { createSender, type MarkingMode } from './send';
import { selectPending } from './stream';
import { createOutboxTable } from './table';

/**
 * EMF metric names. Their only dimension is `service` (Powertools' default), so the
 * alarm on `OutboxEventsFailed` with `service: <the relay's service>` matches them exactly.
 */
export const OUTBOX_METRICS = {
  published: 'OutboxEventsPublished',
  retried: 'OutboxEventsRetried',
  failed: 'OutboxEventsFailed',
  swept: 'OutboxEventsSwept',
} as const;

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_SWEEP_OLDER_THAN_MS = 60_000;
export const DEFAULT_SWEEP_LIMIT = 1000;
const SWEEP_CHUNK = 100;

export interface OutboxRelayOptions {
  /** Document client on the outbox table (lib/clients `clients.dynamoDbDocument()`). */
  doc: DynamoDBDocumentClient;
  /** Outbox table: key `id`, GSI `byStatus` (status, createdAt), stream NEW_AND_OLD_IMAGES. */
  table: string;
  /** `createBusPublisher(...)`: chunks of 10 / 256 KiB, failed entries retried with backoff. */
  publisher: BusPublisher;
  /** Failed relay attempts (each with the publisher's own retries) before a row is marked FAILED. Default 5. */
  maxAttempts?: number;
  /** Builder of the spec's errors-bus event (e.g. a generated `...Publisher.ErrorOccurred`), sent for each FAILED row. */
  errorEvent?: ErrorEventBuilder;
  /** Maps a failure to the builder's data; default `toOutboxErrorData`. */
  toErrorData?: (failure: OutboxFailure, defaults: OutboxErrorEventData) => unknown;
  /** For logs and error events; default `POWERTOOLS_SERVICE_NAME`, then `outbox-relay`. */
  service?: string;
  /** For error events; default `AWS_LAMBDA_FUNCTION_NAME`, then the service. */
  functionName?: string;
  logger?: Logger;
  metrics?: Metrics;
  /** Clock in ms (tests). */
  now?: () => number;
  /** How long PUBLISHED rows are kept (TTL `expiresAt`); default 7 days. */
  publishedTtlSeconds?: number;
  /**
   * When the stream path reads the rows again (BatchGetItem, strongly consistent) and sends
   * only those still PENDING, instead of trusting the records' images:
   * - `retries` (default): when the batch is a retry, i.e. contains a record this relay
   *   reported in batchItemFailures before (Lambda re-delivers every record after the
   *   failed one, most of them PUBLISHED by then);
   * - `always`: every batch (one read per row; fewest duplicates, e.g. when another
   *   container retries the batch);
   * - `never`: trust the images (a retried batch re-sends what was already published).
   * The sweeper always reads the rows (its index is eventually consistent).
   */
  recheck?: RecheckMode;
  /**
   * Publish calls in flight at once. Rows are spread over lanes by aggregateId, so one
   * aggregate's events stay in one lane, in sequence order. Default 4.
   */
  publishLanes?: number;
  /** Table updates in flight at once when recording failed attempts. Default 16. */
  writeConcurrency?: number;
  /**
   * Rows marked PUBLISHED per TransactWriteItems (each update conditioned on PENDING; a
   * cancelled transaction falls back to one UpdateItem per row). Default 25; 1 = one
   * UpdateItem per row. Transactions cost twice the write units of single updates but
   * save a round trip per row.
   */
  markBatchSize?: number;
  /**
   * How sent rows become PUBLISHED: `images` (default) writes their PUBLISHED images back
   * with BatchWriteItem, `conditional` updates each row conditioned on PENDING in
   * transactions of `markBatchSize`. Either way a row is marked only after PutEvents took it.
   */
  marking?: MarkingMode;
  /** Defaults of `sweep()`. */
  sweep?: SweepOptions;
  env?: Env;
}

export interface SweepOptions {
  /** Only rows created at least this long ago (the stream's own retries come first). Default 60 s. */
  olderThanMs?: number;
  /** At most this many rows per run. Default 1000. */
  limit?: number;
  /** Checked between chunks of 100 rows: true stops the run (e.g. the Lambda is about to time out). */
  shouldStop?: () => boolean;
}

/** Row ids by what happened to them in one run. */
export interface RelayReport {
  /** PutEvents accepted the event and the row is PUBLISHED (by this run, or by another one meanwhile). */
  published: string[];
  /** Not sent; the attempt is recorded and the row stays PENDING for a later run. */
  retrying: string[];
  /** Given up: the row is FAILED, the error event is sent (best effort) and `OutboxEventsFailed` counted. */
  failed: string[];
  /** The outcome could not be recorded (a table write failed): the row is still PENDING and will be sent again. */
  unconfirmed: string[];
  /** Not PENDING (any more) or not found when read: nothing to do. */
  skipped: string[];
}

export interface SweepReport extends RelayReport {
  /** PENDING rows older than the cut-off that this run read. */
  scanned: number;
  /** More such rows were left for the next run (limit or time reached). */
  more: boolean;
}

/** A row to relay: its id, and the item as the caller has it (a stream image, an index item). */
export interface RelayInput {
  id: string;
  item?: Record<string, unknown>;
  /** Why the item could not be read (it is then given up as unsendable). */
  problem?: string;
}

export interface OutboxRelay {
  /** The DynamoDB stream handler (ReportBatchItemFailures): see lib/outbox/README.md. */
  handleStream(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse>;
  /** The sweeper: PENDING rows older than `olderThanMs` from the `byStatus` index, oldest first, bounded per run. */
  sweep(options?: SweepOptions): Promise<SweepReport>;
  /** Sends the given rows (those PENDING) and records each outcome: what both entry points do. `read` (default: unless recheck is `never`): read them again first. */
  relay(inputs: readonly RelayInput[], read?: boolean): Promise<RelayReport>;
}

export type RecheckMode = 'retries' | 'always' | 'never';
/** Sequence numbers remembered to recognise a retried batch (per container). */
const REMEMBERED_FAILURES = 2000;

const emptyReport = (): RelayReport => ({ published: [], retrying: [], failed: [], unconfirmed: [], skipped: [] });
const errorText = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function mergeInto(target: RelayReport, source: RelayReport): void {
  for (const key of ['published', 'retrying', 'failed', 'unconfirmed', 'skipped'] as const) target[key].push(...source[key]);
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
  const env = options.env ?? process.env;
  const { publisher, table: tableName } = options;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  const service = options.service ?? optionalEnv(ENV.service, env) ?? 'outbox-relay';
  const functionName = options.functionName ?? optionalEnv(ENV.functionName, env) ?? service;
  const logger = options.logger ?? createLogger({ serviceName: service });
  const metrics = options.metrics ?? createMetrics({ serviceName: service });
  const now = options.now ?? Date.now;
  const recheck: RecheckMode = options.recheck ?? 'retries';
  // Records reported as failures by this container, oldest first (insertion order).
  const reported = new Set<string>();
  const remember = (failures: { itemIdentifier: string }[]): { itemIdentifier: string }[] => {
    for (const f of failures) reported.add(f.itemIdentifier);
    for (const oldest of reported) {
      if (reported.size <= REMEMBERED_FAILURES) break;
      reported.delete(oldest);
    }
    return failures;
  };
  const lanes = Math.max(1, options.publishLanes ?? 4);
  const writeConcurrency = Math.max(1, options.writeConcurrency ?? 16);
  const markBatchSize = Math.min(100, Math.max(1, options.markBatchSize ?? 25));
  const table = createOutboxTable({ doc: options.doc, table: tableName, maxAttempts, publishedTtlSeconds: options.publishedTtlSeconds ?? PUBLISHED_ROW_TTL_SECONDS });
  const sendAndMark = createSender({ publisher, table, lanes, markBatchSize, marking: options.marking ?? 'images', logger, now });

  /** Best effort: a FAILED row is in the table and counted in the metric whatever happens here. */
  async function publishErrorEvents(failures: readonly OutboxFailure[]): Promise<void> {
    if (!options.errorEvent || !failures.length) return;
    // The builder's data parameter is the spec's type, unknown to lib: it validates at run time.
    const build = options.errorEvent as unknown as (data: unknown, context?: EventContext) => OutgoingEvent;
    const events: OutgoingEvent[] = [];
    for (const failure of failures) {
      try {
        const defaults = toOutboxErrorData(failure, { service, functionName, table: tableName });
        events.push(build(options.toErrorData ? options.toErrorData(failure, defaults) : defaults, errorEventContext(failure)));
      } catch (error) {
        logger.error('could not build the error event of a FAILED outbox row', { eventId: failure.id, error: error as Error });
      }
    }
    try {
      if (events.length) await publisher.publish(events);
    } catch (error) {
      logger.error('could not publish the error events of FAILED outbox rows; the rows stay FAILED and OutboxEventsFailed is counted', { rows: failures.map((f) => f.id), error: error as Error });
    }
  }

  /** `read`: read the rows again before sending instead of trusting `item` (the sweeper always does: its index may lag, or project keys only). */
  async function relay(inputs: readonly RelayInput[], read: boolean): Promise<RelayReport> {
    const report = emptyReport();
    // One entry per row; a later input (a newer stream image) wins.
    const byId = new Map<string, RelayInput>();
    for (const input of inputs) byId.set(input.id, input);
    if (!byId.size) return report;
    const current = read ? await table.read([...byId.keys()]) : undefined;

    const rows: OutboxRow[] = [];
    const items = new Map<string, Record<string, unknown>>();
    const unsendable: { id: string; item?: Record<string, unknown>; reason: string }[] = [];
    for (const [id, input] of byId) {
      const item = current ? current.get(id) : input.item;
      if (!item) {
        if (!current && input.problem) unsendable.push({ id, reason: input.problem });
        else report.skipped.push(id); // gone (deleted) since the record was written
        continue;
      }
      if (item['status'] !== OUTBOX_STATUS.pending) {
        report.skipped.push(id);
        continue;
      }
      try {
        rows.push(parseOutboxRow(item));
        items.set(id, item);
      } catch (error) {
        unsendable.push({ id, item, reason: error instanceof OutboxRowInvalidError ? error.reason : errorText(error) });
      }
    }
    rows.sort(compareForSending);

    const { outcomes, marks } = await sendAndMark(rows, items);
    for (const row of rows) {
      const mark = marks.get(row.id);
      if (mark === undefined) continue;
      // 'not-pending': the sweeper or a retry marked it first; the event went out either way.
      if (!(mark instanceof Error)) report.published.push(row.id);
      else {
        report.unconfirmed.push(row.id);
        logger.error('outbox row published but not marked: it stays PENDING and will be published again (consumers dedupe by eventId)', { eventId: row.id, error: mark });
      }
    }

    const failures: OutboxFailure[] = [];
    const at = now();
    const unsent: { id: string; row?: OutboxRow; item?: Record<string, unknown>; outcome: { reason: string; permanent: boolean } }[] = [
      ...rows.flatMap((row) => {
        const outcome = outcomes.get(row.id) ?? { sent: false as const, reason: 'not published', permanent: false };
        return outcome.sent ? [] : [{ id: row.id, row, outcome }];
      }),
      ...unsendable.map((u) => ({ id: u.id, ...(u.item ? { item: u.item } : {}), outcome: { reason: u.reason, permanent: true } })),
    ];
    await mapLimit(unsent, writeConcurrency, async ({ id, row, item, outcome }) => {
      try {
        const recorded = await table.recordFailure(id, outcome.reason, at, outcome.permanent);
        if (recorded.status === 'retry') {
          report.retrying.push(id);
          logger.warn('outbox row not published; it stays PENDING for another attempt', { eventId: id, detailType: row?.detailType, attempts: recorded.attempts, maxAttempts, reason: outcome.reason });
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

    await publishErrorEvents(failures);
    if (report.published.length) metrics.addMetric(OUTBOX_METRICS.published, MetricUnit.Count, report.published.length);
    if (report.retrying.length) metrics.addMetric(OUTBOX_METRICS.retried, MetricUnit.Count, report.retrying.length);
    // Always emitted (0 too), so the alarm's metric exists and is evaluated.
    metrics.addMetric(OUTBOX_METRICS.failed, MetricUnit.Count, report.failed.length);
    return report;
  }

  return {
    relay: (inputs, read) => relay(inputs, read ?? recheck !== 'never'),

    async handleStream(event) {
      const selection = selectPending(event);
      for (const u of selection.unusable) logger.error('stream record cannot be relayed nor reported', { ...u });
      if (!selection.candidates.length) {
        metrics.addMetric(OUTBOX_METRICS.failed, MetricUnit.Count, 0);
        return { batchItemFailures: [] };
      }
      const retry = event.Records.some((r) => reported.has(r.dynamodb?.SequenceNumber ?? ''));
      const read = recheck === 'always' || (recheck === 'retries' && retry);
      let report: RelayReport;
      try {
        report = await relay(
          selection.candidates.map((c) => ({ id: c.id, ...(c.image ? { item: c.image } : {}), ...(c.problem ? { problem: c.problem } : {}) })),
          read,
        );
      } catch (error) {
        // The table could not be read: nothing was sent; the stream delivers these records again.
        logger.error('outbox relay failed; every candidate record is reported for retry', { records: selection.candidates.length, error: error as Error });
        return { batchItemFailures: remember(selection.candidates.map((c) => ({ itemIdentifier: c.sequenceNumber }))) };
      }
      const again = new Set([...report.retrying, ...report.unconfirmed]);
      const batchItemFailures = remember(selection.candidates.filter((c) => again.has(c.id)).map((c) => ({ itemIdentifier: c.sequenceNumber })));
      logger.debug('outbox stream batch relayed', { records: event.Records.length, candidates: selection.candidates.length, ignored: selection.ignored, retry, reread: read, ...counts(report) });
      return { batchItemFailures };
    },

    async sweep(sweepOptions = {}) {
      const olderThanMs = sweepOptions.olderThanMs ?? options.sweep?.olderThanMs ?? DEFAULT_SWEEP_OLDER_THAN_MS;
      const limit = sweepOptions.limit ?? options.sweep?.limit ?? DEFAULT_SWEEP_LIMIT;
      const shouldStop = sweepOptions.shouldStop ?? options.sweep?.shouldStop ?? (() => false);
      const before = new Date(now() - olderThanMs).toISOString();
      const { items, more } = await table.pendingBefore(before, limit);
      const report: SweepReport = { ...emptyReport(), scanned: items.length, more };
      for (let i = 0; i < items.length; i += SWEEP_CHUNK) {
        if (shouldStop()) {
          report.more = true;
          break;
        }
        const chunk = items.slice(i, i + SWEEP_CHUNK).flatMap((item) => (typeof item['id'] === 'string' ? [{ id: item['id'], item }] : []));
        mergeInto(report, await relay(chunk, true));
      }
      metrics.addMetric(OUTBOX_METRICS.swept, MetricUnit.Count, items.length);
      if (!items.length) metrics.addMetric(OUTBOX_METRICS.failed, MetricUnit.Count, 0);
      if (items.length) logger.warn('sweeper found PENDING rows older than the cut-off (the stream did not finish them)', { before, scanned: items.length, more: report.more, ...counts(report) });
      return report;
    },
  };
}

function safeParse(item: Record<string, unknown>): OutboxRow | undefined {
  try {
    return parseOutboxRow(item);
  } catch {
    return undefined;
  }
}

/** Counts of a report, for logs and the sweeper's answer. */
export function counts(report: RelayReport): Record<keyof RelayReport, number> {
  return { published: report.published.length, retrying: report.retrying.length, failed: report.failed.length, unconfirmed: report.unconfirmed.length, skipped: report.skipped.length };
}
