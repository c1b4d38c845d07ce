import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { WorkCompletedData } from '../../generated';
import { BACK_OFFICE_SCOPE, makeApi } from '../../functions/payments/commands';
import { scopesOf } from '../../lib/http';
import { makeHandlers } from '../../functions/payments/consumer';
import { paymentIdOf } from '../../functions/payments/payments';
import { createFakeProcessor } from '../../functions/payments/processor';
import { httpRequest } from '../helpers/factories';
import { consumerContext, delivered, lambdaContext, silenceOutput } from '../helpers/handlers';
import { inMemoryAuthorizationStore } from '../helpers/participant-stores';
import { inMemoryPaymentStore } from '../helpers/payments-stores';

// POST /payments/{paymentId}/approve as API Gateway hands it over (the JWT authorizer's claims
// in requestContext): only a back-office token approves, only a payment that waits for it,
// once; the approval's PaymentApproved then leads the consumer to capture it.

silenceOutput();

const INCIDENT = '3600e936-9901-49b3-ba7b-1d5fa897373f';
const PAYMENT = paymentIdOf(INCIDENT);
const LIMIT = 50_000;
const work = (amountCents: number) =>
  delivered('WorkCompleted', 'roadcall.incident', { incidentId: INCIDENT, driverId: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', vendorId: '57a202e4-0fc3-4554-9092-44656b4f1879', outcome: 'resolved', finalPrice: { amountCents, currency: 'USD' }, startedAt: '2025-03-14T10:00:00.000Z', completedAt: '2025-03-14T10:40:00.000Z' } satisfies WorkCompletedData, { eventId: 'evt-work' });

async function setup(amountCents = LIMIT + 25_000) {
  const payments = inMemoryPaymentStore();
  const processor = createFakeProcessor();
  const consumer = makeHandlers({ authorizations: inMemoryAuthorizationStore(), payments, processor, autoApproveCents: () => LIMIT, now: () => '2025-03-14T10:40:01.000Z', sleep: async () => undefined });
  await consumer.WorkCompleted(work(amountCents), consumerContext(work(amountCents)));
  const api = makeApi({ payments, now: () => new Date('2025-03-14T11:02:00.000Z') });
  const approve = async (claims: Record<string, unknown> | undefined, paymentId = PAYMENT, body = '{"notes":"checked the invoice"}') => {
    const event = httpRequest('POST', `/payments/${paymentId}/approve`, { body, routeKey: 'POST /payments/{paymentId}/approve', headers: { 'x-correlation-id': 'corr-backoffice' } });
    const withClaims = { ...event, pathParameters: { paymentId }, requestContext: { ...event.requestContext, ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}) } } as APIGatewayProxyEventV2;
    const result = (await api(withClaims, lambdaContext)) as APIGatewayProxyStructuredResultV2;
    return { statusCode: result.statusCode ?? 200, body: JSON.parse(String(result.body ?? '{}')) as Record<string, unknown> };
  };
  const deliverLast = async () => {
    const approved = payments.sent.filter((e) => e.detailType === 'PaymentApproved').at(-1);
    const event = { ...work(0), 'detail-type': 'PaymentApproved', source: 'roadcall.payment', detail: approved?.detail } as unknown as Parameters<typeof consumer.PaymentApproved>[0];
    await consumer.PaymentApproved(event, consumerContext(event));
  };
  return { payments, processor, approve, deliverLast };
}

const BACK_OFFICE = { sub: 'ops-ana', scope: `openid ${BACK_OFFICE_SCOPE}` };

describe('POST /payments/{paymentId}/approve', () => {
  it('approves a waiting payment for a back-office token: 202, PaymentApproved by the token subject with the notes and the request correlation; the consumer then captures it', async () => {
    // Prepare
    const s = await setup();

    // Act
    const answer = await s.approve(BACK_OFFICE);
    await s.deliverLast();

    // Assess
    expect(answer).toMatchObject({ statusCode: 202, body: { paymentId: PAYMENT, incidentId: INCIDENT, status: 'APPROVED', approvedBy: 'ops-ana' } });
    expect(s.payments.sent.map((e) => e.detailType)).toEqual(['PaymentCreated', 'PaymentApproved', 'PaymentCompleted']);
    expect(s.payments.sent[1]?.detail).toMatchObject({ metadata: { correlationId: 'corr-backoffice', aggregateId: PAYMENT, sequence: 2 }, data: { approvedBy: 'ops-ana', notes: 'checked the invoice', approvedAt: '2025-03-14T11:02:00.000Z', amount: { amountCents: LIMIT + 25_000 } } });
    expect(s.processor.charges.size).toBe(1);
  });

  it('answers 403 to a token without the back-office scope, and to a request without claims, and approves nothing', async () => {
    const s = await setup();
    expect((await s.approve({ sub: 'driver-1', scope: 'openid profile' })).statusCode).toBe(403);
    expect((await s.approve(undefined)).statusCode).toBe(403);
    expect(s.payments.items.get(PAYMENT)?.status).toBe('AWAITING_APPROVAL');
    expect(s.payments.sent.map((e) => e.detailType)).toEqual(['PaymentCreated']);
  });

  it('answers 409 naming the status when the payment does not wait for approval (a second approval, or one auto-approved)', async () => {
    const waiting = await setup();
    await waiting.approve(BACK_OFFICE);
    const second = await waiting.approve(BACK_OFFICE);
    const auto = await setup(1000);
    const early = await auto.approve(BACK_OFFICE);
    expect(second).toMatchObject({ statusCode: 409, body: { error: { code: 'NOT_AWAITING_APPROVAL', message: expect.stringContaining('APPROVED') } } });
    expect(early.statusCode).toBe(409);
    expect(waiting.payments.sent.filter((e) => e.detailType === 'PaymentApproved')).toHaveLength(1);
  });

  it('answers 404 for an unknown payment (or an id that is no UUID) and 400 for a body that breaks the command schema', async () => {
    const s = await setup();
    expect((await s.approve(BACK_OFFICE, paymentIdOf('a77bfd69-7800-4bcb-8afb-0f9d0739d9e6'))).statusCode).toBe(404);
    expect((await s.approve(BACK_OFFICE, 'x'.repeat(3000))).statusCode).toBe(404);
    expect((await s.approve(BACK_OFFICE, PAYMENT, JSON.stringify({ notes: 'x'.repeat(1001) }))).statusCode).toBe(400);
  });

  it('reads scopes from a space-separated scope claim or an scp list', () => {
    expect(scopesOf({ scope: 'openid backoffice' }).has(BACK_OFFICE_SCOPE)).toBe(true);
    expect(scopesOf({ scp: ['backoffice'] }).has(BACK_OFFICE_SCOPE)).toBe(true);
    expect(scopesOf({ scope: 'backoffice-lite' }).has(BACK_OFFICE_SCOPE)).toBe(false);
    expect(scopesOf({}).size).toBe(0);
  });
});
