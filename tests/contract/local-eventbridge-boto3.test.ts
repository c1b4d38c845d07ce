/**
 * The local EventBridge driven by a second real client beside the Node SDK: boto3 and the aws
 * CLI (tests/fixtures/boto3/eventbridge_suite.py), against one local endpoint serving
 * EventBridge and SQS as `npm start` does, with a real local Lambda function as a target. Each
 * check of the Python suite is one test here; its assertions are written from the EventBridge
 * API reference and user guide (buses, rules, validation, targets and their input, PutEvents,
 * archives, replays, tags, permissions).
 *
 * python3 with boto3, and the aws CLI, are required: `.ci/run` installs them (Debian's
 * python3-boto3 and awscli) where they are missing. Without them this suite fails, it does
 * not skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { EventBridgeBackend } from '../../local/eventbridge/backend';
import { handleEventBridgeRequest } from '../../local/eventbridge/protocol';
import { readJson } from '../../local/http/body';
import { send } from '../../local/http/endpoint';
import { FunctionRunner } from '../../local/lambda/runner';
import { createSqsRequestHandler, SqsBackend } from '../../local/sqs';
import { deliverToTarget, functionEnvironment } from '../../local/wiring';
import { freshDir, ROOT } from '../helpers/codegen';

const SUITE = resolve(__dirname, '../fixtures/boto3/eventbridge_suite.py');
const region = 'us-east-1';
const accountId = '123456789012';
const MISSING = 'python3 with boto3 and the aws CLI are required by this suite (Debian: apt-get install python3-boto3 awscli; .ci/run installs them)';

interface CheckResult {
  name: string;
  ok: boolean;
  error?: string;
  trace?: string;
}

/** The suite's checks, listed by the script itself (which also proves python3 and boto3 are there). */
function listChecks(): { names: string[]; problem?: string } {
  const listed = spawnSync('python3', [SUITE, '--list'], { encoding: 'utf8', timeout: 60_000 });
  if (listed.error) return { names: [], problem: `${MISSING}: ${listed.error.message}` };
  if (listed.status !== 0) return { names: [], problem: `${MISSING}:\n${listed.stderr}` };
  const cli = spawnSync('aws', ['--version'], { encoding: 'utf8', timeout: 60_000 });
  if (cli.error || cli.status !== 0) return { names: [], problem: `${MISSING}: aws --version: ${cli.error?.message ?? cli.stderr}` };
  return { names: listed.stdout.split('\n').filter(Boolean) };
}

const { names, problem } = listChecks();

describe('boto3 and the aws CLI against the local EventBridge', () => {
  if (problem !== undefined) {
    it('has python3, boto3 and the aws CLI to drive the local cloud with', () => {
      throw new Error(problem);
    });
    return;
  }

  let dir: string;
  let server: Server;
  let sqsBackend: SqsBackend;
  let events: EventBridgeBackend;
  let runner: FunctionRunner;
  const results = new Map<string, CheckResult>();

  beforeAll(async () => {
    dir = freshDir('eb-boto3');
    const recordFile = join(dir, 'lambda-events.jsonl');
    sqsBackend = new SqsBackend({ region, accountId, baseUrl: 'http://127.0.0.1' });
    runner = new FunctionRunner({ root: ROOT, buildDir: join(dir, 'build'), baseEnvironment: functionEnvironment(region, { aws: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:1' }) });
    await runner.load([
      { logicalId: 'Recorder', name: 'recorder', arn: `arn:aws:lambda:${region}:${accountId}:function:recorder`, handler: 'tests/fixtures/local/recorder.handler', timeoutSeconds: 5, memoryMb: 128, environment: { RECORD_FILE: recordFile } },
    ]);
    events = new EventBridgeBackend({
      region,
      accountId,
      retryBaseMs: 5,
      deliver: (target, payload) => deliverToTarget({ sqs: sqsBackend, events, runner, log: () => undefined }, target, payload),
      // As the runtime does: the failed event, with AWS's attributes, into the target's DLQ.
      deadLetter: async (queueArn, payload, attributes) => {
        sqsBackend.sendMessage(sqsBackend.getQueue(queueArn), payload, { messageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { dataType: 'String', stringValue: v }])) });
      },
    });
    const sqsHandler = createSqsRequestHandler(sqsBackend);
    server = createServer((req, res) => {
      if (sqsHandler(req, res)) return;
      const target = String(req.headers['x-amz-target'] ?? '');
      void readJson(req).then((body) => {
        const out = handleEventBridgeRequest(events, target, body);
        send(res, out.status, out.body, 'application/x-amz-json-1.1');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const child = spawn('python3', [SUITE], { env: { ...process.env, ENDPOINT: endpoint, ACCOUNT: accountId, RECORD_FILE: recordFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    for (const line of stdout.split('\n').filter(Boolean)) {
      const result = JSON.parse(line) as CheckResult;
      results.set(result.name, result);
    }
    if (code !== 0) throw new Error(`the boto3 suite exited with ${code}:\n${stderr}`);
  }, 240_000);

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await runner.stop();
    await events.close();
    await sqsBackend.close();
  });

  it.each(names)('%s', (name) => {
    const result = results.get(name);
    if (!result) throw new Error(`check ${name} did not report`);
    if (!result.ok) throw new Error(`${result.error ?? ''}\n${result.trace ?? ''}`);
    expect(result.ok).toBe(true);
  });
});
