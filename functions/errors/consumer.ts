// Handler stub created by `npm run codegen` for queue errors-queue. This file is yours: codegen never overwrites it.
import { errorsQueue, errorsQueueRoutes, type ErrorsQueueEvents, type ErrorsQueueHandlers } from '../../generated';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';

export const handlers: ErrorsQueueHandlers<ConsumerContext> = {
  ErrorOccurred: async (event) => {
    // TODO: implement: A service failed to handle an event or a request.
    throw new Error(`ErrorOccurred handler not implemented (event ${event.id})`);
  },
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createSqsConsumer<ErrorsQueueEvents>({
  queue: errorsQueue,
  routes: errorsQueueRoutes,
  handlers,
  // No errors-bus event for this service: rejected records are reported as failures and reach the DLQ.
});
