/**
 * How the local cloud's services reach each other, as AWS wires them: rule targets (SQS,
 * Lambda, another bus), schedule rules firing on time, and the event-source mappings that
 * feed functions from SQS queues and DynamoDB streams.
 */
import { join } from 'node:path';
import { StreamEventSource } from './dynamodb/streams';
import type { EventBridgeBackend } from './eventbridge/backend';
import { parseSchedule } from './eventbridge/schedule';
import type { Rule, Target } from './eventbridge/types';
import { LambdaInvocationError } from './lambda/errors';
import type { FunctionRunner } from './lambda/runner';
import { DEFAULT_SQS_POLLERS, SqsEventSource } from './lambda/sqs-source';
import type { FaultInjector } from './faults';
import { SchedulerBackend, type SchedulerBackendOptions, type ScheduleTarget } from './scheduler';
import type { SqsBackend } from './sqs';
import { SqsError } from './sqs/errors';
import type { LocalPlan } from './template/plan';

/** What the wiring calls: the running services of one local cloud. */
export interface Services {
  faults?: FaultInjector;
  sqs: SqsBackend;
  events: EventBridgeBackend;
  runner: FunctionRunner;
  log: (line: string) => void;
}

/** What every local function's environment starts with: the region, dummy credentials and the local endpoints its SDK clients use. */
export function functionEnvironment(region: string, endpoints: { aws: string; dynamodb: string }): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    TZ: 'UTC',
    NODE_ENV: 'development',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.aws,
    AWS_ENDPOINT_URL_SQS: endpoints.aws,
    AWS_ENDPOINT_URL_SCHEDULER: endpoints.aws,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    // No X-Ray daemon here: Powertools Tracer stays off (lib/observability/tracing.ts); the runner records each invocation's span instead (GET /local/invocations).
    POWERTOOLS_TRACE_ENABLED: 'false',
    // Lambda runs Node 22; the SDK's warning about the local Node 20 is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** An error of delivery that no retry can cure: EventBridge sends the event to the DLQ at once (`delivery.ts`). */
const permanent = (code: string, message: string): Error => Object.assign(new Error(message), { code, retryable: false });

/** What a Lambda target is invoked with: the payload's JSON value, or, for text that is not JSON (a text InputTemplate), the text as a JSON string. */
function lambdaEvent(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
}

/**
 * Delivers an event from a rule to its target: an SQS queue (the payload is the message body,
 * text or JSON), a Lambda function (invoked asynchronously with the payload as its event; a
 * text payload arrives as a JSON string) or another bus (the payload must still be an event:
 * a transformed input that is not one cannot be put, and is not retried). A target that does
 * not exist is not retried either.
 */
export async function deliverToTarget(services: Services, target: Target, payload: string): Promise<void> {
  const service = target.arn.split(':')[2];
  if (service === 'sqs') {
    if (!services.sqs.findQueue(target.arn)) throw permanent('ResourceNotFoundException', `Queue ${target.arn} does not exist.`);
    try {
      services.sqs.sendMessage(services.sqs.getQueue(target.arn), payload, target.sqsParameters ? { messageGroupId: target.sqsParameters.messageGroupId } : {});
    } catch (error) {
      // The queue refusing the message (a FIFO queue without content-based deduplication, a body SQS does not take) stays refused.
      if (error instanceof SqsError && error.senderFault) throw permanent(error.code, error.message);
      throw error;
    }
    return;
  }
  if (service === 'lambda') {
    const name = target.arn.slice(target.arn.lastIndexOf(':') + 1);
    const result = await services.runner.invoke(name, lambdaEvent(payload)).catch((error: unknown) => {
      if (error instanceof LambdaInvocationError && error.message.startsWith('Function not found')) throw permanent('ResourceNotFoundException', error.message);
      throw error;
    });
    // Asynchronous invocation: Lambda retries failed async invocations itself (twice) - locally, log it.
    if (!result.ok) services.log(`async invocation of ${name} failed: ${result.error?.errorMessage ?? ''}`);
    return;
  }
  if (service === 'events') {
    const event = busEvent(payload);
    if (!event) throw permanent('InvalidTargetInput', `The input for event bus ${target.arn} is not an event (it needs "source", "detail-type" and an object "detail"): ${payload.slice(0, 200)}`);
    const out = services.events.putEvents([{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail), EventBusName: target.arn, Resources: event.resources ?? [] }], { forwarded: true });
    const failed = out.Entries[0];
    if (out.FailedEntryCount && failed && 'ErrorCode' in failed) throw Object.assign(new Error(failed.ErrorMessage), { code: failed.ErrorCode, retryable: failed.ErrorCode !== 'ResourceNotFoundException' && failed.ErrorCode !== 'InvalidArgument' && failed.ErrorCode !== 'MalformedDetail' });
    return;
  }
  throw permanent('UnsupportedTarget', `target ${target.arn} is not supported locally (SQS, Lambda and event buses are)`);
}

/** The payload as an event another bus can take, or `undefined`. */
function busEvent(payload: string): { source: string; 'detail-type': string; detail: unknown; resources?: string[] } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload) as unknown;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const e = value as Record<string, unknown>;
  if (typeof e['source'] !== 'string' || typeof e['detail-type'] !== 'string' || typeof e['detail'] !== 'object' || e['detail'] === null || Array.isArray(e['detail'])) return undefined;
  const resources = Array.isArray(e['resources']) && e['resources'].every((r) => typeof r === 'string') ? (e['resources'] as string[]) : undefined;
  return { source: e['source'], 'detail-type': e['detail-type'], detail: e['detail'], ...(resources ? { resources } : {}) };
}

/**
 * Invokes the target of an EventBridge Scheduler schedule with its Input, as the Scheduler
 * does: an event bus gets one PutEvents entry (EventBridgeParameters give source and
 * detail-type, the Input is the detail), a queue one message, a function one invocation.
 * A refusal throws, so the Scheduler retries it and then sends it to the DLQ.
 */
export async function deliverScheduleTarget(services: Services, target: ScheduleTarget, payload: string): Promise<void> {
  const service = target.Arn.split(':')[2];
  if (service === 'events') {
    const parameters = target.EventBridgeParameters;
    const out = services.events.putEvents([{ Source: parameters?.Source, DetailType: parameters?.DetailType, Detail: payload, EventBusName: target.Arn }]);
    const failed = out.Entries[0];
    if (out.FailedEntryCount && failed && 'ErrorCode' in failed) throw Object.assign(new Error(failed.ErrorMessage), { code: failed.ErrorCode });
    return;
  }
  if (service === 'sqs') {
    services.sqs.sendMessage(services.sqs.getQueue(target.Arn), payload, { ...(target.SqsParameters?.MessageGroupId ? { messageGroupId: target.SqsParameters.MessageGroupId } : {}) });
    return;
  }
  const name = target.Arn.slice(target.Arn.lastIndexOf(':') + 1);
  const result = await services.runner.invoke(name, JSON.parse(payload) as unknown);
  if (!result.ok) throw Object.assign(new Error(result.error?.errorMessage ?? 'the function failed'), { code: 'LambdaFunctionFailed' });
}

/**
 * The local EventBridge Scheduler: state in `<dataDir>/scheduler`, the template's schedule
 * groups created, invocations and failures logged. Pending schedules may come due at once
 * (a timer that fell due while the cloud was down): `deliver` waits for what it needs.
 */
export function createLocalScheduler(options: {
  region: string;
  accountId: string;
  dataDir: string | undefined;
  groups: readonly string[];
  deliver: SchedulerBackendOptions['deliver'];
  deadLetter: SchedulerBackendOptions['deadLetter'];
  log: (line: string) => void;
}): SchedulerBackend {
  const { log } = options;
  const scheduler = new SchedulerBackend({
    region: options.region,
    accountId: options.accountId,
    ...(options.dataDir ? { dataDir: join(options.dataDir, 'scheduler') } : {}),
    deliver: options.deliver,
    deadLetter: options.deadLetter,
  });
  for (const name of options.groups) if (!scheduler.listGroups(name).some((g) => g.Name === name)) scheduler.createGroup(name);
  scheduler.on('invoked', (e: { schedule: string; group: string; lateMs: number }) => log(`schedule ${e.group}/${e.schedule} fired${e.lateMs > 1000 ? ` ${Math.round(e.lateMs / 1000)} s late` : ''}`));
  scheduler.on('delivery-failed', (e: { schedule: string; group: string; target: string; error: string }) => log(`schedule ${e.group}/${e.schedule} could not invoke ${e.target}: ${e.error}`));
  return scheduler;
}

/** Fires a schedule rule at each of its times; the timers go into `timers` (unref'd) for `stop()`. */
export function scheduleRule(events: EventBridgeBackend, rule: Rule, timers: NodeJS.Timeout[]): void {
  const schedule = parseSchedule(rule.schedule as string);
  const arm = (): void => {
    const wait = Math.max(0, schedule.next(Date.now()) - Date.now());
    if (!Number.isFinite(wait)) return;
    const timer = setTimeout(
      () => {
        events.fireSchedule(rule);
        arm();
      },
      Math.min(wait, 2 ** 31 - 1),
    );
    timer.unref();
    timers.push(timer);
  };
  arm();
}

/**
 * Starts the template's enabled event-source mappings, each pushed into `started` as soon as it
 * runs, so `stop()` stops them even when a later one fails to start.
 */
export function startEventSources(
  services: Services,
  plan: LocalPlan,
  context: { region: string; dynamodbEndpoint: string; streams: ReadonlyMap<string, string | undefined>; dataDir: string | undefined },
  started: { stop(): Promise<void> }[],
): void {
  const { runner, log } = services;
  for (const source of plan.eventSources.filter((s) => s.enabled)) {
    started.push(startOne(source));
  }

  function startOne(source: LocalPlan['eventSources'][number]): { stop(): Promise<void> } {
    const invoke = (event: unknown): ReturnType<FunctionRunner['invoke']> => runner.invoke(source.functionName, event);
    if (source.kind === 'sqs') {
      const s = new SqsEventSource({
        backend: services.sqs,
        queueArn: source.sourceArn,
        region: context.region,
        batchSize: source.batchSize,
        windowSeconds: source.windowSeconds,
        reportBatchItemFailures: source.reportBatchItemFailures,
        filters: source.filters,
        pollers: Math.min(source.maximumConcurrency ?? DEFAULT_SQS_POLLERS, DEFAULT_SQS_POLLERS),
        invoke,
        ...(services.faults ? { duplicate: ((faults, queue) => () => faults.decide({ service: 'sqs', queue }, ['duplicate']) !== undefined)(services.faults, source.sourceArn.split(':').pop() ?? '') } : {}),
        onBatch: (b) => b.error && log(`${source.sourceArn.split(':').pop()} -> ${source.functionName}: ${b.error}`),
      });
      s.start();
      return s;
    }
    const table = plan.tables.find((t) => t.streamArn === source.sourceArn);
    const streamArn = table ? context.streams.get(table.name) : undefined;
    if (!table || !streamArn) throw new Error(`${source.logicalId}: table of stream ${source.sourceArn} has no stream in DynamoDB Local`);
    const s = new StreamEventSource({
      endpoint: context.dynamodbEndpoint,
      streamArn,
      tableName: table.name,
      eventSourceArn: source.sourceArn,
      region: context.region,
      batchSize: source.batchSize,
      reportBatchItemFailures: source.reportBatchItemFailures,
      maximumRetryAttempts: source.maximumRetryAttempts,
      filters: source.filters,
      checkpointFile: context.dataDir ? join(context.dataDir, 'streams', `${source.logicalId}.json`) : undefined,
      invoke,
      onBatch: (b) => b.error && log(`stream ${table.name} -> ${source.functionName}: ${b.error}`),
    });
    s.start();
    return s;
  }
}
