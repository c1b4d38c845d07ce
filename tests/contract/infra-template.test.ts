import { join, resolve } from 'node:path';
import { matches } from '../../local/event-pattern';
import { loadSpec } from '../../scripts/codegen/load';
import { SpecLocator } from '../../scripts/codegen/locate';
import { buildModel, type MessageModel, type SpecModel } from '../../scripts/codegen/model';
import { freshDir } from '../helpers/codegen';
import { asArray, logicalId, packageStage, resourcesOfType, type Json, type Resource, type Template } from '../helpers/template';

// The packaged CloudFormation template (real `osls package`, per stage, no credentials)
// checked against the spec: routing, queues, archive, alarms, IAM and tables.

const SPEC = resolve(__dirname, '../../asyncapi/asyncapi.yaml');

let model: SpecModel;
let dev: Template;
let prod: Template;

beforeAll(async () => {
  const { document } = await loadSpec(SPEC);
  model = buildModel(document, new SpecLocator(SPEC));
  const out = freshDir('template');
  dev = packageStage('dev', join(out, 'dev'));
  prod = packageStage('prod', join(out, 'prod'));
}, 120_000);

function eventOf(message: MessageModel, detail: unknown): Json {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': message.eventbridge?.detailType,
    source: message.eventbridge?.source,
    account: '123456789012',
    time: '2026-11-22T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

interface DeployedRule {
  id: string;
  bus: string | undefined;
  pattern: Json;
  targets: { queue: string | undefined; dlq: string | undefined }[];
}

/** The event rules (schedules, such as the outbox sweeper's, have no pattern). */
function rules(template: Template): DeployedRule[] {
  return resourcesOfType(template, 'AWS::Events::Rule').filter(([, r]) => r.Properties['EventPattern'] !== undefined).map(([id, r]) => ({
    id,
    bus: logicalId(r.Properties['EventBusName']),
    pattern: r.Properties['EventPattern'] as Json,
    targets: asArray(r.Properties['Targets'] as Json[]).map((t) => ({ queue: logicalId(t['Arn']), dlq: logicalId((t['DeadLetterConfig'] as Json | undefined)?.['Arn']) })),
  }));
}

/** Logical id of the SQS queue whose QueueName ends with the spec's queue name. */
function queueId(template: Template, name: string): string {
  const found = resourcesOfType(template, 'AWS::SQS::Queue').filter(([, r]) => String(r.Properties['QueueName']).endsWith(`-${name}`));
  expect(found).toHaveLength(1);
  return (found[0] as [string, Resource])[0];
}

function busId(template: Template, key: string): string {
  const base = model.buses.find((b) => b.key === key)?.name as string;
  const found = resourcesOfType(template, 'AWS::Events::EventBus').filter(([, r]) => r.Properties['Name'] === `${base}-dev` || r.Properties['Name'] === `${base}-prod`);
  expect(found).toHaveLength(1);
  return (found[0] as [string, Resource])[0];
}

describe('routing: one rule per receive operation, derived from the spec', () => {
  it('delivers every received event type to its queue through exactly one rule, matching its examples', () => {
    const deployed = rules(dev);
    let checked = 0;
    for (const message of model.messages) {
      for (const consumer of message.consumers) {
        if (!consumer.queue) continue;
        const queue = queueId(dev, consumer.queue);
        const toQueue = deployed.filter((r) => r.targets.some((t) => t.queue === queue));
        expect(toQueue.length).toBeGreaterThan(0);
        const examples = message.examples.map((e) => eventOf(message, e.payload));
        const delivering = toQueue.filter((r) => r.bus === busId(dev, message.eventbridge?.bus as string) && examples.some((e) => matches(r.pattern, e)));
        expect({ message: message.name, queue: consumer.queue, rules: delivering.map((r) => r.id) }).toEqual({ message: message.name, queue: consumer.queue, rules: [expect.any(String)] });
        const rule = delivering[0] as DeployedRule;
        for (const example of examples) {
          // A content filter narrows the rule to the examples it accepts; others match outright.
          const expected = consumer.filter ? matches(consumer.filter, example) : true;
          expect({ message: message.name, queue: consumer.queue, matched: matches(rule.pattern, example) }).toEqual({ message: message.name, queue: consumer.queue, matched: expected });
        }
        checked++;
      }
    }
    expect(checked).toBe(model.operations.filter((o) => o.action === 'receive').reduce((n, o) => n + o.messages.length, 0));
  });

  it('routes no event to a queue that does not receive it', () => {
    const deployed = rules(dev);
    for (const queue of model.queues) {
      const id = queueId(dev, queue.name);
      const received = new Set(queue.messages.map((m) => m.message));
      for (const message of model.messages.filter((m) => !received.has(m.name))) {
        for (const example of message.examples) {
          const event = eventOf(message, example.payload);
          const wrong = deployed.filter((r) => r.targets.some((t) => t.queue === id) && matches(r.pattern, event));
          expect({ queue: queue.name, message: message.name, rules: wrong.map((r) => r.id) }).toEqual({ queue: queue.name, message: message.name, rules: [] });
        }
      }
    }
  });

  it('applies the spec content filter: notifications hears TrackingUpdated only when etaMinutes <= 5', () => {
    const tracking = model.messages.find((m) => m.name === 'TrackingUpdated') as MessageModel;
    const rule = rules(dev).find((r) => r.targets.some((t) => t.queue === queueId(dev, 'notifications-queue'))) as DeployedRule;
    const byEta = tracking.examples.map((e) => [((e.payload as Json)['data'] as Json)['etaMinutes'], matches(rule.pattern, eventOf(tracking, e.payload))]);
    expect(byEta).toEqual(expect.arrayContaining([[4, true], [9, false]]));
  });

  it('stays inside EventBridge limits: pattern size, targets per rule, rules per bus', () => {
    const deployed = rules(dev);
    for (const rule of deployed) {
      expect(JSON.stringify(rule.pattern).length).toBeLessThanOrEqual(2048);
      expect(rule.targets.length).toBeGreaterThanOrEqual(1);
      expect(rule.targets.length).toBeLessThanOrEqual(5);
    }
    const perBus = new Map<string, number>();
    for (const r of deployed) perBus.set(String(r.bus), (perBus.get(String(r.bus)) ?? 0) + 1);
    for (const count of perBus.values()) expect(count).toBeLessThanOrEqual(300);
  });

  it('lets only its own rules send to each queue and gives every target a dead-letter queue', () => {
    const deployed = rules(dev);
    for (const [, policy] of resourcesOfType(dev, 'AWS::SQS::QueuePolicy')) {
      const queue = logicalId(asArray(policy.Properties['Queues'] as unknown[])[0]) as string;
      const allow = ((policy.Properties['PolicyDocument'] as Json)['Statement'] as Json[]).filter((s) => s['Effect'] === 'Allow');
      expect(allow).toHaveLength(1);
      const statement = allow[0] as Json;
      expect(statement['Principal']).toEqual({ Service: 'events.amazonaws.com' });
      expect(statement['Action']).toBe('sqs:SendMessage');
      const sources = asArray(((statement['Condition'] as Json)['ArnEquals'] as Json)['aws:SourceArn'] as unknown[]).map(logicalId).sort();
      const own = deployed.filter((r) => r.targets.some((t) => t.queue === queue || t.dlq === queue)).map((r) => r.id).sort();
      expect(own.length).toBeGreaterThan(0);
      expect(sources).toEqual(own);
    }
    for (const rule of deployed) for (const t of rule.targets) expect(t.dlq).toBeDefined();
  });
});

describe('queues', () => {
  it('gives every consumer queue an encrypted DLQ with maxReceiveCount 3, 4 days retention, 14 on the DLQ', () => {
    for (const queue of model.queues) {
      const props = (dev.Resources[queueId(dev, queue.name)] as Resource).Properties;
      const dlqId = queueId(dev, queue.dlq);
      expect(props['RedrivePolicy']).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 3 });
      expect(props['MessageRetentionPeriod']).toBe(4 * 24 * 3600);
      expect(props['VisibilityTimeout']).toBe(queue.visibilityTimeout);
      expect((dev.Resources[dlqId] as Resource).Properties['MessageRetentionPeriod']).toBe(14 * 24 * 3600);
    }
    for (const [, q] of resourcesOfType(dev, 'AWS::SQS::Queue')) expect(q.Properties['SqsManagedSseEnabled'] === true || typeof q.Properties['KmsMasterKeyId'] === 'string').toBe(true);
  });

  it('maps every queue to its consumer with ReportBatchItemFailures and the spec batch settings', () => {
    const mappings = resourcesOfType(dev, 'AWS::Lambda::EventSourceMapping');
    for (const queue of model.queues) {
      const id = queueId(dev, queue.name);
      const mine = mappings.filter(([, m]) => logicalId(m.Properties['EventSourceArn']) === id);
      expect(mine).toHaveLength(1);
      const props = (mine[0] as [string, Resource])[1].Properties;
      expect(props['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
      expect(props['BatchSize']).toBe(queue.batchSize);
      expect(props['MaximumBatchingWindowInSeconds'] ?? 0).toBe(queue.batchWindowSeconds);
    }
  });
});

describe('buses, archive, schemas and alarms', () => {
  it('creates every bus of the spec per stage with an archive of all events: 30 days in dev, 90 in prod', () => {
    for (const [template, stage, days] of [[dev, 'dev', 30], [prod, 'prod', 90]] as const) {
      const buses = resourcesOfType(template, 'AWS::Events::EventBus').map(([id, r]) => [id, r.Properties['Name']]);
      expect(buses.map(([, n]) => n).sort()).toEqual(model.buses.map((b) => `${b.name}-${stage}`).sort());
      const archives = resourcesOfType(template, 'AWS::Events::Archive');
      for (const [id] of buses) {
        const archive = archives.filter(([, a]) => logicalId(a.Properties['SourceArn']) === id);
        expect(archive).toHaveLength(1);
        const props = (archive[0] as [string, Resource])[1].Properties;
        expect(props['RetentionDays']).toBe(days);
        expect(props['EventPattern']).toBeUndefined();
      }
    }
  });

  it('registers one schema per message in the schema registry, the same JSON Schema as the validators', () => {
    const schemas = resourcesOfType(dev, 'AWS::EventSchemas::Schema');
    const withRoute = model.messages.filter((m) => m.eventbridge);
    expect(schemas).toHaveLength(withRoute.length);
    for (const m of withRoute) {
      const found = schemas.find(([, s]) => s.Properties['SchemaName'] === `${m.eventbridge?.source}@${m.eventbridge?.detailType}`);
      expect(found).toBeDefined();
      const content = JSON.parse(String((found as [string, Resource])[1].Properties['Content'])) as Json;
      expect((content['definitions'] as Json)[m.typeName as string]).toEqual(model.definitions[m.typeName as string]);
      // Self-contained: every $ref points at a definition the document carries.
      const refs = JSON.stringify(content).match(/"#\/definitions\/[^"]+"/g) ?? [];
      for (const r of refs) expect(Object.keys(content['definitions'] as Json)).toContain(r.slice('"#/definitions/'.length, -1));
    }
  });

  it('alarms on any DLQ message, on queue age over 5 minutes and on outbox relay failures', () => {
    const alarms = resourcesOfType(dev, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const on = (metric: string, queue: string): Json[] =>
      alarms.filter((a) => a['MetricName'] === metric && asArray(a['Dimensions'] as Json[]).some((d) => logicalId(d['Value']) === queue));
    for (const queue of model.queues) {
      const dlq = on('ApproximateNumberOfMessagesVisible', queueId(dev, queue.dlq));
      expect(dlq).toHaveLength(1);
      expect(dlq[0]).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      const age = on('ApproximateAgeOfOldestMessage', queueId(dev, queue.name));
      expect(age).toHaveLength(1);
      expect(age[0]).toMatchObject({ Threshold: 300, ComparisonOperator: 'GreaterThanThreshold' });
    }
    expect(alarms.filter((a) => a['MetricName'] === 'OutboxEventsFailed')).toHaveLength(1);
    for (const a of alarms) expect(asArray(a['AlarmActions'] as unknown[]).length).toBeGreaterThan(0);
  });
});

describe('IAM: least privilege for every function', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Json; Sid?: string };

  /** Every Allow statement that applies to a role: its inline policies and policies attached to it. */
  function statementsOf(template: Template, roleId: string): Statement[] {
    const role = template.Resources[roleId] as Resource;
    const inline = asArray(role.Properties['Policies'] as Json[]).flatMap((p) => asArray((p['PolicyDocument'] as Json)['Statement'] as Statement[]));
    const attached = resourcesOfType(template, 'AWS::IAM::Policy')
      .filter(([, p]) => asArray(p.Properties['Roles'] as unknown[]).some((r) => logicalId(r) === roleId))
      .flatMap(([, p]) => asArray((p.Properties['PolicyDocument'] as Json)['Statement'] as Statement[]));
    expect(asArray(role.Properties['ManagedPolicyArns'] as unknown[])).toEqual([]);
    return [...inline, ...attached].filter((s) => s.Effect === 'Allow');
  }

  function functionRoles(template: Template): { fn: string; role: string; props: Json }[] {
    return resourcesOfType(template, 'AWS::Lambda::Function').map(([fn, r]) => ({ fn, role: logicalId(r.Properties['Role']) as string, props: r.Properties }));
  }

  it('gives each function its own role, and no statement a wildcard action or an avoidable wildcard resource', () => {
    for (const template of [dev, prod]) {
      const fns = functionRoles(template);
      expect(fns.length).toBeGreaterThan(0);
      expect(new Set(fns.map((f) => f.role)).size).toBe(fns.length);
      for (const { role } of fns) {
        for (const s of statementsOf(template, role)) {
          for (const action of asArray(s.Action)) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
          // X-Ray has no resource-level permissions: its two write actions are the one unavoidable '*'.
          const xrayWrite = asArray(s.Action).every((a) => a === 'xray:PutTraceSegments' || a === 'xray:PutTelemetryRecords');
          for (const resource of asArray(s.Resource)) if (!xrayWrite) expect(resource).not.toBe('*');
        }
      }
      expect(template.Resources['IamRoleLambdaExecution']).toBeUndefined();
    }
  });

  it('lets consumers put only their own service sources, each on the bus its events belong to', () => {
    const mappings = resourcesOfType(dev, 'AWS::Lambda::EventSourceMapping');
    for (const queue of model.queues) {
      const mapping = mappings.find(([, m]) => logicalId(m.Properties['EventSourceArn']) === queueId(dev, queue.name)) as [string, Resource];
      const fnId = logicalId(mapping[1].Properties['FunctionName']) as string;
      const role = logicalId((dev.Resources[fnId] as Resource).Properties['Role']) as string;
      const statements = statementsOf(dev, role);
      const sends = model.messages.filter((m) => m.producers.includes(queue.service) && m.eventbridge);
      const put = statements.filter((s) => asArray(s.Action).includes('events:PutEvents'));
      const allowed: string[] = [];
      for (const s of put) {
        const bus = logicalId(s.Resource);
        const sources = asArray((s.Condition?.['StringEquals'] as Json | undefined)?.['events:source'] as string[]);
        expect(sources.length).toBeGreaterThan(0);
        for (const source of sources) {
          const own = sends.filter((m) => m.eventbridge?.source === source);
          expect({ service: queue.service, source, own: own.length > 0 }).toEqual({ service: queue.service, source, own: true });
          for (const m of own) expect(busId(dev, m.eventbridge?.bus as string)).toBe(bus);
          allowed.push(`${source}@${bus}`);
        }
      }
      const needed = [...new Set(sends.map((m) => `${m.eventbridge?.source}@${busId(dev, m.eventbridge?.bus as string)}`))].sort();
      expect(allowed.sort()).toEqual(needed);

      const sqs = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('sqs:')));
      expect(sqs.flatMap((s) => asArray(s.Resource).map(logicalId))).toEqual([queueId(dev, queue.name)]);
      const tables = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
      for (const s of tables) for (const r of asArray(s.Resource)) expect((dev.Resources[logicalId(r) as string] as Resource).Type).toBe('AWS::DynamoDB::Table');
      const logs = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('logs:')));
      expect(JSON.stringify(logs.map((s) => s.Resource))).toContain(`/aws/lambda/roadcall-dev-${queue.service}-consumer:*`);
    }
  });
});

describe('timers (x-timer messages, lib/timers)', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Json; Sid?: string };
  const policy = (r: Resource): Statement[] => asArray(r.Properties['Policies'] as Json[]).flatMap((p) => asArray((p['PolicyDocument'] as Json)['Statement'] as Statement[]));

  it('declares a schedule group per stage, the Scheduler role allowed only the timer events on their bus and the timers DLQ, and the DLQ alarm', () => {
    const timers = model.messages.filter((m) => m.timer);
    expect(timers.map((m) => m.name)).toEqual(['OfferTimeoutElapsed', 'SagaStepTimedOut', 'MatchingDeadlineElapsed']);
    for (const [template, stage] of [[dev, 'dev'], [prod, 'prod']] as const) {
      const groups = resourcesOfType(template, 'AWS::Scheduler::ScheduleGroup');
      expect(groups.map(([, g]) => g.Properties['Name'])).toEqual([`roadcall-${stage}-timers`]);
      const role = template.Resources['TimersSchedulerRole'] as Resource;
      const trust = asArray((role.Properties['AssumeRolePolicyDocument'] as Json)['Statement'] as Statement[]);
      expect(trust).toHaveLength(1);
      expect(trust[0]).toMatchObject({ Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } });
      const statements = policy(role);
      expect(statements.flatMap((st) => asArray(st.Action)).sort()).toEqual(['events:PutEvents', 'sqs:SendMessage']);
      const put = statements.find((st) => st.Action === 'events:PutEvents') as Statement;
      expect(logicalId(put.Resource)).toBe(busId(template, 'core'));
      expect(put.Condition).toEqual({ StringEquals: { 'events:source': ['roadcall.match'] } });
      expect(logicalId(statements.find((st) => st.Action === 'sqs:SendMessage')?.Resource)).toBe('TimersDlq');
      expect((template.Resources['TimersDlq'] as Resource).Properties['SqsManagedSseEnabled']).toBe(true);
      expect((template.Resources['TimersDlqMessagesAlarm'] as Resource).Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    }
  });

  it('lets only the producers of timer events schedule them, in their group, passing the role to the Scheduler only', () => {
    const fns = resourcesOfType(dev, 'AWS::Lambda::Function');
    const scheduling = fns.filter(([, f]) => {
      const role = dev.Resources[logicalId(f.Properties['Role']) as string] as Resource;
      return policy(role).some((st) => asArray(st.Action).some((a) => a.startsWith('scheduler:')));
    });
    // match's consumer and its HTTP commands: the functions of the one service that sends a timer event.
    expect(scheduling.map(([, f]) => f.Properties['FunctionName']).sort()).toEqual(['roadcall-dev-match-commands', 'roadcall-dev-match-consumer']);
    for (const [, fn] of scheduling) {
      const statements = policy(dev.Resources[logicalId(fn.Properties['Role']) as string] as Resource);
      const schedule = statements.find((st) => st.Sid === 'ScheduleTimers') as Statement;
      expect(schedule.Action).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule']);
      expect(JSON.stringify(schedule.Resource)).toContain(':schedule/roadcall-dev-timers/*');
      expect(statements.find((st) => st.Sid === 'PassTimersRole')).toMatchObject({ Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } } });
      expect(Object.keys((fn.Properties['Environment'] as { Variables: Json }).Variables)).toEqual(expect.arrayContaining(['TIMERS_SCHEDULE_GROUP', 'TIMERS_ROLE_ARN', 'TIMERS_DLQ_ARN', 'TIMERS_BUS_ARN_PREFIX']));
    }
  });
});

describe('HTTP API', () => {
  it('puts every x-http command on the HTTP API behind the JWT authorizer, with issuer and audience per stage', () => {
    const routed = model.commands.filter((c) => c.http);
    expect(routed.length).toBeGreaterThan(0);
    for (const [template, audience, issuer] of [[dev, 'roadcall-api-dev', 'https://auth.dev.roadcall.example.com/'], [prod, 'roadcall-api', 'https://auth.roadcall.example.com/']] as const) {
      const authorizers = resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer');
      expect(authorizers).toHaveLength(1);
      const [authorizerId, authorizer] = authorizers[0] as [string, Resource];
      expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'], JwtConfiguration: { Audience: [audience], Issuer: issuer } });
      const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
      for (const command of routed) {
        const route = routes.find((r) => r['RouteKey'] === `${command.http?.method} ${command.http?.path}`);
        expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
        const integration = template.Resources[String((route?.['Target'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map(logicalId).find(Boolean))] as Resource;
        const fn = template.Resources[logicalId(integration.Properties['IntegrationUri']) as string] as Resource;
        expect(fn.Properties['Handler']).toBe(`functions/${command.http?.service}/commands.handler`);
      }
      for (const route of routes) expect(route['AuthorizationType']).toBe('JWT');
    }
  });
});

describe('tables', () => {
  it('encrypts every table, bills on demand, and keeps point-in-time recovery in prod only', () => {
    for (const [template, pitr] of [[dev, false], [prod, true]] as const) {
      const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');
      expect(tables.map(([id]) => id).sort()).toEqual(expect.arrayContaining(['EventStoreTable', 'IdempotencyTable', 'OutboxTable', 'ReadModelTable', 'SagaTable']));
      for (const [, t] of tables) {
        expect(t.Properties['SSESpecification']).toEqual({ SSEEnabled: true });
        expect(t.Properties['BillingMode']).toBe('PAY_PER_REQUEST');
        expect(String((t.Properties['PointInTimeRecoverySpecification'] as Json)['PointInTimeRecoveryEnabled'])).toBe(String(pitr));
      }
    }
    expect((dev.Resources['OutboxTable'] as Resource).Properties['StreamSpecification']).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect((dev.Resources['IdempotencyTable'] as Resource).Properties['TimeToLiveSpecification']).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect((prod.Resources['EventStoreTable'] as Resource).DeletionPolicy).toBe('Retain');
  });
});
