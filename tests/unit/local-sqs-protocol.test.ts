/**
 * The JSON protocol layer and digests of the local SQS, without HTTP: wire shapes of results
 * and errors, input checking, pagination, the MD5 algorithms and the Lambda record.
 */
import { handleSqsRequest, md5OfBody, md5OfMessageAttributes, queryInput, SqsBackend, toLambdaSqsRecord, type SqsResponse } from '../../local/sqs';
import { escapeXml } from '../../local/sqs/query';

let sqs: SqsBackend;

beforeEach(() => {
  sqs = new SqsBackend({ region: 'eu-west-1', accountId: '111122223333', baseUrl: 'http://127.0.0.1:4566' });
});

afterEach(async () => {
  await sqs.close();
});

function call(operation: string, body: unknown): Promise<SqsResponse> {
  return handleSqsRequest(sqs, `AmazonSQS.${operation}`, body);
}

describe('digests', () => {
  // Vectors pinned by moto's SQS tests as what AWS returns.
  it('computes MD5OfMessageBody', () => {
    expect(md5OfBody('derp')).toBe('58fd9edd83341c29f1aebba81c31e257');
  });

  it('computes MD5OfMessageAttributes as SQS does', () => {
    expect(md5OfMessageAttributes({ timestamp: { dataType: 'Number', stringValue: '1493147359900' } })).toBe('235c5c510d26fb653d073faed50ae77c');
    expect(md5OfMessageAttributes({ timestamp: { dataType: 'Number', stringValue: '1493147359901' } })).toBe('994258b45346a2cc3f9cbb611aa7af30');
    expect(
      md5OfMessageAttributes({
        ccc: { dataType: 'String', stringValue: 'testjunk' },
        aaa: { dataType: 'Binary', binaryValue: new Uint8Array([2, 3, 4]) },
        zzz: { dataType: 'Number', stringValue: '0230.01' },
        öther_encodings: { dataType: 'String', stringValue: 'Tüst' },
      }),
    ).toBe('8ae21a7957029ef04146b42aeaa18a22');
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });
});

describe('errors on the wire', () => {
  it('answers an unknown queue as AWS does, with the query-compatible header', async () => {
    const response = await call('SendMessage', { QueueUrl: 'http://127.0.0.1:4566/111122223333/nope', MessageBody: 'x' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: expect.stringContaining('does not exist') });
    expect(response.headers).toMatchObject({ 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender', 'content-type': 'application/x-amz-json-1.0' });
  });

  it('names an unknown operation', async () => {
    const response = await handleSqsRequest(sqs, 'AmazonSQS.Teleport', {});
    expect(response).toMatchObject({ status: 400, body: { __type: 'com.amazonaws.sqs#InvalidAction', message: 'The action Teleport is not valid for this endpoint.' } });
    expect(response.headers?.['x-amzn-query-error']).toBe('InvalidAction;Sender');
  });

  it('checks the request body and its fields', async () => {
    expect((await call('ListQueues', [1, 2])).body).toMatchObject({ __type: 'com.amazonaws.sqs#SerializationException' });
    expect((await call('GetQueueUrl', {})).body).toEqual({ __type: 'com.amazonaws.sqs#MissingParameter', message: 'The request must contain the parameter QueueName.' });
    expect((await call('GetQueueUrl', { QueueName: 7 })).body).toMatchObject({ __type: 'com.amazonaws.sqs#SerializationException' });
    sqs.createQueue('q');
    expect((await call('ReceiveMessage', { QueueUrl: 'q', MaxNumberOfMessages: '5' })).body).toMatchObject({ __type: 'com.amazonaws.sqs#SerializationException' });
    const listValues = await call('SendMessage', { QueueUrl: 'q', MessageBody: 'x', MessageAttributes: { a: { DataType: 'String', StringListValues: ['x'] } } });
    expect(listValues.body).toMatchObject({ __type: 'com.amazonaws.sqs#UnsupportedOperation' });
  });

  it('turns an unexpected failure into a 500 InternalError', async () => {
    sqs.createQueue('q');
    jest.spyOn(sqs, 'purge').mockImplementation(() => {
      throw new Error('disk on fire');
    });
    const response = await call('PurgeQueue', { QueueUrl: 'q' });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ __type: 'com.amazonaws.sqs#InternalError', message: 'Internal error: disk on fire' });
    expect(response.headers?.['x-amzn-query-error']).toBe('InternalError;Receiver');
  });
});

describe('results on the wire', () => {
  it('pages ListQueues with MaxResults and NextToken', async () => {
    for (const name of ['a1', 'a2', 'a3', 'b1']) sqs.createQueue(name);
    const first = (await call('ListQueues', { QueueNamePrefix: 'a', MaxResults: 2 })).body as { QueueUrls: string[]; NextToken?: string };
    expect(first.QueueUrls).toEqual(['http://127.0.0.1:4566/111122223333/a1', 'http://127.0.0.1:4566/111122223333/a2']);
    const second = (await call('ListQueues', { QueueNamePrefix: 'a', MaxResults: 2, NextToken: first.NextToken })).body;
    expect(second).toEqual({ QueueUrls: ['http://127.0.0.1:4566/111122223333/a3'] });
    expect((await call('ListQueues', {})).body).toEqual({ QueueUrls: expect.arrayContaining([expect.stringContaining('b1')]) });
    expect((await call('ListQueues', { QueueNamePrefix: 'zzz' })).body).toEqual({});
  });

  it('sends base64 binary attributes and omits what is empty', async () => {
    sqs.createQueue('q');
    const sent = await call('SendMessage', { QueueUrl: 'q', MessageBody: 'x', MessageAttributes: { raw: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2]).toString('base64') } } });
    expect(sent.body).toEqual({ MessageId: expect.any(String), MD5OfMessageBody: md5OfBody('x'), MD5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const received = (await call('ReceiveMessage', { QueueUrl: 'q', MessageAttributeNames: ['All'] })).body as { Messages: Array<Record<string, unknown>> };
    expect(received.Messages[0]).toMatchObject({ Body: 'x', MessageAttributes: { raw: { DataType: 'Binary', BinaryValue: 'AQI=' } } });
    expect(received.Messages[0]).not.toHaveProperty('Attributes');
    expect((await call('GetQueueAttributes', { QueueUrl: 'q' })).body).toEqual({});
  });
});

describe('Lambda SQS record', () => {
  it('shapes a received message as the SQS event record Lambda builds', async () => {
    const queue = sqs.createQueue('q');
    sqs.sendMessage('q', '{"hello":"world"}', { messageAttributes: { kind: { dataType: 'String', stringValue: 'greeting' } } });
    const [message] = await sqs.receiveMessages('q', { attributeNames: ['All'], messageAttributeNames: ['All'] });
    if (!message) throw new Error('no message');
    const record = toLambdaSqsRecord(message, queue, 'eu-west-1');
    expect(record).toEqual({
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: '{"hello":"world"}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: '111122223333',
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      },
      messageAttributes: { kind: { dataType: 'String', stringValue: 'greeting', stringListValues: [], binaryListValues: [] } },
      md5OfBody: md5OfBody('{"hello":"world"}'),
      md5OfMessageAttributes: message.md5OfMessageAttributes,
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:q',
      awsRegion: 'eu-west-1',
    });
  });
});

describe('query protocol parameters', () => {
  it('turns flattened lists, maps and batch entries into the JSON input (indexed in order, or a lone unindexed member)', () => {
    const params = new URLSearchParams(
      'Action=SendMessageBatch&Version=2012-11-05&QueueUrl=http%3A%2F%2Fh%2F1%2Fq' +
        '&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=second' +
        '&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=first&SendMessageBatchRequestEntry.1.DelaySeconds=5' +
        '&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=k&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Number&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=1',
    );
    expect(queryInput('SendMessageBatch', params)).toEqual({
      QueueUrl: 'http://h/1/q',
      Entries: [
        { Id: 'a', MessageBody: 'first', DelaySeconds: '5', MessageAttributes: { k: { DataType: 'Number', StringValue: '1' } } },
        { Id: 'b', MessageBody: 'second' },
      ],
    });
    expect(queryInput('ReceiveMessage', new URLSearchParams('AttributeName=All&MessageAttributeName.2=b&MessageAttributeName.1=a'))).toEqual({ AttributeNames: ['All'], MessageAttributeNames: ['a', 'b'] });
    expect(queryInput('CreateQueue', new URLSearchParams('QueueName=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=3&Tag.1.Key=team&Tag.1.Value=core'))).toEqual({ QueueName: 'q', Attributes: { DelaySeconds: '3' }, tags: { team: 'core' } });
    expect(queryInput('TagQueue', new URLSearchParams('Tag.1.Key=team&Tag.1.Value=core'))).toEqual({ Tags: { team: 'core' } });
    expect(queryInput('UntagQueue', new URLSearchParams('TagKey.1=team'))).toEqual({ TagKeys: ['team'] });
  });

  it('escapes XML text, keeping a carriage return as a character reference', () => {
    expect(escapeXml('a<b>&"c"\r\n')).toBe('a&lt;b&gt;&amp;&quot;c&quot;&#xD;\n');
  });
});
