// Handler stub created by `npm run codegen` for queue payment-approval-queue. This file is yours: codegen never overwrites it.
import { paymentApprovalQueue, paymentApprovalQueueRoutes, type PaymentApprovalQueueEvents, type PaymentApprovalQueueHandlers } from '../../generated';
import * as events from '../../generated/publishers/payments';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';

export const handlers: PaymentApprovalQueueHandlers<ConsumerContext> = {
  WorkCompleted: async (event) => {
    // TODO: implement: The technician finished the job.
    throw new Error(`WorkCompleted handler not implemented (event ${event.id})`);
  },
  AuthorizePayment: async (event) => {
    // TODO: implement: Saga command - put a hold on the driver's payment method.
    throw new Error(`AuthorizePayment handler not implemented (event ${event.id})`);
  },
  VoidPaymentAuthorization: async (event) => {
    // TODO: implement: Saga compensation - void a payment authorization.
    throw new Error(`VoidPaymentAuthorization handler not implemented (event ${event.id})`);
  },
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
export const handler = createSqsConsumer<PaymentApprovalQueueEvents>({
  queue: paymentApprovalQueue,
  routes: paymentApprovalQueueRoutes,
  handlers,
  errorEvent: events.ErrorOccurred,
});
