// The notifications service's consumer: lesson.scheduled -> the student's confirmation and
// the tutor's notice, each a conditional put keyed by the lesson (one each, whatever the
// deliveries). It publishes nothing, so it has no outbox.
import { createNotificationsQueueConsumer, type NotificationsQueueHandlers } from '../../generated';
import { clients } from '../../../../lib/clients';
import type { ConsumerContext } from '../../../../lib/consumer';
import { createReadModel, type ReadModel } from '../../../../lib/read-model';
import { config } from './config';
import { lessonNotifications } from './messages';

export function makeHandlers({ table, now }: { table: () => string; now: () => number }): NotificationsQueueHandlers<ConsumerContext> {
  const notes: ReadModel = createReadModel({ doc: clients.dynamoDbDocument, table });
  return {
    'lesson.scheduled': async (event, ctx) => {
      const at = new Date(now()).toISOString();
      const items = lessonNotifications(event.detail.data).map((n) => ({ pk: `USER#${n.userId}`, sk: `NOTE#${n.notificationId}`, ...n, sentAt: at }));
      const sent = await notes.writeOnce({ items });
      ctx.logger.info(sent ? 'lesson notifications sent' : 'lesson notifications sent before', { lessonId: event.detail.data.lessonId });
    },
  };
}

export const handler = createNotificationsQueueConsumer(makeHandlers({ table: () => config().notificationsTable, now: Date.now }));
