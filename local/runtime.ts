import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createDynamoDbClient } from '../lib/clients';
import { answerClientError, continueWithin, HTTP_API_SERVER_OPTIONS, HttpApiGateway } from './apigw/gateway';
import { LocalIssuer } from './apigw/jwt';
import { ensureTables, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb';
import { DynamoDbProxy } from './dynamodb/proxy';
import { StreamEventSource } from './dynamodb/streams';
import { EventLog, type LoggedEvent } from './event-log';
import { InvocationLog, type LoggedInvocation } from './invocation-log';
import { EventBridgeBackend } from './eventbridge/backend';
import { handleEventBridgeRequest } from './eventbridge/protocol';
import { eventBridgeWithFaults, FaultInjector, type FaultSettings } from './faults';
import type { EventBridgeEvent, Rule } from './eventbridge/types';
import { readJson } from './http/body';
import { closeAll, guard, HOST, listen, send, starting } from './http/endpoint';
import { FunctionRunner } from './lambda/runner';
import { createSchedulerRequestHandler, type SchedulerBackend, type SchedulerRequestHandler } from './scheduler';
import { createSqsRequestHandler, SqsBackend, type SqsRequestHandler } from './sqs';
import { PortInUseError, reapOrphans } from './process-guard';
import { cloudSummary } from './summary';
import { planFromTemplate, type LocalPlan } from './template/plan';
import { createLocalScheduler, deliverScheduleTarget, deliverToTarget, functionEnvironment, scheduleRule, startEventSources, type Services } from './wiring';

/**
 * The local cloud: everything the packaged template declares, on 127.0.0.1, no AWS
 * account and no Docker. One AWS endpoint (EventBridge, SQS and EventBridge Scheduler, the
 * protocols the SDK v3 clients speak), DynamoDB Local behind a proxy (503 until ready, DynamoDB
 * faults), the functions in worker threads with their event sources (SQS, DynamoDB streams,
 * schedules) and the HTTP API with a local JWT issuer.
 */

export interface LocalCloudOptions {
  root: string;
  /** The packaged template, or how to get it (awaited while DynamoDB Local starts). */
  template: Record<string, unknown> | (() => Promise<Record<string, unknown>>);
  /** `dynamodb`: the DynamoDB endpoint handed out (the proxy); DynamoDB Local itself gets a free port. */
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
  /** Fault injection settings (`npm start -- --faults <file>`); changed live with `POST /local/faults`. */
  faults?: FaultSettings;
  /** Where child processes are recorded (pid files), so that a start after a crash ends the ones left behind. Default `<root>/.local-data/pids`. */
  pidDir?: string;
}

export class LocalCloud {
  plan!: LocalPlan;
  sqs!: SqsBackend;
  events!: EventBridgeBackend;
  scheduler!: SchedulerBackend;
  runner!: FunctionRunner;
  issuer!: LocalIssuer;
  dynamodb: DynamoDbLocal | undefined;
  /** DynamoDB itself, behind the proxy: for the cloud's own readers (streams), never faulted. */
  dynamodbEndpoint = '';
  urls = { aws: '', http: '', dynamodb: '' };
  private servers: Server[] = [];
  private sources: { stop(): Promise<void> }[] = [];
  private timers: NodeJS.Timeout[] = [];
  private gateway: HttpApiGateway | undefined;
  private sqsHandler: SqsRequestHandler | undefined;
  private schedulerHandler: SchedulerRequestHandler | undefined;
  private readonly log: (line: string) => void;
  /** Seeded fault injection: idle (no faults) unless settings are given or posted. */
  readonly faults: FaultInjector;

  constructor(private readonly options: LocalCloudOptions) {
    this.log = options.log ?? (() => undefined);
    this.faults = new FaultInjector(options.faults);
    this.dynamodbProxy = new DynamoDbProxy(this.faults);
    this.faults.onInject = (fault, scope) => this.log(`FAULT injected: ${fault.label}${scope.operation ? ` ${scope.operation}` : ''}${scope.function ? ` in ${scope.function}` : ''}${scope.queue ? ` on ${scope.queue}` : ''}`);
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
    const onError = (line: string): void => {
      this.health.requestErrors += 1;
      this.log(line);
    };
    const awsServer = createServer(guard('aws', (req, res) => this.handleAws(req, res), onError));
    const httpHandler = guard('http', (req, res) => this.handleHttp(req, res), onError);
    const httpServer = createServer(HTTP_API_SERVER_OPTIONS, httpHandler);
    httpServer.on('clientError', answerClientError);
    httpServer.on('checkContinue', continueWithin(httpHandler));
    this.servers.push(awsServer, httpServer);
    const proxyServer = options.dynamodb === false ? undefined : createServer(guard('dynamodb', this.dynamodbProxy.handle, onError));
    if (proxyServer) this.servers.push(proxyServer);
    // Children of an earlier start that died without stopping them (SIGKILL, a crash) end here.
    const pidDir = options.pidDir ?? join(options.root, '.local-data', 'pids');
    for (const orphan of reapOrphans(pidDir)) this.log(`ended ${orphan.name} (pid ${orphan.pid}) left running by an earlier start (pid ${orphan.ownerPid}) that did not stop it`);
    let ports: [number, number, number | undefined];
    try {
      // Every port first: one held by another process is a clear refusal, before any child starts.
      ports = await Promise.all([
        listenOrExplain(awsServer, options.ports.aws, 'the AWS endpoint, --aws-port'),
        listenOrExplain(httpServer, options.ports.http, 'the HTTP API, --http-port'),
        proxyServer && listenOrExplain(proxyServer, options.ports.dynamodb, 'the DynamoDB endpoint, --dynamodb-port'),
      ]);
    } catch (error) {
      await closeAll(this.servers.filter((s) => s.listening));
      throw error;
    }
    const dynamo =
      typeof options.dynamodb === 'object' || options.dynamodb === false ? Promise.resolve(undefined) : startDynamoDbLocal({ port: 0, pidDir, ...(options.dataDir ? { dataDir: join(options.dataDir, 'dynamodb') } : {}) });
    // A failed start must not leave DynamoDB Local behind: `stop()` ends it from here on.
    void dynamo.then((d) => (this.dynamodb = d), () => undefined);
    const [awsPort, httpPort, proxyPort] = ports;
    this.urls.aws = `http://${HOST}:${awsPort}`;
    this.urls.http = `http://${HOST}:${httpPort}`;
    if (proxyPort) this.urls.dynamodb = `http://${HOST}:${proxyPort}`;
    let template: Record<string, unknown>;
    try {
      template = typeof options.template === 'function' ? await options.template() : options.template;
    } catch (error) {
      await (await dynamo.catch(() => undefined))?.stop();
      await closeAll(this.servers);
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
      deliver: (target, payload) => deliverToTarget(this.services(), target, payload),
      deadLetter: (queueArn, payload, attributes) => deadLetter(queueArn, payload, attributes),
    });
    this.events.on('event', (e: { bus: string; event: EventBridgeEvent; rules: string[] }) => this.eventLog.record(e));
    this.events.on('event', (e: { bus: string; event: EventBridgeEvent; rules: string[] }) =>
      this.log(`${e.event['replay-name'] ? `replay ${e.event['replay-name']}: ` : ''}${e.bus} <- ${e.event.source} ${e.event['detail-type']} ${e.event.id} -> ${e.rules.length ? e.rules.join(', ') : '(no rule)'}`),
    );
    this.events.on('delivery-failed', (e: { rule: string; target: string; error: string }) => this.log(`delivery of ${e.rule} to ${e.target} failed for good: ${e.error}`));
    for (const bus of this.plan.buses) this.events.createBus(bus.name);
    for (const a of this.plan.archives) this.events.addArchive(a.name, a.busName, { ...(a.retentionDays ? { retentionDays: a.retentionDays } : {}), ...(a.pattern ? { pattern: a.pattern } : {}) });
    const deadLetter = async (queueArn: string, payload: string, attributes: Record<string, string>): Promise<void> => {
      this.sqs.sendMessage(this.sqs.getQueue(queueArn), payload, {
        messageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { dataType: 'String', stringValue: v }])),
      });
    };
    this.scheduler = createLocalScheduler({
      region: this.region,
      accountId: this.accountId,
      dataDir: options.dataDir,
      groups: this.plan.scheduleGroups.map((g) => g.name),
      // A schedule due at start-up fires once the functions exist.
      deliver: async (target, payload) => {
        await this.functionsReady;
        await deliverScheduleTarget(this.services(), target, payload);
      },
      deadLetter,
      log: this.log,
    });
    this.schedulerHandler = createSchedulerRequestHandler(this.scheduler);
    for (const r of this.plan.rules) {
      const rule: Rule = { name: r.name, arn: r.arn, busName: r.busName, pattern: r.pattern, schedule: r.schedule, enabled: r.enabled, targets: r.targets };
      this.events.putRule(rule);
      if (r.schedule && r.enabled) scheduleRule(this.events, rule, this.timers);
    }
    // The AWS endpoint serves from here on: functions started below may call it at once.
    this.ready.aws = true;

    this.dynamodb = await dynamo;
    let streams = new Map<string, string | undefined>();
    if (options.dynamodb === false) {
      if (this.plan.tables.length) throw new Error(`the template has DynamoDB tables (${this.plan.tables.map((t) => t.name).join(', ')}) but DynamoDB is off`);
    } else {
      this.dynamodbEndpoint = typeof options.dynamodb === 'object' ? options.dynamodb.endpoint : (this.dynamodb?.endpoint as string);
      const ddb = this.dynamodb?.client ?? createDynamoDbClient({ endpoint: this.dynamodbEndpoint, env: {} });
      streams = await ensureTables(ddb, this.plan.tables);
      this.dynamodbProxy.forwardTo(this.dynamodbEndpoint);
    }

    this.issuer = new LocalIssuer(`${this.urls.http}/local-auth/`, options.dataDir ? join(options.dataDir, 'jwt-key.pem') : undefined);
    this.runner = new FunctionRunner({
      root: options.root,
      buildDir: options.buildDir,
      watch: options.watch ?? false,
      fault: (name) => this.faults.decide({ service: 'lambda', function: name }, ['error', 'timeout', 'crash', 'crash-after-publish'])?.rule.kind as 'error' | 'timeout' | 'crash' | 'crash-after-publish' | undefined,
      baseEnvironment: functionEnvironment(this.region, { aws: this.urls.aws, dynamodb: this.urls.dynamodb }),
    });
    this.runner.on('invoked', (e: { function: string; ok: boolean; durationMs: number; error?: string }) =>
      this.log(`${e.ok ? 'ran' : 'FAILED'} ${e.function} (${e.durationMs} ms)${e.error ? `: ${e.error}` : ''}`),
    );
    this.runner.on('invoked', (e: Parameters<InvocationLog['record']>[0]) => this.invocationLog.record(e));
    this.runner.on('reloaded', (e: { function: string }) => this.log(`reloaded ${e.function}`));
    this.runner.on('build-error', (e: { function: string; error: string }) => this.log(`build error in ${e.function}:\n${e.error}`));
    await this.runner.load(this.plan.functions);
    this.markFunctionsReady();

    startEventSources(this.services(), this.plan, { region: this.region, dynamodbEndpoint: this.dynamodbEndpoint, streams, dataDir: options.dataDir }, this.sources);
    // A write through the proxy (the functions' endpoint) may have added stream records: poll now.
    const streamSources = this.sources.filter((s): s is StreamEventSource => s instanceof StreamEventSource);
    if (streamSources.length) this.dynamodbProxy.onWrite((tables) => streamSources.forEach((s) => (!tables || s.tableName === undefined || tables.includes(s.tableName)) && s.wake()));

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

  private markFunctionsReady: () => void = () => undefined;
  /** Resolves once the functions are loaded: what fires before (a due schedule at start-up) waits for it. */
  private readonly functionsReady = new Promise<void>((resolve) => (this.markFunctionsReady = resolve));

  /** What went wrong inside the local cloud and was survived: shown by `GET /` and the start banner. */
  readonly health = { requestErrors: 0, unhandledRejections: 0 };
  private readonly ready = { aws: false, http: false };
  private readonly dynamodbProxy: DynamoDbProxy;

  /** Logs and counts a rejection nobody handled (see `guardProcess`), instead of exiting. */
  unhandledRejection(reason: unknown): void {
    this.health.unhandledRejections += 1;
    this.log(`unhandled rejection (the local cloud lives on): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  }

  /** Recent bus traffic, for `GET /local/events` (the demo, tail and console read it). */
  private readonly eventLog = new EventLog();

  /**
   * From now on, records when DynamoDB answered each write of an item of `table` through the
   * functions' endpoint, by its `key` attribute (local/dynamodb/proxy.ts `recordCommits`): a
   * bench's hop through the outbox starts at the row's commit. Returns the live map.
   */
  recordCommits(table: string, key: string): ReadonlyMap<string, number> {
    return this.dynamodbProxy.recordCommits(table, key);
  }

  /** Events seen on the buses, oldest first, optionally of one correlation id or after a time. */
  recentEvents(filter: { correlationId?: string; since?: number } = {}): LoggedEvent[] {
    return this.eventLog.recent(filter);
  }

  /** What the functions did with which events, for `GET /local/invocations` (`npm run ops -- trace` reads it). */
  private readonly invocationLog = new InvocationLog();

  /** Invocations, oldest first, optionally only those that carried one of `eventIds`, of one function, or after a time. */
  recentInvocations(filter: { eventIds?: ReadonlySet<string>; since?: number; function?: string } = {}): LoggedInvocation[] {
    return this.invocationLog.recent(filter);
  }

  /** Local tools served on the HTTP port under their own path (`npm start` mounts the web console at `/_console`). */
  private readonly mounts: { prefix: string; handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> }[] = [];

  /** Serves `prefix` and everything under it with `handle`, before the HTTP API's routes. */
  mount(prefix: string, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): void {
    this.mounts.push({ prefix: prefix.replace(/\/$/, ''), handle });
  }

  private services(): Services {
    return { faults: this.faults, sqs: this.sqs, events: this.events, runner: this.runner, log: this.log };
  }

  private async handleAws(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!this.ready.aws) return starting(res);
    try {
      if (this.schedulerHandler?.(req, res)) return;
      // SQS reads its own body, so a long poll ends when its client goes away. It claims JSON
      // (`AmazonSQS.*` target) and query-protocol (`Action=...`, GET or form POST) requests.
      if (this.sqsHandler?.(req, res)) return;
      if (req.method === 'GET') {
        const url = new URL(req.url ?? '/', 'http://local');
        if (url.pathname === '/local/faults') return send(res, 200, this.faults.describe(), 'application/json');
        if (url.pathname === '/local/events') {
          const correlationId = url.searchParams.get('correlationId') ?? undefined;
          const since = url.searchParams.get('since');
          return send(res, 200, { events: this.recentEvents({ ...(correlationId ? { correlationId } : {}), ...(since ? { since: Number(since) } : {}) }) }, 'application/json');
        }
        if (url.pathname === '/local/invocations') {
          const eventIds = url.searchParams.get('eventIds');
          const since = url.searchParams.get('since');
          return send(res, 200, { invocations: this.recentInvocations({ ...(eventIds ? { eventIds: new Set(eventIds.split(',')) } : {}), ...(since ? { since: Number(since) } : {}) }) }, 'application/json');
        }
        return send(res, 200, this.summary(), 'application/json');
      }
      const body = await readJson(req);
      if (req.url === '/local/faults' && req.method === 'POST') return this.configureFaults(res, body);
      if (target.startsWith('AWSEvents.')) {
        const out = eventBridgeWithFaults(this.faults, target, body, req.headers, (input) => handleEventBridgeRequest(this.events, target, input), (fn) => this.runner.crashAfterPublish(fn));
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
    const mounted = this.mounts.find((m) => url.pathname === m.prefix || url.pathname.startsWith(`${m.prefix}/`));
    if (mounted) return mounted.handle(req, res);
    if (url.pathname === '/local-auth/.well-known/jwks.json') return send(res, 200, this.issuer.jwks(), 'application/json');
    if (url.pathname === '/local-auth/token' && req.method === 'POST') {
      const body = (await readJson(req).catch(() => ({}))) as Record<string, unknown>;
      const audience = this.plan.routes.find((r) => r.authorizer)?.authorizer?.audience[0];
      return send(res, 200, { token: this.issuer.mint({ ...(audience ? { aud: audience } : {}), ...body }), issuer: this.issuer.issuer }, 'application/json');
    }
    await this.gateway.handle(req, res);
  }

  private configureFaults(res: ServerResponse, body: unknown): void {
    try {
      const settings = this.faults.configure(body);
      this.log(`fault settings changed: ${settings.faults.length} rule(s), seed ${settings.seed}`);
      send(res, 200, this.faults.describe(), 'application/json');
    } catch (error) {
      send(res, 400, { __type: 'ValidationException', message: (error as Error).message }, 'application/json');
    }
  }

  /** What runs where: for the start banner and `GET /` on the AWS endpoint. */
  summary(): Record<string, unknown> {
    return cloudSummary(this);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all(this.sources.map((s) => s.stop()));
    await this.runner?.stop();
    await closeAll(this.servers);
    this.dynamodbProxy.close();
    await this.scheduler?.close();
    await this.events?.close();
    await this.sqs?.close();
    await this.dynamodb?.stop();
  }
}

/** `listen`, with a port held by another process answered as a `PortInUseError` naming it. */
async function listenOrExplain(server: Server, port: number, what: string): Promise<number> {
  try {
    return await listen(server, port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port, what);
    throw error;
  }
}

export { readTemplate, resetDataDir } from './template/files';
