import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as matchEvents from '../../generated/publishers/match';
import { createDynamoDbDocumentClient, createEventBridgeClient, createSqsClient } from '../../lib/clients';
import { toPutEventsEntry, type OutgoingEvent } from '../../lib/envelope';
import { LocalCloud } from '../../local/runtime';
import { freshDir, ROOT } from '../helpers/codegen';
import { until } from '../helpers/local-cloud';
import { packageStage } from '../helpers/template';

// The three scatter-gather responders on the local cloud, from the packaged template: the
// requests match will send, put on the bus, answered by vendor, pricing and tracking through
// their outboxes and the relay; in a test zone exactly one responder fails or stays silent.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let cloud: LocalCloud;
let events: EventBridgeClient;
let sqs: SQSClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  const dir = freshDir('responders');
  const template = packageStage('test', join(dir, 'package'));
  cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  events = createEventBridgeClient({ endpoint: cloud.urls.aws, env: {} });
  sqs = createSqsClient({ endpoint: cloud.urls.aws, env: {} });
  doc = createDynamoDbDocumentClient({ endpoint: cloud.urls.dynamodb, env: {} });
}, 180_000);

afterAll(async () => {
  events?.destroy();
  sqs?.destroy();
  doc?.destroy();
  await cloud?.stop();
});

type Answer = { detailType: string; data: Record<string, unknown>; metadata: Record<string, unknown> };

/** Puts the three requests of one gather round at `location` on the bus; returns the round's requestId and correlationId. */
async function gatherRound(location: { lat: number; lon: number }): Promise<{ requestId: string; correlationId: string }> {
  const requestId = randomUUID();
  const correlationId = randomUUID();
  const incidentId = randomUUID();
  const context = { correlationId };
  const list: OutgoingEvent[] = [
    matchEvents.VendorAvailabilityRequested({ requestId, incidentId, problemType: 'flat_tire', location, radiusKm: 40, maxVendors: 5 }, context),
    matchEvents.PriceQuoteRequested({ requestId, incidentId, problemType: 'flat_tire', location, currency: 'USD' }, context),
    matchEvents.EtaRequested({ requestId, incidentId, destination: location, radiusKm: 40 }, context),
  ];
  const out = await events.send(new PutEventsCommand({ Entries: list.map((e) => toPutEventsEntry(e, { eventBusName: `${e.busName}-test` })) }));
  expect(out.FailedEntryCount).toBe(0);
  return { requestId, correlationId };
}

/** The answers of a round seen on the bus, by responder. */
const answers = (correlationId: string): Answer[] =>
  cloud
    .recentEvents({ correlationId })
    .filter((e) => /Response$|Error$/.test(e.event['detail-type']))
    .map((e) => ({ detailType: e.event['detail-type'], ...(e.event.detail as { data: Record<string, unknown>; metadata: Record<string, unknown> }) }));

/** Waits until the queue holds no message, visible or in flight: every request on it was handled. */
async function drained(queue: string): Promise<void> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `roadcall-test-${queue}` }));
  await until(
    async () => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {},
    (a) => a['ApproximateNumberOfMessages'] === '0' && a['ApproximateNumberOfMessagesNotVisible'] === '0',
    15_000,
  );
}

describe('scatter-gather responders on the local cloud', () => {
  it('answer a round in San Francisco: vendors, a quote and ETAs, each with the requestId and the round correlation id', async () => {
    const { requestId, correlationId } = await gatherRound({ lat: 37.7793, lon: -122.4193 });
    const got = await until(() => answers(correlationId), (a) => a.length === 3, 30_000);
    expect(got.map((a) => a.detailType).sort()).toEqual(['EtaResponse', 'PriceQuoteResponse', 'VendorAvailabilityResponse']);
    for (const a of got) expect(a.data['requestId']).toBe(requestId);
    const vendors = got.find((a) => a.detailType === 'VendorAvailabilityResponse')?.data['vendors'] as { vendorId: string }[];
    const estimates = got.find((a) => a.detailType === 'EtaResponse')?.data['estimates'] as { vendorId: string }[];
    expect(vendors.length).toBeGreaterThan(0);
    // Tracking knows every vendor the vendor service offers.
    for (const v of vendors) expect(estimates.map((e) => e.vendorId)).toContain(v.vendorId);
  });

  it("in the vendor's error zone, vendor answers VendorAvailabilityError while pricing and tracking answer", async () => {
    const { correlationId } = await gatherRound({ lat: 37.655, lon: -122.415 });
    const got = await until(() => answers(correlationId), (a) => a.length === 3, 30_000);
    expect(got.map((a) => a.detailType).sort()).toEqual(['EtaResponse', 'PriceQuoteResponse', 'VendorAvailabilityError']);
    expect(got.find((a) => a.detailType === 'VendorAvailabilityError')?.data).toMatchObject({ errorCode: 'VENDOR_DIRECTORY_UNAVAILABLE', canRetry: true });
  });

  it("in pricing's silent zone, pricing consumes the request and writes no answer; vendor and tracking answer", async () => {
    const { correlationId } = await gatherRound({ lat: 37.835, lon: -122.285 });
    const got = await until(() => answers(correlationId), (a) => a.length === 2, 30_000);
    expect(got.map((a) => a.detailType).sort()).toEqual(['EtaResponse', 'VendorAvailabilityResponse']);
    await drained('pricing-queue');
    const rows = (await doc.send(new ScanCommand({ TableName: 'roadcall-test-outbox' }))).Items ?? [];
    expect(rows.filter((r) => r['correlationId'] === correlationId).map((r) => r['detailType']).sort()).toEqual(['EtaResponse', 'VendorAvailabilityResponse']);
    expect(answers(correlationId)).toHaveLength(2);
  });
});
