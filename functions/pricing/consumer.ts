// Handler stub created by `npm run codegen` for queue pricing-queue. This file is yours: codegen never overwrites it.
import { createPricingQueueConsumer, pricingQueueNotImplemented, type PricingQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';

export const handlers: PricingQueueHandlers<ConsumerContext> = {
  // Still to do: each throws, so its events fail into pricing-dlq until implemented. Implement one by
  // moving its name out of this list into a handler of its own in this map.
  ...pricingQueueNotImplemented(
    'PriceQuoteRequested', // The match service asks for the rate card of an incident.
  ),
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createPricingQueueConsumer(handlers);
