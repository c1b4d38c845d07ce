import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { createBusPublisher } from '../bus';
import { clients } from '../clients';
import { requireEnv } from '../config';
import { createLogger, createMetrics } from '../observability';
import { createOutboxRelay, type OutboxErrorEventBuilder, type OutboxRelay } from './relay';

export interface OutboxRelayHandlerOptions {
  service?: string;
  errorEvent?: OutboxErrorEventBuilder;
  maxAttempts?: number;
  /** Rows younger than this are left to the stream by the sweeper. */
  sweepOlderThanMs?: number;
  relay?: OutboxRelay;
}

type RelayEvent = DynamoDBStreamEvent | { sweep?: boolean; source?: string };

/**
 * The relay's Lambda handler: a DynamoDB stream batch (`Records`) is relayed; anything
 * else (the schedule's `{ "sweep": true }` or an EventBridge scheduled event) runs the
 * sweeper. Table from `OUTBOX_TABLE`, buses from `EVENT_BUS_<KEY>`.
 */
export function createOutboxRelayHandler(options: OutboxRelayHandlerOptions = {}): middy.MiddyfiedHandler<RelayEvent, unknown, Error, Context> {
  const service = options.service ?? 'outbox-relay';
  const logger = createLogger({ serviceName: service });
  const metrics = createMetrics({ serviceName: service });
  let relay = options.relay;
  const get = (context: Context): OutboxRelay =>
    (relay ??= createOutboxRelay({
      doc: clients.dynamoDbDocument(),
      table: requireEnv('OUTBOX_TABLE'),
      publisher: createBusPublisher({ client: clients.eventBridge(), onRetry: (info) => logger.warn('PutEvents retry', info) }),
      service,
      functionName: context.functionName,
      logger,
      metrics,
      ...(options.errorEvent ? { errorEvent: options.errorEvent } : {}),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    }));
  return middy<RelayEvent, unknown, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      if ('Records' in event && Array.isArray(event.Records)) return get(context).handleStream(event);
      const outcome = await get(context).sweep({ olderThanMs: options.sweepOlderThanMs ?? 30_000 });
      return { swept: outcome.scanned, published: outcome.published.length, retrying: outcome.retrying.length, failed: outcome.failed.length };
    });
}
