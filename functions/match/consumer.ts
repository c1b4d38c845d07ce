// Match service consumer. The first slice: a new incident gets offers for up to three
// vendors (offers.ts), written with their OfferCreated outbox rows in one transaction.
// The scatter-gather and assignment-saga handlers are still stubs (later issues).
import { matchQueue, matchQueueRoutes, type MatchQueueEvents, type MatchQueueHandlers } from '../../generated';
import * as events from '../../generated/publishers/match';
import { clients } from '../../lib/clients';
import { requireEnv } from '../../lib/config';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';
import { AlreadyWrittenError, writeWithOutbox } from '../../lib/event-store';
import { planOffers } from './offers';

export const handlers: MatchQueueHandlers<ConsumerContext> = {
  IncidentCreated: async (event, ctx) => {
    const incident = event.detail.data;
    const offers = planOffers(incident, ctx.causedBy, new Date());
    if (!offers.length) {
      ctx.logger.warn('no vendor can take this incident', { incidentId: incident.incidentId, problemType: incident.problemType });
      return;
    }
    const table = requireEnv('READ_MODEL_TABLE');
    try {
      await writeWithOutbox({
        doc: clients.dynamoDbDocument(),
        outboxTable: requireEnv('OUTBOX_TABLE'),
        events: offers.map((o) => o.event),
        writes: offers.map((o) => ({ Put: { TableName: table, Item: o.row, ConditionExpression: 'attribute_not_exists(pk)' } })),
      });
      ctx.logger.info('offers created', { incidentId: incident.incidentId, offers: offers.length });
    } catch (error) {
      // A duplicate delivery: the same offers (same derived ids) are already stored.
      if (!(error instanceof AlreadyWrittenError)) throw error;
      ctx.logger.info('offers already created', { incidentId: incident.incidentId });
    }
  },
  IncidentCancelled: async (event) => {
    // TODO: implement: The incident was cancelled.
    throw new Error(`IncidentCancelled handler not implemented (event ${event.id})`);
  },
  OfferTimeoutElapsed: async (event) => {
    // TODO: implement: The deadline timer of an offer fired (match-internal).
    throw new Error(`OfferTimeoutElapsed handler not implemented (event ${event.id})`);
  },
  VendorAvailabilityResponse: async (event) => {
    // TODO: implement: The vendor service lists the vendors available for the incident.
    throw new Error(`VendorAvailabilityResponse handler not implemented (event ${event.id})`);
  },
  VendorAvailabilityError: async (event) => {
    // TODO: implement: The vendor service could not answer a VendorAvailabilityRequested.
    throw new Error(`VendorAvailabilityError handler not implemented (event ${event.id})`);
  },
  PriceQuoteResponse: async (event) => {
    // TODO: implement: The pricing service returns the rate card for the incident.
    throw new Error(`PriceQuoteResponse handler not implemented (event ${event.id})`);
  },
  PriceQuoteError: async (event) => {
    // TODO: implement: The pricing service could not answer a PriceQuoteRequested.
    throw new Error(`PriceQuoteError handler not implemented (event ${event.id})`);
  },
  EtaResponse: async (event) => {
    // TODO: implement: The tracking service returns vendor ETAs to the incident.
    throw new Error(`EtaResponse handler not implemented (event ${event.id})`);
  },
  EtaError: async (event) => {
    // TODO: implement: The tracking service could not answer an EtaRequested.
    throw new Error(`EtaError handler not implemented (event ${event.id})`);
  },
  VendorReserved: async (event) => {
    // TODO: implement: Saga reply - the vendor is held for the incident.
    throw new Error(`VendorReserved handler not implemented (event ${event.id})`);
  },
  VendorReservationFailed: async (event) => {
    // TODO: implement: Saga reply - the vendor could not be reserved.
    throw new Error(`VendorReservationFailed handler not implemented (event ${event.id})`);
  },
  VendorReleased: async (event) => {
    // TODO: implement: Saga reply - the vendor reservation was released.
    throw new Error(`VendorReleased handler not implemented (event ${event.id})`);
  },
  PaymentAuthorized: async (event) => {
    // TODO: implement: Saga reply - the payment method was authorized.
    throw new Error(`PaymentAuthorized handler not implemented (event ${event.id})`);
  },
  PaymentAuthorizationFailed: async (event) => {
    // TODO: implement: Saga reply - the payment method could not be authorized.
    throw new Error(`PaymentAuthorizationFailed handler not implemented (event ${event.id})`);
  },
  PaymentAuthorizationVoided: async (event) => {
    // TODO: implement: Saga reply - the payment authorization was voided.
    throw new Error(`PaymentAuthorizationVoided handler not implemented (event ${event.id})`);
  },
  IncidentAssigned: async (event) => {
    // TODO: implement: A vendor has been assigned to the incident.
    throw new Error(`IncidentAssigned handler not implemented (event ${event.id})`);
  },
  IncidentAssignmentRejected: async (event) => {
    // TODO: implement: The incident service refused an AssignIncident command.
    throw new Error(`IncidentAssignmentRejected handler not implemented (event ${event.id})`);
  },
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createSqsConsumer<MatchQueueEvents>({
  queue: matchQueue,
  routes: matchQueueRoutes,
  handlers,
  errorEvent: events.ErrorOccurred,
});
