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

/** What a capture (a charge of the card, against the hold when there is one) comes back with. */
export type CaptureAnswer =
  | { outcome: 'captured'; transactionId: string; brand: string; last4: string }
  | { outcome: 'declined'; code: string; message: string }
  /** The processor could not answer now (timeout, 5xx): asking again with the same key is safe. */
  | { outcome: 'unavailable'; message: string };

export interface CaptureRequest {
  /** One per payment: the processor charges a key once and answers every later call with that charge. */
  idempotencyKey: string;
  /** The saga's hold, when there is one; without it the card is charged directly. */
  authorizationId?: string;
  token: string;
  amountCents: number;
  currency: string;
}

export interface CardProcessor {
  authorize(request: { authorizationId: string; token: string; amountCents: number; currency: string }): Promise<ProcessorAnswer>;
  /** Releases a hold, pending or approved; voiding an unknown or voided one is not an error. */
  void(authorizationId: string): Promise<void>;
  capture(request: CaptureRequest): Promise<CaptureAnswer>;
}

/** The documented test tokens and what the fake processor answers for each. */
export const TEST_TOKENS: Readonly<Record<string, ProcessorAnswer>> = {
  tok_visa: { outcome: 'approved', brand: 'visa', last4: '4242' },
  tok_chargeDeclined: { outcome: 'declined', reason: 'card_declined', processorCode: 'card_declined', canRetry: false },
  // Funds may be there later: the driver can try again.
  tok_insufficientFunds: { outcome: 'declined', reason: 'insufficient_funds', processorCode: 'insufficient_funds', canRetry: true },
  tok_timeout: { outcome: 'no_answer' },
  // Cards that authorize but whose capture goes wrong (see CAPTURE_BEHAVIOUR).
  tok_captureDeclined: { outcome: 'approved', brand: 'visa', last4: '0341' },
  tok_processorFlaky: { outcome: 'approved', brand: 'mastercard', last4: '4444' },
  tok_processorDown: { outcome: 'approved', brand: 'visa', last4: '1881' },
};

/**
 * How each token's capture goes: `ok` charges; `declined` declines (card_declined);
 * `flaky` is unavailable for the first FLAKY_FAILURES calls of a key, then charges;
 * `down` is always unavailable. Tokens whose authorization is declined decline the capture too.
 */
export const CAPTURE_BEHAVIOUR: Readonly<Record<string, 'ok' | 'declined' | 'flaky' | 'down'>> = {
  tok_visa: 'ok',
  tok_captureDeclined: 'declined',
  tok_processorFlaky: 'flaky',
  tok_processorDown: 'down',
  tok_timeout: 'down',
};
export const FLAKY_FAILURES = 2;

/** Any other token is not a card the processor knows. */
const UNKNOWN_TOKEN: ProcessorAnswer = { outcome: 'declined', reason: 'no_payment_method', processorCode: 'invalid_token', canRetry: false };

/** A fake processor and what it charged: one entry per idempotency key, however often it was asked. */
export type FakeProcessor = CardProcessor & { charges: ReadonlyMap<string, { amountCents: number; transactionId: string }> };

/**
 * A fake processor with its own memory of capture keys, as a real processor keeps them on
 * its side (a Lambda container's memory here: enough for a fake, never for money).
 */
export function createFakeProcessor(): FakeProcessor {
  const charges = new Map<string, { amountCents: number; transactionId: string }>();
  const calls = new Map<string, number>();
  return {
    charges,
    authorize: async ({ token }) => TEST_TOKENS[token] ?? UNKNOWN_TOKEN,
    void: async () => undefined,
    async capture({ idempotencyKey, token, amountCents }) {
      const card = TEST_TOKENS[token];
      const done = charges.get(idempotencyKey);
      if (done && card?.outcome === 'approved') return { outcome: 'captured', transactionId: done.transactionId, brand: card.brand, last4: card.last4 };
      const call = (calls.get(idempotencyKey) ?? 0) + 1;
      calls.set(idempotencyKey, call);
      const behaviour = CAPTURE_BEHAVIOUR[token] ?? 'declined';
      if (behaviour === 'down' || (behaviour === 'flaky' && call <= FLAKY_FAILURES)) return { outcome: 'unavailable', message: 'the processor timed out' };
      if (behaviour === 'declined' || card?.outcome !== 'approved') {
        const code = card?.outcome === 'declined' ? card.processorCode : card ? 'card_declined' : 'invalid_token';
        return { outcome: 'declined', code, message: `the card was declined (${code})` };
      }
      const transactionId = `ch_${idempotencyKey.replace(/-/g, '')}`;
      charges.set(idempotencyKey, { amountCents, transactionId });
      return { outcome: 'captured', transactionId, brand: card.brand, last4: card.last4 };
    },
  };
}

export const fakeProcessor: FakeProcessor = createFakeProcessor();
