// Handler stub created by `npm run codegen` for queue vendor-queue. This file is yours: codegen never overwrites it.
import { createVendorQueueConsumer, vendorQueueNotImplemented, type VendorQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';

export const handlers: VendorQueueHandlers<ConsumerContext> = {
  // Still to do: each throws, so its events fail into vendor-dlq until implemented. Implement one by
  // moving its name out of this list into a handler of its own in this map.
  ...vendorQueueNotImplemented(
    'VendorAvailabilityRequested', // The match service asks which vendors can take the incident.
    'ReserveVendor', // Saga command - hold the vendor that accepted an offer.
    'ReleaseVendor', // Saga compensation - release a vendor reservation.
  ),
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createVendorQueueConsumer(handlers);
