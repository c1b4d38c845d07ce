import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { BusPublisher } from '../bus';
import type { Env } from '../config';
import type { ErrorEventBuilder } from '../envelope';
import type { OutboxErrorEventData, OutboxFailure } from './error-event';
import type { MarkingMode } from './send';
import type { RelayInput, RelayReport } from './triage';

// The outbox relay's options, answers and defaults (the relay itself: relay.ts).

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

export interface SweepReport extends RelayReport {
  /** PENDING rows older than the cut-off that this run read. */
  scanned: number;
  /** More such rows were left for the next run (limit or time reached). */
  more: boolean;
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
