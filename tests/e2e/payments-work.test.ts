import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as incidentEvents from '../../generated/publishers/incident';
import { paymentIdOf } from '../../functions/payments/payments';
import { toPutEventsEntry, type OutgoingEvent } from '../../lib/envelope';
import { createEventBridgeClient } from '../../lib/clients';
import { LocalCloud } from '../../local/runtime';
import { freshDir, ROOT } from '../helpers/codegen';
import { until } from '../helpers/local-cloud';
import { packageStage } from '../helpers/template';

// The payment after the work on the local cloud, from the packaged template (stage test:
// auto-approval up to 50000 cents): WorkCompleted (delivered twice) -> one payment, approved
// at once and captured; above the limit it waits until a back-office token approves it over
// the HTTP API (403 without the scope); a card declined at capture ends in PaymentFailed.
// No saga ran here, so no hold is found: the payments are charged without a prior hold.
// Nothing ends in payment-approval-dlq or vendor-dlq.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let cloud: LocalCloud;
let events: EventBridgeClient;
const CAPTURE_DECLINED_DRIVER = 'd0000000-0000-4000-8000-0000000cdec1';

beforeAll(async () => {
  const dir = freshDir('payments');
  const template = packageStage('test', join(dir, 'package'));
  cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  events = createEventBridgeClient({ endpoint: cloud.urls.aws, env: {} });
}, 180_000);

afterAll(async () => {
  events?.destroy();
  await cloud?.stop();
});

type Body = Record<string, unknown>;
async function approve(paymentId: string, claims: Record<string, unknown>): Promise<{ status: number; body: Body }> {
  const token = cloud.issuer.mint({ aud: 'roadcall-api-test', ...claims });
  const res = await fetch(`${cloud.urls.http}/payments/${paymentId}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ notes: 'invoice checked' }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Body) : {} };
}

async function put(...list: OutgoingEvent[]): Promise<void> {
  const out = await events.send(new PutEventsCommand({ Entries: list.map((e) => toPutEventsEntry(e, { eventBusName: `${e.busName}-test` })) }));
  expect(out.FailedEntryCount).toBe(0);
}

const seen = (detailType: string, incidentId: string): Body[] =>
  cloud
    .recentEvents()
    .filter((e) => e.event['detail-type'] === detailType && (e.event.detail as { data: Body }).data['incidentId'] === incidentId)
    .map((e) => (e.event.detail as { data: Body }).data);

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
  await put(smallWork, smallWork, workCompleted(large, randomUUID(), 75_000), workCompleted(declined, CAPTURE_DECLINED_DRIVER, 9_000));

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
  const sqs = new SQSClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  for (const dlq of ['payment-approval-dlq', 'vendor-dlq']) {
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${cloud.urls.aws}/${cloud.accountId}/roadcall-test-${dlq}`, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect({ dlq, messages: attributes.Attributes?.['ApproximateNumberOfMessages'] }).toEqual({ dlq, messages: '0' });
  }
  sqs.destroy();
}, 150_000);
