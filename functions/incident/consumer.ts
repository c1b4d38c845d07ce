// Incident service consumer: saga commands, and the other services' events that move the
// incident's status (the matching round's answers, offers, tracking, arrival, offers closing, matching
// failed). Each decision runs on the stored aggregate and appends through the outbox
// (store.ts); a decision with no events (a duplicate, a late event) writes nothing.
import { createIncidentQueueConsumer, type IncidentQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';
import { assignIncident, matchingFailed, matchingStarted, offerClosed, offerCreated, trackingStarted, vendorArrived, type IncidentEvent, type OfferClosed } from './domain';
import { createIncidents, eventStore, type Incidents } from './store';

export interface Deps {
  incidents: Incidents;
  now: () => string;
}

/** Logs the status move an event caused, or that it caused none (duplicate, late, or not this incident's vendor). */
function logMove(ctx: ConsumerContext, incidentId: string, events: readonly IncidentEvent[]): void {
  const moved = events.find((e) => e.type === 'IncidentStatusChanged');
  if (moved?.type === 'IncidentStatusChanged') ctx.logger.info('incident status changed', { incidentId, from: moved.data.previousStatus, to: moved.data.status });
  else ctx.logger.info('incident status unchanged', { incidentId });
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
    VendorAvailabilityResponse: async (event, ctx) => {
      // The round's request itself has one receiver (the vendor service, codegen's gather rule): its first answer says matching is under way.
      const { incidentId } = event.detail.data;
      logMove(ctx, incidentId, await incidents.decide(incidentId, ctx.causedBy, (state) => matchingStarted(state, event.detail.metadata.occurredAt)));
    },
    OfferCreated: async (event, ctx) => {
      const offer = event.detail.data;
      logMove(ctx, offer.incidentId, await incidents.decide(offer.incidentId, ctx.causedBy, (state) => offerCreated(state, offer.createdAt)));
    },
    TrackingStarted: async (event, ctx) => {
      const session = event.detail.data;
      logMove(ctx, session.incidentId, await incidents.decide(session.incidentId, ctx.causedBy, (state) => trackingStarted(state, session, now())));
    },
    VendorArrived: async (event, ctx) => {
      const arrival = event.detail.data;
      logMove(ctx, arrival.incidentId, await incidents.decide(arrival.incidentId, ctx.causedBy, (state) => vendorArrived(state, arrival, now())));
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
