// Back-office commands on the HTTP API: approve a payment that waits for approval (above the
// auto-approval limit, or flagged by the fraud rule). The JWT authorizer has checked the
// token; this checks its scope (403 without `backoffice`), then writes the approval with its
// PaymentApproved in one transaction (store.ts), conditioned on AWAITING_APPROVAL. The
// consumer captures the payment when PaymentApproved arrives.
import { validateApprovePaymentCommand } from '../../generated';
import { claimsOf, ConflictError, createHttpApi, HttpError, NotFoundError, route, scopesOf, type HttpApiHandler } from '../../lib/http';
import { approve, PaymentRuleError } from './payments';
import { paymentStore, type PaymentStore } from './store';

/** The scope a token needs to approve payments. */
export const BACK_OFFICE_SCOPE = 'backoffice';

export interface Deps {
  payments: PaymentStore;
  now: () => Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Two approvals of one payment at once: the loser reads again and decides again, this many times. */
const APPROVE_ATTEMPTS = 2;

function mapError(error: unknown): HttpError | undefined {
  if (!(error instanceof PaymentRuleError)) return undefined;
  if (error.code === 'PAYMENT_NOT_FOUND') return new NotFoundError(error.message, { code: error.code });
  return new ConflictError(error.message, { code: error.code });
}

export function makeApi({ payments, now }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'payments',
    mapError,
    routes: {
      'POST /payments/{paymentId}/approve': route({
        body: validateApprovePaymentCommand,
        handler: async ({ body, pathParameters, event }, { eventContext, logger }) => {
          const claims = claimsOf(event);
          if (!scopesOf(claims).has(BACK_OFFICE_SCOPE)) throw new HttpError(403, `approving a payment needs the ${BACK_OFFICE_SCOPE} scope`, { code: 'MISSING_SCOPE' });
          const approvedBy = typeof claims['sub'] === 'string' && claims['sub'] ? claims['sub'].slice(0, 128) : BACK_OFFICE_SCOPE;
          const paymentId = pathParameters['paymentId'] as string;
          // Payment ids are UUIDs: anything else is no payment (and never a key DynamoDB would refuse).
          if (!UUID.test(paymentId)) throw new PaymentRuleError('PAYMENT_NOT_FOUND', 'no payment has this id');
          for (let attempt = 1; attempt <= APPROVE_ATTEMPTS; attempt += 1) {
            const payment = await payments.find(paymentId);
            if (!payment) throw new PaymentRuleError('PAYMENT_NOT_FOUND', `payment ${paymentId} does not exist`);
            const { next, event: approved } = approve(payment, approvedBy, body.notes, eventContext, now().toISOString());
            if (await payments.replace(next, 'AWAITING_APPROVAL', [approved])) {
              logger.info('payment approved by the back office', { paymentId, approvedBy });
              return { statusCode: 202, body: { paymentId, incidentId: payment.incidentId, status: next.status, approvedBy } };
            }
          }
          throw new HttpError(503, `payment ${paymentId} kept changing; try again`, { code: 'CONCURRENT_CHANGE' });
        },
      }),
    },
  });
}

export const handler = makeApi({ payments: paymentStore, now: () => new Date() });
