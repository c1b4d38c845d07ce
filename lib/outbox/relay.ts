import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { EventContext } from '../../generated/runtime';
import { PublishFailedError, PublishRefusedError, type BusPublisher } from '../bus';
import type { OutgoingEvent } from '../envelope';
import type { OutboxRow } from '../event-store';
import { OutboxError } from './errors';

/** What the relay reports, as metrics and in logs. */
export const OUTBOX_METRICS = { published: 'OutboxEventsPublished', failed: 'OutboxEventsFailed', retried: 'OutboxEventsRetried' } as const;

/** Builder of the spec's errors-bus event (e.g. a generated `...Publisher.ErrorOccurred`). */
export type OutboxErrorEventBuilder = (data: never, context?: EventContext) => OutgoingEvent;

export interface OutboxRelayOptions {
  doc: DynamoDBDocumentClient;
  /** Outbox table: key `id`, GSI `byStatus` (status, createdAt). */
  table: string;
  publisher: BusPublisher;
  /** Relay attempts of a row before it is marked FAILED (each attempt retries inside the publisher too). */
  maxAttempts?: number;
  /** Days a PUBLISHED row is kept (TTL `expiresAt`). */
  publishedTtlDays?: number;
  errorEvent?: OutboxErrorEventBuilder;
  service?: string;
  functionName?: string;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics?: Pick<Metrics, 'addMetric'>;
  now?: () => Date;
}

export interface RelayOutcome {
  published: string[];
  /** Still PENDING: attempts incremented, a later run retries them. */
  retrying: string[];
  failed: string[];
}

export interface OutboxRelay {
  /** Publishes the rows (in aggregate order) and records each outcome in the table. */
  relay(rows: readonly OutboxRow[]): Promise<RelayOutcome>;
  /** The DynamoDB stream handler: PENDING rows of INSERT/MODIFY records. */
  handleStream(event: DynamoDBStreamEvent): Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
  /** The sweeper: PENDING rows older than `olderThanMs`, at most `limit` per run. */
  sweep(options?: { olderThanMs?: number; limit?: number }): Promise<RelayOutcome & { scanned: number }>;
}

const byAggregateOrder = (a: OutboxRow, b: OutboxRow): number =>
  (a.aggregateId ?? '').localeCompare(b.aggregateId ?? '') || (a.sequence ?? 0) - (b.sequence ?? 0) || a.createdAt.localeCompare(b.createdAt);

const toOutgoing = (row: OutboxRow): OutgoingEvent => ({ source: row.source, detailType: row.detailType, bus: row.bus, busName: row.busName, detail: row.detail, resources: row.resources ?? [] });

const isConditionFailure = (error: unknown): boolean => (error as { name?: string }).name === 'ConditionalCheckFailedException';

/**
 * The transactional outbox relay (seed 002). Never publishes a row that is not stored;
 * marks a row PUBLISHED only after PutEvents accepted it, so a crash in between means the
 * row is published again later (at least once; consumers dedupe by envelope eventId).
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { doc, table, publisher } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const ttlSeconds = (options.publishedTtlDays ?? 7) * 86_400;
  const now = options.now ?? ((): Date => new Date());
  const service = options.service ?? 'outbox-relay';

  async function markPublished(row: OutboxRow): Promise<void> {
    const at = now();
    try {
      await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { id: row.id },
          UpdateExpression: 'SET #s = :published, publishedAt = :at, expiresAt = :ttl ADD attempts :one',
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':published': 'PUBLISHED', ':pending': 'PENDING', ':at': at.toISOString(), ':ttl': Math.floor(at.getTime() / 1000) + ttlSeconds, ':one': 1 },
        }),
      );
    } catch (error) {
      // Marked by another run already (stream and sweeper raced): fine.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async function reportFailed(row: OutboxRow, reason: string): Promise<void> {
    options.metrics?.addMetric(OUTBOX_METRICS.failed, MetricUnit.Count, 1);
    options.logger?.error('outbox row given up: marked FAILED', { eventId: row.id, detailType: row.detailType, reason });
    if (!options.errorEvent) return;
    const metadata = (row.detail as { metadata?: { correlationId?: string } } | null)?.metadata;
    const data = {
      errorCode: 'OUTBOX_PUBLISH_FAILED',
      errorMessage: `${row.detailType} ${row.id} not published after ${maxAttempts} attempt(s): ${reason}`.slice(0, 1000),
      severity: 'CRITICAL',
      context: { service, function: options.functionName ?? service, eventId: row.id, detailType: row.detailType, source: row.source, attempt: maxAttempts },
      canRetry: true,
      failedEvent: { source: row.source, 'detail-type': row.detailType, detail: row.detail },
    };
    try {
      const event = (options.errorEvent as (d: unknown, c?: EventContext) => OutgoingEvent)(data, { ...(metadata?.correlationId ? { correlationId: metadata.correlationId } : {}), causationId: row.id, producer: service });
      await publisher.publish(event);
    } catch (error) {
      // The row is FAILED in the table and the alarm watches the metric: nothing is lost.
      options.logger?.error('could not publish the error event of a FAILED outbox row', { eventId: row.id, error: error as Error });
    }
  }

  async function markAttempt(row: OutboxRow, reason: string, permanent: boolean): Promise<'retrying' | 'failed'> {
    const giveUp = permanent || (row.attempts ?? 0) + 1 >= maxAttempts;
    try {
      await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { id: row.id },
          UpdateExpression: giveUp ? 'SET #s = :failed, lastError = :e ADD attempts :one' : 'SET lastError = :e ADD attempts :one',
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':e': reason.slice(0, 1000), ':one': 1, ...(giveUp ? { ':failed': 'FAILED' } : {}) },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return 'retrying';
      throw error;
    }
    if (giveUp) await reportFailed(row, reason);
    else options.metrics?.addMetric(OUTBOX_METRICS.retried, MetricUnit.Count, 1);
    return giveUp ? 'failed' : 'retrying';
  }

  async function relay(input: readonly OutboxRow[]): Promise<RelayOutcome> {
    const outcome: RelayOutcome = { published: [], retrying: [], failed: [] };
    let rows = [...input].filter((r) => r.status === 'PENDING').sort(byAggregateOrder);
    if (!rows.length) return outcome;
    let sent: boolean[] = rows.map(() => false);
    let errors = new Map<number, string>();
    try {
      await publisher.publish(rows.map(toOutgoing));
      sent = rows.map(() => true);
    } catch (error) {
      if (error instanceof PublishRefusedError) {
        // Invalid or oversized: it will never be accepted. Give those up, send the rest.
        const refused = new Set(error.refused.map((r) => r.index));
        for (const r of error.refused) {
          const row = rows[r.index] as OutboxRow;
          if ((await markAttempt(row, r.reason, true)) === 'failed') outcome.failed.push(row.id);
        }
        rows = rows.filter((_, i) => !refused.has(i));
        return mergeOutcome(outcome, await relay(rows));
      }
      if (!(error instanceof PublishFailedError)) throw new OutboxError(`publishing ${rows.length} outbox row(s) failed: ${(error as Error).message}`, { cause: error });
      for (const p of error.published) sent[p.index] = true;
      errors = new Map(error.unsent.map((u) => [u.index, `${u.errorCode}: ${u.errorMessage}`]));
    }
    for (const [i, row] of rows.entries()) {
      if (sent[i]) {
        await markPublished(row);
        outcome.published.push(row.id);
      } else {
        const result = await markAttempt(row, errors.get(i) ?? 'not published', false);
        outcome[result].push(row.id);
      }
    }
    if (outcome.published.length) options.metrics?.addMetric(OUTBOX_METRICS.published, MetricUnit.Count, outcome.published.length);
    return outcome;
  }

  return {
    relay,

    async handleStream(event) {
      const rows: OutboxRow[] = [];
      for (const record of event.Records ?? []) {
        if (record.eventName === 'REMOVE' || !record.dynamodb?.NewImage) continue;
        const row = unmarshall(record.dynamodb.NewImage as Parameters<typeof unmarshall>[0]) as OutboxRow;
        if (row.status === 'PENDING') rows.push(row);
      }
      try {
        const outcome = await relay(rows);
        if (rows.length) options.logger?.info('outbox rows relayed', { published: outcome.published.length, retrying: outcome.retrying.length, failed: outcome.failed.length });
        // Outcomes are in the table: a retried row's own MODIFY record brings it back.
        return { batchItemFailures: [] };
      } catch (error) {
        // The table could not be updated: let the stream deliver the batch again.
        options.logger?.error('outbox relay failed; the stream will retry the batch', { error: error as Error });
        const first = event.Records?.[0]?.dynamodb?.SequenceNumber;
        return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
      }
    },

    async sweep(sweepOptions = {}) {
      const olderThan = new Date(now().getTime() - (sweepOptions.olderThanMs ?? 30_000)).toISOString();
      const limit = sweepOptions.limit ?? 500;
      const rows: OutboxRow[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'byStatus',
            KeyConditionExpression: '#s = :pending AND createdAt < :before',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':pending': 'PENDING', ':before': olderThan },
            Limit: Math.min(100, limit - rows.length),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        rows.push(...((page.Items ?? []) as OutboxRow[]));
        start = page.LastEvaluatedKey;
      } while (start && rows.length < limit);
      const outcome = await relay(rows);
      if (rows.length) options.logger?.warn('sweeper relayed rows the stream had left pending', { rows: rows.length, published: outcome.published.length });
      return { ...outcome, scanned: rows.length };
    },
  };
}

function mergeOutcome(a: RelayOutcome, b: RelayOutcome): RelayOutcome {
  return { published: [...a.published, ...b.published], retrying: [...a.retrying, ...b.retrying], failed: [...a.failed, ...b.failed] };
}
