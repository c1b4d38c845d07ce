// Handler stub created by `npm run codegen` for queue tracking-queue. This file is yours: codegen never overwrites it.
import { trackingQueue, trackingQueueRoutes, type TrackingQueueEvents, type TrackingQueueHandlers } from '../../generated';
import * as events from '../../generated/publishers/tracking';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';

export const handlers: TrackingQueueHandlers<ConsumerContext> = {
  EtaRequested: async (event) => {
    // TODO: implement: The match service asks for vendor ETAs to the incident.
    throw new Error(`EtaRequested handler not implemented (event ${event.id})`);
  },
  IncidentAssigned: async (event) => {
    // TODO: implement: A vendor has been assigned to the incident.
    throw new Error(`IncidentAssigned handler not implemented (event ${event.id})`);
  },
  WorkCompleted: async (event) => {
    // TODO: implement: The technician finished the job.
    throw new Error(`WorkCompleted handler not implemented (event ${event.id})`);
  },
  IncidentCancelled: async (event) => {
    // TODO: implement: The incident was cancelled.
    throw new Error(`IncidentCancelled handler not implemented (event ${event.id})`);
  },
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createSqsConsumer<TrackingQueueEvents>({
  queue: trackingQueue,
  routes: trackingQueueRoutes,
  handlers,
  errorEvent: events.ErrorOccurred,
});
