/**
 * The local SQS against the real `@aws-sdk/client-sqs` v3 client (AWS JSON 1.0 protocol):
 * what a function or script sees when it points its SDK at `npm start`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchEntryIdsNotDistinct,
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  EmptyBatchRequest,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  InvalidAttributeName,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueueTagsCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
  TagQueueCommand,
  TooManyEntriesInBatchRequest,
  type Message,
} from '@aws-sdk/client-sqs';
import { startSqsServer, type SqsServer } from '../../local/sqs';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let server: SqsServer;
let sqs: SQSClient;
let queueNumber = 0;

beforeAll(async () => {
  server = await startSqsServer({ backendOptions: { region: 'eu-west-1', accountId: '123456789012' } });
  sqs = new SQSClient({ endpoint: server.url, region: 'eu-west-1', credentials });
});

afterAll(async () => {
  sqs.destroy();
  await server.close();
});

/** A fresh queue per test, so tests never see each other's messages. */
async function createQueue(attributes: Record<string, string> = {}, suffix = ''): Promise<{ url: string; arn: string; name: string }> {
  const name = `q${++queueNumber}${suffix}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error('CreateQueue returned no QueueUrl');
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl, arn: Attributes?.QueueArn ?? '', name };
}

async function counts(url: string): Promise<{ visible: number; notVisible: number; delayed: number }> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    notVisible: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
  };
}

async function receiveOne(url: string, waitTimeSeconds = 0): Promise<Message | undefined> {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: waitTimeSeconds, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }));
  return Messages?.[0];
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

describe('send, receive, delete', () => {
  it('round-trips a message with its attributes and digests', async () => {
    // Prepare
    const { url } = await createQueue();
    // Act
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'Héllo 😀 <&>',
        MessageAttributes: {
          timestamp: { DataType: 'Number', StringValue: '1493147359900' },
        },
      }),
    );
    const message = await receiveOne(url);
    // Assess: the SDK checked MD5OfMessageBody; the attribute digest is the one AWS gives (moto's pinned vector).
    expect(sent.MD5OfMessageAttributes).toBe('235c5c510d26fb653d073faed50ae77c');
    expect(message?.MessageId).toBe(sent.MessageId);
    expect(message?.Body).toBe('Héllo 😀 <&>');
    expect(message?.MD5OfMessageAttributes).toBe('235c5c510d26fb653d073faed50ae77c');
    expect(message?.MessageAttributes).toEqual({ timestamp: { DataType: 'Number', StringValue: '1493147359900' } });
    expect(message?.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: 'local' });
    expect(Number(message?.Attributes?.SentTimestamp)).toBeGreaterThan(0);

    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle }));
    expect(await counts(url)).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });

  it('returns binary attributes and only the attributes asked for', async () => {
    const { url } = await createQueue();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'x',
        MessageAttributes: {
          'order.id': { DataType: 'String', StringValue: '42' },
          'order.raw': { DataType: 'Binary', BinaryValue: new Uint8Array([2, 3, 4]) },
          other: { DataType: 'String', StringValue: 'no' },
        },
      }),
    );
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['order.*'] }));
    const attributes = Messages?.[0]?.MessageAttributes ?? {};
    expect(Object.keys(attributes).sort()).toEqual(['order.id', 'order.raw']);
    expect(Array.from(attributes['order.raw']?.BinaryValue ?? [])).toEqual([2, 3, 4]);
    expect(Messages?.[0]?.Attributes).toBeUndefined();
  });

  it('answers an empty receive with no messages', async () => {
    const { url } = await createQueue();
    const result = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(result.Messages).toBeUndefined();
  });
});

describe('long polling', () => {
  it('returns as soon as a message arrives', async () => {
    const { url } = await createQueue();
    const started = Date.now();
    const polling = receiveOne(url, 10);
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' })), 300);
    const message = await polling;
    expect(message?.Body).toBe('late');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('waits the whole wait time when nothing comes', async () => {
    const { url } = await createQueue();
    const started = Date.now();
    expect(await receiveOne(url, 1)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});

describe('visibility timeout', () => {
  it('redelivers a message that was not deleted, with a new receipt handle and receive count 2', async () => {
    const { url } = await createQueue({ VisibilityTimeout: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'retry me' }));
    const first = await receiveOne(url);
    expect(await receiveOne(url)).toBeUndefined();
    expect(await counts(url)).toMatchObject({ visible: 0, notVisible: 1 });

    const second = await receiveOne(url, 5);

    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    expect(second?.Attributes?.ApproximateFirstReceiveTimestamp).toBe(first?.Attributes?.ApproximateFirstReceiveTimestamp);
  });

  it('moves visibility with ChangeMessageVisibilityBatch and reports bad handles per entry', async () => {
    const { url } = await createQueue({ VisibilityTimeout: '30' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'soon' }));
    const message = await receiveOne(url);
    const result = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'ok', ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'bad', ReceiptHandle: 'not-a-handle', VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(result.Successful).toEqual([{ Id: 'ok' }]);
    expect(result.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid', SenderFault: true })]);
    expect((await receiveOne(url))?.Attributes?.ApproximateReceiveCount).toBe('2');
  });
});

describe('dead-letter queue and redrive', () => {
  it('moves a message that failed exactly maxReceiveCount times to the DLQ, and StartMessageMoveTask brings it back', async () => {
    // Prepare
    const dlq = await createQueue({}, '-dlq');
    const source = await createQueue({ VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }) });
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison' }));

    // Act: three receives that never delete (each waits for the previous visibility timeout).
    for (const expected of ['1', '2', '3']) {
      const message = await receiveOne(source.url, 5);
      expect(message?.Attributes?.ApproximateReceiveCount).toBe(expected);
    }
    // Not before: after three failures it is still in the source queue.
    expect(await counts(dlq.url)).toMatchObject({ visible: 0 });
    // The receive that would be the fourth moves it instead of returning it.
    expect(await receiveOne(source.url, 2)).toBeUndefined();

    // Assess
    const dead = await receiveOne(dlq.url);
    expect(dead?.MessageId).toBe(MessageId);
    expect(dead?.Body).toBe('poison');
    expect(dead?.Attributes?.DeadLetterQueueSourceArn).toBe(source.arn);
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: dlq.url, Entries: [{ Id: 'a', ReceiptHandle: dead?.ReceiptHandle, VisibilityTimeout: 0 }] }));
    const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }));
    expect(sources.queueUrls).toEqual([source.url]);

    // Act: redrive
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    expect(TaskHandle).toEqual(expect.any(String));
    let status: string | undefined;
    let moved: number | undefined;
    for (let i = 0; i < 50 && status !== 'COMPLETED'; i++) {
      const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));
      status = Results?.[0]?.Status;
      moved = Results?.[0]?.ApproximateNumberOfMessagesMoved;
      if (status !== 'COMPLETED') await new Promise((r) => setTimeout(r, 50));
    }

    // Assess
    expect(status).toBe('COMPLETED');
    expect(moved).toBe(1);
    expect(await counts(dlq.url)).toMatchObject({ visible: 0, notVisible: 0 });
    const back = await receiveOne(source.url);
    expect(back?.MessageId).toBe(MessageId);
    expect(back?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(back?.Attributes?.DeadLetterQueueSourceArn).toBeUndefined();
  });

  it('refuses a move task from a queue that is no dead-letter queue', async () => {
    const { arn } = await createQueue();
    const error = await rejection(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn })));
    expect(error).toBeInstanceOf(SQSServiceException);
    expect((error as SQSServiceException).name).toBe('InvalidParameterValue');
  });
});

describe('batches', () => {
  it('SendMessageBatch fails only the bad entries', async () => {
    const { url } = await createQueue({ MaximumMessageSize: '262144' });
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'ok', MessageBody: 'fine' },
          { Id: 'too_big', MessageBody: 'x'.repeat(262_145) },
          { Id: 'bad-chars', MessageBody: 'nul \u0000 here' },
          { Id: 'ok2', MessageBody: 'fine too', DelaySeconds: 0 },
        ],
      }),
    );
    expect(result.Successful?.map((s) => s.Id)).toEqual(['ok', 'ok2']);
    expect(result.Failed).toEqual([
      expect.objectContaining({ Id: 'too_big', Code: 'InvalidParameterValue', SenderFault: true }),
      expect.objectContaining({ Id: 'bad-chars', Code: 'InvalidMessageContents', SenderFault: true }),
    ]);
    expect(await counts(url)).toMatchObject({ visible: 2 });
  });

  it('rejects batches whose ids repeat, that are empty or too long', async () => {
    const { url } = await createQueue();
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: '1' }, { Id: 'a', MessageBody: '2' }] }))).rejects.toBeInstanceOf(BatchEntryIdsNotDistinct);
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] }))).rejects.toBeInstanceOf(EmptyBatchRequest);
    const eleven = Array.from({ length: 11 }, (_, n) => ({ Id: `m${n}`, MessageBody: 'x' }));
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: eleven }))).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    expect(await counts(url)).toMatchObject({ visible: 0 });
  });

  it('DeleteMessageBatch reports an invalid receipt handle per entry', async () => {
    const { url } = await createQueue();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: '1' }, { Id: 'b', MessageBody: '2' }] }));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(Messages).toHaveLength(2);
    const result = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'first', ReceiptHandle: Messages[0]?.ReceiptHandle },
          { Id: 'garbage', ReceiptHandle: 'AQEB-not-ours' },
          { Id: 'second', ReceiptHandle: Messages[1]?.ReceiptHandle },
        ],
      }),
    );
    expect(result.Successful?.map((s) => s.Id)).toEqual(['first', 'second']);
    expect(result.Failed).toEqual([expect.objectContaining({ Id: 'garbage', Code: 'ReceiptHandleIsInvalid', SenderFault: true })]);
    expect(await counts(url)).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });

  it('DeleteMessage with a handle the queue never issued throws ReceiptHandleIsInvalid', async () => {
    const { url } = await createQueue();
    await expect(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'bogus' }))).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
  });
});

describe('delays, purge and counts', () => {
  it('holds a delayed message back and counts it as delayed', async () => {
    const { url } = await createQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 1 }));
    expect(await receiveOne(url)).toBeUndefined();
    expect(await counts(url)).toEqual({ visible: 0, notVisible: 0, delayed: 1 });
    const started = Date.now();
    const message = await receiveOne(url, 5);
    expect(message?.Body).toBe('later');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('applies the queue DelaySeconds to messages without their own', async () => {
    const { url } = await createQueue({ DelaySeconds: '30' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'queue delay' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'no delay', DelaySeconds: 0 }));
    expect(await counts(url)).toEqual({ visible: 1, notVisible: 0, delayed: 1 });
  });

  it('purges every message, in flight and delayed too', async () => {
    const { url } = await createQueue();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: '1' }, { Id: 'b', MessageBody: '2' }, { Id: 'c', MessageBody: '3', DelaySeconds: 60 }] }));
    await receiveOne(url);
    expect(await counts(url)).toEqual({ visible: 1, notVisible: 1, delayed: 1 });
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(await counts(url)).toEqual({ visible: 0, notVisible: 0, delayed: 0 });
  });

  it('returns the queue attributes AWS returns', async () => {
    const dlq = await createQueue();
    const { url, arn, name } = await createQueue({ VisibilityTimeout: '45', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: '5' }) });
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expect(arn).toBe(`arn:aws:sqs:eu-west-1:123456789012:${name}`);
    expect(Attributes).toMatchObject({
      QueueArn: arn,
      VisibilityTimeout: '45',
      MessageRetentionPeriod: '345600',
      DelaySeconds: '0',
      ReceiveMessageWaitTimeSeconds: '0',
      MaximumMessageSize: '1048576',
      SqsManagedSseEnabled: 'true',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
    });
    expect(Number(Attributes.CreatedTimestamp)).toBeGreaterThan(1_600_000_000);

    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '60', RedrivePolicy: '' } }));
    const after = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }));
    expect(after.Attributes).toEqual({ VisibilityTimeout: '60' });
  });
});

describe('queues', () => {
  it('lists queues by prefix, resolves names to URLs and keeps tags', async () => {
    const { url, name } = await createQueue({}, '-listed');
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(url);
    expect(url).toBe(`${server.url}/123456789012/${name}`);
    const { QueueUrls } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
    expect(QueueUrls).toEqual([url]);
    await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { team: 'platform' } }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags).toEqual({ team: 'platform' });
  });

  it('supports FIFO queues: sequence numbers and deduplication', async () => {
    const { url } = await createQueue({ FifoQueue: 'true', ContentBasedDeduplication: 'true' }, '.fifo');
    const first = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'once', MessageGroupId: 'g' }));
    const again = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'once', MessageGroupId: 'g' }));
    expect(first.SequenceNumber).toMatch(/^\d{20}$/);
    expect(again.MessageId).toBe(first.MessageId);
    expect(await counts(url)).toMatchObject({ visible: 1 });
  });
});

describe('errors', () => {
  it('maps an unknown queue to the typed QueueDoesNotExist', async () => {
    const error = await rejection(sqs.send(new SendMessageCommand({ QueueUrl: `${server.url}/123456789012/nope`, MessageBody: 'x' })));
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect((error as QueueDoesNotExist).$metadata.httpStatusCode).toBe(400);
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('maps attribute problems and name clashes to their typed exceptions', async () => {
    const { name } = await createQueue({ VisibilityTimeout: '10' });
    await expect(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '10' } }))).resolves.toMatchObject({ QueueUrl: expect.stringContaining(name) });
    await expect(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '11' } }))).rejects.toBeInstanceOf(QueueNameExists);
    await expect(sqs.send(new CreateQueueCommand({ QueueName: `${name}-x`, Attributes: { Colour: 'blue' } as Record<string, string> }))).rejects.toBeInstanceOf(InvalidAttributeName);
  });

  it('answers an unknown operation with a 400 that names it', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSQS.FlyToTheMoon', 'content-type': 'application/x-amz-json-1.0' },
      body: '{}',
    });
    const body = (await response.json()) as { __type: string; message: string };
    expect(response.status).toBe(400);
    expect(body.__type).toBe('com.amazonaws.sqs#InvalidAction');
    expect(body.message).toContain('FlyToTheMoon');
  });
});

describe('persistence', () => {
  it('keeps queues and messages across a restart on the same data folder', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'local-sqs-'));
    try {
      const first = await startSqsServer({ backendOptions: { dataDir } });
      const client1 = new SQSClient({ endpoint: first.url, region: 'us-east-1', credentials });
      const { QueueUrl } = await client1.send(new CreateQueueCommand({ QueueName: 'durable', Attributes: { VisibilityTimeout: '1' } }));
      await client1.send(new SendMessageCommand({ QueueUrl, MessageBody: 'survives' }));
      const inFlight = await client1.send(new ReceiveMessageCommand({ QueueUrl }));
      expect(inFlight.Messages).toHaveLength(1);
      client1.destroy();
      await first.close();

      // Act
      const second = await startSqsServer({ backendOptions: { dataDir } });
      const client2 = new SQSClient({ endpoint: second.url, region: 'us-east-1', credentials });
      try {
        const { QueueUrl: url2 } = await client2.send(new GetQueueUrlCommand({ QueueName: 'durable' }));
        const { Messages } = await client2.send(new ReceiveMessageCommand({ QueueUrl: url2, WaitTimeSeconds: 5, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));

        // Assess: the message is back, and its in-flight state (receive count) survived too.
        expect(Messages?.[0]?.Body).toBe('survives');
        expect(Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
        expect(url2).toBe(`${second.url}/000000000000/durable`);
      } finally {
        client2.destroy();
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
