import type { EventContext } from './build';
import type { OutgoingEvent } from './entry';

/**
 * A generated builder of the errors-bus event (e.g. `shippingPublisher.ErrorOccurred`). Its
 * data type is the spec's; lib fills it with data of the conventional shape and the builder
 * validates it against the spec at run time (a mismatch makes the caller's step fail, it is
 * never dropped silently).
 */
export type ErrorEventBuilder = (data: never, context?: EventContext) => OutgoingEvent;

/**
 * Calls an errors-bus builder with data lib made. The one place the builder's spec-typed
 * data parameter is set aside: lib cannot know the spec's type, the builder's run-time
 * validation is what checks the data.
 */
export function buildErrorEvent(builder: ErrorEventBuilder, data: unknown, context: EventContext = {}): OutgoingEvent {
  const build = builder as unknown as (data: unknown, context?: EventContext) => OutgoingEvent;
  return build(data, context);
}
