// The categories domain (seed 000 responder): answers CategoriesDataRequested from its own
// table with the event's categories in heat order, or CategoriesDataError for a test event
// with behaviour 'error', once per request event; behaviour 'silent' gets no answer.
import { createCategoriesQueueConsumer, type CategoriesQueueHandlers } from '../../generated';
import * as categoriesEvents from '../../generated/publishers/categories';
import type { ConsumerContext } from '../../../../lib/consumer';
import type { EventContext } from '../../../../lib/envelope';
import { nameUuid } from '../../../../lib/ids';
import { behaviourOf } from './reference';
import { categoriesStore, type CategoriesStore } from './store';

export const CATEGORIES_NAMESPACE = '7a1c3e5b-2d4f-4a6b-8c0d-1e2f3a4b5c63';

export interface Deps {
  store: CategoriesStore;
  behaviour?: (eventId: string) => 'error' | 'silent' | undefined;
  now: () => string;
}

export function makeHandlers({ store, behaviour = behaviourOf, now }: Deps): CategoriesQueueHandlers<ConsumerContext> {
  return {
    CategoriesDataRequested: async (event, ctx) => {
      const { requestId, eventId } = event.detail.data;
      const test = behaviour(eventId);
      if (test === 'silent') {
        ctx.logger.info('test event: request consumed without an answer', { requestId, eventId });
        return;
      }
      const context: EventContext = { ...ctx.causedBy, eventId: nameUuid(CATEGORIES_NAMESPACE, 'answer', requestId, event.detail.metadata.eventId), occurredAt: now() };
      const answer =
        test === 'error'
          ? categoriesEvents.CategoriesDataError({ requestId, eventId, errorCode: 'CATEGORIES_UNAVAILABLE', errorMessage: 'The categories store is unavailable (test trigger).', canRetry: false }, context)
          : categoriesEvents.CategoriesDataResponse({ requestId, eventId, categories: await store.of(eventId) }, context);
      const sent = await store.reply(answer);
      ctx.logger.info(sent ? 'categories data answered' : 'categories data answered before (redelivered request)', { requestId, eventId, answer: answer.detailType });
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createCategoriesQueueConsumer(makeHandlers({ store: categoriesStore, now: () => new Date().toISOString() }));
