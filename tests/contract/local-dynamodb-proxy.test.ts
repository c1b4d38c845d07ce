import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand, BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbProxy, writeRequest } from '../../local/dynamodb/proxy';
import { FaultInjector } from '../../local/faults';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';

// The local cloud's DynamoDB endpoint in front of DynamoDB Local: it tells the stream pollers
// which tables a write changed (so a poller is woken by its own table's writes only), and,
// for a bench, records when each item of a table was first committed.

describe('writeRequest: the tables a write names', () => {
  it('names the tables of each write operation, and none it cannot tell', () => {
    const writtenTables = (operation: string, body: unknown): string[] | undefined => writeRequest(operation, body)?.tables;
    expect(writtenTables('PutItem', { TableName: 'a', Item: {} })).toEqual(['a']);
    expect(writtenTables('DeleteItem', { TableName: 'b', Key: {} })).toEqual(['b']);
    expect(writtenTables('BatchWriteItem', { RequestItems: { a: [], c: [] } })).toEqual(['a', 'c']);
    expect(writtenTables('TransactWriteItems', { TransactItems: [{ Put: { TableName: 'a' } }, { Update: { TableName: 'b' } }, { ConditionCheck: { TableName: 'a' } }] })).toEqual(['a', 'b']);
    expect(writtenTables('ExecuteStatement', { Statement: 'UPDATE a SET x = 1' })).toBeUndefined();
    expect(writtenTables('PutItem', 'not json')).toBeUndefined();
  });
});

describe('DynamoDB proxy', () => {
  let ddb: DynamoDbLocal;
  let server: Server;
  let proxy: DynamoDbProxy;
  let client: DynamoDBClient;

  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
    proxy = new DynamoDbProxy(new FaultInjector());
    proxy.forwardTo(ddb.endpoint);
    server = createServer((req, res) => void proxy.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    for (const name of ['proxy-outbox', 'proxy-other']) {
      await client.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
    }
  }, 60_000);

  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
    proxy.close();
    await ddb.stop();
  });

  it('tells its listener which tables each answered write changed, and records first commits of one table on request', async () => {
    const heard: (readonly string[] | undefined)[] = [];
    proxy.onWrite((tables) => heard.push(tables));
    const commits = proxy.recordCommits('proxy-outbox', 'id');
    const item = (id: string) => ({ id: { S: id }, v: { S: 'x' } });

    await client.send(new PutItemCommand({ TableName: 'proxy-other', Item: item('o1') }));
    const before = Date.now();
    await client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'proxy-outbox', Item: item('e1') } }, { Put: { TableName: 'proxy-other', Item: item('o2') } }] }));
    const committed = commits.get('e1');
    expect(committed).toBeGreaterThanOrEqual(before);
    // A later write of the same row (marked PUBLISHED) is not its commit.
    await client.send(new BatchWriteItemCommand({ RequestItems: { 'proxy-outbox': [{ PutRequest: { Item: { ...item('e1'), status: { S: 'PUBLISHED' } } } }, { PutRequest: { Item: item('e2') } }] } }));
    expect(commits.get('e1')).toBe(committed);
    expect(commits.has('e2')).toBe(true);
    expect(commits.has('o1')).toBe(false);
    // A write DynamoDB refuses is neither heard nor recorded.
    await expect(client.send(new PutItemCommand({ TableName: 'proxy-outbox', Item: item('e3'), ConditionExpression: 'attribute_exists(id)' }))).rejects.toThrow();
    expect(commits.has('e3')).toBe(false);
    // Reads pass through unheard, and answer what was written.
    expect((await client.send(new GetItemCommand({ TableName: 'proxy-outbox', Key: { id: { S: 'e1' } } }))).Item?.['status']?.S).toBe('PUBLISHED');
    expect(heard).toEqual([['proxy-other'], ['proxy-outbox', 'proxy-other'], ['proxy-outbox']]);
  });
});
