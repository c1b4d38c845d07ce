// Incident service consumer: saga commands and tracking events that change the incident.
// Each decision runs on the stored aggregate and appends through the outbox (store.ts).
import { createIncidentQueueConsumer, type IncidentQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';
import { assignIncident, offerExpired, vendorArrived } from './domain';
import { createIncidents, eventStore, type Incidents } from './store';

export interface Deps {
  incidents: Incidents;
  now: () => string;
}

export function makeHandlers({ incidents, now }: Deps): IncidentQueueHandlers<ConsumerContext> {
  return {
    AssignIncident: async (event, ctx) => {
      const command = event.detail.data;
      const events = await incidents.decide(command.incidentId, ctx.causedBy, (state) => assignIncident(state, command, now()));
      ctx.logger.info('assignment decided', { incidentId: command.incidentId, outcome: events[0]?.type ?? 'already answered' });
    },
    VendorArrived: async (event, ctx) => {
      const arrival = event.detail.data;
      await incidents.decide(arrival.incidentId, ctx.causedBy, (state) => vendorArrived(state, arrival, now()));
    },
    OfferExpired: async (event, ctx) => {
      const expiry = event.detail.data;
      const events = await incidents.decide(expiry.incidentId, ctx.causedBy, (state) => offerExpired(state, expiry, now()));
      if (events.length) ctx.logger.warn('incident escalated: no vendor accepted', { incidentId: expiry.incidentId });
    },
  };
}

export const handlers = makeHandlers({ incidents: createIncidents(eventStore), now: () => new Date().toISOString() });

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createIncidentQueueConsumer(handlers);
