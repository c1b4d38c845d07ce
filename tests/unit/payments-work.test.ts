import type { AuthorizePaymentData, WorkCompletedData } from '../../generated';
import { authorizationIdOf } from '../../functions/payments/authorizations';
import { makeHandlers } from '../../functions/payments/consumer';
import { AUTO_APPROVER, CAPTURE_ATTEMPTS, captureKeyOf, normalizeCode, paymentIdOf, VELOCITY_WINDOW_MS } from '../../functions/payments/payments';
import { createFakeProcessor, FLAKY_FAILURES, type FakeProcessor } from '../../functions/payments/processor';
import wallets from '../../functions/payments/wallets.json';
import { consumerContext, delivered } from '../helpers/handlers';
import { inMemoryAuthorizationStore } from '../helpers/participant-stores';
import { inMemoryPaymentStore } from '../helpers/payments-stores';

// The payment after the work, on in-memory stores and the fake processor: WorkCompleted
// creates one payment per incident (auto-approved under the limit, waiting above it, flagged
// by the fraud rule), PaymentApproved captures it once (retrying an unavailable processor with
// backoff, failing a declined card), however often and however concurrently events arrive.

const SAGA = '8f47d79b-b49c-4cb8-8c28-5a85a2e175ff';
const OTHER_SAGA = '4098a1a3-e469-4493-a290-b2e7b2b5f7ff';
const INCIDENT = '3600e936-9901-49b3-ba7b-1d5fa897373f';
const VENDOR = '57a202e4-0fc3-4554-9092-44656b4f1879';
const DEMO_DRIVER = '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const LIMIT = 50_000;
const driverWith = (token: string): string => Object.entries(wallets.drivers).find(([, w]) => w.token === token)?.[0] ?? 'none';
const incident = (n: number): string => `3600e936-9901-49b3-ba7b-${n.toString(16).padStart(12, '0')}`;

const authorize = (over: Partial<AuthorizePaymentData> = {}) =>
  delivered('AuthorizePayment', 'roadcall.match', { sagaId: SAGA, incidentId: INCIDENT, driverId: DEMO_DRIVER, vendorId: VENDOR, offerId: '0c0b6f36-3f0e-4b7e-9d3c-6a1c2b3d4e5f', amount: { amountCents: 9050, currency: 'USD' }, ...over } satisfies AuthorizePaymentData, { eventId: `cmd-authorize-${over.sagaId ?? SAGA}`, correlationId: 'corr-saga' });
const workCompleted = (over: Partial<WorkCompletedData> = {}, eventId = 'evt-work-completed') =>
  delivered(
    'WorkCompleted',
    'roadcall.incident',
    {
      incidentId: INCIDENT,
      driverId: DEMO_DRIVER,
      vendorId: VENDOR,
      outcome: 'resolved',
      lineItems: [{ code: 'parts', description: 'Spare tyre', amount: { amountCents: 4000, currency: 'USD' } }],
      finalPrice: { amountCents: 13050, currency: 'USD' },
      startedAt: '2025-03-14T10:00:00.000Z',
      completedAt: '2025-03-14T10:40:00.000Z',
      ...over,
    } satisfies WorkCompletedData,
    { eventId, correlationId: 'corr-incident' },
  );

function setup(options: { now?: () => string; processor?: FakeProcessor } = {}) {
  const authorizations = inMemoryAuthorizationStore();
  const payments = inMemoryPaymentStore();
  const processor = options.processor ?? createFakeProcessor();
  const delays: number[] = [];
  let clock = '2025-03-14T10:40:01.000Z';
  const now = options.now ?? (() => clock);
  const handlers = makeHandlers({ authorizations, payments, processor, autoApproveCents: () => LIMIT, now, sleep: async (ms) => void delays.push(ms) });
  /** Delivers every PaymentApproved written so far (as the bus would), once. */
  let delivered = 0;
  const deliverApprovals = async (): Promise<void> => {
    const approvals = payments.sent.filter((e) => e.detailType === 'PaymentApproved').slice(delivered);
    delivered += approvals.length;
    for (const e of approvals) {
      const event = { ...workCompleted(), 'detail-type': 'PaymentApproved', source: 'roadcall.payment', detail: e.detail } as unknown as Parameters<typeof handlers.PaymentApproved>[0];
      await handlers.PaymentApproved(event, consumerContext(event));
    }
  };
  const run = async (event: ReturnType<typeof workCompleted>): Promise<void> => handlers.WorkCompleted(event, consumerContext(event));
  return { authorizations, payments, processor, handlers, delays, run, deliverApprovals, setClock: (at: string) => void (clock = at) };
}

const types = (store: { sent: { detailType: string }[] }) => store.sent.map((e) => e.detailType);

describe('WorkCompleted: the payment', () => {
  it('creates one payment with the final price, referencing the saga authorization, auto-approved under the limit, then captured once', async () => {
    // Prepare
    const s = setup();
    await s.handlers.AuthorizePayment(authorize(), consumerContext(authorize()));

    // Act
    await s.run(workCompleted());
    await s.deliverApprovals();

    // Assess
    const paymentId = paymentIdOf(INCIDENT);
    expect(types(s.payments)).toEqual(['PaymentCreated', 'PaymentApproved', 'PaymentCompleted']);
    expect(s.payments.sent[0]?.detail).toMatchObject({
      metadata: { correlationId: 'corr-incident', causationId: 'evt-work-completed', aggregateId: paymentId, sequence: 1, producer: 'payments' },
      data: { paymentId, incidentId: INCIDENT, driverId: DEMO_DRIVER, vendorId: VENDOR, authorizationId: authorizationIdOf(SAGA), amount: { amountCents: 13050, currency: 'USD' }, paymentMethod: { type: 'card', brand: 'visa', last4: '4242' }, requiresApproval: false },
    });
    expect(s.payments.sent[1]?.detail).toMatchObject({ metadata: { sequence: 2 }, data: { paymentId, approvedBy: AUTO_APPROVER, amount: { amountCents: 13050 } } });
    expect(s.payments.sent[2]?.detail).toMatchObject({ metadata: { sequence: 3 }, data: { paymentId, processorTransactionId: expect.stringMatching(/^ch_/), amount: { amountCents: 13050 } } });
    expect(s.payments.items.get(paymentId)).toMatchObject({ status: 'COMPLETED', captureAttempts: 1 });
    expect([...s.processor.charges.values()]).toEqual([{ amountCents: 13050, transactionId: expect.any(String) }]);
  });

  it('derives the payment id from the incident: a redelivered WorkCompleted (new event id) creates nothing more, and a redelivered PaymentApproved charges nothing more', async () => {
    // Prepare
    const s = setup();
    await s.run(workCompleted());
    await s.deliverApprovals();
    const approved = s.payments.sent.find((e) => e.detailType === 'PaymentApproved');
    const again = { ...workCompleted(), 'detail-type': 'PaymentApproved', source: 'roadcall.payment', detail: approved?.detail } as unknown as Parameters<typeof s.handlers.PaymentApproved>[0];

    // Act
    await s.run(workCompleted({}, 'evt-work-completed-redelivered'));
    await s.handlers.PaymentApproved(again, consumerContext(again));

    // Assess
    expect(types(s.payments)).toEqual(['PaymentCreated', 'PaymentApproved', 'PaymentCompleted']);
    expect(s.processor.charges.size).toBe(1);
    expect(s.payments.counters.get(DEMO_DRIVER)?.recent).toHaveLength(1);
  });

  it('charges once when two deliveries of PaymentApproved capture at the same time: one idempotency key, one PaymentCompleted', async () => {
    // Prepare
    const s = setup();
    await s.run(workCompleted());
    const approved = s.payments.sent.find((e) => e.detailType === 'PaymentApproved');
    const event = { ...workCompleted(), 'detail-type': 'PaymentApproved', source: 'roadcall.payment', detail: approved?.detail } as unknown as Parameters<typeof s.handlers.PaymentApproved>[0];

    // Act
    await Promise.all([s.handlers.PaymentApproved(event, consumerContext(event)), s.handlers.PaymentApproved(event, consumerContext(event))]);

    // Assess
    expect(types(s.payments).filter((t) => t === 'PaymentCompleted')).toHaveLength(1);
    expect([...s.processor.charges.keys()]).toEqual([captureKeyOf(paymentIdOf(INCIDENT))]);
  });

  it('creates and captures the payment without a prior hold when the incident has no authorization held (none, or only a voided one)', async () => {
    // Prepare
    const s = setup();
    await s.handlers.AuthorizePayment(authorize({ sagaId: OTHER_SAGA }), consumerContext(authorize({ sagaId: OTHER_SAGA })));
    const voidIt = delivered('VoidPaymentAuthorization', 'roadcall.match', { sagaId: OTHER_SAGA, incidentId: INCIDENT, authorizationId: authorizationIdOf(OTHER_SAGA), reason: 'saga_timeout' as const }, { eventId: 'cmd-void' });
    await s.handlers.VoidPaymentAuthorization(voidIt, consumerContext(voidIt));

    // Act
    await s.run(workCompleted());
    await s.deliverApprovals();

    // Assess
    const created = s.payments.sent[0]?.detail.data;
    expect(created).toMatchObject({ paymentId: paymentIdOf(INCIDENT), requiresApproval: false });
    expect(created).not.toHaveProperty('authorizationId');
    expect(types(s.payments)).toEqual(['PaymentCreated', 'PaymentApproved', 'PaymentCompleted']);
    expect(s.payments.sent[2]?.detail.data).toMatchObject({ paymentMethod: { brand: 'visa', last4: '4242' } });
  });
});

describe('auto-approval limit', () => {
  it('approves a payment of exactly the limit at once', async () => {
    const s = setup();
    await s.run(workCompleted({ finalPrice: { amountCents: LIMIT, currency: 'USD' } }));
    expect(types(s.payments)).toEqual(['PaymentCreated', 'PaymentApproved']);
    expect(s.payments.items.get(paymentIdOf(INCIDENT))?.status).toBe('APPROVED');
  });

  it('holds a payment one cent above the limit for the back office: requiresApproval, no approval, no capture', async () => {
    // Prepare
    const s = setup();

    // Act
    await s.run(workCompleted({ finalPrice: { amountCents: LIMIT + 1, currency: 'USD' } }));
    await s.deliverApprovals();

    // Assess
    expect(types(s.payments)).toEqual(['PaymentCreated']);
    expect(s.payments.sent[0]?.detail.data).toMatchObject({ requiresApproval: true });
    expect(s.payments.items.get(paymentIdOf(INCIDENT))).toMatchObject({ status: 'AWAITING_APPROVAL', sequence: 1 });
    expect(s.processor.charges.size).toBe(0);
  });
});

describe('fraud rule', () => {
  it('flags an amount more than 3x the held amount: PaymentFlagged (amount_above_threshold), held, not approved even under the limit', async () => {
    // Prepare: 9050 held; 3 x 9050 = 27150 is the most that passes.
    const s = setup();
    await s.handlers.AuthorizePayment(authorize(), consumerContext(authorize()));

    // Act
    await s.run(workCompleted({ finalPrice: { amountCents: 27151, currency: 'USD' } }));
    await s.deliverApprovals();

    // Assess
    expect(types(s.payments)).toEqual(['PaymentCreated', 'PaymentFlagged']);
    expect(s.payments.sent[1]?.detail).toMatchObject({ metadata: { sequence: 2 }, data: { reasons: ['amount_above_threshold'], reviewRequired: true, riskScore: 75 } });
    expect(s.payments.items.get(paymentIdOf(INCIDENT))).toMatchObject({ status: 'AWAITING_APPROVAL', requiresApproval: true });
    expect(s.processor.charges.size).toBe(0);
  });

  it('lets exactly 3x the held amount through', async () => {
    const s = setup();
    await s.handlers.AuthorizePayment(authorize(), consumerContext(authorize()));
    await s.run(workCompleted({ finalPrice: { amountCents: 27150, currency: 'USD' } }));
    expect(types(s.payments)).toEqual(['PaymentCreated', 'PaymentApproved']);
  });

  it("flags a driver's 4th payment within 24 hours (velocity), and not one after the window has passed", async () => {
    // Prepare
    const s = setup();
    for (let n = 1; n <= 3; n += 1) await s.run(workCompleted({ incidentId: incident(n) }, `evt-${n}`));

    // Act
    await s.run(workCompleted({ incidentId: incident(4) }, 'evt-4'));
    s.setClock(new Date(Date.parse('2025-03-14T10:40:01.000Z') + VELOCITY_WINDOW_MS + 1).toISOString());
    await s.run(workCompleted({ incidentId: incident(5) }, 'evt-5'));

    // Assess
    const flagged = s.payments.sent.filter((e) => e.detailType === 'PaymentFlagged');
    expect(flagged.map((e) => e.detail.data['paymentId'])).toEqual([paymentIdOf(incident(4))]);
    expect(flagged[0]?.detail.data).toMatchObject({ reasons: ['velocity'] });
    expect(s.payments.items.get(paymentIdOf(incident(5)))?.status).toBe('APPROVED');
    expect(s.payments.counters.get(DEMO_DRIVER)?.recent.map((p) => p.paymentId)).toEqual([paymentIdOf(incident(5))]);
  });

  it("counts two payments of one driver created at the same time both: the loser of the counter write reads again and writes on the winner's count", async () => {
    // Prepare
    const s = setup();

    // Act
    await Promise.all([s.run(workCompleted({ incidentId: incident(1) }, 'evt-1')), s.run(workCompleted({ incidentId: incident(2) }, 'evt-2'))]);

    // Assess
    expect(s.payments.counters.get(DEMO_DRIVER)).toMatchObject({ version: 2, recent: [{ paymentId: expect.any(String) }, { paymentId: expect.any(String) }] });
    expect(new Set(s.payments.counters.get(DEMO_DRIVER)?.recent.map((p) => p.paymentId))).toEqual(new Set([paymentIdOf(incident(1)), paymentIdOf(incident(2))]));
    expect(types(s.payments)).toEqual(['PaymentCreated', 'PaymentApproved', 'PaymentCreated', 'PaymentApproved']);
  });

  it('gives both reasons and a higher score when both rules fire', async () => {
    const s = setup();
    await s.handlers.AuthorizePayment(authorize(), consumerContext(authorize()));
    for (let n = 1; n <= 3; n += 1) await s.run(workCompleted({ incidentId: incident(n) }, `evt-${n}`));
    await s.run(workCompleted({ finalPrice: { amountCents: 40_000, currency: 'USD' } }));
    expect(s.payments.sent.at(-1)?.detail.data).toMatchObject({ paymentId: paymentIdOf(INCIDENT), reasons: ['amount_above_threshold', 'velocity'], riskScore: 100 });
  });
});

describe('PaymentApproved: the capture', () => {
  const approvedFor = async (driverId: string) => {
    const s = setup();
    await s.run(workCompleted({ driverId }));
    await s.deliverApprovals();
    return s;
  };

  it('fails a declined capture at once: PaymentFailed with the normalized code, canRetry false, attempt 1, no retry', async () => {
    const s = await approvedFor(driverWith('tok_captureDeclined'));
    expect(types(s.payments)).toEqual(['PaymentCreated', 'PaymentApproved', 'PaymentFailed']);
    expect(s.payments.sent[2]?.detail).toMatchObject({ metadata: { sequence: 3 }, data: { failureCode: 'CARD_DECLINED', canRetry: false, attempt: 1, driverId: driverWith('tok_captureDeclined') } });
    expect(s.delays).toEqual([]);
    expect(s.payments.items.get(paymentIdOf(INCIDENT))?.status).toBe('FAILED');
  });

  it('retries an unavailable processor with growing backoff and completes when it answers, charging once', async () => {
    const s = await approvedFor(driverWith('tok_processorFlaky'));
    expect(types(s.payments)).toEqual(['PaymentCreated', 'PaymentApproved', 'PaymentCompleted']);
    expect(s.delays).toHaveLength(FLAKY_FAILURES);
    expect(s.delays[0]).toBeGreaterThanOrEqual(100);
    expect(s.delays[1]).toBeGreaterThanOrEqual(200);
    expect(s.payments.items.get(paymentIdOf(INCIDENT))).toMatchObject({ status: 'COMPLETED', captureAttempts: FLAKY_FAILURES + 1 });
    expect(s.processor.charges.size).toBe(1);
  });

  it('gives up after the last attempt on a processor that stays unavailable: PaymentFailed PROCESSOR_UNAVAILABLE, canRetry true, nothing charged', async () => {
    const s = await approvedFor(driverWith('tok_processorDown'));
    expect(types(s.payments)).toEqual(['PaymentCreated', 'PaymentApproved', 'PaymentFailed']);
    expect(s.payments.sent[2]?.detail.data).toMatchObject({ failureCode: 'PROCESSOR_UNAVAILABLE', canRetry: true, attempt: CAPTURE_ATTEMPTS });
    expect(s.delays).toHaveLength(CAPTURE_ATTEMPTS - 1);
    expect(s.processor.charges.size).toBe(0);
  });

  it('does nothing for a payment that is not approved (waiting for the back office, or unknown)', async () => {
    const s = setup();
    await s.run(workCompleted({ finalPrice: { amountCents: LIMIT + 1, currency: 'USD' } }));
    const forged = { ...workCompleted(), 'detail-type': 'PaymentApproved', source: 'roadcall.payment', detail: { metadata: { eventId: 'x', correlationId: 'c' }, data: { paymentId: paymentIdOf(INCIDENT) } } } as unknown as Parameters<typeof s.handlers.PaymentApproved>[0];
    await s.handlers.PaymentApproved(forged, consumerContext(forged));
    expect(types(s.payments)).toEqual(['PaymentCreated']);
    expect(s.processor.charges.size).toBe(0);
  });

  it('normalizes processor codes to the spec pattern', () => {
    expect(normalizeCode('card_declined')).toBe('CARD_DECLINED');
    expect(normalizeCode('do-not honor')).toBe('DO_NOT_HONOR');
    expect(normalizeCode('05')).toBe('DECLINED');
  });
});
