// Payment authorizations for the assignment saga: plain functions, no AWS. One authorization
// per saga (its id derived from the saga), its states, and the saga replies, whose eventIds
// derive from the saga too, so no reply is ever sent twice.
import type { AuthorizePaymentData, EventContext, Money, VoidPaymentAuthorizationData } from '../../generated';
import * as paymentEvents from '../../generated/publishers/payments';
import { nameUuid } from '../../lib/ids';
import type { ProcessorAnswer } from './processor';

/** Namespace of the payments service's derived ids (a fixed random UUID). */
export const PAYMENTS_NAMESPACE = '3f7e2a91-0c5d-4e8b-b6f4-9d1a2c3e4b57';
/** How long a hold on the card lasts when it is not captured. */
export const HOLD_DAYS = 7;
/** The amount reported when voiding an authorization that never existed (the command carries none). */
const NOTHING: Money = { amountCents: 0, currency: 'USD' };

/** PENDING: asked, no answer yet; AUTHORIZED / DECLINED: answered; VOIDED: released (or voided before it was asked). */
export type AuthorizationStatus = 'PENDING' | 'AUTHORIZED' | 'DECLINED' | 'VOIDED';

export interface Authorization {
  authorizationId: string;
  sagaId: string;
  incidentId: string;
  driverId?: string;
  status: AuthorizationStatus;
  amount: Money;
  paymentMethod?: { type: 'card'; brand: string; last4: string };
  declineReason?: string;
  createdAt: string;
  decidedAt?: string;
  expiresAt?: string;
  voidedAt?: string;
}

export type PaymentReply = ReturnType<typeof paymentEvents.PaymentAuthorized> | ReturnType<typeof paymentEvents.PaymentAuthorizationFailed> | ReturnType<typeof paymentEvents.PaymentAuthorizationVoided>;

export const authorizationIdOf = (sagaId: string): string => nameUuid(PAYMENTS_NAMESPACE, 'authorization', sagaId);

const replyContext = (reply: string, sagaId: string, cause: EventContext, now: string): EventContext => ({ ...cause, eventId: nameUuid(PAYMENTS_NAMESPACE, reply, sagaId), occurredAt: now });

/** The authorization a command starts: PENDING until the processor answers. */
export function pendingFor(command: AuthorizePaymentData, now: string): Authorization {
  return { authorizationId: authorizationIdOf(command.sagaId), sagaId: command.sagaId, incidentId: command.incidentId, driverId: command.driverId, status: 'PENDING', amount: command.amount, createdAt: now };
}

/** What a VoidPaymentAuthorization that finds nothing stores, so an AuthorizePayment arriving after it takes no hold. */
export function voidedUnasked(command: VoidPaymentAuthorizationData, now: string): Authorization {
  return { authorizationId: authorizationIdOf(command.sagaId), sagaId: command.sagaId, incidentId: command.incidentId, status: 'VOIDED', amount: NOTHING, createdAt: now, voidedAt: now };
}

/** The processor's answer applied to a PENDING authorization, with the saga's reply; undefined while it has not answered. */
export function settle(pending: Authorization, answer: ProcessorAnswer, cause: EventContext, now: string): { next: Authorization; reply: PaymentReply } | undefined {
  if (answer.outcome === 'no_answer') return undefined;
  const { sagaId, incidentId, authorizationId, amount } = pending;
  if (answer.outcome === 'declined') {
    const reply = paymentEvents.PaymentAuthorizationFailed(
      { sagaId, incidentId, ...(pending.driverId ? { driverId: pending.driverId } : {}), reason: answer.reason, processorCode: answer.processorCode, canRetry: answer.canRetry, failedAt: now },
      replyContext('PaymentAuthorizationFailed', sagaId, cause, now),
    );
    return { next: { ...pending, status: 'DECLINED', declineReason: answer.reason, decidedAt: now }, reply };
  }
  const paymentMethod = { type: 'card' as const, brand: answer.brand, last4: answer.last4 };
  const expiresAt = new Date(Date.parse(now) + HOLD_DAYS * 86_400_000).toISOString();
  const reply = paymentEvents.PaymentAuthorized({ sagaId, incidentId, authorizationId, amount, paymentMethod, authorizedAt: now, expiresAt }, { ...replyContext('PaymentAuthorized', sagaId, cause, now), aggregateId: authorizationId, sequence: 1 });
  return { next: { ...pending, status: 'AUTHORIZED', paymentMethod, decidedAt: now, expiresAt }, reply };
}

/** PaymentAuthorizationVoided: once per saga, whatever there was to void. */
export function voidedReply(command: VoidPaymentAuthorizationData, found: Authorization | undefined, cause: EventContext, now: string): PaymentReply {
  const authorizationId = authorizationIdOf(command.sagaId);
  const data = { sagaId: command.sagaId, incidentId: command.incidentId, authorizationId, amount: found?.amount ?? NOTHING, voidedAt: now };
  const context = replyContext('PaymentAuthorizationVoided', command.sagaId, cause, now);
  // Only an authorization announced by PaymentAuthorized is an aggregate with an earlier event.
  const announced = found?.status === 'AUTHORIZED' || (found?.status === 'VOIDED' && found.paymentMethod !== undefined);
  return paymentEvents.PaymentAuthorizationVoided(data, announced ? { ...context, aggregateId: authorizationId, sequence: 2 } : context);
}
