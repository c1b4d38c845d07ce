/**
 * Edge cases of the local SQS engine, with time driven by hand (ManualClock): visibility,
 * receipt handles, redrive, retention, delays, long polling, FIFO, move tasks, persistence.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, SqsBackend, SqsError, SqsPersistenceError, type QueueInfo, type ReceivedMessage } from '../../local/sqs';

const START = Date.UTC(2025, 0, 1);
let clock: ManualClock;
let sqs: SqsBackend;

beforeEach(() => {
  clock = new ManualClock(START);
  sqs = new SqsBackend({ clock, region: 'eu-west-1', accountId: '111122223333', baseUrl: 'http://127.0.0.1:9999' });
});

afterEach(async () => {
  await sqs.close();
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof SqsError) return error.code;
    throw error;
  }
  return undefined;
}

async function receive(queue: string | QueueInfo, options: Parameters<SqsBackend['receiveMessages']>[1] = {}): Promise<ReceivedMessage[]> {
  return sqs.receiveMessages(queue, { attributeNames: ['All'], messageAttributeNames: ['All'], max: 10, ...options });
}

function withDlq(maxReceiveCount: number, sourceAttributes: Record<string, string> = {}): { source: QueueInfo; dlq: QueueInfo } {
  const dlq = sqs.createQueue('work-dlq');
  const source = sqs.createQueue('work', { VisibilityTimeout: '10', ...sourceAttributes, RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }) });
  return { source, dlq };
}

describe('queues', () => {
  it('names queues by name, URL, ARN or QueueInfo', () => {
    const info = sqs.createQueue('orders');
    expect(info).toEqual({ name: 'orders', url: 'http://127.0.0.1:9999/111122223333/orders', arn: 'arn:aws:sqs:eu-west-1:111122223333:orders', fifo: false });
    for (const ref of ['orders', info.url, info.arn, info, 'https://sqs.eu-west-1.amazonaws.com/111122223333/orders']) {
      expect(sqs.getQueue(ref).name).toBe('orders');
    }
    expect(sqs.findQueue('nope')).toBeUndefined();
    expect(codeOf(() => sqs.getQueue('nope'))).toBe('QueueDoesNotExist');
    sqs.baseUrl = 'http://localhost:1234/';
    expect(sqs.getQueue('orders').url).toBe('http://localhost:1234/111122223333/orders');
  });

  it('validates names and attribute values as SQS does', () => {
    expect(codeOf(() => sqs.createQueue('bad name'))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.createQueue('x'.repeat(81)))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.createQueue('q', { VisibilityTimeout: '43201' }))).toBe('InvalidAttributeValue');
    expect(codeOf(() => sqs.createQueue('q', { MessageRetentionPeriod: '59' }))).toBe('InvalidAttributeValue');
    expect(codeOf(() => sqs.createQueue('q', { Colour: 'blue' }))).toBe('InvalidAttributeName');
    expect(codeOf(() => sqs.createQueue('q', { ContentBasedDeduplication: 'true' }))).toBe('InvalidAttributeName');
    expect(codeOf(() => sqs.createQueue('q', { RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:111122223333:d","maxReceiveCount":0}' }))).toBe('InvalidAttributeValue');
    expect(codeOf(() => sqs.createQueue('q', { RedrivePolicy: 'not json' }))).toBe('InvalidAttributeValue');
    expect(sqs.listQueues()).toEqual([]);
  });

  it('is idempotent for the same attributes and refuses different ones; ensureQueue converges instead', () => {
    sqs.createQueue('q', { VisibilityTimeout: '10' });
    expect(sqs.createQueue('q', { VisibilityTimeout: '10' }).name).toBe('q');
    expect(codeOf(() => sqs.createQueue('q', { VisibilityTimeout: '20' }))).toBe('QueueNameExists');

    sqs.setQueueAttributes('q', { Policy: '{"Version":"2012-10-17"}' });
    sqs.ensureQueue('q', { DelaySeconds: '5' });
    expect(sqs.getQueueAttributes('q', ['VisibilityTimeout', 'DelaySeconds', 'Policy'])).toEqual({ VisibilityTimeout: '30', DelaySeconds: '5' });
  });

  it('checks a redrive target that exists: same type and allowed by its RedriveAllowPolicy', () => {
    const fifoDlq = sqs.createQueue('dlq.fifo', { FifoQueue: 'true' });
    const closed = sqs.createQueue('closed-dlq', { RedriveAllowPolicy: '{"redrivePermission":"denyAll"}' });
    const picky = sqs.createQueue('picky-dlq', { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: ['arn:aws:sqs:eu-west-1:111122223333:allowed'] }) });
    const policy = (arn: string): Record<string, string> => ({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 3 }) });
    expect(codeOf(() => sqs.createQueue('standard', policy(fifoDlq.arn)))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.createQueue('standard', policy(closed.arn)))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.createQueue('other', policy(picky.arn)))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.createQueue('allowed', policy(picky.arn)))).toBeUndefined();
    // A DLQ that does not exist yet is accepted (templates may create it later).
    expect(codeOf(() => sqs.createQueue('early', policy('arn:aws:sqs:eu-west-1:111122223333:later')))).toBeUndefined();
    expect(sqs.listDeadLetterSourceQueues('picky-dlq').map((q) => q.name)).toEqual(['allowed']);
  });

  it('deletes a queue and ends the long polls waiting on it', async () => {
    sqs.createQueue('gone');
    const polling = receive('gone', { waitTimeSeconds: 20 });
    sqs.deleteQueue('gone');
    await expect(polling).resolves.toEqual([]);
    expect(codeOf(() => sqs.sendMessage('gone', 'x'))).toBe('QueueDoesNotExist');
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('messages', () => {
  beforeEach(() => {
    sqs.createQueue('q', { VisibilityTimeout: '30', MaximumMessageSize: '1024' });
  });

  it('refuses bodies SQS refuses', () => {
    expect(codeOf(() => sqs.sendMessage('q', ''))).toBe('MissingParameter');
    expect(codeOf(() => sqs.sendMessage('q', 'bell \u0007'))).toBe('InvalidMessageContents');
    expect(codeOf(() => sqs.sendMessage('q', 'lone \uD800 surrogate'))).toBe('InvalidMessageContents');
    expect(codeOf(() => sqs.sendMessage('q', 'tab\tnew line\r\n emoji 😀 and \uFFFD'))).toBeUndefined();
    expect(codeOf(() => sqs.sendMessage('q', 'x'.repeat(1024)))).toBeUndefined();
    expect(codeOf(() => sqs.sendMessage('q', 'x'.repeat(1025)))).toBe('InvalidParameterValue');
    // Attributes count against the size too.
    expect(codeOf(() => sqs.sendMessage('q', 'x'.repeat(1000), { messageAttributes: { a: { dataType: 'String', stringValue: 'y'.repeat(30) } } }))).toBe('InvalidParameterValue');
  });

  it('refuses message attributes SQS refuses', () => {
    const send = (name: string, dataType: string, value: { stringValue?: string; binaryValue?: Uint8Array }): string | undefined =>
      codeOf(() => sqs.sendMessage('q', 'x', { messageAttributes: { [name]: { dataType, ...value } } }));
    expect(send('n', 'Number', { stringValue: 'abc' })).toBe('InvalidParameterValue');
    expect(send('n', 'Number.int', { stringValue: '12' })).toBeUndefined();
    expect(send('AWS.reserved', 'String', { stringValue: 'x' })).toBe('InvalidParameterValue');
    expect(send('a..b', 'String', { stringValue: 'x' })).toBe('InvalidParameterValue');
    expect(send('t', 'Date', { stringValue: 'x' })).toBe('InvalidParameterValue');
    expect(send('b', 'Binary', { stringValue: 'x' })).toBe('InvalidParameterValue');
    expect(send('b', 'Binary', { binaryValue: new Uint8Array([1]) })).toBeUndefined();
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, n) => [`a${n}`, { dataType: 'String', stringValue: 'v' }]));
    expect(codeOf(() => sqs.sendMessage('q', 'x', { messageAttributes: eleven }))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.sendMessage('q', 'x', { messageSystemAttributes: { Foo: { dataType: 'String', stringValue: 'x' } } }))).toBe('InvalidParameterValue');
  });

  it('validates receive parameters', async () => {
    await expect(sqs.receiveMessages('q', { max: 11 })).rejects.toMatchObject({ code: 'InvalidParameterValue' });
    await expect(sqs.receiveMessages('q', { max: 0 })).rejects.toMatchObject({ code: 'InvalidParameterValue' });
    await expect(sqs.receiveMessages('q', { waitTimeSeconds: 21 })).rejects.toMatchObject({ code: 'InvalidParameterValue' });
    await expect(sqs.receiveMessages('q', { visibilityTimeout: -1 })).rejects.toMatchObject({ code: 'InvalidParameterValue' });
  });

  it('returns system attributes by name and AWSTraceHeader when sent', async () => {
    sqs.sendMessage('q', 'x', { messageSystemAttributes: { AWSTraceHeader: { dataType: 'String', stringValue: 'Root=1-abc' } }, senderId: 'AIDAEXAMPLE' });
    const [message] = await sqs.receiveMessages('q', { attributeNames: ['SenderId', 'AWSTraceHeader'] });
    expect(message?.attributes).toEqual({ SenderId: 'AIDAEXAMPLE', AWSTraceHeader: 'Root=1-abc' });
  });
});

describe('visibility and receipt handles', () => {
  beforeEach(() => {
    sqs.createQueue('q', { VisibilityTimeout: '30' });
  });

  it('hides a received message until its visibility timeout ends, then redelivers it', async () => {
    const { messageId } = sqs.sendMessage('q', 'hello');
    const [first] = await receive('q');
    expect(first?.attributes).toMatchObject({ ApproximateReceiveCount: '1', SentTimestamp: String(START), ApproximateFirstReceiveTimestamp: String(START), SenderId: '111122223333' });
    clock.advance(29_999);
    expect(await receive('q')).toEqual([]);
    expect(sqs.getQueueAttributes('q', ['ApproximateNumberOfMessagesNotVisible'])).toEqual({ ApproximateNumberOfMessagesNotVisible: '1' });
    clock.advance(1);
    const [second] = await receive('q');
    expect(second?.messageId).toBe(messageId);
    expect(second?.attributes.ApproximateReceiveCount).toBe('2');
    expect(second?.attributes.ApproximateFirstReceiveTimestamp).toBe(String(START));
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
  });

  it('does not let a stale receipt handle delete a redelivered message (success, nothing deleted)', async () => {
    sqs.sendMessage('q', 'hello');
    const [first] = await receive('q');
    clock.advance(30_000);
    const [second] = await receive('q');
    expect(sqs.deleteMessage('q', first?.receiptHandle ?? '')).toBe(false);
    expect(sqs.getQueueAttributes('q', ['ApproximateNumberOfMessagesNotVisible']).ApproximateNumberOfMessagesNotVisible).toBe('1');
    expect(sqs.deleteMessage('q', second?.receiptHandle ?? '')).toBe(true);
    // Deleting again is a success that deletes nothing, as in SQS.
    expect(sqs.deleteMessage('q', second?.receiptHandle ?? '')).toBe(false);
    expect(codeOf(() => sqs.deleteMessage('q', 'garbage'))).toBe('ReceiptHandleIsInvalid');
  });

  it('lets the newest handle delete a message whose visibility already expired', async () => {
    sqs.sendMessage('q', 'hello');
    const [first] = await receive('q');
    clock.advance(60_000);
    expect(sqs.deleteMessage('q', first?.receiptHandle ?? '')).toBe(true);
    expect(await receive('q')).toEqual([]);
  });

  it('refuses a receipt handle of another queue', async () => {
    sqs.createQueue('other');
    sqs.sendMessage('other', 'x');
    const [message] = await receive('other');
    expect(codeOf(() => sqs.deleteMessage('q', message?.receiptHandle ?? ''))).toBe('ReceiptHandleIsInvalid');
  });

  it('changes visibility from now; refuses stale handles and messages no longer in flight', async () => {
    sqs.sendMessage('q', 'hello');
    const [first] = await receive('q');
    const handle = first?.receiptHandle ?? '';
    clock.advance(20_000);
    sqs.changeVisibility('q', handle, 5);
    clock.advance(4_999);
    expect(await receive('q')).toEqual([]);
    clock.advance(1);
    expect(codeOf(() => sqs.changeVisibility('q', handle, 10))).toBe('MessageNotInflight');
    const [second] = await receive('q');
    expect(codeOf(() => sqs.changeVisibility('q', handle, 10))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.changeVisibility('q', second?.receiptHandle ?? '', 43_201))).toBe('InvalidParameterValue');
    // The next receive uses the queue's timeout again, not the changed one.
    sqs.changeVisibility('q', second?.receiptHandle ?? '', 0);
    await receive('q');
    clock.advance(29_999);
    expect(await receive('q')).toEqual([]);
  });

  it('a receive with VisibilityTimeout 0 leaves the message visible', async () => {
    sqs.sendMessage('q', 'hello');
    await receive('q', { visibilityTimeout: 0 });
    const [again] = await receive('q');
    expect(again?.attributes.ApproximateReceiveCount).toBe('2');
  });
});

describe('dead-letter queue', () => {
  it('moves a message on the receive after its maxReceiveCount-th, keeping id, count and send time', async () => {
    const { source, dlq } = withDlq(2);
    const moved: string[] = [];
    sqs.events.on('movedToDlq', (e) => moved.push(`${e.queue.name}->${e.deadLetterQueue.name}:${e.receiveCount}`));
    const { messageId } = sqs.sendMessage(source, 'poison');

    expect((await receive(source))[0]?.attributes.ApproximateReceiveCount).toBe('1');
    clock.advance(10_000);
    expect((await receive(source))[0]?.attributes.ApproximateReceiveCount).toBe('2');
    clock.advance(10_000);
    // Failed exactly maxReceiveCount times, not moved yet: nothing has tried to receive it since.
    expect(sqs.getQueueAttributes(dlq, ['ApproximateNumberOfMessages']).ApproximateNumberOfMessages).toBe('0');
    expect(sqs.getQueueAttributes(source, ['ApproximateNumberOfMessages']).ApproximateNumberOfMessages).toBe('1');

    expect(await receive(source)).toEqual([]);

    expect(moved).toEqual(['work->work-dlq:2']);
    const [dead] = await receive(dlq);
    expect(dead).toMatchObject({ messageId, body: 'poison' });
    expect(dead?.attributes).toMatchObject({ DeadLetterQueueSourceArn: source.arn, ApproximateReceiveCount: '3', SentTimestamp: String(START) });
  });

  it('keeps delivering when the dead-letter queue does not exist', async () => {
    const source = sqs.createQueue('orphan', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:111122223333:missing', maxReceiveCount: 1 }) });
    sqs.sendMessage(source, 'x');
    await receive(source, { visibilityTimeout: 0 });
    expect((await receive(source))[0]?.attributes.ApproximateReceiveCount).toBe('2');
  });

  it('serves a long poll waiting on the DLQ when a message is moved into it', async () => {
    const { source, dlq } = withDlq(1);
    sqs.sendMessage(source, 'x');
    await receive(source, { visibilityTimeout: 0 });
    const waiting = receive(dlq, { waitTimeSeconds: 20 });
    await receive(source);
    expect((await waiting).map((m) => m.body)).toEqual(['x']);
  });
});

describe('retention and delays', () => {
  it('deletes messages older than the retention period', async () => {
    sqs.createQueue('short', { MessageRetentionPeriod: '60' });
    const expired: string[] = [];
    sqs.events.on('expired', (e) => expired.push(e.messageId));
    const { messageId } = sqs.sendMessage('short', 'x');
    clock.advance(59_999);
    expect(sqs.getQueueAttributes('short', ['ApproximateNumberOfMessages']).ApproximateNumberOfMessages).toBe('1');
    clock.advance(1);
    expect(sqs.getQueueAttributes('short', ['ApproximateNumberOfMessages']).ApproximateNumberOfMessages).toBe('0');
    expect(await receive('short')).toEqual([]);
    expect(expired).toEqual([messageId]);
  });

  it('counts a dead letter’s retention from its original send time', async () => {
    const dlq = sqs.createQueue('dlq', { MessageRetentionPeriod: '120' });
    const source = sqs.createQueue('src', { VisibilityTimeout: '100', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }) });
    sqs.sendMessage(source, 'x');
    await receive(source);
    clock.advance(100_000);
    await receive(source);
    expect(sqs.getQueueAttributes(dlq, ['ApproximateNumberOfMessages']).ApproximateNumberOfMessages).toBe('1');
    clock.advance(20_000);
    expect(await receive(dlq)).toEqual([]);
  });

  it('delays messages by the queue default or their own DelaySeconds', async () => {
    sqs.createQueue('slow', { DelaySeconds: '10' });
    sqs.sendMessage('slow', 'queue default');
    sqs.sendMessage('slow', 'own', { delaySeconds: 2 });
    sqs.sendMessage('slow', 'none', { delaySeconds: 0 });
    expect(sqs.getQueueAttributes('slow', ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'])).toEqual({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesDelayed: '2' });
    expect((await receive('slow')).map((m) => m.body)).toEqual(['none']);
    clock.advance(2_000);
    expect((await receive('slow')).map((m) => m.body)).toEqual(['own']);
    clock.advance(8_000);
    expect((await receive('slow')).map((m) => m.body)).toEqual(['queue default']);
    expect(codeOf(() => sqs.sendMessage('slow', 'x', { delaySeconds: 901 }))).toBe('InvalidParameterValue');
  });
});

describe('long polling', () => {
  beforeEach(() => {
    sqs.createQueue('q');
  });

  it('resolves when a message is sent, with what is there', async () => {
    const polling = receive('q', { waitTimeSeconds: 20 });
    clock.advance(5_000);
    sqs.sendMessage('q', 'a');
    expect((await polling).map((m) => m.body)).toEqual(['a']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('resolves when a delayed or in-flight message becomes visible', async () => {
    sqs.sendMessage('q', 'later', { delaySeconds: 3 });
    const polling = receive('q', { waitTimeSeconds: 20 });
    clock.advance(3_000);
    expect((await polling).map((m) => m.body)).toEqual(['later']);
  });

  it('resolves empty at the end of the wait, on abort and on close', async () => {
    const timedOut = receive('q', { waitTimeSeconds: 2 });
    clock.advance(2_000);
    await expect(timedOut).resolves.toEqual([]);

    const controller = new AbortController();
    const aborted = receive('q', { waitTimeSeconds: 20, signal: controller.signal });
    controller.abort();
    await expect(aborted).resolves.toEqual([]);

    const closing = receive('q', { waitTimeSeconds: 20 });
    await sqs.close();
    await expect(closing).resolves.toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('uses the queue ReceiveMessageWaitTimeSeconds by default and serves waiters in order', async () => {
    sqs.setQueueAttributes('q', { ReceiveMessageWaitTimeSeconds: '20' });
    const first = sqs.receiveMessages('q');
    const second = sqs.receiveMessages('q');
    sqs.sendMessage('q', 'one');
    sqs.sendMessage('q', 'two');
    expect((await first).map((m) => m.body)).toEqual(['one']);
    expect((await second).map((m) => m.body)).toEqual(['two']);
  });
});

describe('FIFO queues', () => {
  beforeEach(() => {
    sqs.createQueue('orders.fifo', { FifoQueue: 'true' });
  });

  it('needs a group id and a deduplication id (or content-based deduplication)', () => {
    expect(codeOf(() => sqs.sendMessage('orders.fifo', 'x', { messageDeduplicationId: 'd' }))).toBe('MissingParameter');
    expect(codeOf(() => sqs.sendMessage('orders.fifo', 'x', { messageGroupId: 'g' }))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.sendMessage('orders.fifo', 'x', { messageGroupId: 'g', messageDeduplicationId: 'd', delaySeconds: 5 }))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.createQueue('plain.fifo', { FifoQueue: 'false' }))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.sendMessage(sqs.createQueue('std'), 'x', { messageDeduplicationId: 'd' }))).toBe('InvalidParameterValue');
  });

  it('drops duplicates within five minutes and answers with the original message', () => {
    const send = (): string => sqs.sendMessage('orders.fifo', 'x', { messageGroupId: 'g', messageDeduplicationId: 'd' }).messageId;
    const first = send();
    clock.advance(299_999);
    expect(send()).toBe(first);
    expect(sqs.getQueueAttributes('orders.fifo', ['ApproximateNumberOfMessages']).ApproximateNumberOfMessages).toBe('1');
    clock.advance(1);
    expect(send()).not.toBe(first);
  });

  it('keeps a group blocked while one of its messages is in flight, other groups flow', async () => {
    for (const [group, body] of [['a', 'a1'], ['a', 'a2'], ['b', 'b1']] as const) {
      sqs.sendMessage('orders.fifo', body, { messageGroupId: group, messageDeduplicationId: body });
    }
    const [a1] = await receive('orders.fifo', { max: 1 });
    expect(a1?.body).toBe('a1');
    expect((await receive('orders.fifo')).map((m) => m.body)).toEqual(['b1']);
    sqs.deleteMessage('orders.fifo', a1?.receiptHandle ?? '');
    const [a2] = await receive('orders.fifo');
    expect(a2?.body).toBe('a2');
    expect(Number(a2?.attributes.SequenceNumber)).toBeGreaterThan(Number(a1?.attributes.SequenceNumber));
    expect(a2?.attributes).toMatchObject({ MessageGroupId: 'a', MessageDeduplicationId: 'a2' });
  });

  it('returns several messages of one group in order in one receive', async () => {
    for (const body of ['1', '2', '3']) sqs.sendMessage('orders.fifo', body, { messageGroupId: 'g', messageDeduplicationId: body });
    expect((await receive('orders.fifo')).map((m) => m.body)).toEqual(['1', '2', '3']);
  });
});

describe('message move tasks', () => {
  async function deadLetters(count: number): Promise<{ source: QueueInfo; dlq: QueueInfo }> {
    const queues = withDlq(1);
    for (let n = 0; n < count; n++) sqs.sendMessage(queues.source, `m${n}`);
    await receive(queues.source, { visibilityTimeout: 0 });
    await receive(queues.source);
    expect(sqs.getQueueAttributes(queues.dlq, ['ApproximateNumberOfMessages']).ApproximateNumberOfMessages).toBe(String(count));
    return queues;
  }

  it('moves dead letters back to their source at the rate asked for, then reports COMPLETED', async () => {
    const { source, dlq } = await deadLetters(5);
    const { taskHandle } = sqs.startMessageMoveTask(dlq.arn, { maxNumberOfMessagesPerSecond: 2 });
    expect(codeOf(() => sqs.startMessageMoveTask(dlq.arn))).toBe('UnsupportedOperation');
    clock.advance(0);
    expect(sqs.listMessageMoveTasks(dlq.arn)[0]).toMatchObject({ taskHandle, status: 'RUNNING', approximateNumberOfMessagesMoved: 1, approximateNumberOfMessagesToMove: 5, maxNumberOfMessagesPerSecond: 2 });
    clock.advance(1_000);
    expect(sqs.listMessageMoveTasks(dlq.arn)[0]?.approximateNumberOfMessagesMoved).toBe(3);
    clock.advance(1_000);
    const [task] = sqs.listMessageMoveTasks(dlq.arn);
    expect(task).toMatchObject({ status: 'COMPLETED', approximateNumberOfMessagesMoved: 5, startedTimestamp: START });
    expect(task?.taskHandle).toBeUndefined();
    const back = await receive(source);
    expect(back.map((m) => m.body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(back.every((m) => m.attributes.ApproximateReceiveCount === '1' && m.attributes.DeadLetterQueueSourceArn === undefined)).toBe(true);
  });

  it('moves to a DestinationArn, waits for in-flight dead letters, and can be cancelled', async () => {
    const { dlq } = await deadLetters(2);
    const elsewhere = sqs.createQueue('elsewhere');
    const [held] = await receive(dlq, { max: 1, visibilityTimeout: 30 });
    sqs.startMessageMoveTask(dlq.arn, { destinationArn: elsewhere.arn });
    clock.advance(0);
    expect(sqs.listMessageMoveTasks(dlq.arn)[0]).toMatchObject({ status: 'RUNNING', approximateNumberOfMessagesMoved: 1, destinationArn: elsewhere.arn });
    clock.advance(30_000);
    expect(sqs.listMessageMoveTasks(dlq.arn)[0]).toMatchObject({ status: 'COMPLETED', approximateNumberOfMessagesMoved: 2 });
    expect((await receive(elsewhere)).map((m) => m.messageId)).toContain(held?.messageId);

    // Cancel: three more dead letters, moved at one per second, cancelled after the first.
    const source = sqs.getQueue('work');
    for (const body of ['x', 'y', 'z']) sqs.sendMessage(source, body);
    await receive(source, { visibilityTimeout: 0 });
    await receive(source);
    const { taskHandle } = sqs.startMessageMoveTask(dlq.arn, { maxNumberOfMessagesPerSecond: 1 });
    clock.advance(0);
    expect(sqs.cancelMessageMoveTask(taskHandle)).toEqual({ approximateNumberOfMessagesMoved: 1 });
    clock.advance(10_000);
    expect(sqs.listMessageMoveTasks(dlq.arn, 10).map((t) => t.status)).toEqual(['CANCELLED', 'COMPLETED']);
    expect(sqs.getQueueAttributes(dlq, ['ApproximateNumberOfMessages']).ApproximateNumberOfMessages).toBe('2');
    expect(codeOf(() => sqs.cancelMessageMoveTask(taskHandle))).toBe('ResourceNotFoundException');
  });

  it('fails a task that cannot tell where a message came from', async () => {
    const { dlq } = withDlq(3);
    sqs.sendMessage(dlq, 'sent straight to the DLQ');
    sqs.startMessageMoveTask(dlq.arn);
    clock.advance(0);
    expect(sqs.listMessageMoveTasks(dlq.arn)[0]).toMatchObject({ status: 'FAILED', failureReason: 'CouldNotDetermineMessageSource' });
  });

  it('validates its parameters', () => {
    const { source, dlq } = withDlq(3);
    expect(codeOf(() => sqs.startMessageMoveTask('arn:aws:sqs:eu-west-1:111122223333:none'))).toBe('ResourceNotFoundException');
    expect(codeOf(() => sqs.startMessageMoveTask(source.arn))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.startMessageMoveTask(dlq.arn, { maxNumberOfMessagesPerSecond: 501 }))).toBe('InvalidParameterValue');
    expect(codeOf(() => sqs.startMessageMoveTask(dlq.arn, { destinationArn: 'arn:aws:sqs:eu-west-1:111122223333:none' }))).toBe('ResourceNotFoundException');
    expect(codeOf(() => sqs.listMessageMoveTasks(dlq.arn, 11))).toBe('InvalidParameterValue');
  });
});

describe('events', () => {
  it('reports sent, received, deleted and purged, and survives a throwing listener', async () => {
    const seen: string[] = [];
    sqs.events.on('queueCreated', (q) => seen.push(`created ${q.name}`));
    sqs.events.on('sent', (e) => seen.push(`sent ${e.body}`));
    sqs.events.on('received', (e) => seen.push(`received ${e.receiveCount}`));
    sqs.events.on('deleted', (e) => seen.push(`deleted ${e.queue.name}`));
    sqs.events.on('purged', (e) => seen.push(`purged ${e.count}`));
    sqs.events.on('sent', () => {
      throw new Error('listener bug');
    });
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      sqs.createQueue('q');
      sqs.sendMessage('q', 'hi');
      // Only the body is asked for: the event still carries the receive count.
      const [message] = await sqs.receiveMessages('q');
      sqs.deleteMessage('q', message?.receiptHandle ?? '');
      sqs.sendMessage('q', 'again');
      sqs.purge('q');
      expect(seen).toEqual(['created q', 'sent hi', 'received 1', 'deleted q', 'sent again', 'purged 1']);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('listener bug'));
    } finally {
      warn.mockRestore();
    }
  });
});

describe('persistence', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-sqs-unit-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('restores queues, messages, in-flight state, dedup and move tasks after close', async () => {
    const first = new SqsBackend({ clock, dataDir });
    const dlq = first.createQueue('d', { MessageRetentionPeriod: '600' });
    first.createQueue('s', { VisibilityTimeout: '30', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }) }, { team: 'a' });
    first.sendMessage('s', 'in flight', { messageAttributes: { bin: { dataType: 'Binary', binaryValue: new Uint8Array([9, 8]) } } });
    const [held] = await first.receiveMessages('s');
    first.createQueue('f.fifo', { FifoQueue: 'true' });
    const fifoId = first.sendMessage('f.fifo', 'once', { messageGroupId: 'g', messageDeduplicationId: 'd' }).messageId;
    await first.close();
    expect(readdirSync(dataDir)).toEqual(['sqs.json']);

    const second = new SqsBackend({ clock, dataDir });
    try {
      expect(second.listQueues().map((q) => q.name)).toEqual(['d', 'f.fifo', 's']);
      expect(second.listQueueTags('s')).toEqual({ team: 'a' });
      expect(second.getQueueAttributes('s', ['ApproximateNumberOfMessagesNotVisible', 'VisibilityTimeout'])).toEqual({ ApproximateNumberOfMessagesNotVisible: '1', VisibilityTimeout: '30' });
      // The old receipt handle is still the newest one.
      second.changeVisibility('s', held?.receiptHandle ?? '', 0);
      const [again] = await second.receiveMessages('s', { messageAttributeNames: ['All'], attributeNames: ['All'], visibilityTimeout: 0 });
      expect(again?.attributes.ApproximateReceiveCount).toBe('2');
      expect(Array.from(again?.messageAttributes.bin?.binaryValue ?? [])).toEqual([9, 8]);
      expect(second.sendMessage('f.fifo', 'once', { messageGroupId: 'g', messageDeduplicationId: 'd' }).messageId).toBe(fifoId);
      // maxReceiveCount 2: the next receive dead-letters it; the move task outlives a restart too.
      await second.receiveMessages('s');
      second.startMessageMoveTask(dlq.arn, { maxNumberOfMessagesPerSecond: 1 });
    } finally {
      await second.close();
    }
    const third = new SqsBackend({ clock, dataDir });
    try {
      expect(third.listMessageMoveTasks(dlq.arn)[0]?.status).toBe('RUNNING');
      clock.advance(0);
      expect(third.listMessageMoveTasks(dlq.arn)[0]).toMatchObject({ status: 'COMPLETED', approximateNumberOfMessagesMoved: 1 });
    } finally {
      await third.close();
    }
  });

  it('writes changes within the debounce interval without close', async () => {
    const backend = new SqsBackend({ dataDir, persistDebounceMs: 20 });
    try {
      backend.createQueue('q');
      backend.sendMessage('q', 'written soon');
      await new Promise((r) => setTimeout(r, 150));
      const saved = JSON.parse(readFileSync(join(dataDir, 'sqs.json'), 'utf8')) as { queues: Array<{ messages: Array<{ body: string }> }> };
      expect(saved.queues[0]?.messages[0]?.body).toBe('written soon');
    } finally {
      await backend.close();
    }
  });

  it('keeps everything in memory without a data folder', async () => {
    const backend = new SqsBackend({ clock });
    backend.createQueue('q');
    await backend.close();
    expect(existsSync(join(dataDir, 'sqs.json'))).toBe(false);
  });

  it('refuses a data file it cannot read, naming it', () => {
    writeFileSync(join(dataDir, 'sqs.json'), '{"version": 99}');
    expect(() => new SqsBackend({ dataDir })).toThrow(SqsPersistenceError);
    writeFileSync(join(dataDir, 'sqs.json'), 'not json');
    expect(() => new SqsBackend({ dataDir })).toThrow(/sqs\.json is not valid JSON/);
  });
});
