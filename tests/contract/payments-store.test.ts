import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AuthorizePaymentData, WorkCompletedData } from '../../generated';
import { pendingFor } from '../../functions/payments/authorizations';
import { approve, createPayment, settleCapture } from '../../functions/payments/payments';
import { createDynamoDbAuthorizationStore, createDynamoDbPaymentStore, type AuthorizationStore, type PaymentStore } from '../../functions/payments/store';
import { readMetadata, type OutgoingEvent } from '../../lib/envelope';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { createTableLike } from '../helpers/tables';

// The payments service's new store methods on DynamoDB Local, on tables made as serverless.yml
// declares them: an incident finds its sagas' authorizations; a payment, its driver's counter
// and its events are written together or not at all, once; a payment moves on only from the
// state it is in; a counter moved by another payment makes the write fail and changes nothing.

const PAYMENTS = 'payments-store-payments';
const OUTBOX = 'payments-store-outbox';
const AT = '2025-03-14T10:40:01.000Z';
const cause = { causedBy: { metadata: { eventId: 'evt-work', correlationId: 'corr-1' } } };
let ddb: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let authorizations: AuthorizationStore;
let payments: PaymentStore;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  doc = DynamoDBDocumentClient.from(ddb.client, { marshallOptions: { removeUndefinedValues: true } });
  await createTableLike(ddb.client, 'PaymentsTable', PAYMENTS);
  await createTableLike(ddb.client, 'OutboxTable', OUTBOX);
  authorizations = createDynamoDbAuthorizationStore({ doc: () => doc, table: () => PAYMENTS, outboxTable: () => OUTBOX });
  payments = createDynamoDbPaymentStore({ doc: () => doc, table: () => PAYMENTS, outboxTable: () => OUTBOX });
}, 60_000);

afterAll(async () => {
  doc?.destroy();
  await ddb?.stop();
});

const outboxed = async (events: OutgoingEvent[]): Promise<boolean[]> => {
  const rows = new Set(((await doc.send(new ScanCommand({ TableName: OUTBOX }))).Items ?? []).map((i) => i['id'] as string));
  return events.map((e) => rows.has(readMetadata(e.detail).eventId ?? ''));
};
const n = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const authorizeCommand = (saga: number, incidentId: string): AuthorizePaymentData => ({ sagaId: n(saga), incidentId, driverId: n(700), vendorId: n(600), offerId: n(500), amount: { amountCents: 9050, currency: 'USD' } });
const work = (incidentId: string, driverId: string, amountCents = 13050): WorkCompletedData => ({ incidentId, driverId, vendorId: n(600), outcome: 'resolved', finalPrice: { amountCents, currency: 'USD' }, startedAt: '2025-03-14T10:00:00.000Z', completedAt: '2025-03-14T10:40:00.000Z' });

describe('payments store: authorizations of an incident', () => {
  it("finds every saga's authorization of the incident (each as stored now), and none of another incident", async () => {
    // Prepare
    const incidentId = n(901);
    const first = pendingFor(authorizeCommand(1, incidentId), AT);
    const second = pendingFor(authorizeCommand(2, incidentId), AT);
    await authorizations.create(first);
    await authorizations.create(second);
    await authorizations.create(pendingFor(authorizeCommand(3, n(902)), AT));

    // Act
    await authorizations.replace({ ...second, status: 'AUTHORIZED' }, 'PENDING');
    const found = await authorizations.forIncident(incidentId);

    // Assess
    expect(found.map((a) => [a.sagaId, a.status]).sort()).toEqual([
      [n(1), 'PENDING'],
      [n(2), 'AUTHORIZED'],
    ]);
    expect(await authorizations.forIncident(n(999))).toEqual([]);
  });
});

describe('payments store: payments', () => {
  it('creates a payment with its counter and events once; a second create writes nothing', async () => {
    // Prepare
    const created = createPayment(work(n(911), n(711)), undefined, undefined, 50_000, cause, AT);

    // Act
    const first = await payments.create(created.payment, created.velocity, created.events);
    const again = await payments.create(created.payment, created.velocity, created.events);

    // Assess
    expect([first, again]).toEqual([true, false]);
    expect(await payments.find(created.payment.paymentId)).toEqual(created.payment);
    expect(await payments.velocity(n(711))).toEqual(created.velocity);
    expect(await outboxed(created.events)).toEqual([true, true]);
  });

  it("fails a create whose driver counter moved since it was read, writing neither the payment nor its events", async () => {
    // Prepare: two payments of one driver decided on the same (empty) counter.
    const a = createPayment(work(n(921), n(721)), undefined, undefined, 50_000, cause, AT);
    const b = createPayment(work(n(922), n(721)), undefined, undefined, 50_000, cause, AT);

    // Act
    const wrote = [await payments.create(a.payment, a.velocity, a.events), await payments.create(b.payment, b.velocity, b.events)];
    const counter = await payments.velocity(n(721));
    const retried = createPayment(work(n(922), n(721)), undefined, counter, 50_000, cause, AT);
    const retriedWrote = await payments.create(retried.payment, retried.velocity, retried.events);

    // Assess
    expect(wrote).toEqual([true, false]);
    expect(retriedWrote).toBe(true);
    expect((await payments.velocity(n(721)))?.recent.map((p) => p.paymentId)).toEqual([a.payment.paymentId, b.payment.paymentId]);
    expect((await payments.velocity(n(721)))?.version).toBe(2);
  });

  it('moves a payment on only from the state it is in, with its event, once', async () => {
    // Prepare: above the limit, so it waits for approval.
    const created = createPayment(work(n(931), n(731), 80_000), undefined, undefined, 50_000, cause, AT);
    await payments.create(created.payment, created.velocity, created.events);
    const approval = approve(created.payment, 'ops-ana', undefined, cause, AT);
    const capture = settleCapture(approval.next, { outcome: 'captured', transactionId: 'ch_1', brand: 'visa', last4: '4242' }, 1, cause, AT);
    if (!capture) throw new Error('a captured answer settles the payment');

    // Act
    const results = [
      await payments.replace(capture.next, 'APPROVED', [capture.event]), // not APPROVED yet
      await payments.replace(approval.next, 'AWAITING_APPROVAL', [approval.event]),
      await payments.replace(approval.next, 'AWAITING_APPROVAL', [approval.event]),
      await payments.replace(capture.next, 'APPROVED', [capture.event]),
    ];

    // Assess
    expect(results).toEqual([false, true, false, true]);
    expect(await payments.find(created.payment.paymentId)).toMatchObject({ status: 'COMPLETED', processorTransactionId: 'ch_1', sequence: 3 });
    expect(await outboxed([approval.event, capture.event])).toEqual([true, true]);
  });
});
