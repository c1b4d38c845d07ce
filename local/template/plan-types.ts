/**
 * The local plan's shapes: what the runtime starts, one interface per resource kind of the
 * packaged template, with names, ARNs and URLs already made local.
 */
import type { Rule } from '../eventbridge/types';
import type { Json } from './intrinsics';

export interface LocalEndpoints {
  /** Base URL of the local AWS endpoint (EventBridge + SQS), e.g. http://127.0.0.1:4566 */
  aws: string;
  /** Base URL of the local HTTP API. */
  http: string;
}

export interface PlanOptions {
  region: string;
  accountId: string;
  endpoints: LocalEndpoints;
}

export interface BusPlan {
  logicalId: string;
  name: string;
  arn: string;
}
export interface ArchivePlan {
  logicalId: string;
  name: string;
  busName: string;
  retentionDays: number | undefined;
  pattern: Json | undefined;
}
export interface QueuePlan {
  logicalId: string;
  name: string;
  url: string;
  arn: string;
  /** SQS attributes as CreateQueue takes them (strings; RedrivePolicy as JSON text). */
  attributes: Record<string, string>;
}
/** A rule as the template declares it: the engine's `Rule` (targets included) plus its logical id. */
export interface RulePlan extends Rule {
  logicalId: string;
}
export interface TablePlan {
  logicalId: string;
  name: string;
  arn: string;
  streamArn: string | undefined;
  /** The table's CloudFormation properties, resolved: CreateTable input plus TTL and stream settings. */
  properties: Json;
}
export interface FunctionPlan {
  logicalId: string;
  name: string;
  arn: string;
  /** `path/to/module.export` relative to the project root. */
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
}
export interface EventSourcePlan {
  logicalId: string;
  functionName: string;
  kind: 'sqs' | 'dynamodb';
  sourceArn: string;
  batchSize: number;
  windowSeconds: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
  maximumRetryAttempts: number | undefined;
  startingPosition: string | undefined;
  /** `FilterCriteria.Filters[].Pattern`: Lambda invokes only with records matching one of them (none = every record). */
  filters: string[];
  /** SQS: `ScalingConfig.MaximumConcurrency`, the batches in flight at once (undefined: Lambda's own scaling). */
  maximumConcurrency: number | undefined;
}
export interface RoutePlan {
  routeKey: string;
  functionName: string;
  authorizer: { issuer: string; audience: string[]; identitySource: string } | undefined;
}
/** An EventBridge Scheduler schedule group of the template (its schedules are made at run time, by lib/timers). */
export interface ScheduleGroupPlan {
  logicalId: string;
  name: string;
}

export interface LocalPlan {
  region: string;
  accountId: string;
  stackName: string;
  buses: BusPlan[];
  archives: ArchivePlan[];
  queues: QueuePlan[];
  rules: RulePlan[];
  tables: TablePlan[];
  functions: FunctionPlan[];
  eventSources: EventSourcePlan[];
  routes: RoutePlan[];
  scheduleGroups: ScheduleGroupPlan[];
}
