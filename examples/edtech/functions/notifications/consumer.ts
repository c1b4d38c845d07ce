// The notifications service's consumer: lesson.scheduled -> the student's confirmation and
// the tutor's notice, each a conditional put keyed by the lesson (one each, whatever the
// deliveries). It publishes nothing, so it has no outbox.
import { createNotificationsQueueConsumer, type NotificationsQueueHandlers } from '../../generated';
import { clients, sdk } from '../../../../lib/clients';
import type { ConsumerContext } from '../../../../lib/consumer';
import { config } from './config';
import { lessonNotifications } from './messages';

export function makeHandlers({ table, now }: { table: () => string; now: () => number }): NotificationsQueueHandlers<ConsumerContext> {
  return {
    'lesson.scheduled': async (event, ctx) => {
      const at = new Date(now()).toISOString();
      const items = lessonNotifications(event.detail.data).map((n) => ({ Put: { TableName: table(), Item: { pk: `USER#${n.userId}`, sk: `NOTE#${n.notificationId}`, ...n, sentAt: at }, ConditionExpression: 'attribute_not_exists(pk)' } }));
      try {
        await clients.dynamoDbDocument().send(new (sdk.document().TransactWriteCommand)({ TransactItems: items }));
        ctx.logger.info('lesson notifications sent', { lessonId: event.detail.data.lessonId });
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException' || !String((error as Error).message).includes('ConditionalCheckFailed')) throw error;
        ctx.logger.info('lesson notifications sent before', { lessonId: event.detail.data.lessonId });
      }
    },
  };
}

export const handler = createNotificationsQueueConsumer(makeHandlers({ table: () => config().notificationsTable, now: Date.now }));
