// Match service consumer. The first slice: a new incident gets offers for up to three
// vendors (offers.ts), written with their OfferCreated outbox rows in one transaction.
// The scatter-gather and assignment-saga handlers are still to do (later issues).
import { createMatchQueueConsumer, matchQueueNotImplemented, type MatchQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';
import { planOffers } from './offers';
import { offerStore, type OfferStore } from './store';

export interface Deps {
  offers: OfferStore;
  now: () => Date;
}

export function makeHandlers({ offers, now }: Deps): MatchQueueHandlers<ConsumerContext> {
  return {
    IncidentCreated: async (event, ctx) => {
      const incident = event.detail.data;
      const planned = planOffers(incident, ctx.causedBy, now());
      if (!planned.length) {
        ctx.logger.warn('no vendor can take this incident', { incidentId: incident.incidentId, problemType: incident.problemType });
        return;
      }
      const created = await offers.create(planned);
      if (created) ctx.logger.info('offers created', { incidentId: incident.incidentId, offers: planned.length });
      else ctx.logger.info('offers already created', { incidentId: incident.incidentId });
    },
    // Still to do: each throws, so its events fail into match-dlq until implemented.
    ...matchQueueNotImplemented(
      'OfferAccepted',
      'SagaStepTimedOut',
      'IncidentCancelled',
      'OfferTimeoutElapsed',
      'VendorAvailabilityResponse',
      'VendorAvailabilityError',
      'PriceQuoteResponse',
      'PriceQuoteError',
      'EtaResponse',
      'EtaError',
      'VendorReserved',
      'VendorReservationFailed',
      'VendorReleased',
      'PaymentAuthorized',
      'PaymentAuthorizationFailed',
      'PaymentAuthorizationVoided',
      'IncidentAssigned',
      'IncidentAssignmentRejected',
    ),
  };
}

export const handlers = makeHandlers({ offers: offerStore, now: () => new Date() });

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createMatchQueueConsumer(handlers);
