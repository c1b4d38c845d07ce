// Handler stub created by `npm run codegen` for queue match-queue. This file is yours: codegen never overwrites it.
import { matchPublisher, matchQueue, matchQueueRoutes, type MatchQueueEvents, type MatchQueueHandlers } from '../../generated';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';

export const handlers: MatchQueueHandlers<ConsumerContext> = {
  IncidentCreated: async (event) => {
    // TODO: implement: A driver reported a roadside incident.
    throw new Error(`IncidentCreated handler not implemented (event ${event.id})`);
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
  errorEvent: matchPublisher.ErrorOccurred,
});
