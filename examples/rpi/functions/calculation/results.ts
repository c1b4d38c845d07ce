// What the calculation service decides about publishing, pure: a calculation becomes the
// season's current results unless the current ones are over more matches (a newer season state:
// publishing this one would go back in time); withdrawing restores what it replaced.

export type CalculationStatus = 'DRAFT' | 'PUBLISHED' | 'WITHDRAWN' | 'DISCARDED';

export interface StoredCalculation {
  calculationId: string;
  season: string;
  status: CalculationStatus;
  /** How many matches the ratings are over. */
  matches: number;
  calculatedAt: string;
  /** Set on publication: the current results it replaced. */
  previousCalculationId?: string;
}

export interface Current {
  calculationId: string;
  matches: number;
  publishedAt: string;
}

export type PublishDecision = { ok: true; previousCalculationId?: string; alreadyPublished: boolean } | { ok: false; errorCode: 'NO_DRAFT' | 'STALE_CALCULATION' | 'NOT_PUBLISHABLE'; errorMessage: string };

export function decidePublish(calculation: StoredCalculation | undefined, current: Current | undefined, calculationId: string): PublishDecision {
  if (!calculation) return { ok: false, errorCode: 'NO_DRAFT', errorMessage: `calculation ${calculationId} has no stored ratings` };
  if (current?.calculationId === calculationId) return { ok: true, alreadyPublished: true, ...(calculation.previousCalculationId ? { previousCalculationId: calculation.previousCalculationId } : {}) };
  if (calculation.status !== 'DRAFT') return { ok: false, errorCode: 'NOT_PUBLISHABLE', errorMessage: `calculation ${calculationId} is ${calculation.status}` };
  if (current && current.matches > calculation.matches) {
    return { ok: false, errorCode: 'STALE_CALCULATION', errorMessage: `the published results (${current.calculationId}) are over ${current.matches} matches, this calculation over ${calculation.matches}` };
  }
  return { ok: true, alreadyPublished: false, ...(current ? { previousCalculationId: current.calculationId } : {}) };
}

export type WithdrawDecision = { withdraw: false } | { withdraw: true; restore?: string };

/** Withdraw only what is current: another calculation published since is left alone. */
export function decideWithdraw(calculation: StoredCalculation | undefined, current: Current | undefined): WithdrawDecision {
  if (!calculation || current?.calculationId !== calculation.calculationId) return { withdraw: false };
  return calculation.previousCalculationId ? { withdraw: true, restore: calculation.previousCalculationId } : { withdraw: true };
}
