/**
 * What the local runtime runs, read from the packaged CloudFormation template (the
 * `serverless package` output): the same buses, rules, queues, tables, functions, event
 * sources and HTTP routes as a deployment, with names, ARNs and URLs made local.
 */
import { validatePattern } from '../event-pattern';
import { TemplateError } from './errors';
import { resolve, type Json, type Physical, type ResolveContext } from './intrinsics';
import type { EventSourcePlan, LocalPlan, PlanOptions } from './plan-types';

export type { ArchivePlan, BusPlan, EventSourcePlan, FunctionPlan, LocalEndpoints, LocalPlan, PlanOptions, QueuePlan, RoutePlan, RulePlan, TablePlan } from './plan-types';

interface Resource {
  Type: string;
  Properties?: Json;
}
interface Template {
  Resources?: Record<string, Resource>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Physical values of every resource, computed from names alone (before anything else resolves). */
function physicalValues(resources: Record<string, Resource>, opts: PlanOptions, stackName: string): Map<string, Physical> {
  const { region, accountId } = opts;
  const ctx: ResolveContext = { region, accountId, stackName, resources: new Map() };
  const name = (r: Resource, key: string, fallback: string): string => {
    const raw = r.Properties?.[key];
    if (raw === undefined) return fallback;
    try {
      return String(resolve(raw, ctx));
    } catch {
      return fallback;
    }
  };
  const out = new Map<string, Physical>();
  for (const [id, r] of Object.entries(resources)) {
    const generatedName = `${stackName}-${id}`;
    switch (r.Type) {
      case 'AWS::Events::EventBus': {
        const n = name(r, 'Name', generatedName);
        out.set(id, { ref: n, attributes: { Name: n, Arn: `arn:aws:events:${region}:${accountId}:event-bus/${n}` } });
        break;
      }
      case 'AWS::Events::Rule': {
        const n = name(r, 'Name', generatedName);
        out.set(id, { ref: n, attributes: { Arn: `arn:aws:events:${region}:${accountId}:rule/${n}` } });
        break;
      }
      case 'AWS::Events::Archive': {
        const n = name(r, 'ArchiveName', generatedName);
        out.set(id, { ref: n, attributes: { ArchiveName: n, Arn: `arn:aws:events:${region}:${accountId}:archive/${n}` } });
        break;
      }
      case 'AWS::SQS::Queue': {
        const n = name(r, 'QueueName', generatedName);
        out.set(id, { ref: `${opts.endpoints.aws}/${accountId}/${n}`, attributes: { QueueName: n, Arn: `arn:aws:sqs:${region}:${accountId}:${n}` } });
        break;
      }
      case 'AWS::DynamoDB::Table': {
        const n = name(r, 'TableName', generatedName);
        const arn = `arn:aws:dynamodb:${region}:${accountId}:table/${n}`;
        out.set(id, { ref: n, attributes: { Arn: arn, StreamArn: `${arn}/stream/local` } });
        break;
      }
      case 'AWS::Lambda::Function': {
        const n = name(r, 'FunctionName', generatedName);
        out.set(id, { ref: n, attributes: { Arn: `arn:aws:lambda:${region}:${accountId}:function:${n}` } });
        break;
      }
      case 'AWS::SNS::Topic': {
        const n = name(r, 'TopicName', generatedName);
        const arn = `arn:aws:sns:${region}:${accountId}:${n}`;
        out.set(id, { ref: arn, attributes: { TopicName: n, TopicArn: arn } });
        break;
      }
      case 'AWS::IAM::Role':
        out.set(id, { ref: id, attributes: { Arn: `arn:aws:iam::${accountId}:role/${id}`, RoleId: id } });
        break;
      case 'AWS::Logs::LogGroup': {
        const n = name(r, 'LogGroupName', generatedName);
        out.set(id, { ref: n, attributes: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${n}:*` } });
        break;
      }
      case 'AWS::ApiGatewayV2::Api':
        out.set(id, { ref: 'local', attributes: { ApiEndpoint: opts.endpoints.http, ApiId: 'local' } });
        break;
      case 'AWS::EventSchemas::Registry': {
        const n = name(r, 'RegistryName', generatedName);
        out.set(id, { ref: `arn:aws:schemas:${region}:${accountId}:registry/${n}`, attributes: { RegistryName: n, RegistryArn: `arn:aws:schemas:${region}:${accountId}:registry/${n}` } });
        break;
      }
      case 'AWS::Scheduler::ScheduleGroup': {
        const n = name(r, 'Name', generatedName);
        out.set(id, { ref: n, attributes: { Arn: `arn:aws:scheduler:${region}:${accountId}:schedule-group/${n}` } });
        break;
      }
      case 'AWS::S3::Bucket': {
        const n = name(r, 'BucketName', generatedName.toLowerCase());
        out.set(id, { ref: n, attributes: { Arn: `arn:aws:s3:::${n}`, DomainName: `${n}.s3.amazonaws.com` } });
        break;
      }
      default:
        out.set(id, { ref: id, attributes: {} });
    }
  }
  return out;
}

const of = (resources: Record<string, Resource>, type: string): [string, Json][] =>
  Object.entries(resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);

/** Reads the template into the local plan; throws TemplateError naming what it cannot run. */
/** The patterns of an event source mapping's FilterCriteria, each checked as Lambda checks it. */
function filterPatterns(criteria: unknown, id: string): string[] {
  const filters = (criteria as { Filters?: { Pattern?: unknown }[] } | undefined)?.Filters ?? [];
  return filters.map((f, i) => {
    const pattern = f.Pattern;
    if (typeof pattern !== 'string') throw new TemplateError(`${id}: FilterCriteria.Filters[${i}].Pattern must be a JSON string`);
    try {
      validatePattern(JSON.parse(pattern));
    } catch (error) {
      throw new TemplateError(`${id}: FilterCriteria.Filters[${i}].Pattern is not a valid filter pattern: ${(error as Error).message}`);
    }
    return pattern;
  });
}

/** An AWS::Events::Rule target's InputTransformer (CloudFormation allows the InputPathsMap to be absent). */
const inputTransformerOf = (t: Json): { inputPathsMap: Record<string, string>; inputTemplate: string } => ({
  inputPathsMap: Object.fromEntries(Object.entries((t['InputPathsMap'] as Json | undefined) ?? {}).map(([k, v]) => [k, String(v)])),
  inputTemplate: String(t['InputTemplate'] ?? ''),
});

export function planFromTemplate(template: Template, opts: PlanOptions, stackName = 'local'): LocalPlan {
  const resources = template.Resources ?? {};
  const physical = physicalValues(resources, opts, stackName);
  const ctx: ResolveContext = { region: opts.region, accountId: opts.accountId, stackName, resources: physical };
  const res = <T>(value: unknown, where: string): T => resolve(value, ctx, where) as T;
  const phys = (id: string): Physical => physical.get(id) as Physical;
  const functionByArn = new Map<string, string>();
  for (const [id] of of(resources, 'AWS::Lambda::Function')) functionByArn.set(phys(id).attributes['Arn'] as string, phys(id).ref);
  const functionName = (value: unknown, where: string): string => {
    const v = res<string>(value, where);
    return functionByArn.get(v) ?? v.replace(/^arn:aws:lambda:[^:]*:[^:]*:function:/, '');
  };

  const buses = of(resources, 'AWS::Events::EventBus').map(([id]) => ({ logicalId: id, name: phys(id).ref, arn: phys(id).attributes['Arn'] as string }));
  const busNameOf = (value: unknown, where: string): string => {
    if (value === undefined) return 'default';
    const v = res<string>(value, where);
    return v.startsWith('arn:') ? v.slice(v.lastIndexOf('/') + 1) : v;
  };

  const archives = of(resources, 'AWS::Events::Archive').map(([id, p]) => {
    const source = res<string>(p['SourceArn'], `${id}.SourceArn`);
    return {
      logicalId: id,
      name: phys(id).ref,
      busName: source.slice(source.lastIndexOf('/') + 1),
      retentionDays: p['RetentionDays'] === undefined ? undefined : Number(res(p['RetentionDays'], `${id}.RetentionDays`)),
      pattern: p['EventPattern'] === undefined ? undefined : res<Json>(p['EventPattern'], `${id}.EventPattern`),
    };
  });

  const queues = of(resources, 'AWS::SQS::Queue').map(([id, p]) => {
    const attributes: Record<string, string> = {};
    for (const key of ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'MaximumMessageSize', 'SqsManagedSseEnabled', 'KmsMasterKeyId', 'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']) {
      if (p[key] !== undefined) attributes[key] = String(res(p[key], `${id}.${key}`));
    }
    if (p['RedrivePolicy'] !== undefined) attributes['RedrivePolicy'] = JSON.stringify(res(p['RedrivePolicy'], `${id}.RedrivePolicy`));
    return { logicalId: id, name: phys(id).attributes['QueueName'] as string, url: phys(id).ref, arn: phys(id).attributes['Arn'] as string, attributes };
  });

  const rules = of(resources, 'AWS::Events::Rule').map(([id, p]) => ({
    logicalId: id,
    name: phys(id).ref,
    arn: phys(id).attributes['Arn'] as string,
    busName: busNameOf(p['EventBusName'], `${id}.EventBusName`),
    pattern: p['EventPattern'] === undefined ? undefined : typeof p['EventPattern'] === 'string' ? (JSON.parse(p['EventPattern']) as Json) : res<Json>(p['EventPattern'], `${id}.EventPattern`),
    schedule: str(p['ScheduleExpression']),
    enabled: (p['State'] ?? 'ENABLED') === 'ENABLED',
    targets: ((p['Targets'] as Json[] | undefined) ?? []).map((t, i) => {
      const retry = (t['RetryPolicy'] as Json | undefined) ?? {};
      const dlq = (t['DeadLetterConfig'] as Json | undefined)?.['Arn'];
      return {
        id: String(t['Id'] ?? i),
        arn: res<string>(t['Arn'], `${id}.Targets[${i}].Arn`),
        maximumRetryAttempts: Number(retry['MaximumRetryAttempts'] ?? 185),
        maximumEventAgeSeconds: Number(retry['MaximumEventAgeInSeconds'] ?? 86_400),
        deadLetterArn: dlq === undefined ? undefined : res<string>(dlq, `${id}.Targets[${i}].DeadLetterConfig`),
        input: t['Input'] === undefined ? undefined : String(res(t['Input'], `${id}.Targets[${i}].Input`)),
        ...(t['InputPath'] === undefined ? {} : { inputPath: String(res(t['InputPath'], `${id}.Targets[${i}].InputPath`)) }),
        ...(t['InputTransformer'] === undefined ? {} : { inputTransformer: inputTransformerOf(res<Json>(t['InputTransformer'], `${id}.Targets[${i}].InputTransformer`)) }),
        ...((t['SqsParameters'] as Json | undefined)?.['MessageGroupId'] === undefined ? {} : { sqsParameters: { messageGroupId: String(res((t['SqsParameters'] as Json)['MessageGroupId'], `${id}.Targets[${i}].SqsParameters`)) } }),
      };
    }),
  }));

  const tables = of(resources, 'AWS::DynamoDB::Table').map(([id, p]) => ({
    logicalId: id,
    name: phys(id).ref,
    arn: phys(id).attributes['Arn'] as string,
    streamArn: p['StreamSpecification'] ? (phys(id).attributes['StreamArn'] as string) : undefined,
    properties: res<Json>(p, id),
  }));

  const functions = of(resources, 'AWS::Lambda::Function').map(([id, p]) => {
    const handler = str(p['Handler']);
    if (!handler) throw new TemplateError(`${id}: a function without Handler (container images are not supported locally)`);
    const env = res<Record<string, unknown>>((p['Environment'] as Json | undefined)?.['Variables'] ?? {}, `${id}.Environment`);
    return {
      logicalId: id,
      name: phys(id).ref,
      arn: phys(id).attributes['Arn'] as string,
      handler,
      timeoutSeconds: Number(p['Timeout'] ?? 6),
      memoryMb: Number(p['MemorySize'] ?? 1024),
      environment: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
    };
  });

  const streamTables = new Map(tables.filter((t) => t.streamArn).map((t) => [t.streamArn as string, t.name]));
  const eventSources = of(resources, 'AWS::Lambda::EventSourceMapping').map(([id, p]) => {
    const sourceArn = res<string>(p['EventSourceArn'], `${id}.EventSourceArn`);
    const kind = sourceArn.startsWith('arn:aws:sqs:') ? 'sqs' : streamTables.has(sourceArn) ? 'dynamodb' : undefined;
    if (!kind) throw new TemplateError(`${id}: event source ${sourceArn} is neither an SQS queue nor a DynamoDB stream of this template`);
    return {
      logicalId: id,
      functionName: functionName(p['FunctionName'], `${id}.FunctionName`),
      kind,
      sourceArn,
      batchSize: Number(p['BatchSize'] ?? (kind === 'sqs' ? 10 : 100)),
      windowSeconds: Number(p['MaximumBatchingWindowInSeconds'] ?? 0),
      reportBatchItemFailures: ((p['FunctionResponseTypes'] as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
      enabled: p['Enabled'] !== false,
      maximumRetryAttempts: p['MaximumRetryAttempts'] === undefined ? undefined : Number(p['MaximumRetryAttempts']),
      startingPosition: str(p['StartingPosition']),
      filters: filterPatterns(p['FilterCriteria'], id),
      maximumConcurrency: (p['ScalingConfig'] as { MaximumConcurrency?: unknown } | undefined)?.MaximumConcurrency === undefined ? undefined : Number((p['ScalingConfig'] as { MaximumConcurrency: unknown }).MaximumConcurrency),
    } satisfies EventSourcePlan;
  });

  const authorizers = new Map(
    of(resources, 'AWS::ApiGatewayV2::Authorizer').map(([id, p]) => {
      const jwt = (p['JwtConfiguration'] as Json | undefined) ?? {};
      return [id, { issuer: res<string>(jwt['Issuer'], `${id}.Issuer`), audience: res<string[]>(jwt['Audience'] ?? [], `${id}.Audience`), identitySource: String(((p['IdentitySource'] as string[] | undefined) ?? ['$request.header.Authorization'])[0]) }];
    }),
  );
  const integrations = new Map(of(resources, 'AWS::ApiGatewayV2::Integration').map(([id, p]) => [id, functionName(p['IntegrationUri'], `${id}.IntegrationUri`)]));
  const routes = of(resources, 'AWS::ApiGatewayV2::Route').map(([id, p]) => {
    const target = JSON.stringify(p['Target'] ?? '');
    const integration = [...integrations.keys()].find((k) => target.includes(`"${k}"`));
    if (!integration) throw new TemplateError(`${id}: route ${String(p['RouteKey'])} has no Lambda integration`);
    const authorizerId = (p['AuthorizerId'] as Json | undefined)?.['Ref'];
    return { routeKey: String(p['RouteKey']), functionName: integrations.get(integration) as string, authorizer: typeof authorizerId === 'string' ? authorizers.get(authorizerId) : undefined };
  });

  const scheduleGroups = of(resources, 'AWS::Scheduler::ScheduleGroup').map(([id]) => ({ logicalId: id, name: phys(id).ref }));

  return { region: opts.region, accountId: opts.accountId, stackName, buses, archives, queues, rules, tables, functions, eventSources, routes, scheduleGroups };
}
