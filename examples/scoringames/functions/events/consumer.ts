// The events domain (seed 000 responder): answers EventDataRequested from its own tables with
// the event and its days, or EventDataError (EVENT_NOT_FOUND; a test event's error), once per
// request event. A test event with behaviour 'silent' gets no answer.
import { createEventsQueueConsumer, type EventsQueueHandlers } from '../../generated';
import * as eventsEvents from '../../generated/publishers/events';
import type { ConsumerContext } from '../../../../lib/consumer';
import type { EventContext } from '../../../../lib/envelope';
import { nameUuid } from '../../../../lib/ids';
import { behaviourOf } from './reference';
import { eventsStore, type EventsStore } from './store';

export const EVENTS_NAMESPACE = '7a1c3e5b-2d4f-4a6b-8c0d-1e2f3a4b5c61';

export interface Deps {
  store: EventsStore;
  behaviour?: (eventId: string) => 'error' | 'silent' | undefined;
  now: () => string;
}

export function makeHandlers({ store, behaviour = behaviourOf, now }: Deps): EventsQueueHandlers<ConsumerContext> {
  return {
    EventDataRequested: async (event, ctx) => {
      const { requestId, eventId } = event.detail.data;
      const test = behaviour(eventId);
      if (test === 'silent') {
        ctx.logger.info('test event: request consumed without an answer', { requestId, eventId });
        return;
      }
      const context: EventContext = { ...ctx.causedBy, eventId: nameUuid(EVENTS_NAMESPACE, 'answer', requestId, event.detail.metadata.eventId), occurredAt: now() };
      const found = test === 'error' ? undefined : await store.find(eventId);
      const answer = found
        ? eventsEvents.EventDataResponse({ requestId, eventId, event: found.event, days: found.days }, context)
        : test === 'error'
          ? eventsEvents.EventDataError({ requestId, eventId, errorCode: 'EVENTS_UNAVAILABLE', errorMessage: 'The events store is unavailable (test trigger).', canRetry: false }, context)
          : eventsEvents.EventDataError({ requestId, eventId, errorCode: 'EVENT_NOT_FOUND', errorMessage: `No competition event ${eventId}.`, canRetry: false }, context);
      const sent = await store.reply(answer);
      ctx.logger.info(sent ? 'event data answered' : 'event data answered before (redelivered request)', { requestId, eventId, answer: answer.detailType });
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createEventsQueueConsumer(makeHandlers({ store: eventsStore, now: () => new Date().toISOString() }));
