// Pricing service consumer: a responder of the scatter-gather round. PriceQuoteRequested is
// answered with the problem type's rate card and surcharges (rates.ts), or PriceQuoteError,
// through the outbox (store.ts), once per request event.
import { createPricingQueueConsumer, type PricingQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';
import { quote, quoteReply, rates as rateCards, testZoneAt, testZoneError, type QuoteAnswer, type Rates } from './rates';
import { quoteReplies, type QuoteReplies } from './store';

export interface Deps {
  replies: QuoteReplies;
  /** Rate cards, surcharges and test zones (default: rate-cards.json). */
  rates?: Rates;
  now: () => string;
}

export function makeHandlers({ replies, rates = rateCards, now }: Deps): PricingQueueHandlers<ConsumerContext> {
  return {
    PriceQuoteRequested: async (event, ctx) => {
      const request = event.detail.data;
      const { eventId, occurredAt } = event.detail.metadata;
      const log = { requestId: request.requestId, incidentId: request.incidentId };
      const zone = testZoneAt(request.location, rates.testZones);
      if (zone?.behaviour === 'silent') {
        ctx.logger.info('test zone: price quote request consumed without an answer', { ...log, testZone: zone.name });
        return;
      }
      const at = now();
      const answer: QuoteAnswer = zone ? testZoneError(zone) : quote(request, occurredAt, at, rates);
      const reply = quoteReply(request, answer, eventId, ctx.causedBy, at);
      const sent = await replies.reply(reply);
      ctx.logger.info(sent ? 'price quote answered' : 'price quote answered before (redelivered request)', {
        ...log,
        answer: reply.detailType,
        ...(answer.ok ? { surcharges: answer.surcharges.map((s) => s.code) } : { errorCode: answer.errorCode }),
        ...(zone ? { testZone: zone.name } : {}),
      });
    },
  };
}

export const handlers = makeHandlers({ replies: quoteReplies, now: () => new Date().toISOString() });

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createPricingQueueConsumer(handlers);
