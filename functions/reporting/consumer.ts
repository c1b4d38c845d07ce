// Handler stub created by `npm run codegen` for queue reporting-queue. This file is yours: codegen never overwrites it.
import { reportingPublisher, reportingQueue, reportingQueueRoutes, type ReportingQueueEvents, type ReportingQueueHandlers } from '../../generated';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';

export const handlers: ReportingQueueHandlers<ConsumerContext> = {
  IncidentCreated: async (event) => {
    // TODO: implement: A driver reported a roadside incident.
    throw new Error(`IncidentCreated handler not implemented (event ${event.id})`);
  },
  IncidentStatusChanged: async (event) => {
    // TODO: implement: The status of an incident changed.
    throw new Error(`IncidentStatusChanged handler not implemented (event ${event.id})`);
  },
  IncidentAssigned: async (event) => {
    // TODO: implement: A vendor has been assigned to the incident.
    throw new Error(`IncidentAssigned handler not implemented (event ${event.id})`);
  },
  IncidentCancelled: async (event) => {
    // TODO: implement: The incident was cancelled.
    throw new Error(`IncidentCancelled handler not implemented (event ${event.id})`);
  },
  IncidentEscalated: async (event) => {
    // TODO: implement: The incident was handed over to a human dispatcher.
    throw new Error(`IncidentEscalated handler not implemented (event ${event.id})`);
  },
  IncidentAssignmentRejected: async (event) => {
    // TODO: implement: The incident service refused an AssignIncident command.
    throw new Error(`IncidentAssignmentRejected handler not implemented (event ${event.id})`);
  },
  WorkStarted: async (event) => {
    // TODO: implement: The technician started working on the vehicle.
    throw new Error(`WorkStarted handler not implemented (event ${event.id})`);
  },
  WorkCompleted: async (event) => {
    // TODO: implement: The technician finished the job.
    throw new Error(`WorkCompleted handler not implemented (event ${event.id})`);
  },
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
  PaymentFlagged: async (event) => {
    // TODO: implement: The risk engine flagged a payment for possible fraud.
    throw new Error(`PaymentFlagged handler not implemented (event ${event.id})`);
  },
  TrackingStarted: async (event) => {
    // TODO: implement: Live tracking of the assigned vendor started.
    throw new Error(`TrackingStarted handler not implemented (event ${event.id})`);
  },
  TrackingUpdated: async (event) => {
    // TODO: implement: New position and ETA of the vendor on its way.
    throw new Error(`TrackingUpdated handler not implemented (event ${event.id})`);
  },
  TrackingStopped: async (event) => {
    // TODO: implement: The tracking session ended.
    throw new Error(`TrackingStopped handler not implemented (event ${event.id})`);
  },
  VendorArrived: async (event) => {
    // TODO: implement: The vendor reached the incident location.
    throw new Error(`VendorArrived handler not implemented (event ${event.id})`);
  },
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createSqsConsumer<ReportingQueueEvents>({
  queue: reportingQueue,
  routes: reportingQueueRoutes,
  handlers,
  errorEvent: reportingPublisher.ErrorOccurred,
});
