// Handler stub created by `npm run codegen` for queue tracking-queue. This file is yours: codegen never overwrites it.
import { createTrackingQueueConsumer, trackingQueueNotImplemented, type TrackingQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';

export const handlers: TrackingQueueHandlers<ConsumerContext> = {
  // Still to do: each throws, so its events fail into tracking-dlq until implemented. Implement one by
  // moving its name out of this list into a handler of its own in this map.
  ...trackingQueueNotImplemented(
    'EtaRequested', // The match service asks for vendor ETAs to the incident.
    'IncidentAssigned', // A vendor has been assigned to the incident.
    'WorkCompleted', // The technician finished the job.
    'IncidentCancelled', // The incident was cancelled.
  ),
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createTrackingQueueConsumer(handlers);
