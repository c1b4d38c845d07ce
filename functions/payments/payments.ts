// Payments after the work: plain functions, no AWS. One payment per incident (its id derived
// from the incident), its state machine, the approval and fraud rules, and its events, whose
// eventIds derive from the payment, so no event is ever sent twice (README "Payments").
import type { EventContext, Money, PaymentFailedData, PaymentFlaggedData, WorkCompletedData } from '../../generated';
import * as paymentEvents from '../../generated/publishers/payments';
import type { Backoff } from '../../lib/backoff';
import { nameUuid } from '../../lib/ids';
import { PAYMENTS_NAMESPACE, type Authorization } from './authorizations';
import type { CaptureAnswer } from './processor';

/**
 * AWAITING_APPROVAL: above the auto-approval limit or flagged, waits for the back office;
 * APPROVED: to be captured; COMPLETED / FAILED: the capture's outcome (final).
 */
export type PaymentStatus = 'AWAITING_APPROVAL' | 'APPROVED' | 'COMPLETED' | 'FAILED';

export type FlagReason = PaymentFlaggedData['reasons'][number];

export interface Payment {
  paymentId: string;
  incidentId: string;
  driverId: string;
  vendorId: string;
  /** The saga's hold that the capture charges; absent when there was none (the card is charged directly). */
  authorizationId?: string;
  /** The held amount, kept for the record (the fraud rule compares with it). */
  authorizedAmount?: Money;
  amount: Money;
  paymentMethod?: { type: 'card'; brand: string; last4: string };
  status: PaymentStatus;
  requiresApproval: boolean;
  flag?: { reasons: FlagReason[]; riskScore: number };
  /** The sequence of the payment's last event (aggregateId = paymentId). */
  sequence: number;
  createdAt: string;
  approvedBy?: string;
  approvedAt?: string;
  processorTransactionId?: string;
  completedAt?: string;
  failureCode?: string;
  failedAt?: string;
  /** Capture calls made in the attempt that decided it. */
  captureAttempts?: number;
}

/** The recent payments of one driver (the velocity rule's counter). */
export interface DriverVelocity {
  driverId: string;
  /** Optimistic concurrency: each write is conditioned on the version it read. */
  version: number;
  recent: { paymentId: string; at: string }[];
}

export type PaymentEvent =
  | ReturnType<typeof paymentEvents.PaymentCreated>
  | ReturnType<typeof paymentEvents.PaymentApproved>
  | ReturnType<typeof paymentEvents.PaymentFlagged>
  | ReturnType<typeof paymentEvents.PaymentCompleted>
  | ReturnType<typeof paymentEvents.PaymentFailed>;

/** Fraud rule: the final amount may be at most this many times the held amount (the accepted quote). */
export const MAX_AMOUNT_OVER_HOLD = 3;
/** Velocity rule: more than this many payments of one driver within VELOCITY_WINDOW_MS is flagged. */
export const MAX_PAYMENTS_IN_WINDOW = 3;
export const VELOCITY_WINDOW_MS = 24 * 3_600_000;
/** Capture calls per approval: the first and two retries on transient errors. */
export const CAPTURE_ATTEMPTS = 3;
export const CAPTURE_BACKOFF: Backoff = { baseMs: 200, maxMs: 2_000, jitter: 'equal' };
/** Who approves a payment under the limit. */
export const AUTO_APPROVER = 'auto';

export const paymentIdOf = (incidentId: string): string => nameUuid(PAYMENTS_NAMESPACE, 'payment', incidentId);
/** The processor's idempotency key of a payment's capture: one per payment, whatever calls it. */
export const captureKeyOf = (paymentId: string): string => nameUuid(PAYMENTS_NAMESPACE, 'capture', paymentId);

const eventContext = (name: string, payment: Pick<Payment, 'paymentId'>, sequence: number, cause: EventContext, now: string): EventContext => ({
  ...cause,
  eventId: nameUuid(PAYMENTS_NAMESPACE, name, payment.paymentId),
  occurredAt: now,
  aggregateId: payment.paymentId,
  sequence,
});

/** The fraud rule: why this payment must be reviewed (empty: it need not), and a score for the back office. */
export function assessRisk(amount: Money, authorization: Authorization | undefined, velocity: DriverVelocity | undefined, paymentId: string, now: string): { reasons: FlagReason[]; riskScore: number } {
  const reasons: FlagReason[] = [];
  const held = authorization?.status === 'AUTHORIZED' ? authorization.amount : undefined;
  if (held && held.currency === amount.currency && amount.amountCents > MAX_AMOUNT_OVER_HOLD * held.amountCents) reasons.push('amount_above_threshold');
  if (recentPayments(velocity, paymentId, now).length >= MAX_PAYMENTS_IN_WINDOW) reasons.push('velocity');
  return { reasons, riskScore: reasons.length === 0 ? 0 : Math.min(100, 50 + 25 * reasons.length) };
}

/** The driver's other payments inside the window ending now. */
function recentPayments(velocity: DriverVelocity | undefined, paymentId: string, now: string): DriverVelocity['recent'] {
  const since = Date.parse(now) - VELOCITY_WINDOW_MS;
  return (velocity?.recent ?? []).filter((p) => p.paymentId !== paymentId && Date.parse(p.at) > since);
}

/** The driver's counter with this payment added (and what left the window dropped). */
export function counted(velocity: DriverVelocity | undefined, driverId: string, paymentId: string, now: string): DriverVelocity {
  return { driverId, version: (velocity?.version ?? 0) + 1, recent: [...recentPayments(velocity, paymentId, now), { paymentId, at: now }] };
}

export interface NewPayment {
  payment: Payment;
  velocity: DriverVelocity;
  events: PaymentEvent[];
}

/**
 * WorkCompleted's payment: the amount is the final price; the saga's authorization (if it is
 * still AUTHORIZED) is the hold to capture. Flagged: held for review; else at most
 * `autoApproveCents`: approved at once; else waits for the back office.
 */
export function createPayment(work: WorkCompletedData, authorization: Authorization | undefined, velocity: DriverVelocity | undefined, autoApproveCents: number, cause: EventContext, now: string): NewPayment {
  const paymentId = paymentIdOf(work.incidentId);
  const hold = authorization?.status === 'AUTHORIZED' ? authorization : undefined;
  const risk = assessRisk(work.finalPrice, hold, velocity, paymentId, now);
  const flagged = risk.reasons.length > 0;
  const autoApproved = !flagged && work.finalPrice.amountCents <= autoApproveCents;
  const payment: Payment = {
    paymentId,
    incidentId: work.incidentId,
    driverId: work.driverId,
    vendorId: work.vendorId,
    ...(hold ? { authorizationId: hold.authorizationId, authorizedAmount: hold.amount } : {}),
    ...(hold?.paymentMethod ? { paymentMethod: hold.paymentMethod } : {}),
    amount: work.finalPrice,
    status: autoApproved ? 'APPROVED' : 'AWAITING_APPROVAL',
    requiresApproval: !autoApproved,
    ...(flagged ? { flag: risk } : {}),
    sequence: 2,
    createdAt: now,
    ...(autoApproved ? { approvedBy: AUTO_APPROVER, approvedAt: now } : {}),
  };
  const base = { paymentId, incidentId: work.incidentId, amount: work.finalPrice };
  const parties = { driverId: work.driverId, vendorId: work.vendorId };
  const created = paymentEvents.PaymentCreated(
    { ...base, driverId: work.driverId, vendorId: work.vendorId, ...(payment.authorizationId ? { authorizationId: payment.authorizationId } : {}), ...(payment.paymentMethod ? { paymentMethod: payment.paymentMethod } : {}), requiresApproval: payment.requiresApproval, createdAt: now },
    eventContext('PaymentCreated', payment, 1, cause, now),
  );
  const second = flagged
    ? paymentEvents.PaymentFlagged({ ...base, ...parties, riskScore: risk.riskScore, reasons: risk.reasons, reviewRequired: true, flaggedAt: now }, eventContext('PaymentFlagged', payment, 2, cause, now))
    : autoApproved
      ? paymentEvents.PaymentApproved({ ...base, ...parties, approvedBy: AUTO_APPROVER, approvedAt: now }, eventContext('PaymentApproved', payment, 2, cause, now))
      : undefined;
  if (!second) payment.sequence = 1;
  return { payment, velocity: counted(velocity, work.driverId, paymentId, now), events: second ? [created, second] : [created] };
}

export class PaymentRuleError extends Error {
  override readonly name = 'PaymentRuleError';
  constructor(
    readonly code: 'PAYMENT_NOT_FOUND' | 'NOT_AWAITING_APPROVAL',
    message: string,
  ) {
    super(message);
  }
}

/** The back office's approval of a payment that waits for it; anything else is a rule error naming the status. */
export function approve(payment: Payment, approvedBy: string, notes: string | undefined, cause: EventContext, now: string): { next: Payment; event: PaymentEvent } {
  if (payment.status !== 'AWAITING_APPROVAL') throw new PaymentRuleError('NOT_AWAITING_APPROVAL', `payment ${payment.paymentId} is ${payment.status}, not AWAITING_APPROVAL`);
  const sequence = payment.sequence + 1;
  const event = paymentEvents.PaymentApproved(
    { paymentId: payment.paymentId, incidentId: payment.incidentId, driverId: payment.driverId, vendorId: payment.vendorId, amount: payment.amount, approvedBy, ...(notes ? { notes } : {}), approvedAt: now },
    eventContext('PaymentApproved', payment, sequence, cause, now),
  );
  return { next: { ...payment, status: 'APPROVED', approvedBy, approvedAt: now, sequence }, event };
}

/**
 * A capture's outcome applied to an APPROVED payment: PaymentCompleted, or PaymentFailed for a
 * decline, or for an unavailable processor on the last attempt; undefined means try again.
 */
export function settleCapture(payment: Payment, answer: CaptureAnswer, attempt: number, cause: EventContext, now: string): { next: Payment; event: PaymentEvent } | undefined {
  const sequence = payment.sequence + 1;
  if (answer.outcome === 'captured') {
    const paymentMethod = payment.paymentMethod ?? { type: 'card' as const, brand: answer.brand, last4: answer.last4 };
    const event = paymentEvents.PaymentCompleted(
      { paymentId: payment.paymentId, incidentId: payment.incidentId, driverId: payment.driverId, vendorId: payment.vendorId, amount: payment.amount, paymentMethod, processorTransactionId: answer.transactionId, completedAt: now },
      eventContext('PaymentCompleted', payment, sequence, cause, now),
    );
    return { next: { ...payment, status: 'COMPLETED', paymentMethod, processorTransactionId: answer.transactionId, completedAt: now, captureAttempts: attempt, sequence }, event };
  }
  if (answer.outcome === 'unavailable' && attempt < CAPTURE_ATTEMPTS) return undefined;
  const failure: Pick<PaymentFailedData, 'failureCode' | 'failureMessage' | 'canRetry'> =
    answer.outcome === 'declined'
      ? { failureCode: normalizeCode(answer.code), failureMessage: answer.message, canRetry: false }
      : { failureCode: 'PROCESSOR_UNAVAILABLE', failureMessage: `${answer.message} (${attempt} attempts)`, canRetry: true };
  const event = paymentEvents.PaymentFailed(
    { paymentId: payment.paymentId, incidentId: payment.incidentId, driverId: payment.driverId, amount: payment.amount, ...failure, attempt, failedAt: now },
    eventContext('PaymentFailed', payment, sequence, cause, now),
  );
  return { next: { ...payment, status: 'FAILED', failureCode: failure.failureCode, failedAt: now, captureAttempts: attempt, sequence }, event };
}

/** A processor code as the spec's failureCode (`card_declined` -> `CARD_DECLINED`). */
export function normalizeCode(code: string): string {
  const upper = code.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^[^A-Z]+/, '');
  return upper || 'DECLINED';
}
