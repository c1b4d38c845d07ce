// Tracking service consumer. Live tracking sessions (session-handlers.ts): IncidentAssigned
// opens one, WorkCompleted and IncidentCancelled close it; pings come over HTTP (commands.ts).
import { createTrackingQueueConsumer, trackingQueueNotImplemented, type TrackingQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';
import { makeSessionHandlers } from './session-handlers';
import { sessionStore } from './session-store';

export const handlers: TrackingQueueHandlers<ConsumerContext> = {
  // Still to do: each throws, so its events fail into tracking-dlq until implemented. Implement one by
  // moving its name out of this list into a handler of its own in this map.
  ...trackingQueueNotImplemented(
    'EtaRequested', // The match service asks for vendor ETAs to the incident.
  ),
  ...makeSessionHandlers({ sessions: sessionStore, now: () => new Date().toISOString() }),
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createTrackingQueueConsumer(handlers);
