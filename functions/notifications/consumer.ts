// Handler stub created by `npm run codegen` for queue notifications-queue. This file is yours: codegen never overwrites it.
import { notificationsPublisher, notificationsQueue, notificationsQueueRoutes, type NotificationsQueueEvents, type NotificationsQueueHandlers } from '../../generated';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';

export const handlers: NotificationsQueueHandlers<ConsumerContext> = {
  OfferCreated: async (event) => {
    // TODO: implement: A job offer was sent to a vendor.
    throw new Error(`OfferCreated handler not implemented (event ${event.id})`);
  },
  OfferAccepted: async (event) => {
    // TODO: implement: A vendor accepted a job offer.
    throw new Error(`OfferAccepted handler not implemented (event ${event.id})`);
  },
  OfferDeclined: async (event) => {
    // TODO: implement: A vendor declined a job offer.
    throw new Error(`OfferDeclined handler not implemented (event ${event.id})`);
  },
  OfferExpired: async (event) => {
    // TODO: implement: A job offer reached its deadline without an answer.
    throw new Error(`OfferExpired handler not implemented (event ${event.id})`);
  },
  IncidentStatusChanged: async (event) => {
    // TODO: implement: The status of an incident changed.
    throw new Error(`IncidentStatusChanged handler not implemented (event ${event.id})`);
  },
  IncidentAssigned: async (event) => {
    // TODO: implement: A vendor has been assigned to the incident.
    throw new Error(`IncidentAssigned handler not implemented (event ${event.id})`);
  },
  VendorArrived: async (event) => {
    // TODO: implement: The vendor reached the incident location.
    throw new Error(`VendorArrived handler not implemented (event ${event.id})`);
  },
  TrackingUpdated: async (event) => {
    // TODO: implement: New position and ETA of the vendor on its way.
    throw new Error(`TrackingUpdated handler not implemented (event ${event.id})`);
  },
  WorkCompleted: async (event) => {
    // TODO: implement: The technician finished the job.
    throw new Error(`WorkCompleted handler not implemented (event ${event.id})`);
  },
  PaymentCreated: async (event) => {
    // TODO: implement: A payment record was created for completed work.
    throw new Error(`PaymentCreated handler not implemented (event ${event.id})`);
  },
  PaymentApproved: async (event) => {
    // TODO: implement: The back office approved a payment.
    throw new Error(`PaymentApproved handler not implemented (event ${event.id})`);
  },
  PaymentCompleted: async (event) => {
    // TODO: implement: The payment was captured successfully.
    throw new Error(`PaymentCompleted handler not implemented (event ${event.id})`);
  },
  PaymentFailed: async (event) => {
    // TODO: implement: Capturing the payment failed.
    throw new Error(`PaymentFailed handler not implemented (event ${event.id})`);
  },
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createSqsConsumer<NotificationsQueueEvents>({
  queue: notificationsQueue,
  routes: notificationsQueueRoutes,
  handlers,
  errorEvent: notificationsPublisher.ErrorOccurred,
});
