// Handler stub created by `npm run codegen` for queue incident-queue. This file is yours: codegen never overwrites it.
import { incidentPublisher, incidentQueue, incidentQueueRoutes, type IncidentQueueEvents, type IncidentQueueHandlers } from '../../generated';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';

export const handlers: IncidentQueueHandlers<ConsumerContext> = {
  AssignIncident: async (event) => {
    // TODO: implement: Saga command - assign the reserved vendor to the incident.
    throw new Error(`AssignIncident handler not implemented (event ${event.id})`);
  },
  VendorArrived: async (event) => {
    // TODO: implement: The vendor reached the incident location.
    throw new Error(`VendorArrived handler not implemented (event ${event.id})`);
  },
  OfferExpired: async (event) => {
    // TODO: implement: A job offer reached its deadline without an answer.
    throw new Error(`OfferExpired handler not implemented (event ${event.id})`);
  },
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createSqsConsumer<IncidentQueueEvents>({
  queue: incidentQueue,
  routes: incidentQueueRoutes,
  handlers,
  errorEvent: incidentPublisher.ErrorOccurred,
});
