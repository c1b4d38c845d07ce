// The monitoring service's consumer: for each integration event it receives (user.created,
// payment.completed, lesson.scheduled), the event's latency from the producer's occurredAt,
// and for lesson.scheduled the saga completion time. One item per eventId (conditional put).
import { createMonitoringQueueConsumer, type MonitoringQueueHandlers } from '../../generated';
import { clients, sdk } from '../../../../lib/clients';
import type { ConsumerContext } from '../../../../lib/consumer';
import { config } from './config';
import { eventRecord } from './kpis';

export function makeHandlers({ table, now }: { table: () => string; now: () => number }): MonitoringQueueHandlers<ConsumerContext> {
  const record = async (event: Parameters<typeof eventRecord>[0], ctx: ConsumerContext): Promise<void> => {
    const r = eventRecord(event, now());
    try {
      await clients.dynamoDbDocument().send(new (sdk.document().PutCommand)({ TableName: table(), Item: { pk: `EVENTS#${r.occurredAt.slice(0, 13)}`, sk: `${r.occurredAt}#${r.eventId}`, ...r }, ConditionExpression: 'attribute_not_exists(pk)' }));
      ctx.logger.info('event measured', { detailType: r.detailType, latencyMs: r.latencyMs, ...(r.sagaCompletionMs !== undefined ? { sagaCompletionMs: r.sagaCompletionMs } : {}) });
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  };
  return { 'user.created': record, 'payment.completed': record, 'lesson.scheduled': record };
}

export const handler = createMonitoringQueueConsumer(makeHandlers({ table: () => config().kpiTable, now: Date.now }));
