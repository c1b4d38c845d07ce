import type { QueueModel, SpecModel } from '../model';
import type { JsonSchema } from '../schemas';
import { pascalCase } from '../naming';
import { ebSends } from '../emit/publishers';
import { stubPath } from '../emit/stubs';
import { EVENTBRIDGE_LIMITS, planRules, type RulePlan } from './rules';

/**
 * The deployable wiring the spec knows, as CloudFormation resources and Serverless
 * function definitions. Names carry `${self:service}` and `${sls:stage}`, and stage
 * dependent values come from `${param:...}`, so one generated fragment serves every stage.
 */

type Cfn = Record<string, unknown>;
const ref = (id: string): Cfn => ({ Ref: id });
const arn = (id: string): Cfn => ({ 'Fn::GetAtt': [id, 'Arn'] });
const sub = (text: string): Cfn => ({ 'Fn::Sub': text });

/** Stack-unique physical name prefix. */
const PREFIX = '${self:service}-${sls:stage}';

export const ids = {
  bus: (key: string): string => `${pascalCase(key)}EventBus`,
  archive: (key: string): string => `${pascalCase(key)}EventArchive`,
  queue: (q: QueueModel): string => pascalCase(q.name),
  dlq: (q: QueueModel): string => pascalCase(q.dlq),
  queuePolicy: (q: QueueModel): string => `${pascalCase(q.name)}Policy`,
  dlqPolicy: (q: QueueModel): string => `${pascalCase(q.dlq)}Policy`,
  dlqAlarm: (q: QueueModel): string => `${pascalCase(q.dlq)}MessagesAlarm`,
  ageAlarm: (q: QueueModel): string => `${pascalCase(q.name)}OldestMessageAlarm`,
  role: (fn: string): string => `${pascalCase(fn)}Role`,
  schema: (message: string): string => `${pascalCase(message)}EventSchema`,
  registry: 'EventSchemaRegistry',
  alarmTopic: 'AlarmTopic',
  idempotencyTable: 'IdempotencyTable',
  timersGroup: 'TimersScheduleGroup',
  timersRole: 'TimersSchedulerRole',
  timersDlq: 'TimersDlq',
  timersDlqAlarm: 'TimersDlqMessagesAlarm',
} as const;

/** Serverless function name of a queue's consumer and the handler module it runs. */
export function consumerFunction(model: SpecModel, q: QueueModel): { name: string; handler: string } {
  const count = model.queues.filter((x) => x.service === q.service).length;
  const file = stubPath(q.service, q.name, count).replace(/\.ts$/, '');
  return { name: count === 1 ? `${q.service}-consumer` : `${q.service}-consumer-${q.name}`, handler: `functions/${file}.handler` };
}

/** Serverless function name and handler of a service's HTTP command routes. */
export function commandFunction(service: string): { name: string; handler: string } {
  return { name: `${service}-commands`, handler: `functions/${service}/commands.handler` };
}

/** Environment variable holding the deployed name of a bus (read by lib/config). */
export const busEnv = (key: string): string => `EVENT_BUS_${key.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`;

/** Deployed name of a spec bus: its base name plus the stage. */
export const busPhysicalName = (base: string): string => `${base}-\${sls:stage}`;

/** The sources a service may put on each bus: those of the events it sends there. */
export function sourcesByBus(model: SpecModel, service: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of ebSends(model, service)) {
    const eb = m.eventbridge;
    if (!eb) continue;
    const list = out.get(eb.bus) ?? [];
    if (!list.includes(eb.source)) list.push(eb.source);
    out.set(eb.bus, list.sort());
  }
  return out;
}

/** A self-contained draft-04 JSON Schema of the whole EventBridge event, for the schema registry. */
function registrySchema(model: SpecModel, typeName: string, source: string, detailType: string): string {
  const used = new Map<string, JsonSchema>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) {
        const name = v.slice('#/definitions/'.length);
        const def = model.definitions[name];
        if (def !== undefined && !used.has(name)) {
          used.set(name, def);
          visit(def);
        }
      } else visit(v);
    }
  };
  const detail = model.definitions[typeName];
  visit(detail);
  const schema = {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: `${source}@${detailType}`,
    type: 'object',
    required: ['detail-type', 'source', 'detail'],
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', enum: [detailType] },
      source: { type: 'string', enum: [source] },
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail: { $ref: `#/definitions/${typeName}` },
    },
    definitions: Object.fromEntries([[typeName, detail], ...[...used].filter(([n]) => n !== typeName)].sort(([a], [b]) => String(a).localeCompare(String(b)))),
  };
  return JSON.stringify(schema);
}

function busResources(model: SpecModel): Cfn {
  const out: Cfn = {};
  for (const bus of model.buses) {
    out[ids.bus(bus.key)] = { Type: 'AWS::Events::EventBus', Properties: { Name: busPhysicalName(bus.name) } };
    out[ids.archive(bus.key)] = {
      Type: 'AWS::Events::Archive',
      Properties: {
        ArchiveName: `${bus.name}-\${sls:stage}`,
        Description: `Every event on ${bus.name} (spec bus ${bus.key}), kept for replay`,
        SourceArn: arn(ids.bus(bus.key)),
        RetentionDays: '${param:archiveRetentionDays}',
      },
    };
  }
  return out;
}

/** An alarm as soon as a (dead-letter) queue holds a message, to the alarm topic. */
function notEmptyAlarm(queueId: string, name: string, description: string): Cfn {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: name,
      AlarmDescription: description,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(ids.alarmTopic)],
    },
  };
}

function queueResources(q: QueueModel, rules: RulePlan[]): Cfn {
  const ruleArns = rules.filter((r) => r.queue === q.name).map((r) => arn(r.logicalId));
  const allowRules = (queueId: string, what: string): Cfn => ({
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [ref(queueId)],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: `OnlyOwnRules${what}`,
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: arn(queueId),
            Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
          },
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:*',
            Resource: arn(queueId),
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    },
  });
  return {
    [ids.queue(q)]: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${PREFIX}-${q.name}`,
        VisibilityTimeout: q.visibilityTimeout,
        MessageRetentionPeriod: q.messageRetentionPeriod,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: arn(ids.dlq(q)), maxReceiveCount: q.maxReceiveCount },
      },
    },
    [ids.dlq(q)]: {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: `${PREFIX}-${q.dlq}`, MessageRetentionPeriod: q.dlqMessageRetentionPeriod, SqsManagedSseEnabled: true },
    },
    [ids.queuePolicy(q)]: allowRules(ids.queue(q), 'Deliver'),
    // The rules' own dead-letter target: an event EventBridge could not deliver after its retries.
    [ids.dlqPolicy(q)]: allowRules(ids.dlq(q), 'DeadLetter'),
    [ids.dlqAlarm(q)]: notEmptyAlarm(ids.dlq(q), `${PREFIX}-${q.dlq}-not-empty`, `A message is waiting in ${q.dlq}: ${q.service} failed it ${q.maxReceiveCount} times or it was rejected. Inspect and redrive.`),
    [ids.ageAlarm(q)]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${PREFIX}-${q.name}-oldest-message-age`,
        AlarmDescription: `The oldest message in ${q.name} is over 5 minutes old: ${q.service} is falling behind or failing.`,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue(q), 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 300,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [ref(ids.alarmTopic)],
      },
    },
  };
}

function ruleResource(model: SpecModel, rule: RulePlan): Cfn {
  const q = model.queues.find((x) => x.name === rule.queue) as QueueModel;
  const bus = model.buses.find((b) => b.key === rule.bus);
  return {
    Type: 'AWS::Events::Rule',
    Properties: {
      Name: `${PREFIX}-${rule.queue}-${rule.bus}${rule.logicalId.match(/Rule(\d+)$/)?.[1] ?? ''}`,
      Description: `${bus?.name ?? rule.bus} -> ${rule.queue}: ${rule.messages.join(', ')}`.slice(0, 512),
      EventBusName: ref(ids.bus(rule.bus)),
      State: 'ENABLED',
      EventPattern: rule.pattern,
      Targets: [
        {
          Id: rule.queue,
          Arn: arn(ids.queue(q)),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: arn(ids.dlq(q)) },
        },
      ],
    },
  };
}

const logStatement = (fn: string): Cfn => ({
  Sid: 'OwnLogs',
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${PREFIX}-${fn}:*`),
});

/** The x-timer messages, and the services that schedule them (their producers). */
export function timerMessages(model: SpecModel): { messages: SpecModel['messages']; services: string[] } {
  const messages = model.messages.filter((m) => m.timer && m.eventbridge);
  return { messages, services: [...new Set(messages.flatMap((m) => m.producers))].sort() };
}

/**
 * Timers (lib/timers) as EventBridge Scheduler one-time schedules: a schedule group per
 * stage, the role the Scheduler assumes (only PutEvents of the timer events' sources on
 * their buses, and sending failed invocations to the timers DLQ), the DLQ and its alarm.
 */
function timerResources(model: SpecModel): Cfn {
  const { messages } = timerMessages(model);
  if (!messages.length) return {};
  const byBus = new Map<string, Set<string>>();
  for (const m of messages) if (m.eventbridge) byBus.set(m.eventbridge.bus, (byBus.get(m.eventbridge.bus) ?? new Set()).add(m.eventbridge.source));
  return {
    [ids.timersGroup]: { Type: 'AWS::Scheduler::ScheduleGroup', Properties: { Name: `${PREFIX}-timers` } },
    [ids.timersDlq]: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${PREFIX}-timers-dlq`, MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true } },
    [ids.timersRole]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `EventBridge Scheduler: puts due timer events (${messages.map((m) => m.name).join(', ')}) on their bus`.slice(0, 1000),
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Action: 'sts:AssumeRole',
              // Only schedules of this account's timer group may use the role (confused deputy).
              Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') }, ArnLike: { 'aws:SourceArn': sub(`arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/${PREFIX}-timers/*`) } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'timers',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                ...[...byBus].map(([bus, sources]) => ({ Sid: `PutTimerEventsOn${pascalCase(bus)}`, Effect: 'Allow', Action: 'events:PutEvents', Resource: arn(ids.bus(bus)), Condition: { StringEquals: { 'events:source': [...sources].sort() } } })),
                { Sid: 'DeadLetter', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arn(ids.timersDlq) },
              ],
            },
          },
        ],
      },
    },
    [ids.timersDlqAlarm]: notEmptyAlarm(ids.timersDlq, `${PREFIX}-timers-dlq-not-empty`, 'A timer could not put its event on the bus after its retries: the message in the timers DLQ says which and why.'),
  };
}

/** What a function that schedules timers may do: create and delete schedules in the timer group, and hand the Scheduler its role. */
function timerStatements(): Cfn[] {
  return [
    {
      Sid: 'ScheduleTimers',
      Effect: 'Allow',
      Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
      Resource: sub(`arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/${PREFIX}-timers/*`),
    },
    { Sid: 'PassTimersRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: arn(ids.timersRole), Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } } },
  ];
}

/** The environment lib/timers reads (TIMER_ENV). */
function timerEnvironment(): Cfn {
  return {
    TIMERS_SCHEDULE_GROUP: ref(ids.timersGroup),
    TIMERS_ROLE_ARN: arn(ids.timersRole),
    TIMERS_DLQ_ARN: arn(ids.timersDlq),
    TIMERS_BUS_ARN_PREFIX: sub('arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/'),
  };
}

/** Least privilege for a consumer: its log group, its queue, its sources on each bus, the idempotency table. */
function consumerRole(model: SpecModel, q: QueueModel): Cfn {
  const fn = consumerFunction(model, q).name;
  const statements: Cfn[] = [
    logStatement(fn),
    {
      Sid: 'OwnQueue',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      Resource: arn(ids.queue(q)),
    },
  ];
  for (const [bus, sources] of sourcesByBus(model, q.service)) {
    statements.push({
      Sid: `PutOwnEventsOn${pascalCase(bus)}`,
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: arn(ids.bus(bus)),
      Condition: { StringEquals: { 'events:source': sources } },
    });
  }
  if (timerMessages(model).services.includes(q.service)) statements.push(...timerStatements());
  statements.push({
    Sid: 'Idempotency',
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    Resource: arn(ids.idempotencyTable),
  });
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `${fn}: reads ${q.name}, publishes ${q.service}'s own events`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: fn, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  };
}

/** A command function writes through the outbox (tables attached in serverless.yml); here its logs, and timers if its service schedules any. */
function commandRole(fn: string, timers: boolean): Cfn {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `${fn}: HTTP commands`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: fn, PolicyDocument: { Version: '2012-10-17', Statement: [logStatement(fn), ...(timers ? timerStatements() : [])] } }],
    },
  };
}

/** Name of the outbox relay function (serverless.yml), whose role the spec's sources decide. */
export const OUTBOX_RELAY_FUNCTION = 'outbox-relay';

/**
 * The outbox relay publishes what every service wrote to the outbox: it may put each
 * bus's events with exactly the sources the spec declares on that bus, nothing else.
 * Its table permissions are attached in serverless.yml, where the outbox table lives.
 */
function outboxRelayRole(model: SpecModel): Cfn {
  const byBus = new Map<string, Set<string>>();
  for (const m of model.messages) {
    if (!m.eventbridge) continue;
    byBus.set(m.eventbridge.bus, (byBus.get(m.eventbridge.bus) ?? new Set()).add(m.eventbridge.source));
  }
  const statements: Cfn[] = [logStatement(OUTBOX_RELAY_FUNCTION)];
  for (const [bus, sources] of byBus) {
    statements.push({ Sid: `PutSpecEventsOn${pascalCase(bus)}`, Effect: 'Allow', Action: 'events:PutEvents', Resource: arn(ids.bus(bus)), Condition: { StringEquals: { 'events:source': [...sources].sort() } } });
  }
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `${OUTBOX_RELAY_FUNCTION}: publishes outbox rows, with the sources the spec declares per bus`,
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      Policies: [{ PolicyName: OUTBOX_RELAY_FUNCTION, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  };
}

/** Platform resources every consumer relies on: the alarm topic and the idempotency table. */
function platformResources(): Cfn {
  return {
    [ids.alarmTopic]: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: `${PREFIX}-alarms`, KmsMasterKeyId: 'alias/aws/sns' },
    },
    [ids.idempotencyTable]: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: `${PREFIX}-idempotency`,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: '${param:pointInTimeRecovery}' },
      },
    },
  };
}

function schemaResources(model: SpecModel): Cfn {
  const out: Cfn = {
    [ids.registry]: {
      Type: 'AWS::EventSchemas::Registry',
      Properties: { RegistryName: PREFIX, Description: `Every event of ${model.title} ${model.version}, from the AsyncAPI spec` },
    },
  };
  for (const m of model.messages) {
    if (!m.eventbridge || !m.typeName) continue;
    out[ids.schema(m.name)] = {
      Type: 'AWS::EventSchemas::Schema',
      Properties: {
        RegistryName: { 'Fn::GetAtt': [ids.registry, 'RegistryName'] },
        SchemaName: `${m.eventbridge.source}@${m.eventbridge.detailType}`,
        Type: 'JSONSchemaDraft4',
        Description: (m.summary ?? m.title ?? m.name).slice(0, 256),
        Content: registrySchema(model, m.typeName, m.eventbridge.source, m.eventbridge.detailType),
      },
    };
  }
  return out;
}

export interface InfraPlan {
  rules: RulePlan[];
  resources: Cfn;
  outputs: Cfn;
  functions: Cfn;
}

/** Everything generated/infra holds, from the model. */
export function planInfra(model: SpecModel): InfraPlan {
  const rules = planRules(model);
  const resources: Cfn = { ...busResources(model), ...platformResources(), ...timerResources(model), [ids.role(OUTBOX_RELAY_FUNCTION)]: outboxRelayRole(model) };
  const schedulesTimers = new Set(timerMessages(model).services);
  const functions: Cfn = {};
  const busEnvironment = Object.fromEntries(model.buses.map((b) => [busEnv(b.key), ref(ids.bus(b.key))]));
  for (const q of model.queues) {
    if (!rules.some((r) => r.queue === q.name)) continue;
    Object.assign(resources, queueResources(q, rules));
    const fn = consumerFunction(model, q);
    resources[ids.role(fn.name)] = consumerRole(model, q);
    functions[fn.name] = {
      handler: fn.handler,
      description: `Consumes ${q.name} (${q.messages.length} event types) for ${q.service}`,
      role: arn(ids.role(fn.name)),
      // AWS advises a queue visibility timeout of at least six times the function timeout.
      timeout: Math.max(3, Math.min(900, Math.floor(q.visibilityTimeout / 6))),
      environment: { POWERTOOLS_SERVICE_NAME: q.service, ...busEnvironment, IDEMPOTENCY_TABLE: ref(ids.idempotencyTable), ...(schedulesTimers.has(q.service) ? timerEnvironment() : {}) },
      events: [
        {
          sqs: {
            arn: arn(ids.queue(q)),
            batchSize: q.batchSize,
            ...(q.batchWindowSeconds > 0 ? { maximumBatchingWindow: q.batchWindowSeconds } : {}),
            functionResponseType: 'ReportBatchItemFailures',
          },
        },
      ],
    };
  }
  for (const service of [...new Set(model.commands.flatMap((c) => (c.http ? [c.http.service] : [])))]) {
    const fn = commandFunction(service);
    const routes = model.commands.filter((c) => c.http?.service === service);
    resources[ids.role(fn.name)] = commandRole(fn.name, schedulesTimers.has(service));
    functions[fn.name] = {
      handler: fn.handler,
      description: `HTTP commands of ${service}: ${routes.map((c) => c.name).join(', ')}`.slice(0, 256),
      role: arn(ids.role(fn.name)),
      environment: { POWERTOOLS_SERVICE_NAME: service, ...(schedulesTimers.has(service) ? timerEnvironment() : {}) },
      events: routes.map((c) => ({ httpApi: { method: c.http?.method, path: c.http?.path, authorizer: { name: 'jwt' } } })),
    };
  }
  for (const rule of rules) resources[rule.logicalId] = ruleResource(model, rule);
  Object.assign(resources, schemaResources(model));
  const outputs: Cfn = {};
  for (const bus of model.buses) {
    outputs[`${ids.bus(bus.key)}Name`] = { Description: `Deployed name of spec bus ${bus.key}`, Value: ref(ids.bus(bus.key)) };
    outputs[`${ids.bus(bus.key)}Arn`] = { Value: arn(ids.bus(bus.key)) };
  }
  if (resources[ids.timersGroup]) outputs[`${ids.timersGroup}Name`] = { Description: 'Schedule group of the timers (lib/timers)', Value: ref(ids.timersGroup) };
  for (const q of model.queues) {
    if (!rules.some((r) => r.queue === q.name)) continue;
    outputs[`${ids.queue(q)}Url`] = { Value: ref(ids.queue(q)) };
    outputs[`${ids.dlq(q)}Url`] = { Value: ref(ids.dlq(q)) };
  }
  return { rules, resources, outputs, functions };
}

export { EVENTBRIDGE_LIMITS };
