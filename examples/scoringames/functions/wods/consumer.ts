// The wods domain (seed 000 responder): answers WodsDataRequested from its own table with
// the event's WODs, or WodsDataError for a test event with behaviour 'error', once per
// request event; behaviour 'silent' gets no answer.
import { createWodsQueueConsumer, type WodsQueueHandlers } from '../../generated';
import * as wodsEvents from '../../generated/publishers/wods';
import type { ConsumerContext } from '../../../../lib/consumer';
import type { EventContext } from '../../../../lib/envelope';
import { nameUuid } from '../../../../lib/ids';
import { behaviourOf } from './reference';
import { wodsStore, type WodsStore } from './store';

export const WODS_NAMESPACE = '7a1c3e5b-2d4f-4a6b-8c0d-1e2f3a4b5c64';

export interface Deps {
  store: WodsStore;
  behaviour?: (eventId: string) => 'error' | 'silent' | undefined;
  now: () => string;
}

export function makeHandlers({ store, behaviour = behaviourOf, now }: Deps): WodsQueueHandlers<ConsumerContext> {
  return {
    WodsDataRequested: async (event, ctx) => {
      const { requestId, eventId } = event.detail.data;
      const test = behaviour(eventId);
      if (test === 'silent') {
        ctx.logger.info('test event: request consumed without an answer', { requestId, eventId });
        return;
      }
      const context: EventContext = { ...ctx.causedBy, eventId: nameUuid(WODS_NAMESPACE, 'answer', requestId, event.detail.metadata.eventId), occurredAt: now() };
      const answer =
        test === 'error'
          ? wodsEvents.WodsDataError({ requestId, eventId, errorCode: 'WODS_UNAVAILABLE', errorMessage: 'The WODs store is unavailable (test trigger).', canRetry: false }, context)
          : wodsEvents.WodsDataResponse({ requestId, eventId, wods: await store.of(eventId) }, context);
      const sent = await store.reply(answer);
      ctx.logger.info(sent ? 'wods data answered' : 'wods data answered before (redelivered request)', { requestId, eventId, answer: answer.detailType });
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createWodsQueueConsumer(makeHandlers({ store: wodsStore, now: () => new Date().toISOString() }));
