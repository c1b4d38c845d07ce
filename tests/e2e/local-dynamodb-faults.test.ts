import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, ProvisionedThroughputExceededException, PutItemCommand, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { LocalCloud } from '../../local/runtime';
import { freshDir, ROOT } from '../helpers/codegen';

// DynamoDB faults through the local cloud's DynamoDB proxy, seen by the real SDK client as
// AWS would fail it: a throttled PutItem raises ProvisionedThroughputExceededException, a
// conflicting TransactWriteItems raises TransactionCanceledException with TransactionConflict
// among its CancellationReasons; calls out of scope, and all calls without faults, pass through.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

const TABLE = 'faults-items';
const OTHER = 'faults-other';
let cloud: LocalCloud;
let ddb: DynamoDBClient;

const table = (name: string) => ({
  Type: 'AWS::DynamoDB::Table',
  Properties: { TableName: name, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] },
});

beforeAll(async () => {
  const dir = freshDir('dynamodb-faults');
  cloud = new LocalCloud({ root: ROOT, template: { Resources: { Items: table(TABLE), Other: table(OTHER) } }, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  // maxAttempts 1: the test sees each injected fault instead of the SDK retrying it away.
  ddb = new DynamoDBClient({ endpoint: cloud.urls.dynamodb, region: cloud.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}, 90_000);

afterAll(async () => {
  ddb?.destroy();
  await cloud?.stop();
});

const configure = (settings: unknown): Promise<Response> => fetch(`${cloud.urls.aws}/local/faults`, { method: 'POST', body: JSON.stringify(settings) });
const put = (pk: string, tableName = TABLE) => new PutItemCommand({ TableName: tableName, Item: { pk: { S: pk } } });

it('hands out the proxy, not DynamoDB Local itself, and passes calls through untouched', async () => {
  expect(cloud.urls.dynamodb).not.toBe(cloud.dynamodbEndpoint);
  await ddb.send(put('plain'));
  expect((await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'plain' } } }))).Item).toEqual({ pk: { S: 'plain' } });
  // DynamoDB Local's own errors come back as they are.
  await expect(ddb.send(put('x', 'no-such-table'))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
});

it('throttles a PutItem in scope with ProvisionedThroughputExceededException, and only in scope', async () => {
  expect((await configure({ seed: 9, faults: [{ service: 'dynamodb', operation: 'PutItem', table: TABLE, kind: 'throttle', rate: 1 }] })).status).toBe(200);
  const error = await ddb.send(put('throttled')).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
  expect((error as ProvisionedThroughputExceededException).$metadata.httpStatusCode).toBe(400);
  expect((await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'throttled' } } }))).Item).toBeUndefined();
  await ddb.send(put('elsewhere', OTHER));
  expect((await ddb.send(new GetItemCommand({ TableName: OTHER, Key: { pk: { S: 'elsewhere' } } }))).Item).toBeDefined();
});

it('cancels a TransactWriteItems with TransactionConflict in its CancellationReasons, writing nothing', async () => {
  await configure({ seed: 9, faults: [{ service: 'dynamodb', operation: 'TransactWriteItems', kind: 'transaction-conflict', rate: 1 }] });
  const transaction = new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: TABLE, Item: { pk: { S: 't1' } } } }, { Put: { TableName: OTHER, Item: { pk: { S: 't2' } } } }] });
  const error = await ddb.send(transaction).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TransactionCanceledException);
  expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(['TransactionConflict', 'None']);
  expect((await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 't1' } } }))).Item).toBeUndefined();

  const { injected } = (await (await fetch(`${cloud.urls.aws}/local/faults`)).json()) as { injected: Record<string, number> };
  expect(injected).toEqual({ 'dynamodb/throttle': 1, 'dynamodb/transaction-conflict': 1 });
  await configure({ faults: [] });
  await ddb.send(transaction);
  expect((await ddb.send(new GetItemCommand({ TableName: OTHER, Key: { pk: { S: 't2' } } }))).Item).toEqual({ pk: { S: 't2' } });
});
