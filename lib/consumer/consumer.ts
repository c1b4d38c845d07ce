import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { MalformedEventError, parseEvent, type BuiltEvent, type EventBridgeEvent, type EventContext, type HandlerMap, type Route, type ValidationIssue } from '../envelope';
import { createBusPublisher, type BusPublisher, type PublishedEvent } from '../bus';
import { clients } from '../clients';
import { ENV, optionalEnv, type Env } from '../config';
import { causedBy, eventAgeMs, readMetadata, type OutgoingEvent } from '../envelope';
import { createIdempotency, type IdempotencyOptions } from '../idempotency';
import { createLogger, createMetrics } from '../observability';
import { ErrorEventPublishError, EventRejectedError } from './errors';
import { describeIssues, isNonRetryable, toErrorEventData, type ErrorEventData, type Rejection } from './rejection';

/** EMF metric names; dimensions are `service` and `queue`. */
export const CONSUMER_METRICS = { consumed: 'EventsConsumed', failed: 'EventsFailed', rejected: 'EventsRejected', ageMs: 'EventAgeMs' } as const;

/** The queue as the generated `<queue>` constant describes it (only `name` is required). */
export interface QueueInfo {
  name: string;
  service?: string;
  /** Receives before SQS moves a message to the DLQ; on the last one a failure is also reported on the errors bus. */
  maxReceiveCount?: number;
}

/** Context options of events emitted while handling one (causation is set by the stack). */
export type EmitOptions = Omit<EventContext, 'causedBy' | 'correlationId' | 'causationId'>;

/** What every handler receives besides its typed event. */
export interface ConsumerContext {
  /** The consumer's logger; every line carries correlationId, eventId, detailType, queue, messageId. */
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly lambdaContext: Context;
  readonly queue: string;
  readonly messageId: string;
  /** SQS receive count (1 = first delivery). */
  readonly attempt: number;
  /** EventContext for builders: the correlationId is inherited, causationId = this eventId. */
  readonly causedBy: EventContext;
  /** Builds an event caused by the one being handled and publishes it: `ctx.emit(shippingPublisher.ShipmentBooked, data)`. */
  emit<X, D extends string, T>(build: (data: X, context?: EventContext) => BuiltEvent<D, T>, data: X, options?: EmitOptions): Promise<PublishedEvent>;
  /** Publishes events built elsewhere (build them with `ctx.causedBy`). */
  publish(events: OutgoingEvent | readonly OutgoingEvent[]): Promise<PublishedEvent[]>;
}

/**
 * A generated builder of the errors-bus event (e.g. `shippingPublisher.ErrorOccurred`). Its
 * data type is the spec's; lib fills it with `toErrorData` and the builder validates it
 * against the spec at run time (a mismatch makes the record fail, it is never dropped).
 */
export type ErrorEventBuilder = (data: never, context?: EventContext) => OutgoingEvent;

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
  /** Publisher for `emit`/`publish` and error events; default: one over the shared EventBridge client. */
  bus?: BusPublisher;
  logger?: Logger;
  metrics?: Metrics;
  /** Idempotency per envelope eventId (Powertools, DynamoDB); `false` turns it off. */
  idempotency?: Omit<IdempotencyOptions, 'keyPath'> | false;
  env?: Env;
  /** Clock for EventAgeMs (tests). */
  now?: () => number;
}

export type SqsConsumerHandler = MiddyfiedHandler<SQSEvent, SQSBatchResponse, Error, Context>;

/** The envelope field idempotency keys on: one record per event, whatever SQS message carries it. */
const IDEMPOTENCY_KEY_PATH = 'detail.metadata.eventId';
const LOG_KEYS = ['correlationId', 'eventId', 'detailType', 'queue', 'messageId'];

interface BatchCounts {
  consumed: number;
  failed: number;
  rejected: number;
}

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
  const env = options.env ?? process.env;
  const queueInfo: QueueInfo = typeof options.queue === 'string' ? { name: options.queue } : options.queue;
  const queue = queueInfo.name;
  const service = options.service ?? queueInfo.service ?? optionalEnv(ENV.service, env) ?? queue;
  const functionName = optionalEnv(ENV.functionName, env) ?? `${service}-${queue}`;
  const logger = options.logger ?? createLogger({ serviceName: service });
  const metrics = options.metrics ?? createMetrics({ serviceName: service });
  const now = options.now ?? Date.now;
  const handlers = options.handlers as unknown as Record<string, (event: unknown, ctx: ConsumerContext) => Promise<void> | void>;
  let bus = options.bus;
  const publisher = (): BusPublisher => (bus ??= createBusPublisher({ client: clients.eventBridge(), env, onRetry: (info) => logger.warn('PutEvents retry', info) }));

  const idempotency = createIdempotency({ keyPrefix: queue, env, ...(options.idempotency === false ? { enabled: false } : options.idempotency), keyPath: IDEMPOTENCY_KEY_PATH });
  logger.debug('consumer created', { queue, idempotency: idempotency.enabled, idempotencyReason: idempotency.reason });

  const dispatch = idempotency.wrap(async (event: EventBridgeEvent, _lambdaContext: Context, ctx: ConsumerContext): Promise<void> => {
    const handler = handlers[event['detail-type']] as (event: unknown, ctx: ConsumerContext) => Promise<void> | void;
    await handler(event, ctx);
  });

  async function publishRejection(rejection: Rejection): Promise<void> {
    if (!options.errorEvent) throw new EventRejectedError(rejection.messageId, rejection.errorCode, rejection.reason);
    try {
      const defaults = toErrorEventData(rejection, { service, functionName });
      const data = options.toErrorData ? options.toErrorData(rejection, defaults) : defaults;
      const context: EventContext = {
        ...(rejection.correlationId && rejection.correlationId.length <= 128 ? { correlationId: rejection.correlationId } : {}),
        ...(rejection.eventId && rejection.eventId.length <= 128 ? { causationId: rejection.eventId } : {}),
      };
      // The builder's data parameter is the spec's type, unknown to lib: it validates at run time.
      const build = options.errorEvent as unknown as (data: unknown, context?: EventContext) => OutgoingEvent;
      await publisher().publish(build(data, context));
    } catch (cause) {
      throw new ErrorEventPublishError(rejection.messageId, rejection.errorCode, { cause });
    }
  }

  /** Acknowledges a bad record after publishing it to the errors bus (or fails it if that fails). */
  async function reject(rejection: Rejection, counts: BatchCounts): Promise<void> {
    try {
      await publishRejection(rejection);
    } catch (error) {
      counts.failed++;
      logger.error('rejected record not published to the errors bus; reported as a batch item failure (DLQ after maxReceiveCount)', { errorCode: rejection.errorCode, reason: rejection.reason, error: error as Error });
      throw error;
    }
    counts.rejected++;
    logger.warn('record rejected and published to the errors bus', { errorCode: rejection.errorCode, reason: rejection.reason });
  }

  async function handleRecord(record: SQSRecord, lambdaContext: Context, counts: BatchCounts): Promise<void> {
    const attempt = Number(record.attributes?.ApproximateReceiveCount) || 1;
    const base = { queue, attempt, messageId: record.messageId, body: record.body };
    let input: unknown;
    try {
      input = JSON.parse(record.body);
    } catch (cause) {
      const error = new MalformedEventError(`SQS message body is not JSON: ${(cause as Error).message}`, { cause });
      logger.appendKeys({ queue, messageId: record.messageId });
      try {
        return await reject({ ...base, errorCode: error.code, reason: error.message, canRetry: false }, counts);
      } finally {
        logger.removeKeys(LOG_KEYS);
      }
    }

    const raw = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
    const metadata = readMetadata(raw['detail']);
    const detailType = typeof raw['detail-type'] === 'string' ? raw['detail-type'] : undefined;
    const source = typeof raw['source'] === 'string' ? raw['source'] : undefined;
    const known = { parsed: input, ...(metadata.eventId ? { eventId: metadata.eventId } : {}), ...(metadata.correlationId ? { correlationId: metadata.correlationId } : {}), ...(detailType ? { detailType } : {}), ...(source ? { source } : {}) };
    logger.appendKeys({ correlationId: metadata.correlationId, eventId: metadata.eventId, detailType, queue, messageId: record.messageId });
    try {
      let event: EventBridgeEvent;
      try {
        event = parseEvent<E>(queue, options.routes, input) as EventBridgeEvent;
      } catch (error) {
        if (!isNonRetryable(error)) throw error;
        const e = error as Error & { code: string; issues?: ValidationIssue[] };
        const reason = e.issues ? `${detailType ?? 'event'} does not match its schema: ${describeIssues(e.issues)}` : e.message;
        return await reject({ ...base, ...known, errorCode: e.code, reason, canRetry: false, ...(e.issues ? { issues: e.issues } : {}) }, counts);
      }

      const age = eventAgeMs(metadata.occurredAt, now());
      if (age !== undefined) metrics.addMetric(CONSUMER_METRICS.ageMs, MetricUnit.Milliseconds, age);
      const ctx = consumerContext(event, lambdaContext, record.messageId, attempt);
      try {
        await dispatch(event, lambdaContext, ctx);
        counts.consumed++;
      } catch (error) {
        if (isNonRetryable(error)) {
          const e = error as Error & { code: string };
          return await reject({ ...base, ...known, errorCode: e.code, reason: e.message, canRetry: false }, counts);
        }
        counts.failed++;
        logger.error('event handler failed; the record will be retried', { attempt, error: error as Error });
        if (queueInfo.maxReceiveCount !== undefined && attempt >= queueInfo.maxReceiveCount && options.errorEvent) {
          // Last receive: SQS moves the message to the DLQ next; tell the errors bus too (best effort).
          const e = error as Error;
          await publishRejection({ ...base, ...known, errorCode: 'HANDLER_FAILED', reason: `${e.name}: ${e.message}`, canRetry: true, ...(e.stack ? { stackTrace: e.stack } : {}) }).catch((publishError: unknown) =>
            logger.error('could not report the final failure on the errors bus', { error: publishError as Error }),
          );
        }
        throw error;
      }
    } finally {
      logger.removeKeys(LOG_KEYS);
    }
  }

  function consumerContext(event: EventBridgeEvent, lambdaContext: Context, messageId: string, attempt: number): ConsumerContext {
    const causation = causedBy(event as EventBridgeEvent<string, { metadata: { eventId: string; correlationId: string } }>);
    return {
      logger,
      metrics,
      lambdaContext,
      queue,
      messageId,
      attempt,
      causedBy: causation,
      async emit(build, data, emitOptions) {
        const [published] = await publisher().publish(build(data, { ...emitOptions, ...causation }));
        return published as PublishedEvent;
      },
      publish: (events) => publisher().publish(events),
    };
  }

  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
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
