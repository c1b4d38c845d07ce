// Incident service consumer: saga commands and tracking events that change the incident.
// Each decision runs on the stored aggregate and appends through the outbox (store.ts).
import { createIncidentQueueConsumer, type IncidentQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';
import { assignIncident, matchingFailed, offerClosed, vendorArrived, type OfferClosed } from './domain';
import { createIncidents, eventStore, type Incidents } from './store';

export interface Deps {
  incidents: Incidents;
  now: () => string;
}

export function makeHandlers({ incidents, now }: Deps): IncidentQueueHandlers<ConsumerContext> {
  const escalateIfLast = async (incidentId: string, closed: OfferClosed, ctx: ConsumerContext): Promise<void> => {
    const events = await incidents.decide(incidentId, ctx.causedBy, (state) => offerClosed(state, closed, now()));
    if (events.length) ctx.logger.warn('incident escalated: no vendor accepted', { incidentId, lastOffer: closed.offerId, how: closed.how });
  };
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
      const { offerId, incidentId, remainingActiveOffers, expiredAt } = event.detail.data;
      await escalateIfLast(incidentId, { offerId, remainingActiveOffers, how: 'expired', at: expiredAt }, ctx);
    },
    OfferDeclined: async (event, ctx) => {
      const { offerId, incidentId, remainingActiveOffers, declinedAt } = event.detail.data;
      // An OfferDeclined without the count predates it: assume other offers are open (never escalate on a guess).
      await escalateIfLast(incidentId, { offerId, remainingActiveOffers: remainingActiveOffers ?? 1, how: 'declined', at: declinedAt }, ctx);
    },
    MatchingFailed: async (event, ctx) => {
      const { incidentId, requestId, reason, details } = event.detail.data;
      const events = await incidents.decide(incidentId, ctx.causedBy, (state) => matchingFailed(state, { requestId, reason, ...(details ? { details } : {}) }, now()));
      if (events.length) ctx.logger.warn('incident escalated: no vendor available', { incidentId, reason });
    },
  };
}

export const handlers = makeHandlers({ incidents: createIncidents(eventStore), now: () => new Date().toISOString() });

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createIncidentQueueConsumer(handlers);
