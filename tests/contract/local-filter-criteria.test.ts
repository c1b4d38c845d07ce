import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SqsEventSource } from '../../local/lambda/sqs-source';
import { StreamEventSource } from '../../local/dynamodb/streams';
import { SqsBackend } from '../../local/sqs';
import { planFromTemplate } from '../../local/template/plan';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { until } from '../helpers/local-cloud';

// Lambda event filtering (FilterCriteria) in the local cloud, as AWS applies it: records
// that match no filter never reach the function (stream records count as processed, SQS
// messages are deleted); a template with an invalid filter is refused when it is planned.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

const PENDING_ONLY = JSON.stringify({ dynamodb: { NewImage: { status: { S: ['PENDING'] } } } });
const endpoints = { aws: 'http://127.0.0.1:1', http: 'http://127.0.0.1:1' };

function mapping(filters: unknown[] | undefined): Record<string, unknown> {
  return {
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q' } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'fn', Handler: 'x.handler' } },
      Source: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, FunctionName: { Ref: 'Fn' }, ...(filters ? { FilterCriteria: { Filters: filters } } : {}) },
      },
    },
  };
}

describe('planning FilterCriteria', () => {
  it('keeps the patterns of an event source mapping, and none when it has no filter', () => {
    const plan = planFromTemplate(mapping([{ Pattern: PENDING_ONLY }]), { region: 'us-east-1', accountId: '000000000000', endpoints });
    expect(plan.eventSources[0]?.filters).toEqual([PENDING_ONLY]);
    expect(planFromTemplate(mapping(undefined), { region: 'us-east-1', accountId: '000000000000', endpoints }).eventSources[0]?.filters).toEqual([]);
  });

  it('refuses a filter pattern Lambda would refuse, naming the mapping and the filter', () => {
    expect(() => planFromTemplate(mapping([{ Pattern: PENDING_ONLY }, { Pattern: '{"body":{"n":[{"numeric":[">"]}]}}' }]), { region: 'us-east-1', accountId: '000000000000', endpoints })).toThrow(
      /Source: FilterCriteria\.Filters\[1\]\.Pattern is not a valid filter pattern/,
    );
    expect(() => planFromTemplate(mapping([{ Pattern: { body: 1 } }]), { region: 'us-east-1', accountId: '000000000000', endpoints })).toThrow(/must be a JSON string/);
  });
});

describe('SQS event source with filters', () => {
  it('invokes with matching messages only (JSON bodies matched as JSON) and deletes the others', async () => {
    const sqs = new SqsBackend();
    const queue = sqs.createQueue('orders');
    const invoked: string[] = [];
    const source = new SqsEventSource({
      backend: sqs,
      queueArn: queue.arn,
      region: 'us-east-1',
      batchSize: 10,
      windowSeconds: 0,
      reportBatchItemFailures: true,
      filters: [JSON.stringify({ body: { kind: ['big'] } }), JSON.stringify({ body: [{ prefix: 'urgent' }] })],
      invoke: async (event) => {
        invoked.push(...(event as { Records: { body: string }[] }).Records.map((r) => r.body));
        return { ok: true, result: { batchItemFailures: [] } };
      },
    });
    source.start();
    try {
      for (const body of ['{"kind":"big"}', '{"kind":"small"}', 'urgent: call back', 'later', '{"kind":"big","n":2}']) sqs.sendMessage(queue.name, body);
      const left = (): number => {
        const a = sqs.getQueueAttributes(queue.name, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']);
        return Number(a['ApproximateNumberOfMessages']) + Number(a['ApproximateNumberOfMessagesNotVisible']);
      };
      await until(left, (n) => n === 0, 10_000);
      expect(invoked.sort()).toEqual(['urgent: call back', '{"kind":"big","n":2}', '{"kind":"big"}'].sort());
    } finally {
      await source.stop();
    }
  });
});

describe('DynamoDB stream event source with filters', () => {
  let ddb: DynamoDbLocal;
  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
  }, 60_000);
  afterAll(async () => ddb?.stop());

  /** A table keyed by `id` with a stream of new and old images; its stream ARN. */
  async function streamedTable(table: string): Promise<string> {
    const created = await ddb.client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    return created.TableDescription?.LatestStreamArn as string;
  }

  it('invokes with the records a filter matches and moves past the others', async () => {
    const table = `filtered-${process.pid}`;
    const streamArn = await streamedTable(table);
    const put = (id: string, status: string): Promise<unknown> => ddb.client.send(new PutItemCommand({ TableName: table, Item: { id: { S: id }, status: { S: status } } }));
    const seen: string[] = [];
    let invocations = 0;
    const source = new StreamEventSource({
      endpoint: ddb.endpoint,
      streamArn,
      eventSourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/filtered/stream/x',
      region: 'us-east-1',
      batchSize: 100,
      reportBatchItemFailures: true,
      maximumRetryAttempts: 2,
      checkpointFile: undefined,
      pollMs: 50,
      filters: [PENDING_ONLY],
      invoke: async (event) => {
        invocations++;
        for (const r of (event as { Records: { dynamodb: { NewImage: { id: { S: string }; status: { S: string } } } }[] }).Records) seen.push(`${r.dynamodb.NewImage.id.S}:${r.dynamodb.NewImage.status.S}`);
        return { ok: true, result: { batchItemFailures: [] } };
      },
    });
    await put('a', 'PENDING');
    await put('a', 'PUBLISHED');
    await put('b', 'PUBLISHED');
    source.start();
    try {
      await until(() => seen.slice(), (s) => s.length >= 1, 10_000);
      // Records after the filtered ones still arrive: the source moved past them.
      await put('c', 'PENDING');
      await until(() => seen.slice(), (s) => s.includes('c:PENDING'), 10_000);
      await put('d', 'FAILED');
      await new Promise((r) => setTimeout(r, 500));
      expect(seen).toEqual(['a:PENDING', 'c:PENDING']);
      expect(invocations).toBe(2);
    } finally {
      await source.stop();
    }
  });

  it('polls at once when woken (a write reached DynamoDB Local through the proxy), not at its next interval', async () => {
    const table = `woken-${process.pid}`;
    const streamArn = await streamedTable(table);
    const put = (id: string): Promise<unknown> => ddb.client.send(new PutItemCommand({ TableName: table, Item: { id: { S: id }, status: { S: 'PENDING' } } }));
    const seen: string[] = [];
    // An hour between polls: only a wake can deliver a record written after the first poll.
    const source = new StreamEventSource({
      endpoint: ddb.endpoint,
      streamArn,
      eventSourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/woken/stream/x',
      region: 'us-east-1',
      batchSize: 100,
      reportBatchItemFailures: true,
      maximumRetryAttempts: 2,
      checkpointFile: undefined,
      pollMs: 3_600_000,
      invoke: async (event) => {
        for (const r of (event as { Records: { dynamodb: { NewImage: { id: { S: string } } } }[] }).Records) seen.push(r.dynamodb.NewImage.id.S);
        return { ok: true, result: { batchItemFailures: [] } };
      },
    });
    await put('first');
    source.start();
    try {
      // The first record, written before the source started, may not be on the stream at its
      // first read when the machine is busy: wake the source until it is (the point is what comes after).
      await until(() => (source.wake(), seen.slice()), (s) => s.includes('first'), 20_000);
      await new Promise((r) => setTimeout(r, 300)); // the source is idle now, for an hour
      await put('second');
      source.wake();
      await until(() => seen.slice(), (s) => s.includes('second'), 10_000);
      // A wake while polling is kept: the write may come after the read.
      await put('third');
      source.wake();
      source.wake();
      await until(() => seen.slice(), (s) => s.includes('third'), 10_000);
      expect(seen).toEqual(['first', 'second', 'third']);
    } finally {
      await source.stop();
    }
  });

  it('delivers a record written while the function ran (after the page read ahead) at its wake, not at the next interval', async () => {
    const table = `ahead-${process.pid}`;
    const streamArn = await streamedTable(table);
    const put = (id: string): Promise<unknown> => ddb.client.send(new PutItemCommand({ TableName: table, Item: { id: { S: id }, status: { S: 'PENDING' } } }));
    const seen: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const source = new StreamEventSource({
      endpoint: ddb.endpoint,
      streamArn,
      eventSourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/ahead/stream/x',
      region: 'us-east-1',
      batchSize: 100,
      reportBatchItemFailures: true,
      maximumRetryAttempts: 2,
      checkpointFile: undefined,
      pollMs: 3_600_000,
      invoke: async (event) => {
        const ids = (event as { Records: { dynamodb: { NewImage: { id: { S: string } } } }[] }).Records.map((r) => r.dynamodb.NewImage.id.S);
        seen.push(...ids);
        // The first batch takes a while: the next page is read ahead meanwhile, before 'late' exists.
        if (ids.includes('early')) await slow;
        return { ok: true, result: { batchItemFailures: [] } };
      },
    });
    await put('early');
    source.start();
    try {
      await until(() => (source.wake(), seen.slice()), (s) => s.includes('early'), 20_000);
      await new Promise((r) => setTimeout(r, 300)); // the read-ahead has answered (nothing new)
      await put('late');
      source.wake(); // while the function still runs: the wake must not be lost
      release();
      await until(() => seen.slice(), (s) => s.includes('late'), 20_000);
      expect(seen).toEqual(['early', 'late']);
    } finally {
      release(); // a failed wait must not leave the source stuck in the first invocation
      await source.stop();
    }
  });
});
