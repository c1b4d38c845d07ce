import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../local/dynamodb';
import { ROOT } from '../helpers/codegen';

// A newcomer runs `npm start` in one terminal and a command in another while the cloud is
// still starting. From the moment the start script spawns, every port is sent requests
// (good ones, malformed ones): the cloud must answer 503 until ready, never crash, never
// answer 500, and then serve them; `npm run demo` started at the same moment succeeds.

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Probe {
  name: string;
  url: string;
  init?: RequestInit;
}

function probes(ports: { aws: number; http: number; dynamodb: number }): Probe[] {
  const aws = `http://127.0.0.1:${ports.aws}`;
  const http = `http://127.0.0.1:${ports.http}`;
  const amz = (target: string, body: string, version = '1.1'): RequestInit => ({ method: 'POST', headers: { 'x-amz-target': target, 'content-type': `application/x-amz-json-${version}` }, body });
  return [
    { name: 'aws summary', url: aws },
    { name: 'PutEvents', url: aws, init: amz('AWSEvents.PutEvents', JSON.stringify({ Entries: [{ Source: 'probe', DetailType: 'Probe', Detail: '{}' }] })) },
    { name: 'PutEvents malformed JSON', url: aws, init: amz('AWSEvents.PutEvents', '{"Entries": [') },
    { name: 'SQS ListQueues', url: aws, init: amz('AmazonSQS.ListQueues', '{}', '1.0') },
    { name: 'unknown target', url: aws, init: amz('Nope.Nothing', '{}') },
    { name: 'local events', url: `${aws}/local/events?since=abc` },
    { name: 'token', url: `${http}/local-auth/token`, init: { method: 'POST', body: '{}' } },
    { name: 'token, broken body', url: `${http}/local-auth/token`, init: { method: 'POST', body: '{"aud":' } },
    { name: 'jwks', url: `${http}/local-auth/.well-known/jwks.json` },
    { name: 'broken percent-escape', url: `${http}/incidents/%E0%A4%A` },
    { name: 'no token', url: `${http}/incidents/some-id` },
    { name: 'dynamodb', url: `http://127.0.0.1:${ports.dynamodb}/` },
  ];
}

async function hit(probe: Probe): Promise<number | 'refused'> {
  try {
    const res = await fetch(probe.url, { ...probe.init, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'refused';
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

it('serves every port from the moment `npm start` spawns: 503 while starting, never a crash or a 500', async () => {
  const ports = { aws: await freePort(), http: await freePort(), dynamodb: await freePort() };
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const start = spawn(TSX, ['scripts/start.ts', '--in-memory', '--no-watch', '--aws-port', String(ports.aws), '--http-port', String(ports.http), '--dynamodb-port', String(ports.dynamodb)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  start.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  start.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  let startExit: number | null | undefined;
  void exited(start).then((code) => (startExit = code));
  const demo = spawn(TSX, ['scripts/demo.ts', '--wait', '150', '--within', '60', '--http', `http://127.0.0.1:${ports.http}`, '--aws', `http://127.0.0.1:${ports.aws}`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let demoOut = '';
  demo.stdout?.on('data', (c: Buffer) => (demoOut += c.toString()));
  demo.stderr?.on('data', (c: Buffer) => (demoOut += c.toString()));

  const seen = new Map<string, Set<number | 'refused'>>();
  try {
    const all = probes(ports);
    const deadline = Date.now() + 150_000;
    let roundsAfterReady = 0;
    while (roundsAfterReady < 3) {
      expect(startExit).toBeUndefined();
      if (Date.now() > deadline) throw new Error(`not ready within 150 s:\n${log}`);
      const statuses = await Promise.all(all.map(hit));
      all.forEach((p, i) => {
        const set = seen.get(p.name) ?? new Set();
        set.add(statuses[i] as number | 'refused');
        seen.set(p.name, set);
      });
      if (log.includes('Local cloud ready')) roundsAfterReady += 1;
      else await new Promise((r) => setTimeout(r, 50));
    }

    // While starting, the AWS endpoint and the HTTP API said so.
    expect(seen.get('aws summary')).toContain(503);
    expect(seen.get('token')).toContain(503);
    // The DynamoDB proxy too, until DynamoDB Local answered with the tables.
    expect(seen.get('dynamodb')).toContain(503);
    // Never a 500, on any port, at any moment.
    for (const [name, statuses] of seen) expect({ name, statuses: [...statuses].filter((s) => typeof s === 'number' && s >= 500 && s !== 503) }).toEqual({ name, statuses: [] });
    // Once ready, each is answered as it should be.
    const ready = Object.fromEntries(await Promise.all(all.map(async (p) => [p.name, await hit(p)] as const)));
    expect(ready).toMatchObject({
      'aws summary': 200,
      PutEvents: 200,
      'PutEvents malformed JSON': 400,
      'SQS ListQueues': 200,
      'unknown target': 400,
      'local events': 200,
      token: 200,
      jwks: 200,
      'broken percent-escape': 400,
      'no token': 401,
    });
    const summary = (await (await fetch(`http://127.0.0.1:${ports.aws}/`)).json()) as { health: { requestErrors: number; unhandledRejections: number } };
    expect(summary.health).toEqual({ requestErrors: 0, unhandledRejections: 0 });

    // The demo, started with the cloud, waited for it and saw its flow.
    expect(await exited(demo)).toBe(0);
    expect(demoOut).toMatch(/POST \/incidents -> 202/);
    expect(startExit).toBeUndefined();
  } finally {
    demo.kill('SIGKILL');
    start.kill('SIGINT');
    await exited(start);
  }
}, 240_000);
