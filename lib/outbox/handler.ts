import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createBusPublisher, type BusPublisher } from '../bus';
import { clients } from '../clients';
import { numberEnv, requireEnv } from '../config';
import { createMetrics, resolveStack, traceInvocations } from '../observability';
import { OUTBOX_ENV } from './row';
import { counts, createOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type SweepOptions } from './relay';

export { OUTBOX_ENV };

export interface OutboxRelayHandlerOptions extends Partial<Omit<OutboxRelayOptions, 'doc' | 'table' | 'publisher'>> {
  /** Default: the shared document client of lib/clients. */
  doc?: DynamoDBDocumentClient;
  /** Default: `OUTBOX_TABLE`. */
  table?: string;
  /** Default: a bus publisher over the shared EventBridge client (buses from `EVENT_BUS_<KEY>`). */
  publisher?: BusPublisher;
  /** The sweeper stops starting chunks when less than this is left before the Lambda timeout. Default 10 s. */
  sweepTimeMarginMs?: number;
}

/** What the schedule sends: `{ "sweep": true }` (serverless.yml `input`) or EventBridge's scheduled event; overrides optional. */
export interface SweepEvent {
  sweep?: boolean;
  olderThanMs?: number;
  limit?: number;
  [key: string]: unknown;
}

export type OutboxRelayEvent = DynamoDBStreamEvent | SweepEvent;

/** The sweeper's answer (counts only: the ids are in the logs of failures). */
export interface SweepSummary {
  scanned: number;
  more: boolean;
  published: number;
  retrying: number;
  failed: number;
  unconfirmed: number;
  skipped: number;
}

export type OutboxRelayHandler = MiddyfiedHandler<OutboxRelayEvent, DynamoDBBatchResponse | SweepSummary, Error, Context>;

const isStreamEvent = (event: OutboxRelayEvent): event is DynamoDBStreamEvent => Array.isArray((event as { Records?: unknown }).Records);
const positive = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined);

/**
 * The relay's Lambda handler, for one function with both event sources: a DynamoDB stream
 * batch (`Records`) is relayed and answered with `batchItemFailures`; anything else (the
 * schedule's `{ "sweep": true }`, an EventBridge scheduled event) runs the sweeper. Middy
 * with Powertools: logger with the Lambda context, EMF metrics flushed per invocation.
 * Clients, table and publisher are built on the first invocation (importing needs no AWS
 * configuration) and reused while the container lives.
 *
 * @example
 * // functions/outbox/relay.ts
 * export const handler = createOutboxRelayHandler({ errorEvent: somePublisher.ErrorOccurred });
 */
export function createOutboxRelayHandler(options: OutboxRelayHandlerOptions = {}): OutboxRelayHandler {
  const { env, service, logger, metrics, tracer } = resolveStack(options, { service: 'outbox-relay', createMetrics });
  const margin = options.sweepTimeMarginMs ?? 10_000;
  let relay: OutboxRelay | undefined;

  const relayFor = (context: Context): OutboxRelay =>
    (relay ??= createOutboxRelay({
      ...options,
      env,
      service,
      logger,
      metrics,
      functionName: options.functionName ?? context.functionName,
      doc: options.doc ?? clients.dynamoDbDocument(),
      table: options.table ?? requireEnv(OUTBOX_ENV.table, env, 'the outbox table the relay reads'),
      publisher: options.publisher ?? createBusPublisher({ client: clients.eventBridge(), env, onRetry: (info) => logger.warn('PutEvents retry', { ...info }) }),
      maxAttempts: options.maxAttempts ?? numberEnv(OUTBOX_ENV.maxAttempts, { default: 5, integer: true, min: 1 }, env),
    }));

  return middy<OutboxRelayEvent, DynamoDBBatchResponse | SweepSummary, Error, Context>()
    .use(traceInvocations<OutboxRelayEvent, DynamoDBBatchResponse | SweepSummary>(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      if (isStreamEvent(event)) return relayFor(context).handleStream(event);
      const olderThanMs = positive(event.olderThanMs);
      const limit = positive(event.limit);
      const sweepOptions: SweepOptions = {
        ...(olderThanMs === undefined ? {} : { olderThanMs }),
        ...(limit === undefined ? {} : { limit }),
        shouldStop: () => typeof context.getRemainingTimeInMillis === 'function' && context.getRemainingTimeInMillis() < margin,
      };
      const report = await relayFor(context).sweep(sweepOptions);
      return { scanned: report.scanned, more: report.more, ...counts(report) };
    });
}
