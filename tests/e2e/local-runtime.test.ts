import { join } from 'node:path';
import { DescribeReplayCommand, EventBridgeClient, InvalidEventPatternException, ListArchivesCommand, PutEventsCommand, StartReplayCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalCloud } from '../../local/runtime';
import { records, recorderTemplate, startLocalCloud, until } from '../helpers/local-cloud';

// The local runtime end to end with the real SDK clients: PutEvents -> rule -> SQS ->
// the function (in its worker, with its template environment) -> partial batch failure
// -> redelivery -> DLQ; TestEventPattern; archive and replay.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let cloud: LocalCloud;
let recordFile: string;
let eb: EventBridgeClient;
let sqs: SQSClient;

beforeAll(async () => {
  const started = await startLocalCloud('local-runtime', (dir) => recorderTemplate(join(dir, 'records.jsonl')));
  cloud = started.cloud;
  recordFile = join(started.dir, 'records.jsonl');
  const config = { endpoint: cloud.urls.aws, region: cloud.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  eb = new EventBridgeClient(config);
  sqs = new SQSClient(config);
}, 60_000);

afterAll(async () => {
  eb?.destroy();
  sqs?.destroy();
  await cloud?.stop();
});

const detailOf = (body: string): Record<string, unknown> => (JSON.parse(body) as { detail: Record<string, unknown> }).detail;

describe('PutEvents -> rule -> queue -> function', () => {
  const windowStart = Date.now() - 1000;
  let okId: string;
  let failId: string;

  it('answers per entry like AWS: accepted entries get ids, bad ones an error code', async () => {
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'test.source', DetailType: 'Ok', Detail: JSON.stringify({ n: 1 }), EventBusName: 'test-bus' },
          { Source: 'test.source', DetailType: 'Fails', Detail: JSON.stringify({ fail: true }), EventBusName: 'test-bus' },
          { Source: 'test.source', DetailType: 'Lost', Detail: '{}', EventBusName: 'no-such-bus' },
          { Source: 'test.source', DetailType: 'Bad', Detail: '{not json', EventBusName: 'test-bus' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(2);
    const [ok, fail, lost, bad] = out.Entries ?? [];
    expect(ok?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fail?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lost).toMatchObject({ ErrorCode: 'ResourceNotFoundException' });
    expect(bad).toMatchObject({ ErrorCode: 'MalformedDetail' });
    okId = ok?.EventId as string;
    failId = fail?.EventId as string;
  });

  it('runs the function with an SQS event whose body is the EventBridge event, with the template environment', async () => {
    const got = await until(() => records(recordFile), (r) => r.some((x) => x.event.Records.some((rec) => JSON.parse(rec.body).id === okId)));
    const invocation = got.find((x) => x.event.Records.some((rec) => JSON.parse(rec.body).id === okId));
    const record = invocation?.event.Records.find((rec) => JSON.parse(rec.body).id === okId);
    const body = JSON.parse(record?.body as string) as Record<string, unknown>;
    expect(body).toMatchObject({ version: '0', id: okId, source: 'test.source', 'detail-type': 'Ok', account: cloud.accountId, region: cloud.region, resources: [], detail: { n: 1 } });
    expect(body['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(record?.eventSourceARN).toBe(`arn:aws:sqs:${cloud.region}:${cloud.accountId}:test-queue`);
    expect(record?.attributes['ApproximateReceiveCount']).toBe('1');
    // Ref of a queue resolves to its local URL in the function's environment.
    expect(invocation?.env).toBe(`queue=${cloud.urls.aws}/${cloud.accountId}/test-queue`);
  });

  it('redelivers only the failed record, and moves it to the DLQ after maxReceiveCount', async () => {
    const deliveries = (id: string): string[] =>
      records(recordFile).flatMap((x) => x.event.Records.filter((rec) => JSON.parse(rec.body).id === id).map((rec) => rec.attributes['ApproximateReceiveCount'] as string));
    await until(() => deliveries(failId), (d) => d.length >= 2, 15_000);
    const dlq = `${cloud.urls.aws}/${cloud.accountId}/test-dlq`;
    const moved = await until(
      async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }))).Messages ?? [],
      (m) => m.length > 0,
      15_000,
    );
    expect(detailOf(moved[0]?.Body as string)).toEqual({ fail: true });
    expect(deliveries(failId)).toEqual(['1', '2']);
    expect(deliveries(okId)).toEqual(['1']);
  });

  it('archives every event of the bus and replays a time window, marked with replay-name', async () => {
    const archives = (await eb.send(new ListArchivesCommand({}))).Archives ?? [];
    expect(archives.find((a) => a.ArchiveName === 'test-archive')?.EventCount).toBe(2);
    const before = records(recordFile).length;
    await eb.send(
      new StartReplayCommand({
        ReplayName: 'again',
        EventSourceArn: `arn:aws:events:${cloud.region}:${cloud.accountId}:archive/test-archive`,
        EventStartTime: new Date(windowStart),
        EventEndTime: new Date(),
        Destination: { Arn: `arn:aws:events:${cloud.region}:${cloud.accountId}:event-bus/test-bus` },
      }),
    );
    await until(async () => (await eb.send(new DescribeReplayCommand({ ReplayName: 'again' }))).State, (s) => s === 'COMPLETED');
    const replayed = await until(
      () => records(recordFile).slice(before).flatMap((x) => x.event.Records.map((r) => JSON.parse(r.body) as Record<string, unknown>)),
      (r) => r.some((e) => e['id'] === okId),
    );
    const again = replayed.find((e) => e['id'] === okId);
    expect(again).toMatchObject({ 'replay-name': 'again', detail: { n: 1 } });
  });
});

describe('TestEventPattern on the local endpoint', () => {
  const event = JSON.stringify({ id: '1', account: '123456789012', source: 'test.source', time: '2026-11-22T10:00:00Z', region: 'eu-west-1', 'detail-type': 'Ok', resources: [], detail: { n: 7, name: 'Roadside' } });

  it('matches and does not match as the pattern says', async () => {
    const yes = await eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ detail: { n: [{ numeric: ['>', 5] }], name: [{ prefix: 'Road' }] } }), Event: event }));
    const no = await eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ detail: { n: [{ numeric: ['<', 5] }] } }), Event: event }));
    expect([yes.Result, no.Result]).toEqual([true, false]);
  });

  it('rejects an invalid pattern with InvalidEventPatternException', async () => {
    await expect(eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ detail: { n: [{ numeric: ['>', 'five'] }] } }), Event: event }))).rejects.toBeInstanceOf(InvalidEventPatternException);
  });
});
