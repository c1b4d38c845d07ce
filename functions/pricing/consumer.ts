// Handler stub created by `npm run codegen` for queue pricing-queue. This file is yours: codegen never overwrites it.
import { pricingQueue, pricingQueueRoutes, type PricingQueueEvents, type PricingQueueHandlers } from '../../generated';
import * as events from '../../generated/publishers/pricing';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';

export const handlers: PricingQueueHandlers<ConsumerContext> = {
  PriceQuoteRequested: async (event) => {
    // TODO: implement: The match service asks for the rate card of an incident.
    throw new Error(`PriceQuoteRequested handler not implemented (event ${event.id})`);
  },
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createSqsConsumer<PricingQueueEvents>({
  queue: pricingQueue,
  routes: pricingQueueRoutes,
  handlers,
  errorEvent: events.ErrorOccurred,
});
