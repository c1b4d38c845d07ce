import type { AuthorizePaymentData, VoidPaymentAuthorizationData } from '../../generated';
import { authorizationIdOf } from '../../functions/payments/authorizations';
import { makeHandlers } from '../../functions/payments/consumer';
import { fakeProcessor, TEST_TOKENS, type CardProcessor } from '../../functions/payments/processor';
import wallets from '../../functions/payments/wallets.json';
import { tokenOf } from '../../functions/payments/wallets';
import { consumerContext, delivered } from '../helpers/handlers';
import { inMemoryAuthorizationStore } from '../helpers/participant-stores';
import { inMemoryPaymentStore } from '../helpers/payments-stores';

// The payments service as the assignment saga's participant, on an in-memory store and the
// fake card processor: the token decides the answer, each saga gets one reply, a hold the
// processor never answered stays PENDING until the compensation voids it.

const SAGA = '8f47d79b-b49c-4cb8-8c28-5a85a2e175ff';
const INCIDENT = '3600e936-9901-49b3-ba7b-1d5fa897373f';
const DEMO_DRIVER = '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const driverWith = (token: string): string => Object.entries(wallets.drivers).find(([, w]) => w.token === token)?.[0] ?? 'none';
const now = () => '2025-03-14T09:13:00.402Z';

const authorize = (driverId = DEMO_DRIVER, eventId = 'cmd-authorize-1') =>
  delivered('AuthorizePayment', 'roadcall.match', { sagaId: SAGA, incidentId: INCIDENT, driverId, vendorId: '57a202e4-0fc3-4554-9092-44656b4f1879', offerId: '0c0b6f36-3f0e-4b7e-9d3c-6a1c2b3d4e5f', amount: { amountCents: 9050, currency: 'USD' } } satisfies AuthorizePaymentData, { eventId, correlationId: 'corr-saga' });
const voidIt = (eventId = 'cmd-void-1') =>
  delivered('VoidPaymentAuthorization', 'roadcall.match', { sagaId: SAGA, incidentId: INCIDENT, authorizationId: authorizationIdOf(SAGA), reason: 'saga_timeout' } satisfies VoidPaymentAuthorizationData, { eventId, correlationId: 'corr-saga' });

function setup(processor: CardProcessor = fakeProcessor) {
  const store = inMemoryAuthorizationStore();
  return { store, handlers: makeHandlers({ authorizations: store, payments: inMemoryPaymentStore(), processor, autoApproveCents: () => 50_000, now, sleep: async () => undefined }) };
}

describe('fake card processor and wallets', () => {
  it('answers each documented token deterministically, and an unknown token as no payment method', async () => {
    const ask = (token: string) => fakeProcessor.authorize({ authorizationId: 'a', token, amountCents: 100, currency: 'USD' });
    expect(await ask('tok_visa')).toEqual({ outcome: 'approved', brand: 'visa', last4: '4242' });
    expect(await ask('tok_chargeDeclined')).toMatchObject({ outcome: 'declined', reason: 'card_declined' });
    expect(await ask('tok_insufficientFunds')).toMatchObject({ outcome: 'declined', reason: 'insufficient_funds' });
    expect(await ask('tok_timeout')).toEqual({ outcome: 'no_answer' });
    expect(await ask('tok_nope')).toMatchObject({ outcome: 'declined', reason: 'no_payment_method' });
  });

  it('gives the demo driver and any unlisted driver tok_visa, and the documented test drivers their tokens', () => {
    expect(tokenOf(DEMO_DRIVER)).toBe('tok_visa');
    expect(tokenOf('00000000-0000-4000-8000-000000000000')).toBe('tok_visa');
    expect(new Set(Object.values(wallets.drivers).map((w) => w.token))).toEqual(new Set(['tok_chargeDeclined', 'tok_insufficientFunds', 'tok_timeout', 'tok_captureDeclined', 'tok_processorFlaky', 'tok_processorDown']));
    for (const w of Object.values(wallets.drivers)) expect(TEST_TOKENS).toHaveProperty([w.token]);
  });
});

describe('AuthorizePayment', () => {
  it('authorizes the demo driver and replies PaymentAuthorized with the saga id, correlation, causation and the card summary', async () => {
    // Prepare
    const { store, handlers } = setup();
    const command = authorize();

    // Act
    await handlers.AuthorizePayment(command, consumerContext(command));

    // Assess
    expect(store.items.get(SAGA)).toMatchObject({ status: 'AUTHORIZED', authorizationId: authorizationIdOf(SAGA), amount: { amountCents: 9050, currency: 'USD' } });
    expect(store.sent).toHaveLength(1);
    expect(store.sent[0]).toMatchObject({
      detailType: 'PaymentAuthorized',
      detail: {
        metadata: { correlationId: 'corr-saga', causationId: 'cmd-authorize-1', aggregateId: authorizationIdOf(SAGA), sequence: 1, producer: 'payments' },
        data: { sagaId: SAGA, incidentId: INCIDENT, authorizationId: authorizationIdOf(SAGA), amount: { amountCents: 9050, currency: 'USD' }, paymentMethod: { type: 'card', brand: 'visa', last4: '4242' }, authorizedAt: now(), expiresAt: '2025-03-21T09:13:00.402Z' },
      },
    });
  });

  it.each([
    ['tok_chargeDeclined', 'card_declined', false],
    ['tok_insufficientFunds', 'insufficient_funds', true],
  ])('replies PaymentAuthorizationFailed for a driver paying with %s (reason %s), naming the driver', async (token, reason, canRetry) => {
    // Prepare
    const { store, handlers } = setup();
    const command = authorize(driverWith(token));

    // Act
    await handlers.AuthorizePayment(command, consumerContext(command));

    // Assess
    expect(store.items.get(SAGA)?.status).toBe('DECLINED');
    expect(store.sent).toHaveLength(1);
    expect(store.sent[0]).toMatchObject({ detailType: 'PaymentAuthorizationFailed', detail: { metadata: { causationId: 'cmd-authorize-1' }, data: { sagaId: SAGA, driverId: driverWith(token), reason, processorCode: reason, canRetry } } });
  });

  it('leaves the authorization PENDING and sends no reply when the processor never answers', async () => {
    // Prepare
    const { store, handlers } = setup();
    const command = authorize(driverWith('tok_timeout'));

    // Act
    await handlers.AuthorizePayment(command, consumerContext(command));

    // Assess
    expect(store.items.get(SAGA)?.status).toBe('PENDING');
    expect(store.sent).toEqual([]);
  });

  it('answers a duplicate command with nothing: the processor is not asked again, no second reply', async () => {
    // Prepare
    const authorizeSpy = jest.fn(fakeProcessor.authorize);
    const { store, handlers } = setup({ ...fakeProcessor, authorize: authorizeSpy });
    await handlers.AuthorizePayment(authorize(), consumerContext(authorize()));
    const again = authorize(DEMO_DRIVER, 'cmd-authorize-resent');

    // Act
    await handlers.AuthorizePayment(again, consumerContext(again));

    // Assess
    expect(authorizeSpy).toHaveBeenCalledTimes(1);
    expect(store.sent.map((e) => e.detailType)).toEqual(['PaymentAuthorized']);
  });
});

describe('VoidPaymentAuthorization', () => {
  it('voids the pending hold of a processor that never answered (the step timed out) and replies once', async () => {
    // Prepare
    const voidSpy = jest.fn(fakeProcessor.void);
    const { store, handlers } = setup({ ...fakeProcessor, void: voidSpy });
    const command = authorize(driverWith('tok_timeout'));
    await handlers.AuthorizePayment(command, consumerContext(command));

    // Act
    await handlers.VoidPaymentAuthorization(voidIt(), consumerContext(voidIt()));
    await handlers.VoidPaymentAuthorization(voidIt('cmd-void-2'), consumerContext(voidIt('cmd-void-2')));

    // Assess
    expect(voidSpy).toHaveBeenCalledWith(authorizationIdOf(SAGA));
    expect(store.items.get(SAGA)).toMatchObject({ status: 'VOIDED', voidedAt: now() });
    expect(store.sent).toHaveLength(1);
    expect(store.sent[0]).toMatchObject({ detailType: 'PaymentAuthorizationVoided', detail: { metadata: { correlationId: 'corr-saga', causationId: 'cmd-void-1' }, data: { sagaId: SAGA, authorizationId: authorizationIdOf(SAGA), amount: { amountCents: 9050, currency: 'USD' } } } });
  });

  it('voids an authorized hold, the reply following PaymentAuthorized on the same aggregate', async () => {
    // Prepare
    const { store, handlers } = setup();
    await handlers.AuthorizePayment(authorize(), consumerContext(authorize()));

    // Act
    await handlers.VoidPaymentAuthorization(voidIt(), consumerContext(voidIt()));

    // Assess
    expect(store.items.get(SAGA)?.status).toBe('VOIDED');
    expect(store.sent.map((e) => [e.detailType, e.detail.metadata])).toEqual([
      ['PaymentAuthorized', expect.objectContaining({ aggregateId: authorizationIdOf(SAGA), sequence: 1 })],
      ['PaymentAuthorizationVoided', expect.objectContaining({ aggregateId: authorizationIdOf(SAGA), sequence: 2 })],
    ]);
  });

  it('replies once when there is nothing to void (never authorized), and a late AuthorizePayment then takes no hold', async () => {
    // Prepare
    const authorizeSpy = jest.fn(fakeProcessor.authorize);
    const { store, handlers } = setup({ ...fakeProcessor, authorize: authorizeSpy });

    // Act
    await handlers.VoidPaymentAuthorization(voidIt(), consumerContext(voidIt()));
    await handlers.VoidPaymentAuthorization(voidIt('cmd-void-2'), consumerContext(voidIt('cmd-void-2')));
    await handlers.AuthorizePayment(authorize(), consumerContext(authorize()));

    // Assess
    expect(authorizeSpy).not.toHaveBeenCalled();
    expect(store.sent.map((e) => e.detailType)).toEqual(['PaymentAuthorizationVoided']);
    expect(store.sent[0]).toMatchObject({ detail: { data: { amount: { amountCents: 0, currency: 'USD' } } } });
  });

  it('replies once for a declined authorization, which holds nothing', async () => {
    // Prepare
    const voidSpy = jest.fn(fakeProcessor.void);
    const { store, handlers } = setup({ ...fakeProcessor, void: voidSpy });
    const declined = authorize(driverWith('tok_chargeDeclined'));
    await handlers.AuthorizePayment(declined, consumerContext(declined));

    // Act
    await handlers.VoidPaymentAuthorization(voidIt(), consumerContext(voidIt()));
    await handlers.VoidPaymentAuthorization(voidIt('cmd-void-2'), consumerContext(voidIt('cmd-void-2')));

    // Assess
    expect(voidSpy).not.toHaveBeenCalled();
    expect(store.items.get(SAGA)?.status).toBe('DECLINED');
    expect(store.sent.map((e) => e.detailType)).toEqual(['PaymentAuthorizationFailed', 'PaymentAuthorizationVoided']);
  });

  it('releases an approval that arrives after the void, without replying again', async () => {
    // Prepare: the processor answers only after the compensation voided the pending hold.
    const store = inMemoryAuthorizationStore();
    const voidSpy = jest.fn(fakeProcessor.void);
    let handlers!: ReturnType<typeof makeHandlers>;
    const slow: CardProcessor = {
      authorize: async (request) => {
        await handlers.VoidPaymentAuthorization(voidIt(), consumerContext(voidIt()));
        return fakeProcessor.authorize(request);
      },
      void: voidSpy,
      capture: fakeProcessor.capture,
    };
    handlers = makeHandlers({ authorizations: store, payments: inMemoryPaymentStore(), processor: slow, autoApproveCents: () => 50_000, now, sleep: async () => undefined });

    // Act
    await handlers.AuthorizePayment(authorize(), consumerContext(authorize()));

    // Assess
    expect(store.items.get(SAGA)?.status).toBe('VOIDED');
    expect(store.sent.map((e) => e.detailType)).toEqual(['PaymentAuthorizationVoided']);
    expect(voidSpy).toHaveBeenCalledTimes(2);
  });
});
