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
import type { FunctionRunner } from './lambda/runner';
import { SqsEventSource } from './lambda/sqs-source';
import type { FaultInjector } from './faults';
import { SchedulerBackend, type SchedulerBackendOptions, type ScheduleTarget } from './scheduler';
import type { SqsBackend } from './sqs';
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
    // Lambda runs Node 22; the SDK's warning about the local Node 20 is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Delivers an event from a rule to its target: an SQS queue, a Lambda function or another bus. */
export async function deliverToTarget(services: Services, target: Target, payload: string): Promise<void> {
  const service = target.arn.split(':')[2];
  if (service === 'sqs') {
    services.sqs.sendMessage(services.sqs.getQueue(target.arn), payload, target.sqsParameters ? { messageGroupId: target.sqsParameters.messageGroupId } : {});
    return;
  }
  if (service === 'lambda') {
    const name = target.arn.slice(target.arn.lastIndexOf(':') + 1);
    const result = await services.runner.invoke(name, JSON.parse(payload) as unknown);
    // Asynchronous invocation: Lambda retries failed async invocations itself (twice) - locally, log it.
    if (!result.ok) services.log(`async invocation of ${name} failed: ${result.error?.errorMessage ?? ''}`);
    return;
  }
  if (service === 'events') {
    const event = JSON.parse(payload) as { source: string; 'detail-type': string; detail: unknown; resources?: string[] };
    const out = services.events.putEvents([{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail), EventBusName: target.arn, Resources: event.resources ?? [] }]);
    if (out.FailedEntryCount) throw new Error(JSON.stringify(out.Entries[0]));
    return;
  }
  throw Object.assign(new Error(`target ${target.arn} is not supported locally (SQS, Lambda and event buses are)`), { code: 'UnsupportedTarget' });
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
