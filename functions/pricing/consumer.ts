// Handler stub created by `npm run codegen` for queue pricing-queue. This file is yours: codegen never overwrites it.
import type { PricingQueueHandlers } from '../../generated';

export const handlers: PricingQueueHandlers = {
  PriceQuoteRequested: async (event) => {
    // TODO: implement: The match service asks for the rate card of an incident.
    throw new Error(`PriceQuoteRequested handler not implemented (event ${event.id})`);
  },
};
