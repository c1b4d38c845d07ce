import { request } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { LocalCloud } from '../../local/runtime';
import { freshDir, ROOT } from '../helpers/codegen';
import { packageStage } from '../helpers/template';

// Property-based fuzzing of the local cloud's endpoints, on the packaged template with the
// real functions: the HTTP API (every route of the template) and the AWS endpoint
// (EventBridge and SQS operations). Arbitrary JSON and non-JSON bodies, huge and deeply
// nested ones, wrong content types, bad / expired / alg:none / foreign JWTs, path traversal
// and broken escapes in path parameters, unknown targets. Whatever comes in: never a 5xx
// caused by the input, never a stack trace in a response, the process alive, nothing
// counted as an internal error, and no event from a refused command.
// Seeded: FUZZ_SEED=<n> reproduces a run (fast-check prints the seed and path of a failure).

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261202);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1000);
const STACK_TRACE = /\n\s+at |\bat [\w.<>]+ \(.*:\d+:\d+\)|\.[cm]?[tj]s:\d+:\d+|node:internal/;

let cloud: LocalCloud;

beforeAll(async () => {
  const dir = freshDir('fuzz');
  const template = packageStage('test', join(dir, 'package'));
  cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
}, 180_000);

afterAll(async () => {
  await cloud?.stop();
});

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw HTTP request: the path goes out as given (no client-side normalisation of `..` or escapes). */
function send(base: string, method: string, path: string, headers: Record<string, string>, body: Buffer | undefined): Promise<Answer | undefined> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    let req;
    try {
      req = request({ host: url.hostname, port: url.port, method, path, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      });
    } catch {
      // node refuses to send some generated paths or headers at all: nothing reached the cloud.
      return resolve(undefined);
    }
    req.on('error', reject);
    req.end(body);
  });
}

/** An answer caused by the input is never an internal error (501 is a deliberate "not implemented yet") nor a stack trace. */
function expectSane(answer: Answer | undefined, what: string): void {
  if (!answer) return;
  if (answer.status >= 500 && answer.status !== 501) throw new Error(`${what} -> ${answer.status}: ${answer.body.slice(0, 500)}`);
  if (STACK_TRACE.test(answer.body)) throw new Error(`${what} -> a stack trace in the response: ${answer.body.slice(0, 500)}`);
}

async function expectAlive(): Promise<void> {
  const summary = (await (await fetch(cloud.urls.aws)).json()) as { health: { requestErrors: number; unhandledRejections: number } };
  expect(summary.health).toEqual({ requestErrors: 0, unhandledRejections: 0 });
}

const huge = Buffer.from(JSON.stringify({ blob: 'x'.repeat(1024 * 1024) }));
const deep = (n: number): Buffer => Buffer.from(`${'{"a":['.repeat(n)}1${']}'.repeat(n)}`);

/** A request body: text, bytes, or a structure sent as its JSON (kept as such so a counterexample reads well). */
type Payload = string | Buffer | { json: unknown } | undefined;
const toBuffer = (p: Payload): Buffer | undefined => (p === undefined || Buffer.isBuffer(p) ? p : typeof p === 'string' ? Buffer.from(p) : Buffer.from(JSON.stringify(p.json)));

const bodies: fc.Arbitrary<Payload> = fc.oneof(
  { weight: 6, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }).map(deep) },
  { weight: 1, arbitrary: fc.constant(huge) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const contentTypes = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'image/png', '', 'application/x-amz-json-1.1', 'application/x-amz-json-1.0');

describe('HTTP API', () => {
  it(`answers ${RUNS} generated requests per route with 4xx or a normal answer, never 5xx or a stack trace, and refused commands emit nothing`, async () => {
    const audience = cloud.plan.routes.find((r) => r.authorizer)?.authorizer?.audience[0] ?? '';
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const valid = cloud.issuer.mint({ aud: audience });
    const [head, payload] = valid.split('.') as [string, string];
    const tokens: Record<string, string | undefined> = {
      valid,
      none: undefined,
      expired: cloud.issuer.mint({ aud: audience, expiresInSeconds: -60 }),
      algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      badSignature: `${head}.${b64({ iss: cloud.issuer.issuer, aud: audience, sub: 'attacker', exp: now + 3600 })}.${valid.split('.')[2]}`,
      otherAudience: cloud.issuer.mint({ aud: 'someone-else' }),
      garbage: 'not.a.jwt',
      empty: '',
    };
    const params = fc.oneof(
      fc.uuid(),
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      fc.constantFrom('..', '../..', '%2e%2e', '..%2F..%2Fetc%2Fpasswd', '%E0%A4%A', '%', '%00', '%ZZ', 'a/b', '%2F', '.', '~', '%C0%AE%C0%AE', 'x'.repeat(2000)),
    );
    const routes = cloud.plan.routes.filter((r) => r.routeKey !== '$default').map((r) => r.routeKey.split(' ') as [string, string]);
    expect(routes.length).toBeGreaterThan(0);
    const refused: string[] = [];

    for (const [method, template] of routes) {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...Object.keys(tokens)), params, contentTypes, bodies, fc.boolean(), async (auth, param, contentType, body, trailingSlash) => {
          const path = template.replace(/\{[^}]+\}/g, param) + (trailingSlash ? '/' : '');
          const token = tokens[auth];
          const headers: Record<string, string> = { ...(contentType ? { 'content-type': contentType } : {}), ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) };
          const answer = await send(cloud.urls.http, method, path, headers, method === 'GET' ? undefined : toBuffer(body));
          expectSane(answer, `${method} ${path} (${auth}, ${contentType})`);
          if (answer && answer.status >= 400 && method === 'POST') {
            const correlationId = answer.headers['x-correlation-id'];
            if (typeof correlationId === 'string') refused.push(correlationId);
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    }

    // Let anything a refused command might have set off reach the bus, then look for it.
    await new Promise((r) => setTimeout(r, 1500));
    const correlated = new Set(refused);
    const leaked = cloud.recentEvents().filter((e) => correlated.has((e.event.detail as { metadata?: { correlationId?: string } } | null)?.metadata?.correlationId ?? ''));
    expect(leaked.map((e) => e.event['detail-type'])).toEqual([]);
    await expectAlive();
  }, 600_000);
});

describe('AWS endpoint', () => {
  const EVENTBRIDGE = ['PutEvents', 'TestEventPattern', 'ListEventBuses', 'DescribeEventBus', 'CreateEventBus', 'PutRule', 'DeleteRule', 'DescribeRule', 'ListRules', 'ListTargetsByRule', 'PutTargets', 'RemoveTargets', 'ListArchives', 'DescribeArchive', 'StartReplay', 'DescribeReplay', 'ListReplays', 'CancelReplay', 'EnableRule', 'DisableRule', 'DeleteEventBus', 'TagResource', 'UntagResource', 'ListTagsForResource', 'PutPermission', 'RemovePermission', 'Nope'];
  const SQS = ['SendMessage', 'SendMessageBatch', 'ReceiveMessage', 'DeleteMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch', 'GetQueueUrl', 'GetQueueAttributes', 'SetQueueAttributes', 'ListQueues', 'CreateQueue', 'ListDeadLetterSourceQueues', 'StartMessageMoveTask', 'ListMessageMoveTasks', 'CancelMessageMoveTask', 'TagQueue', 'UntagQueue', 'ListQueueTags', 'Nope'];

  /** Fields the operations read, with values from the template (real names) and nonsense. */
  const values = (): fc.Arbitrary<Record<string, unknown>> => {
    const buses = cloud.plan.buses.map((b) => b.name);
    const queues = cloud.plan.queues.map((q) => q.url);
    const any = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), fc.constant(null), fc.json({ maxDepth: 2 }).map((j) => JSON.parse(j) as unknown));
    const entry = fc.record(
      { Source: fc.oneof(fc.constantFrom('roadcall.incident', 'aws.events', ''), any), DetailType: fc.oneof(fc.constantFrom('IncidentCreated', 'Nope'), any), Detail: fc.oneof(fc.json(), any), EventBusName: fc.oneof(fc.constantFrom(...buses), any), Resources: any },
      { requiredKeys: [] },
    );
    return fc.record(
      {
        Entries: fc.oneof(fc.array(entry, { maxLength: 12 }), any),
        Name: fc.oneof(fc.constantFrom(...buses, 'x'.repeat(300), 'a/b'), any),
        EventBusName: fc.oneof(fc.constantFrom(...buses), any),
        EventPattern: fc.oneof(fc.json({ maxDepth: 3 }), any),
        Event: fc.oneof(fc.json({ maxDepth: 3 }), any),
        Targets: fc.oneof(fc.array(fc.record({ Id: any, Arn: any }, { requiredKeys: [] }), { maxLength: 3 }), any),
        Rule: any,
        QueueUrl: fc.oneof(fc.constantFrom(...queues), any),
        QueueName: fc.oneof(fc.string({ maxLength: 90 }), any),
        MessageBody: fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), any),
        MaxNumberOfMessages: fc.oneof(fc.integer({ min: -5, max: 20 }), any),
        // Never a real long poll: a fuzz case must not wait 20 s.
        WaitTimeSeconds: fc.constantFrom(-1, 0, 21, '5', null),
        VisibilityTimeout: fc.oneof(fc.integer({ min: -10, max: 50_000 }), any),
        ReceiptHandle: any,
        DelaySeconds: fc.oneof(fc.integer({ min: -1, max: 1000 }), any),
        MessageAttributes: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.record({ DataType: any, StringValue: any }, { requiredKeys: [] }), { maxKeys: 3 }), any),
        AttributeNames: fc.oneof(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), any),
        Attributes: fc.oneof(fc.dictionary(fc.string({ maxLength: 20 }), any, { maxKeys: 3 }), any),
        SourceArn: any,
        TaskHandle: any,
        ArchiveName: any,
        ReplayName: any,
        EventSourceArn: any,
        EventStartTime: any,
        EventEndTime: any,
        Destination: any,
        Tags: any,
        TagKeys: any,
      },
      { requiredKeys: [] },
    );
  };

  it.each([
    ['EventBridge', 'AWSEvents.', '1.1', EVENTBRIDGE],
    ['SQS', 'AmazonSQS.', '1.0', SQS],
  ])(`answers ${RUNS} generated %s calls with AWS errors (4xx, { __type, message }) or results, never 5xx or a stack trace`, async (_name, prefix, version, operations) => {
    const body = fc.oneof({ weight: 8, arbitrary: values().map((json): Payload => ({ json })) }, { weight: 2, arbitrary: bodies });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations), fc.oneof(fc.constant(version), fc.constantFrom('1.0', '1.1', 'x')), body, async (operation, v, payload) => {
        const answer = await send(cloud.urls.aws, 'POST', '/', { 'x-amz-target': `${prefix}${operation}`, 'content-type': `application/x-amz-json-${v}` }, toBuffer(payload));
        expectSane(answer, `${prefix}${operation}`);
        if (answer && answer.status >= 400) {
          const error = JSON.parse(answer.body) as { __type?: unknown; message?: unknown };
          expect(typeof error.__type).toBe('string');
          expect(typeof error.message).toBe('string');
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    await expectAlive();
  }, 600_000);

  it(`answers ${RUNS} requests with arbitrary targets, methods and paths without an internal error`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('AWSEvents.', 'AmazonSQS.', 'AWSEvents', 'Kinesis_20131202.PutRecord', 'DynamoDB_20120810.Scan')),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.oneof(fc.constantFrom('/', '/local/events', '/local/events?since=x&correlationId=%E0%A4%A', '/schedules/x', '/2015-03-31/functions'), fc.webPath()),
        bodies,
        async (target, method, path, payload) => {
          const answer = await send(cloud.urls.aws, method, path, { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' }, method === 'GET' ? undefined : toBuffer(payload));
          expectSane(answer, `${method} ${path} ${target}`);
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    await expectAlive();
  }, 600_000);
});
