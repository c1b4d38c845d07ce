import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalCloud } from '../../local/runtime';
import { records, recorderTemplate, startLocalCloud, until } from '../helpers/local-cloud';

// Fault injection in the local cloud, driven as a user does (POST /local/faults, the real
// SDK clients): PutEvents partial failures with AWS's codes, throttling, handler errors
// that take messages to the DLQ, and duplicate deliveries; all counted per kind.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let cloud: LocalCloud;
let recordFile: string;
let eb: EventBridgeClient;
let sqs: SQSClient;

beforeAll(async () => {
  let file = '';
  ({ cloud } = await startLocalCloud('faults', (dir) => {
    file = join(dir, 'records.jsonl');
    return recorderTemplate(file, { batchSize: 1 });
  }));
  recordFile = file;
  // maxAttempts 1: the test sees each injected failure instead of the SDK retrying it away.
  eb = new EventBridgeClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials });
}, 60_000);

afterAll(async () => {
  eb?.destroy();
  sqs?.destroy();
  await cloud?.stop();
});

async function configure(settings: unknown): Promise<Response> {
  return fetch(`${cloud.urls.aws}/local/faults`, { method: 'POST', body: JSON.stringify(settings) });
}

const entry = (n: number, detail: Record<string, unknown> = {}) => ({ Source: 'test.source', DetailType: 'T', Detail: JSON.stringify({ n, ...detail }), EventBusName: 'test-bus' });

it('refuses bad settings with every problem named, and shows the settings and counts', async () => {
  const bad = await configure({ faults: [{ service: 'events', kind: 'explode', rate: 3 }] });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { message: string }).message).toMatch(/kind must be one of error, entry-failure, throttle.*rate must be a number from 0 to 1/);
  const shown = (await (await fetch(`${cloud.urls.aws}/local/faults`)).json()) as { settings: { faults: unknown[] }; injected: Record<string, number> };
  expect(shown).toEqual({ settings: { seed: 1, faults: [] }, injected: {} });
});

it('fails PutEvents entries with FailedEntryCount and AWS error codes, and throttles whole calls', async () => {
  expect((await configure({ seed: 7, faults: [{ service: 'events', operation: 'PutEvents', kind: 'entry-failure', rate: 1, code: 'ThrottlingException' }] })).status).toBe(200);
  const out = await eb.send(new PutEventsCommand({ Entries: [entry(1), entry(2), entry(3), entry(4)] }));
  expect(out.FailedEntryCount).toBeGreaterThanOrEqual(1);
  const failed = (out.Entries ?? []).filter((e) => e.ErrorCode);
  expect(failed.length).toBe(out.FailedEntryCount);
  expect(new Set(failed.map((e) => e.ErrorCode))).toEqual(new Set(['ThrottlingException']));
  expect((out.Entries ?? []).filter((e) => e.EventId)).toHaveLength(4 - (out.FailedEntryCount ?? 0));

  await configure({ seed: 7, faults: [{ service: 'events', operation: 'PutEvents', kind: 'throttle', rate: 1 }] });
  await expect(eb.send(new PutEventsCommand({ Entries: [entry(5)] }))).rejects.toMatchObject({ name: 'ThrottlingException' });
  const { injected } = (await (await fetch(`${cloud.urls.aws}/local/faults`)).json()) as { injected: Record<string, number> };
  expect(injected).toEqual({ 'events/entry-failure': 1, 'events/throttle': 1 });
  await configure({ faults: [] });
});

it('makes a handler fail until the message is in the DLQ, and delivers a message twice', async () => {
  await configure({ seed: 3, faults: [{ service: 'lambda', function: 'recorder', kind: 'error', rate: 1 }] });
  await eb.send(new PutEventsCommand({ Entries: [entry(10, { marker: 'to-dlq' })] }));
  const dlq = `${cloud.urls.aws}/${cloud.accountId}/test-dlq`;
  const moved = await until(async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 1 }))).Messages ?? [], (m) => m.length > 0, 20_000);
  expect(moved[0]?.Body).toContain('to-dlq');
  // The handler never ran: the faults came before it.
  expect(records(recordFile).some((r) => r.event.Records.some((x) => x.body.includes('to-dlq')))).toBe(false);

  await configure({ seed: 3, faults: [{ service: 'sqs', queue: 'test-queue', kind: 'duplicate', rate: 1 }] });
  await eb.send(new PutEventsCommand({ Entries: [entry(11, { marker: 'twice' })] }));
  const deliveries = (): string[] => records(recordFile).flatMap((r) => r.event.Records.filter((x) => x.body.includes('twice')).map((x) => x.attributes['ApproximateReceiveCount'] as string));
  await until(deliveries, (d) => d.length >= 2, 10_000);
  await configure({ faults: [] });
  expect(deliveries().slice(0, 2)).toEqual(['1', '2']);
}, 60_000);
