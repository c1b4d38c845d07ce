// Handler stub created by `npm run codegen` for queue vendor-queue. This file is yours: codegen never overwrites it.
import type { VendorQueueHandlers } from '../../generated';

export const handlers: VendorQueueHandlers = {
  VendorAvailabilityRequested: async (event) => {
    // TODO: implement: The match service asks which vendors can take the incident.
    throw new Error(`VendorAvailabilityRequested handler not implemented (event ${event.id})`);
  },
  ReserveVendor: async (event) => {
    // TODO: implement: Saga command - hold the vendor that accepted an offer.
    throw new Error(`ReserveVendor handler not implemented (event ${event.id})`);
  },
  ReleaseVendor: async (event) => {
    // TODO: implement: Saga compensation - release a vendor reservation.
    throw new Error(`ReleaseVendor handler not implemented (event ${event.id})`);
  },
};
