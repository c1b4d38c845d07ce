// Handler stub created by `npm run codegen` for queue vendor-queue. This file is yours: codegen never overwrites it.
import { vendorQueue, vendorQueueRoutes, type VendorQueueEvents, type VendorQueueHandlers } from '../../generated';
import * as events from '../../generated/publishers/vendor';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';

export const handlers: VendorQueueHandlers<ConsumerContext> = {
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

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createSqsConsumer<VendorQueueEvents>({
  queue: vendorQueue,
  routes: vendorQueueRoutes,
  handlers,
  errorEvent: events.ErrorOccurred,
});
