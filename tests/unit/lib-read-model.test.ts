import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createInMemoryReadModel, createReadModel, joinKey, keyPrefix, ReadModelReadError, ReadModelWriteError, type ReadModel } from '../../lib/read-model';

// lib/read-model: the DynamoDB adapter (document client mocked: the requests it sends and
// how it reads DynamoDB's answers) and the in-memory fake, which must behave the same way.

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const ddb = mockClient(doc);
beforeEach(() => ddb.reset());
afterAll(() => doc.destroy());

const cancelled = (codes: string[]): TransactionCanceledException =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('key helpers', () => {
  it('join parts with # and give the prefix of a key family', () => {
    expect(joinKey('ORDER', 'o-1')).toBe('ORDER#o-1');
    expect(joinKey('TIMELINE', '2025-01-01T00:00:00Z', 'e-1', 0)).toBe('TIMELINE#2025-01-01T00:00:00Z#e-1#0');
    expect(keyPrefix('TIMELINE')).toBe('TIMELINE#');
  });
});

describe('createReadModel (DynamoDB)', () => {
  const readModel = createReadModel({ doc: () => doc, table: () => 'read-models' });

  it('puts each row only if new and adds the increments, in one transaction', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});

    // Act
    const written = await readModel.writeOnce({ items: [{ pk: 'A', sk: '1' }], increments: [{ key: { pk: 'COUNTS', sk: 'A' } }, { key: { pk: 'COUNTS', sk: 'B' }, attribute: 'total', by: 5 }] });

    // Assess
    expect(written).toBe(true);
    expect(ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems).toEqual([
      { Put: { TableName: 'read-models', Item: { pk: 'A', sk: '1' }, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } } },
      { Update: { TableName: 'read-models', Key: { pk: 'COUNTS', sk: 'A' }, UpdateExpression: 'ADD #n :by', ExpressionAttributeNames: { '#n': 'count' }, ExpressionAttributeValues: { ':by': 1 } } },
      { Update: { TableName: 'read-models', Key: { pk: 'COUNTS', sk: 'B' }, UpdateExpression: 'ADD #n :by', ExpressionAttributeNames: { '#n': 'total' }, ExpressionAttributeValues: { ':by': 5 } } },
    ]);
  });

  it('answers false when the rows exist already, and throws for any other cancellation or failure', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled(['ConditionalCheckFailed', 'None'])).rejectsOnce(cancelled(['None', 'ThrottlingError'])).rejectsOnce(new Error('socket hang up'));
    const write = { items: [{ pk: 'A', sk: '1' }], increments: [{ key: { pk: 'COUNTS', sk: 'A' } }] };

    // Act
    const duplicate = await readModel.writeOnce(write);
    const throttled = readModel.writeOnce(write);
    const network = readModel.writeOnce(write);

    // Assess
    expect(duplicate).toBe(false);
    await expect(throttled).rejects.toBeInstanceOf(ReadModelWriteError);
    await expect(network).rejects.toThrow('read-model write to read-models failed: socket hang up');
  });

  it('reads every page of a partition, with a sort-key prefix when given', async () => {
    // Prepare
    ddb.on(QueryCommand)
      .resolvesOnce({ Items: [{ pk: 'P', sk: 'T#1' }], LastEvaluatedKey: { pk: 'P', sk: 'T#1' } })
      .resolvesOnce({ Items: [{ pk: 'P', sk: 'T#2' }], LastEvaluatedKey: { pk: 'P', sk: 'T#2' } })
      .resolvesOnce({ Items: [{ pk: 'P', sk: 'T#3' }] });

    // Act
    const items = await readModel.queryAll({ pk: 'P', skPrefix: 'T#' });

    // Assess
    expect(items.map((i) => i['sk'])).toEqual(['T#1', 'T#2', 'T#3']);
    // (The paginator reuses one input object per page, so only the last page's start key can be seen.)
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls[2]).toMatchObject({ TableName: 'read-models', KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)', ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' }, ExpressionAttributeValues: { ':pk': 'P', ':prefix': 'T#' }, ExclusiveStartKey: { pk: 'P', sk: 'T#2' } });
  });

  it('wraps a failed query in ReadModelReadError', async () => {
    // Prepare
    ddb.on(QueryCommand).rejects(new Error('no such table'));

    // Act
    const query = readModel.queryAll({ pk: 'P' });

    // Assess
    await expect(query).rejects.toBeInstanceOf(ReadModelReadError);
  });
});

describe('createInMemoryReadModel (the fake handler tests use)', () => {
  const make = (): ReadModel => createInMemoryReadModel();

  it('writes rows and increments once: a repeat with any row already there changes nothing', async () => {
    // Prepare
    const readModel = make();
    const write = { items: [{ pk: 'A', sk: '1', v: 1 }, { pk: 'A', sk: '2' }], increments: [{ key: { pk: 'COUNTS', sk: 'A' } }] };

    // Act
    const first = await readModel.writeOnce(write);
    const again = await readModel.writeOnce({ ...write, items: [{ pk: 'A', sk: '2' }, { pk: 'A', sk: '3' }] });

    // Assess
    expect([first, again]).toEqual([true, false]);
    expect(await readModel.queryAll({ pk: 'A' })).toEqual([{ pk: 'A', sk: '1', v: 1 }, { pk: 'A', sk: '2' }]);
    expect(await readModel.queryAll({ pk: 'COUNTS' })).toEqual([{ pk: 'COUNTS', sk: 'A', count: 1 }]);
  });

  it('queries a partition in sort-key order (bytes, not locale), filtered by prefix', async () => {
    // Prepare
    const readModel = make();
    for (const sk of ['T#b', 'T#B', 'X#1', 'T#a']) await readModel.writeOnce({ items: [{ pk: 'P', sk }] });
    await readModel.writeOnce({ items: [{ pk: 'Q', sk: 'T#0' }] });

    // Act
    const items = await readModel.queryAll({ pk: 'P', skPrefix: 'T#' });

    // Assess
    expect(items.map((i) => i['sk'])).toEqual(['T#B', 'T#a', 'T#b']);
  });

  it('refuses a write without rows or over 100 items', async () => {
    // Prepare
    const readModel = make();
    const many = Array.from({ length: 101 }, (_, i) => ({ pk: 'A', sk: String(i) }));

    // Act / Assess
    await expect(readModel.writeOnce({ items: [] })).rejects.toBeInstanceOf(ReadModelWriteError);
    await expect(readModel.writeOnce({ items: many })).rejects.toBeInstanceOf(ReadModelWriteError);
  });
});
