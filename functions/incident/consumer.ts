// Handler stub created by `npm run codegen` for queue incident-queue. This file is yours: codegen never overwrites it.
import type { IncidentQueueHandlers } from '../../generated';

export const handlers: IncidentQueueHandlers = {
  AssignIncident: async (event) => {
    // TODO: implement: Saga command - assign the reserved vendor to the incident.
    throw new Error(`AssignIncident handler not implemented (event ${event.id})`);
  },
  VendorArrived: async (event) => {
    // TODO: implement: The vendor reached the incident location.
    throw new Error(`VendorArrived handler not implemented (event ${event.id})`);
  },
  OfferExpired: async (event) => {
    // TODO: implement: A job offer reached its deadline without an answer.
    throw new Error(`OfferExpired handler not implemented (event ${event.id})`);
  },
};
