// The athletes domain (seed 000 responder): answers AthletesDataRequested from its own tables
// with the athletes registered to the event (possibly none), or AthletesDataError for a test
// event with behaviour 'error', once per request event; behaviour 'silent' gets no answer.
import { createAthletesQueueConsumer, type AthletesQueueHandlers } from '../../generated';
import * as athletesEvents from '../../generated/publishers/athletes';
import type { ConsumerContext } from '../../../../lib/consumer';
import type { EventContext } from '../../../../lib/envelope';
import { nameUuid } from '../../../../lib/ids';
import { behaviourOf } from './reference';
import { athletesStore, type AthletesStore } from './store';

export const ATHLETES_NAMESPACE = '7a1c3e5b-2d4f-4a6b-8c0d-1e2f3a4b5c62';

export interface Deps {
  store: AthletesStore;
  behaviour?: (eventId: string) => 'error' | 'silent' | undefined;
  now: () => string;
}

export function makeHandlers({ store, behaviour = behaviourOf, now }: Deps): AthletesQueueHandlers<ConsumerContext> {
  return {
    AthletesDataRequested: async (event, ctx) => {
      const { requestId, eventId } = event.detail.data;
      const test = behaviour(eventId);
      if (test === 'silent') {
        ctx.logger.info('test event: request consumed without an answer', { requestId, eventId });
        return;
      }
      const context: EventContext = { ...ctx.causedBy, eventId: nameUuid(ATHLETES_NAMESPACE, 'answer', requestId, event.detail.metadata.eventId), occurredAt: now() };
      const answer =
        test === 'error'
          ? athletesEvents.AthletesDataError({ requestId, eventId, errorCode: 'ATHLETES_UNAVAILABLE', errorMessage: 'The athletes registry is unavailable (test trigger).', canRetry: false }, context)
          : athletesEvents.AthletesDataResponse({ requestId, eventId, athletes: await store.registered(eventId) }, context);
      const sent = await store.reply(answer);
      ctx.logger.info(sent ? 'athletes data answered' : 'athletes data answered before (redelivered request)', { requestId, eventId, answer: answer.detailType });
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createAthletesQueueConsumer(makeHandlers({ store: athletesStore, now: () => new Date().toISOString() }));
