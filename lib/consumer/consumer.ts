import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createBusPublisher, type BusPublisher } from '../bus';
import { clients } from '../clients';
import type { Env } from '../config';
import { eventAgeMs, type ErrorEventBuilder, type EventBridgeEvent, type HandlerMap, type Route } from '../envelope';
import { createIdempotency, type IdempotencyOptions } from '../idempotency';
import { createMetrics, resolveStack, traceInvocations, type Stack } from '../observability';
import { consumerContext, type ConsumerContext, type OutboxWriter } from './context';
import { decodeRecord, finalFailure, handlerRejection, RECORD_LOG_KEYS, recordLogKeys, type DecodedRecord, type Routes } from './decode';
import { createRejectionReporter, type BatchCounts, type RejectionReporter } from './report';
import type { ErrorEventData, Rejection } from './rejection';

export type { ErrorEventBuilder };

/** EMF metric names; dimensions are `service` and `queue`. */
export const CONSUMER_METRICS = { consumed: 'EventsConsumed', failed: 'EventsFailed', rejected: 'EventsRejected', ageMs: 'EventAgeMs' } as const;

/** The queue as the generated `<queue>` constant describes it (only `name` is required). */
export interface QueueInfo {
  name: string;
  service?: string;
  /** Receives before SQS moves a message to the DLQ; on the last one a failure is also reported on the errors bus. */
  maxReceiveCount?: number;
}

export interface SqsConsumerOptions<E extends object> {
  queue: QueueInfo | string;
  /** The generated routes of the queue (`ordersQueueRoutes`). */
  routes: { readonly [K in keyof E]: Route };
  /** One handler per detail-type (`OrdersQueueHandlers<ConsumerContext>`). */
  handlers: HandlerMap<E, ConsumerContext>;
  /** Builder of the errors-bus event; without it rejected records go to the DLQ instead. */
  errorEvent?: ErrorEventBuilder;
  /** Maps a rejection to the builder's data; default: `toErrorEventData`. */
  toErrorData?: (rejection: Rejection, defaults: ErrorEventData) => unknown;
  /** Service name for logs, metrics and error events; default queue.service, then POWERTOOLS_SERVICE_NAME. */
  service?: string;
  /**
   * Writes state and outbox rows in one transaction, for `ctx.commit` (the default way to
   * emit): `createOutboxWriter()` of lib/event-store. Without it `ctx.commit` throws.
   */
  outbox?: OutboxWriter;
  /** Publisher for `ctx.publishDirect` and error events; default: one over the shared EventBridge client. */
  bus?: BusPublisher;
  logger?: Logger;
  metrics?: Metrics;
  /** Idempotency per envelope eventId (Powertools, DynamoDB); `false` turns it off. */
  idempotency?: Omit<IdempotencyOptions, 'keyPath'> | false;
  /**
   * Detail-types whose handlers are idempotent by construction (their one write is
   * conditional on the event, so a redelivery changes nothing): dispatched without the
   * idempotency record, which would cost two more writes per record on the way.
   */
  idempotentHandlers?: readonly (keyof E & string)[];
  env?: Env;
  /** Clock for EventAgeMs (tests). */
  now?: () => number;
}

export type SqsConsumerHandler = MiddyfiedHandler<SQSEvent, SQSBatchResponse, Error, Context>;

/** The envelope field idempotency keys on: one record per event, whatever SQS message carries it. */
const IDEMPOTENCY_KEY_PATH = 'detail.metadata.eventId';

/**
 * The Lambda handler for an SQS queue fed by EventBridge rules (Middy + Powertools):
 * each record is parsed, validated against the spec for its detail-type and dispatched to
 * its typed handler, idempotently per envelope eventId. Handler errors are retryable: the
 * record is reported in `batchItemFailures` (SQS redelivers it, then moves it to the DLQ).
 * Input that can never be processed (malformed JSON, not an EventBridge event, unknown
 * detail-type, schema-invalid detail) is not retried: it is published to the errors bus
 * with its reason and acknowledged; if that publish fails, the record is reported as a
 * failure instead, so it reaches the DLQ. See lib/consumer/README.md.
 *
 * @example
 * export const handler = createSqsConsumer<OrdersQueueEvents>({
 *   queue: ordersQueue, routes: ordersQueueRoutes, handlers, errorEvent: shippingPublisher.ErrorOccurred,
 * });
 */
export function createSqsConsumer<E extends object>(options: SqsConsumerOptions<E>): SqsConsumerHandler {
  const queueInfo: QueueInfo = typeof options.queue === 'string' ? { name: options.queue } : options.queue;
  const queue = queueInfo.name;
  const stack = resolveStack({ ...options, service: options.service ?? queueInfo.service }, { service: queue, functionName: (service) => `${service}-${queue}`, createMetrics });
  const { logger, metrics } = stack;
  let bus = options.bus;
  const publisher = (): BusPublisher => (bus ??= createBusPublisher({ client: clients.eventBridge(), env: stack.env, onRetry: (info) => logger.warn('PutEvents retry', info) }));
  const reporter = createRejectionReporter({ errorEvent: options.errorEvent, toErrorData: options.toErrorData, service: stack.service, functionName: stack.functionName, logger, publisher });
  const handleRecord = recordHandler({ stack, queueInfo, routes: options.routes as Routes, dispatch: idempotentDispatch(options, stack, queue), reporter, context: { logger, metrics, queue, publisher, outbox: options.outbox }, finalReport: options.errorEvent !== undefined });

  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(traceInvocations<SQSEvent, SQSBatchResponse>(stack.tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      const counts: BatchCounts = { consumed: 0, failed: 0, rejected: 0 };
      // Per invocation (Powertools clears dimensions after each flush), so a caller's Metrics is not altered.
      metrics.addDimension('queue', queue);
      // Sequential: the logger's per-record keys must not mix between records; Powertools
      // batch reports exactly the records whose handler threw.
      const response = await processPartialResponse(event, (record: SQSRecord) => handleRecord(record, context, counts), processor, {
        context,
        processInParallel: false,
        throwOnFullBatchFailure: false,
      });
      metrics.addMetric(CONSUMER_METRICS.consumed, MetricUnit.Count, counts.consumed);
      metrics.addMetric(CONSUMER_METRICS.failed, MetricUnit.Count, counts.failed);
      metrics.addMetric(CONSUMER_METRICS.rejected, MetricUnit.Count, counts.rejected);
      return response;
    });
}

type Dispatch = (event: EventBridgeEvent, lambdaContext: Context, ctx: ConsumerContext) => Promise<void>;

/** Calls the handler of the event's detail-type, at most once per envelope eventId when idempotency is on. */
function idempotentDispatch<E extends object>(options: SqsConsumerOptions<E>, stack: Stack, queue: string): Dispatch {
  const handlers = options.handlers as unknown as Record<string, (event: unknown, ctx: ConsumerContext) => Promise<void> | void>;
  const idempotency = createIdempotency({ keyPrefix: queue, env: stack.env, ...(options.idempotency === false ? { enabled: false } : options.idempotency), keyPath: IDEMPOTENCY_KEY_PATH });
  stack.logger.debug('consumer created', { queue, idempotency: idempotency.enabled, idempotencyReason: idempotency.reason });
  const direct = async (event: EventBridgeEvent, _lambdaContext: Context, ctx: ConsumerContext): Promise<void> => {
    const handler = handlers[event['detail-type']] as (event: unknown, ctx: ConsumerContext) => Promise<void> | void;
    await handler(event, ctx);
  };
  const recorded = idempotency.wrap(direct);
  const byDesign = new Set<string>(options.idempotentHandlers ?? []);
  for (const type of byDesign) if (!(type in handlers)) throw new TypeError(`idempotentHandlers names ${type}, which ${queue} has no handler for`);
  return byDesign.size ? (event, lambdaContext, ctx) => (byDesign.has(event['detail-type']) ? direct : recorded)(event, lambdaContext, ctx) : recorded;
}

interface RecordHandlerDeps {
  stack: Stack;
  queueInfo: QueueInfo;
  routes: Routes;
  dispatch: Dispatch;
  reporter: RejectionReporter;
  context: Parameters<typeof consumerContext>[0];
  /** Whether a handler failing on the last receive is also reported on the errors bus. */
  finalReport: boolean;
}

/** One record: decode (or reject), record its age, dispatch, count; the logger carries its keys meanwhile. */
function recordHandler(deps: RecordHandlerDeps): (record: SQSRecord, lambdaContext: Context, counts: BatchCounts) => Promise<void> {
  const { stack, queueInfo, reporter } = deps;
  const { logger } = stack;
  return async (record, lambdaContext, counts) => {
    const decoded = decodeRecord(record, queueInfo.name, deps.routes);
    logger.appendKeys(recordLogKeys(decoded.facts));
    try {
      if (!decoded.ok) return await reporter.reject(decoded.rejection, counts);
      const age = eventAgeMs(decoded.occurredAt, stack.now());
      if (age !== undefined) stack.metrics.addMetric(CONSUMER_METRICS.ageMs, MetricUnit.Milliseconds, age);
      await dispatchDecoded(deps, decoded, lambdaContext, record.messageId, counts);
    } finally {
      logger.removeKeys(RECORD_LOG_KEYS);
    }
  };
}

/** Runs the handler; a bad-input error is rejected, any other is counted, logged and rethrown (SQS retries the record). */
async function dispatchDecoded(deps: RecordHandlerDeps, decoded: Extract<DecodedRecord, { ok: true }>, lambdaContext: Context, messageId: string, counts: BatchCounts): Promise<void> {
  const { facts } = decoded;
  try {
    await deps.dispatch(decoded.event, lambdaContext, consumerContext(deps.context, decoded.event, lambdaContext, messageId, facts.attempt));
    counts.consumed++;
  } catch (error) {
    const rejection = handlerRejection(facts, error);
    if (rejection) return deps.reporter.reject(rejection, counts);
    counts.failed++;
    deps.stack.logger.error('event handler failed; the record will be retried', { attempt: facts.attempt, error: error as Error });
    const { maxReceiveCount } = deps.queueInfo;
    if (deps.finalReport && maxReceiveCount !== undefined && facts.attempt >= maxReceiveCount) {
      // Last receive: SQS moves the message to the DLQ next; tell the errors bus too (best effort).
      await deps.reporter.publish(finalFailure(facts, error as Error)).catch((publishError: unknown) => deps.stack.logger.error('could not report the final failure on the errors bus', { error: publishError as Error }));
    }
    throw error;
  }
}
