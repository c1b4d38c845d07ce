import { randomUUID } from 'node:crypto';
import * as incidentEvents from '../../generated/publishers/incident';
import { paymentIdOf } from '../../functions/payments/payments';
import { until } from '../helpers/local-cloud';
import { startRoadcallCloud, type RoadcallCloud } from '../helpers/roadcall-cloud';

// The payment after the work on the local cloud, from the packaged template (stage test:
// auto-approval up to 50000 cents): WorkCompleted (delivered twice) -> one payment, approved
// at once and captured; above the limit it waits until a back-office token approves it over
// the HTTP API (403 without the scope); a card declined at capture ends in PaymentFailed.
// No saga ran here, so no hold is found: the payments are charged without a prior hold.
// Nothing ends in payment-approval-dlq or vendor-dlq.

let rc: RoadcallCloud;
const CAPTURE_DECLINED_DRIVER = 'd0000000-0000-4000-8000-0000000cdec1';

beforeAll(async () => {
  rc = await startRoadcallCloud('payments');
}, 180_000);

afterAll(async () => {
  await rc?.stop();
});

const approve = (paymentId: string, claims: Record<string, unknown>) => rc.call('POST', `/payments/${paymentId}/approve`, { notes: 'invoice checked' }, { claims });
const seen = (detailType: string, incidentId: string) => rc.seen(detailType, 'incidentId', incidentId);
const workCompleted = (incidentId: string, driverId: string, amountCents: number) =>
  incidentEvents.WorkCompleted(
    { incidentId, driverId, vendorId: randomUUID(), outcome: 'resolved', lineItems: [{ code: 'labor', description: 'Tyre change', amount: { amountCents: 3000, currency: 'USD' } }], finalPrice: { amountCents, currency: 'USD' }, startedAt: new Date(Date.now() - 1_800_000).toISOString(), completedAt: new Date().toISOString() },
    { correlationId: randomUUID(), aggregateId: incidentId, sequence: 7 },
  );

it('pays for completed work: auto-approved and captured, approved by the back office, declined at capture', async () => {
  const small = randomUUID();
  const large = randomUUID();
  const declined = randomUUID();
  const smallWork = workCompleted(small, randomUUID(), 14_500);
  await rc.put(smallWork, smallWork, workCompleted(large, randomUUID(), 75_000), workCompleted(declined, CAPTURE_DECLINED_DRIVER, 9_000));

  // Under the limit: created, approved by `auto`, completed; once, though delivered twice.
  await until(async () => seen('PaymentCompleted', small), (e) => e.length > 0, 30_000);
  expect(seen('PaymentCreated', small)).toEqual([expect.objectContaining({ paymentId: paymentIdOf(small), requiresApproval: false, amount: { amountCents: 14_500, currency: 'USD' } })]);
  expect(seen('PaymentApproved', small)).toEqual([expect.objectContaining({ approvedBy: 'auto' })]);

  // Declined at capture.
  const [failed] = await until(async () => seen('PaymentFailed', declined), (e) => e.length > 0, 30_000);
  expect(failed).toMatchObject({ paymentId: paymentIdOf(declined), failureCode: 'CARD_DECLINED', canRetry: false, attempt: 1 });

  // Above the limit: waits; a token without the scope is refused; the back office approves.
  await until(async () => seen('PaymentCreated', large), (e) => e.length > 0, 30_000);
  expect(seen('PaymentCreated', large)[0]).toMatchObject({ requiresApproval: true });
  expect(seen('PaymentApproved', large)).toEqual([]);
  expect((await approve(paymentIdOf(large), { sub: 'driver-app' })).status).toBe(403);
  expect(await approve(paymentIdOf(large), { sub: 'ops-ana', scope: 'backoffice' })).toMatchObject({ status: 202, body: { status: 'APPROVED', approvedBy: 'ops-ana' } });
  const [completed] = await until(async () => seen('PaymentCompleted', large), (e) => e.length > 0, 30_000);
  expect(completed).toMatchObject({ paymentId: paymentIdOf(large), amount: { amountCents: 75_000 } });

  // Nothing in the payments' or the vendor's DLQ.
  const depths = await rc.dlqDepths();
  for (const dlq of ['payment-approval-dlq', 'vendor-dlq']) expect({ dlq, messages: depths[`roadcall-test-${dlq}`] }).toEqual({ dlq, messages: 0 });
}, 150_000);
