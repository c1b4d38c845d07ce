// The payments service's rules (pure). A user's payment account is a credit line opened on
// user.created: students may hold and spend up to STUDENT_CREDIT_EUR; tutors and admins pay
// nothing through the platform (0). An authorization holds an amount (available credit goes
// down); a capture turns it into a completed payment; a release gives it back.
import type { UserRole } from '../../generated';

export const CREDIT_LIMIT_EUR: Record<UserRole, number> = { STUDENT: 100, TUTOR: 0, ADMIN: 0 };

export interface Account {
  userId: string;
  role: UserRole;
  limitCents: number;
  authorizedCents: number;
  capturedCents: number;
}

/** EUR with cents (the spec's Amount) to integer cents, refusing what is not an amount. */
export function toCents(amount: number): number {
  const cents = Math.round(amount * 100);
  if (!Number.isFinite(amount) || amount < 0 || Math.abs(cents - amount * 100) > 1e-6) throw new RangeError(`amount ${amount} is not a non-negative EUR amount with at most two decimals`);
  return cents;
}

export const fromCents = (cents: number): number => cents / 100;

export function availableCents(account: Account): number {
  return account.limitCents - account.authorizedCents - account.capturedCents;
}

export function openAccount(userId: string, role: UserRole): Account {
  return { userId, role, limitCents: toCents(CREDIT_LIMIT_EUR[role]), authorizedCents: 0, capturedCents: 0 };
}

export type AuthorizationDecision = { ok: true; account: Account } | { ok: false; code: 'NO_ACCOUNT' | 'INSUFFICIENT_FUNDS'; reason: string };

/** May `amountCents` be held on the account? The account after the hold when it may. */
export function authorize(account: Account | undefined, userId: string, amountCents: number): AuthorizationDecision {
  if (!account) return { ok: false, code: 'NO_ACCOUNT', reason: `user ${userId} has no payment account` };
  const available = availableCents(account);
  if (amountCents > available) return { ok: false, code: 'INSUFFICIENT_FUNDS', reason: `${fromCents(amountCents).toFixed(2)} EUR asked, ${fromCents(available).toFixed(2)} EUR available` };
  return { ok: true, account: { ...account, authorizedCents: account.authorizedCents + amountCents } };
}

/** The account after a release (a compensation) of a held amount. */
export function release(account: Account, amountCents: number): Account {
  return { ...account, authorizedCents: Math.max(0, account.authorizedCents - amountCents) };
}

/** The account after the capture of a held amount. */
export function capture(account: Account, amountCents: number): Account {
  return { ...account, authorizedCents: Math.max(0, account.authorizedCents - amountCents), capturedCents: account.capturedCents + amountCents };
}
