// Handler stub created by `npm run codegen` for queue errors-queue. This file is yours: codegen never overwrites it.
import type { ErrorsQueueHandlers } from '../../generated';

export const handlers: ErrorsQueueHandlers = {
  ErrorOccurred: async (event) => {
    // TODO: implement: A service failed to handle an event or a request.
    throw new Error(`ErrorOccurred handler not implemented (event ${event.id})`);
  },
};
