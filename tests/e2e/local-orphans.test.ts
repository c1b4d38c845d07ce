import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { freePort } from '../../local/dynamodb';
import { commandLine, recordChild, reapOrphans } from '../../local/process-guard';
import { ROOT } from '../helpers/codegen';

// A crash must not poison the next start. `npm start` runs the cloud under tsx, which starts
// DynamoDB Local: SIGKILL the start script (or the cloud itself) and nothing of it may live on
// holding a port or the old data; the next start is a fresh cloud. A port held by a stranger is
// a clear refusal naming the port and the process, never reused.

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

interface Started {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

/** `npm start -- ...` (npm, its shell, tsx, the cloud), or `tsx scripts/start.ts ...` directly. */
function start(templateFile: string, ports: { aws: number; http: number; dynamodb: number }, via: 'npm' | 'tsx' = 'tsx'): Started {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const args = ['--in-memory', '--no-watch', '--template', templateFile, '--aws-port', String(ports.aws), '--http-port', String(ports.http), '--dynamodb-port', String(ports.dynamodb)];
  const child = spawn(via === 'npm' ? 'npm' : TSX, via === 'npm' ? ['start', '--', ...args] : ['scripts/start.ts', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, log: () => log, exited };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, log: () => string, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Descendants of `pid` (from /proc), nearest first. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = children.get(queue.shift() as number) ?? [];
    out.push(...next);
    queue.push(...next);
  }
  return out;
}

const alive = (pid: number): boolean => commandLine(pid) !== undefined;

let dir: string;
let templateFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'local-orphans-'));
  templateFile = join(dir, 'template.json');
  writeFileSync(
    templateFile,
    JSON.stringify({
      Resources: {
        Table: {
          Type: 'AWS::DynamoDB::Table',
          Properties: { TableName: 'orphan-probe', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] },
        },
        Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'orphan-probe' } },
      },
    }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePorts(): Promise<{ aws: number; http: number; dynamodb: number }> {
  return { aws: await freePort(), http: await freePort(), dynamodb: await freePort() };
}

it('SIGKILL of `npm start` takes DynamoDB Local and the cloud down with it; the next start on the same ports is a fresh cloud', async () => {
  const ports = await freePorts();
  const first = start(templateFile, ports, 'npm');
  let javaPid: number | undefined;
  try {
    await until('first start ready', () => (first.log().includes('Local cloud ready') ? true : undefined), first.log);
    const ddb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${ports.dynamodb}`, region: 'us-east-1', credentials });
    await ddb.send(new PutItemCommand({ TableName: 'orphan-probe', Item: { pk: { S: 'from-the-first-start' } } }));
    await ddb.send(new CreateTableCommand({ TableName: 'left-behind', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
    ddb.destroy();
    const tree = descendants(first.child.pid as number);
    javaPid = tree.find((pid) => (commandLine(pid) ?? '').includes('DynamoDBLocal.jar'));
    expect(javaPid).toBeDefined();
    // npm, its shell, tsx, the cloud and DynamoDB Local.
    expect(tree.length).toBeGreaterThanOrEqual(4);

    first.child.kill('SIGKILL');
    await first.exited;
    // Everything the start script had started goes: the cloud (it sees its launcher gone and
    // stops) and DynamoDB Local (stopped by it, or by the kernel).
    await until('the first cloud and its DynamoDB Local gone', () => (tree.every((pid) => !alive(pid)) ? true : undefined), first.log, 30_000);
  } finally {
    first.child.kill('SIGKILL');
    if (javaPid !== undefined && alive(javaPid)) process.kill(javaPid, 'SIGKILL');
  }

  const second = start(templateFile, ports);
  try {
    await until('second start ready', () => (second.log().includes('Local cloud ready') ? true : undefined), second.log);
    const ddb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${ports.dynamodb}`, region: 'us-east-1', credentials });
    expect((await ddb.send(new ListTablesCommand({}))).TableNames).toEqual(['orphan-probe']);
    expect((await ddb.send(new ScanCommand({ TableName: 'orphan-probe' }))).Items).toEqual([]);
    ddb.destroy();
    const tree = descendants(second.child.pid as number);
    expect(tree).not.toContain(javaPid);
  } finally {
    second.child.kill('SIGINT');
    await second.exited;
  }
}, 300_000);

it('SIGKILL of the cloud process itself still ends its DynamoDB Local', async () => {
  const ports = await freePorts();
  const started = start(templateFile, ports);
  try {
    await until('ready', () => (started.log().includes('Local cloud ready') ? true : undefined), started.log);
    const tree = descendants(started.child.pid as number);
    const javaPid = tree.find((pid) => (commandLine(pid) ?? '').includes('DynamoDBLocal.jar'));
    const cloudPid = tree.find((pid) => (commandLine(pid) ?? '').includes('scripts/start.ts') && descendants(pid).includes(javaPid ?? -1));
    expect([javaPid, cloudPid].every((p) => p !== undefined)).toBe(true);
    process.kill(cloudPid as number, 'SIGKILL');
    await until('DynamoDB Local gone with its parent', () => (!alive(javaPid as number) ? true : undefined), started.log, 30_000);
  } finally {
    started.child.kill('SIGKILL');
    await started.exited;
  }
}, 300_000);

it('refuses a port held by another process, naming the port and that process', async () => {
  const ports = await freePorts();
  const stranger: Server = createServer();
  await new Promise<void>((resolve) => stranger.listen(ports.aws, '127.0.0.1', resolve));
  try {
    const started = start(templateFile, ports);
    const code = await started.exited;
    expect(code).toBe(1);
    expect(started.log()).toContain(`port ${ports.aws} (the AWS endpoint, --aws-port) is in use by pid ${process.pid} (`);
    expect(started.log()).not.toContain('Local cloud ready');
  } finally {
    await new Promise<void>((resolve) => stranger.close(() => resolve()));
  }
}, 120_000);

describe('pid files', () => {
  it('reaps a recorded child whose owner is gone, and only if it still runs the recorded command', async () => {
    const reapDir = join(dir, 'reap');
    const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
    const other = spawn('sleep', ['301'], { stdio: 'ignore' });
    try {
      await until('sleepers running', () => (alive(sleeper.pid as number) && alive(other.pid as number) ? true : undefined), () => '');
      // Recorded by an owner that is gone (a pid that no longer runs).
      const deadOwner = spawn('true');
      await new Promise((r) => deadOwner.once('exit', r));
      for (const [child, cmd] of [
        [sleeper, 'sleep 300'],
        [other, 'sleep 999'],
      ] as const) {
        recordChild(reapDir, 'probe', child.pid as number);
        const file = join(reapDir, `probe-${child.pid}.json`);
        const record = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        writeFileSync(file, JSON.stringify({ ...record, ownerPid: deadOwner.pid, ownerStartTime: undefined, commandLine: cmd }));
      }
      // A live owner's child is not touched.
      const mine = spawn('sleep', ['302'], { stdio: 'ignore' });
      await until('mine running', () => (alive(mine.pid as number) ? true : undefined), () => '');
      recordChild(reapDir, 'mine', mine.pid as number);
      const reaped = reapOrphans(reapDir);
      expect(reaped.map((r) => r.pid)).toEqual([sleeper.pid]);
      await until('reaped sleeper gone', () => (!alive(sleeper.pid as number) ? true : undefined), () => '', 5000);
      expect(alive(other.pid as number)).toBe(true);
      expect(alive(mine.pid as number)).toBe(true);
      expect(readdirSync(reapDir)).toEqual([`mine-${mine.pid}.json`]);
      mine.kill('SIGKILL');
    } finally {
      sleeper.kill('SIGKILL');
      other.kill('SIGKILL');
    }
  });
});
