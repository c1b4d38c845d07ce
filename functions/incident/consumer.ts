// Incident service consumer: saga commands and tracking events that change the incident.
// Each decision runs on the stored aggregate and appends through the outbox (store.ts).
import { incidentQueue, incidentQueueRoutes, type IncidentQueueEvents, type IncidentQueueHandlers } from '../../generated';
import * as events from '../../generated/publishers/incident';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';
import { assignIncident, offerExpired, vendorArrived } from './domain';
import { decide } from './store';

const now = (): string => new Date().toISOString();

export const handlers: IncidentQueueHandlers<ConsumerContext> = {
  AssignIncident: async (event, ctx) => {
    const command = event.detail.data;
    const events = await decide(command.incidentId, ctx.causedBy, (state) => assignIncident(state, command, now()));
    ctx.logger.info('assignment decided', { incidentId: command.incidentId, outcome: events[0]?.type ?? 'already answered' });
  },
  VendorArrived: async (event, ctx) => {
    const arrival = event.detail.data;
    await decide(arrival.incidentId, ctx.causedBy, (state) => vendorArrived(state, arrival, now()));
  },
  OfferExpired: async (event, ctx) => {
    const expiry = event.detail.data;
    const events = await decide(expiry.incidentId, ctx.causedBy, (state) => offerExpired(state, expiry, now()));
    if (events.length) ctx.logger.warn('incident escalated: no vendor accepted', { incidentId: expiry.incidentId });
  },
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createSqsConsumer<IncidentQueueEvents>({
  queue: incidentQueue,
  routes: incidentQueueRoutes,
  handlers,
  errorEvent: events.ErrorOccurred,
});
