// Handler stub created by `npm run codegen` for queue payment-approval-queue. This file is yours: codegen never overwrites it.
import { createPaymentApprovalQueueConsumer, paymentApprovalQueueNotImplemented, type PaymentApprovalQueueHandlers } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';

export const handlers: PaymentApprovalQueueHandlers<ConsumerContext> = {
  // Still to do: each throws, so its events fail into payment-approval-dlq until implemented. Implement one by
  // moving its name out of this list into a handler of its own in this map.
  ...paymentApprovalQueueNotImplemented(
    'WorkCompleted', // The technician finished the job.
    'AuthorizePayment', // Saga command - put a hold on the driver's payment method.
    'VoidPaymentAuthorization', // Saga compensation - void a payment authorization.
  ),
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createPaymentApprovalQueueConsumer(handlers);
