// Notifications: records the push/SMS/email messages the platform sends for offer,
// incident, tracking and payment events (which ones: messages.ts) (a notification log per incident), idempotent per event:
// the rows are keyed by the envelope eventId and written only once.
import { createNotificationsQueueConsumer, type NotificationsQueueHandlers } from '../../generated';
import { clients } from '../../lib/clients';
import type { ConsumerContext } from '../../lib/consumer';
import { createReadModel, type ReadModel } from '../../lib/read-model';
import { config } from './config';
import { incidentKey, notificationSortKey } from './keys';
import { notificationsFor, type Notification } from './messages';

interface Handled {
  'detail-type': string;
  detail: { metadata: { eventId: string; occurredAt: string; correlationId: string }; data: { incidentId: string } };
}

export interface Deps {
  readModel: ReadModel;
  now: () => string;
}

export function makeHandlers({ readModel, now }: Deps): NotificationsQueueHandlers<ConsumerContext> {
  const record = async (event: Handled, ctx: ConsumerContext, notifications: Notification[]): Promise<void> => {
    if (!notifications.length) return;
    const { metadata, data } = event.detail;
    const written = await readModel.writeOnce({
      items: notifications.map((n, i) => ({
        pk: incidentKey(data.incidentId),
        sk: notificationSortKey(metadata.occurredAt, metadata.eventId, i),
        ...n,
        incidentId: data.incidentId,
        causedBy: { eventId: metadata.eventId, detailType: event['detail-type'] },
        correlationId: metadata.correlationId,
        sentAt: now(),
      })),
    });
    // Templates and channels only: the texts may name people and amounts, and recipients stay out of the logs.
    ctx.logger.info(written ? 'notifications sent' : 'notifications already sent', { count: notifications.length, channels: notifications.map((n) => n.channel), templates: notifications.map((n) => n.template) });
  };
  return {
    OfferCreated: (event, ctx) => record(event, ctx, notificationsFor.OfferCreated(event.detail.data)),
    OfferAccepted: (event, ctx) => record(event, ctx, notificationsFor.OfferAccepted(event.detail.data)),
    OfferDeclined: (event, ctx) => record(event, ctx, notificationsFor.OfferDeclined(event.detail.data)),
    OfferExpired: (event, ctx) => record(event, ctx, notificationsFor.OfferExpired(event.detail.data)),
    IncidentStatusChanged: (event, ctx) => record(event, ctx, notificationsFor.IncidentStatusChanged(event.detail.data)),
    IncidentAssigned: (event, ctx) => record(event, ctx, notificationsFor.IncidentAssigned(event.detail.data)),
    IncidentEscalated: (event, ctx) => record(event, ctx, notificationsFor.IncidentEscalated(event.detail.data)),
    IncidentAssignmentRejected: (event, ctx) => record(event, ctx, notificationsFor.IncidentAssignmentRejected(event.detail.data)),
    TrackingStarted: (event, ctx) => record(event, ctx, notificationsFor.TrackingStarted(event.detail.data)),
    VendorArrived: (event, ctx) => record(event, ctx, notificationsFor.VendorArrived(event.detail.data)),
    TrackingUpdated: (event, ctx) => record(event, ctx, notificationsFor.TrackingUpdated(event.detail.data)),
    WorkCompleted: (event, ctx) => record(event, ctx, notificationsFor.WorkCompleted(event.detail.data)),
    PaymentCreated: (event, ctx) => record(event, ctx, notificationsFor.PaymentCreated(event.detail.data)),
    PaymentApproved: (event, ctx) => record(event, ctx, notificationsFor.PaymentApproved(event.detail.data)),
    PaymentCompleted: (event, ctx) => record(event, ctx, notificationsFor.PaymentCompleted(event.detail.data)),
    PaymentFailed: (event, ctx) => record(event, ctx, notificationsFor.PaymentFailed(event.detail.data)),
    PaymentFlagged: (event, ctx) => record(event, ctx, notificationsFor.PaymentFlagged(event.detail.data)),
    PaymentAuthorizationFailed: (event, ctx) => record(event, ctx, notificationsFor.PaymentAuthorizationFailed(event.detail.data)),
  };
}

export const handlers = makeHandlers({ readModel: createReadModel({ doc: clients.dynamoDbDocument, table: () => config().readModelTable }), now: () => new Date().toISOString() });

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createNotificationsQueueConsumer(handlers);
