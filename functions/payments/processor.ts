// A deterministic fake card processor (README.md, "The fake card processor"): the outcome
// of an authorization depends on the card token alone, so tests and demos can choose it.
// No network, no randomness; `authorize` is idempotent per authorizationId like a real one.
import type { PaymentAuthorizationFailedData } from '../../generated';

export type DeclineReason = PaymentAuthorizationFailedData['reason'];

export type ProcessorAnswer =
  | { outcome: 'approved'; brand: string; last4: string }
  | { outcome: 'declined'; reason: DeclineReason; processorCode: string; canRetry: boolean }
  /** The processor never answered: the hold stays pending until it is voided. */
  | { outcome: 'no_answer' };

export interface CardProcessor {
  authorize(request: { authorizationId: string; token: string; amountCents: number; currency: string }): Promise<ProcessorAnswer>;
  /** Releases a hold, pending or approved; voiding an unknown or voided one is not an error. */
  void(authorizationId: string): Promise<void>;
}

/** The documented test tokens and what the fake processor answers for each. */
export const TEST_TOKENS: Readonly<Record<string, ProcessorAnswer>> = {
  tok_visa: { outcome: 'approved', brand: 'visa', last4: '4242' },
  tok_chargeDeclined: { outcome: 'declined', reason: 'card_declined', processorCode: 'card_declined', canRetry: false },
  // Funds may be there later: the driver can try again.
  tok_insufficientFunds: { outcome: 'declined', reason: 'insufficient_funds', processorCode: 'insufficient_funds', canRetry: true },
  tok_timeout: { outcome: 'no_answer' },
};

/** Any other token is not a card the processor knows. */
const UNKNOWN_TOKEN: ProcessorAnswer = { outcome: 'declined', reason: 'no_payment_method', processorCode: 'invalid_token', canRetry: false };

export const fakeProcessor: CardProcessor = {
  authorize: async ({ token }) => TEST_TOKENS[token] ?? UNKNOWN_TOKEN,
  void: async () => undefined,
};
