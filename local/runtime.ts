import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createDynamoDbClient } from '../lib/clients';
import { HttpApiGateway } from './apigw/gateway';
import { readJson } from './http/body';
import { LocalIssuer } from './apigw/jwt';
import { ensureTables, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb';
import { StreamEventSource } from './dynamodb/streams';
import { EventBridgeBackend, type EventBridgeEvent, type Rule, type Target } from './eventbridge/backend';
import { handleEventBridgeRequest } from './eventbridge/protocol';
import { parseSchedule } from './eventbridge/schedule';
import { FunctionRunner } from './lambda/runner';
import { SqsEventSource } from './lambda/sqs-source';
import { createSqsRequestHandler, SqsBackend, type SqsRequestHandler } from './sqs';
import { planFromTemplate, type LocalPlan } from './template/plan';

/**
 * The local cloud: everything the packaged template declares, on 127.0.0.1, no AWS
 * account and no Docker. One AWS endpoint (EventBridge + SQS, the JSON protocols the SDK
 * v3 clients speak), DynamoDB Local, the functions in worker threads with their event
 * sources (SQS, DynamoDB streams, schedules) and the HTTP API with a local JWT issuer.
 */

export interface LocalCloudOptions {
  root: string;
  /** The packaged template, or how to get it (awaited while DynamoDB Local starts). */
  template: Record<string, unknown> | (() => Promise<Record<string, unknown>>);
  ports: { aws: number; http: number; dynamodb: number };
  /** Persistent state folder; undefined = in memory. */
  dataDir: string | undefined;
  /** Where function bundles go (must be inside the project so packages resolve). */
  buildDir: string;
  region?: string;
  accountId?: string;
  watch?: boolean;
  /** Start DynamoDB Local (false: use `dynamodbEndpoint`). */
  dynamodb?: boolean | { endpoint: string };
  log?: (line: string) => void;
}

const HOST = '127.0.0.1';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(JSON.stringify(body));
}

/** 503 until the endpoint is ready; SDK clients retry it as a transient error. */
function starting(res: ServerResponse): void {
  send(res, 503, { __type: 'ServiceUnavailableException', message: 'The local cloud is starting; retry in a moment.' }, 'application/json', { 'retry-after': '1' });
}

export class LocalCloud {
  plan!: LocalPlan;
  sqs!: SqsBackend;
  events!: EventBridgeBackend;
  runner!: FunctionRunner;
  issuer!: LocalIssuer;
  dynamodb: DynamoDbLocal | undefined;
  dynamodbEndpoint = '';
  urls = { aws: '', http: '', dynamodb: '' };
  private servers: Server[] = [];
  private sources: { stop(): Promise<void> }[] = [];
  private timers: NodeJS.Timeout[] = [];
  private gateway: HttpApiGateway | undefined;
  private sqsHandler: SqsRequestHandler | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: LocalCloudOptions) {
    this.log = options.log ?? (() => undefined);
  }

  get region(): string {
    return this.options.region ?? 'us-east-1';
  }

  get accountId(): string {
    return this.options.accountId ?? '000000000000';
  }

  async start(): Promise<void> {
    const { options } = this;
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const awsServer = createServer(this.guard('aws', (req, res) => this.handleAws(req, res)));
    const httpServer = createServer(this.guard('http', (req, res) => this.handleHttp(req, res)));
    this.servers.push(awsServer, httpServer);
    const dynamo =
      typeof options.dynamodb === 'object' || options.dynamodb === false
        ? Promise.resolve(undefined)
        : startDynamoDbLocal({ port: options.ports.dynamodb, ...(options.dataDir ? { dataDir: join(options.dataDir, 'dynamodb') } : {}) });
    const [awsPort, httpPort] = await Promise.all([listen(awsServer, options.ports.aws), listen(httpServer, options.ports.http)]);
    this.urls.aws = `http://${HOST}:${awsPort}`;
    this.urls.http = `http://${HOST}:${httpPort}`;
    let template: Record<string, unknown>;
    try {
      template = typeof options.template === 'function' ? await options.template() : options.template;
    } catch (error) {
      await (await dynamo.catch(() => undefined))?.stop();
      await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      throw error;
    }
    this.plan = planFromTemplate(template, { region: this.region, accountId: this.accountId, endpoints: { aws: this.urls.aws, http: this.urls.http } });

    this.sqs = new SqsBackend({ region: this.region, accountId: this.accountId, baseUrl: this.urls.aws, ...(options.dataDir ? { dataDir: join(options.dataDir, 'sqs') } : {}) });
    this.sqsHandler = createSqsRequestHandler(this.sqs);
    // DLQs first, so a queue's redrive target exists when it is created.
    const queues = [...this.plan.queues].sort((a, b) => Number('RedrivePolicy' in a.attributes) - Number('RedrivePolicy' in b.attributes));
    for (const q of queues) this.sqs.ensureQueue(q.name, q.attributes);

    this.events = new EventBridgeBackend({
      region: this.region,
      accountId: this.accountId,
      ...(options.dataDir ? { dataDir: join(options.dataDir, 'eventbridge') } : {}),
      deliver: (target, payload) => this.deliver(target, payload),
      deadLetter: async (queueArn, payload, attributes) => {
        this.sqs.sendMessage(this.sqs.getQueue(queueArn), payload, {
          messageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { dataType: 'String', stringValue: v }])),
        });
      },
    });
    this.events.on('event', (e: { bus: string; event: EventBridgeEvent; rules: string[] }) => this.record(e));
    this.events.on('event', (e: { bus: string; event: EventBridgeEvent; rules: string[] }) =>
      this.log(`${e.event['replay-name'] ? `replay ${e.event['replay-name']}: ` : ''}${e.bus} <- ${e.event.source} ${e.event['detail-type']} ${e.event.id} -> ${e.rules.length ? e.rules.join(', ') : '(no rule)'}`),
    );
    this.events.on('delivery-failed', (e: { rule: string; target: string; error: string }) => this.log(`delivery of ${e.rule} to ${e.target} failed for good: ${e.error}`));
    for (const bus of this.plan.buses) this.events.createBus(bus.name);
    for (const a of this.plan.archives) this.events.addArchive(a.name, a.busName, { ...(a.retentionDays ? { retentionDays: a.retentionDays } : {}), ...(a.pattern ? { pattern: a.pattern } : {}) });
    for (const r of this.plan.rules) {
      const rule: Rule = { name: r.name, arn: r.arn, busName: r.busName, pattern: r.pattern, schedule: r.schedule, enabled: r.enabled, targets: r.targets };
      this.events.putRule(rule);
      if (r.schedule && r.enabled) this.schedule(rule);
    }
    // The AWS endpoint serves from here on: functions started below may call it at once.
    this.ready.aws = true;

    this.dynamodb = await dynamo;
    let streams = new Map<string, string | undefined>();
    if (options.dynamodb === false) {
      if (this.plan.tables.length) throw new Error(`the template has DynamoDB tables (${this.plan.tables.map((t) => t.name).join(', ')}) but DynamoDB is off`);
    } else {
      this.dynamodbEndpoint = typeof options.dynamodb === 'object' ? options.dynamodb.endpoint : (this.dynamodb?.endpoint as string);
      this.urls.dynamodb = this.dynamodbEndpoint;
      const ddb = this.dynamodb?.client ?? createDynamoDbClient({ endpoint: this.dynamodbEndpoint, env: {} });
      streams = await ensureTables(ddb, this.plan.tables);
    }

    this.issuer = new LocalIssuer(`${this.urls.http}/local-auth/`, options.dataDir ? join(options.dataDir, 'jwt-key.pem') : undefined);
    this.runner = new FunctionRunner({
      root: options.root,
      buildDir: options.buildDir,
      watch: options.watch ?? false,
      baseEnvironment: {
        PATH: process.env['PATH'] ?? '',
        TZ: 'UTC',
        NODE_ENV: 'development',
        AWS_REGION: this.region,
        AWS_DEFAULT_REGION: this.region,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_EVENTBRIDGE: this.urls.aws,
        AWS_ENDPOINT_URL_SQS: this.urls.aws,
        AWS_ENDPOINT_URL_DYNAMODB: this.dynamodbEndpoint,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        // Lambda runs Node 22; the SDK's warning about the local Node 20 is noise here.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    this.runner.on('invoked', (e: { function: string; ok: boolean; durationMs: number; error?: string }) =>
      this.log(`${e.ok ? 'ran' : 'FAILED'} ${e.function} (${e.durationMs} ms)${e.error ? `: ${e.error}` : ''}`),
    );
    this.runner.on('reloaded', (e: { function: string }) => this.log(`reloaded ${e.function}`));
    this.runner.on('build-error', (e: { function: string; error: string }) => this.log(`build error in ${e.function}:\n${e.error}`));
    await this.runner.load(this.plan.functions);

    for (const source of this.plan.eventSources.filter((s) => s.enabled)) {
      if (source.kind === 'sqs') {
        const s = new SqsEventSource({
          backend: this.sqs,
          queueArn: source.sourceArn,
          region: this.region,
          batchSize: source.batchSize,
          windowSeconds: source.windowSeconds,
          reportBatchItemFailures: source.reportBatchItemFailures,
          filters: source.filters,
          invoke: (event) => this.runner.invoke(source.functionName, event),
          onBatch: (b) => b.error && this.log(`${source.sourceArn.split(':').pop()} -> ${source.functionName}: ${b.error}`),
        });
        s.start();
        this.sources.push(s);
      } else {
        const table = this.plan.tables.find((t) => t.streamArn === source.sourceArn);
        const streamArn = table ? streams.get(table.name) : undefined;
        if (!table || !streamArn) throw new Error(`${source.logicalId}: table of stream ${source.sourceArn} has no stream in DynamoDB Local`);
        const s = new StreamEventSource({
          endpoint: this.dynamodbEndpoint,
          streamArn,
          eventSourceArn: source.sourceArn,
          region: this.region,
          batchSize: source.batchSize,
          reportBatchItemFailures: source.reportBatchItemFailures,
          maximumRetryAttempts: source.maximumRetryAttempts,
          filters: source.filters,
          checkpointFile: options.dataDir ? join(options.dataDir, 'streams', `${source.logicalId}.json`) : undefined,
          invoke: (event) => this.runner.invoke(source.functionName, event),
          onBatch: (b) => b.error && this.log(`stream ${table.name} -> ${source.functionName}: ${b.error}`),
        });
        s.start();
        this.sources.push(s);
      }
    }

    this.gateway = new HttpApiGateway({
      routes: this.plan.routes,
      invoke: (fn, event) => this.runner.invoke(fn, event),
      issuer: this.issuer,
      region: this.region,
      accountId: this.accountId,
      onRequest: (r) => this.log(`${r.method} ${r.path} -> ${r.status} (${r.ms} ms)`),
    });
    this.ready.http = true;
  }

  /** What went wrong inside the local cloud and was survived: shown by `GET /` and the start banner. */
  readonly health = { requestErrors: 0, unhandledRejections: 0 };
  private readonly ready = { aws: false, http: false };

  /**
   * Wraps a request handler so that nothing it throws can take the process down: the
   * error is logged with its stack, counted, and answered as a 500 in the AWS error shape.
   */
  private guard(server: string, handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      handler(req, res).catch((error: unknown) => {
        this.health.requestErrors += 1;
        this.log(`internal error in the ${server} endpoint on ${req.method ?? '?'} ${req.url ?? '?'}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (res.headersSent) return void res.destroy();
        send(res, 500, { __type: 'InternalFailure', message: 'The local cloud failed to handle this request; its log has the details.' }, 'application/json');
      });
    };
  }

  /** Logs and counts a rejection nobody handled (see `guardProcess`), instead of exiting. */
  unhandledRejection(reason: unknown): void {
    this.health.unhandledRejections += 1;
    this.log(`unhandled rejection (the local cloud lives on): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  }

  /** Recent bus traffic, for `GET /local/events` (the demo, tail and console read it). */
  private readonly eventLog: { at: number; bus: string; rules: string[]; event: EventBridgeEvent }[] = [];

  private record(entry: { bus: string; event: EventBridgeEvent; rules: string[] }): void {
    this.eventLog.push({ at: Date.now(), ...entry });
    if (this.eventLog.length > 20_000) this.eventLog.splice(0, this.eventLog.length - 20_000);
  }

  /** Events seen on the buses, oldest first, optionally of one correlation id or after a time. */
  recentEvents(filter: { correlationId?: string; since?: number } = {}): { at: number; bus: string; rules: string[]; event: EventBridgeEvent }[] {
    return this.eventLog.filter((e) => {
      if (filter.since !== undefined && e.at < filter.since) return false;
      if (!filter.correlationId) return true;
      const metadata = (e.event.detail as { metadata?: { correlationId?: unknown } } | null)?.metadata;
      return metadata?.correlationId === filter.correlationId;
    });
  }

  /** Delivers an event from a rule to its target: an SQS queue, a Lambda function or another bus. */
  private async deliver(target: Target, payload: string): Promise<void> {
    const service = target.arn.split(':')[2];
    if (service === 'sqs') {
      this.sqs.sendMessage(this.sqs.getQueue(target.arn), payload);
      return;
    }
    if (service === 'lambda') {
      const name = target.arn.slice(target.arn.lastIndexOf(':') + 1);
      const result = await this.runner.invoke(name, JSON.parse(payload) as unknown);
      // Asynchronous invocation: Lambda retries failed async invocations itself (twice) - locally, log it.
      if (!result.ok) this.log(`async invocation of ${name} failed: ${result.error?.errorMessage ?? ''}`);
      return;
    }
    if (service === 'events') {
      const event = JSON.parse(payload) as { source: string; 'detail-type': string; detail: unknown; resources?: string[] };
      const out = this.events.putEvents([{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail), EventBusName: target.arn, Resources: event.resources ?? [] }]);
      if (out.FailedEntryCount) throw new Error(JSON.stringify(out.Entries[0]));
      return;
    }
    throw Object.assign(new Error(`target ${target.arn} is not supported locally (SQS, Lambda and event buses are)`), { code: 'UnsupportedTarget' });
  }

  private schedule(rule: Rule): void {
    const schedule = parseSchedule(rule.schedule as string);
    const arm = (): void => {
      const wait = Math.max(0, schedule.next(Date.now()) - Date.now());
      if (!Number.isFinite(wait)) return;
      const timer = setTimeout(() => {
        this.events.fireSchedule(rule);
        arm();
      }, Math.min(wait, 2 ** 31 - 1));
      timer.unref();
      this.timers.push(timer);
    };
    arm();
  }

  private async handleAws(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!this.ready.aws) return starting(res);
    try {
      if (req.method === 'GET') {
        const url = new URL(req.url ?? '/', 'http://local');
        if (url.pathname === '/local/events') {
          const correlationId = url.searchParams.get('correlationId') ?? undefined;
          const since = url.searchParams.get('since');
          return send(res, 200, { events: this.recentEvents({ ...(correlationId ? { correlationId } : {}), ...(since ? { since: Number(since) } : {}) }) }, 'application/json');
        }
        return send(res, 200, this.summary(), 'application/json');
      }
      // SQS reads its own body, so a long poll ends when its client goes away.
      if (this.sqsHandler?.(req, res)) return;
      const body = await readJson(req);
      if (target.startsWith('AWSEvents.')) {
        const out = handleEventBridgeRequest(this.events, target, body);
        return send(res, out.status, out.body, 'application/x-amz-json-1.1');
      }
      send(res, 400, { __type: 'UnknownOperationException', message: `No local service for x-amz-target "${target}" (EventBridge: AWSEvents.*, SQS: AmazonSQS.*)` }, 'application/x-amz-json-1.1');
    } catch (error) {
      send(res, 400, { __type: 'SerializationException', message: (error as Error).message }, 'application/x-amz-json-1.1');
    }
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.ready.http || !this.gateway) return starting(res);
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/local-auth/.well-known/jwks.json') return send(res, 200, this.issuer.jwks(), 'application/json');
    if (url.pathname === '/local-auth/token' && req.method === 'POST') {
      const body = (await readJson(req).catch(() => ({}))) as Record<string, unknown>;
      const audience = this.plan.routes.find((r) => r.authorizer)?.authorizer?.audience[0];
      return send(res, 200, { token: this.issuer.mint({ ...(audience ? { aud: audience } : {}), ...body }), issuer: this.issuer.issuer }, 'application/json');
    }
    await this.gateway.handle(req, res);
  }

  /** What runs where: for the start banner and `GET /` on the AWS endpoint. */
  summary(): Record<string, unknown> {
    return {
      endpoints: { aws: this.urls.aws, http: this.urls.http, dynamodb: this.urls.dynamodb },
      buses: this.plan?.buses.map((b) => b.name),
      rules: this.plan?.rules.map((r) => ({ name: r.name, bus: r.busName, targets: r.targets.map((t) => t.arn), ...(r.schedule ? { schedule: r.schedule } : {}) })),
      queues: this.plan?.queues.map((q) => q.url),
      tables: this.plan?.tables.map((t) => t.name),
      functions: this.plan?.functions.map((f) => ({ name: f.name, handler: f.handler })),
      routes: this.plan?.routes.map((r) => `${r.routeKey} -> ${r.functionName}`),
      health: this.health,
    };
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all(this.sources.map((s) => s.stop()));
    await this.runner?.stop();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    await this.events?.close();
    await this.sqs?.close();
    await this.dynamodb?.stop();
  }
}

/** Reads the packaged template, or fails with what to run. */
export function readTemplate(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new Error(`${path} not found: run \`npm run package -- --stage local\` first`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

export function resetDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
