import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { matches } from '../../local/event-pattern';
import { freshDir, generate, ROOT } from '../helpers/codegen';
import { asArray, logicalId, packageStage, resourcesOfType, type Json, type Resource, type Template } from '../helpers/template';

// The wiring follows the spec: add consumers to a copy of the Roadcall spec (its service parts),
// regenerate, package with the real CLI, and the new rule, queue, DLQ, alarms, consumer
// function and permissions are there; an existing consumer's rule picks up a new event.

let template: Template;

const incidentCreated = {
  version: '0',
  id: '0d3a1c7e-5b0e-4d7a-9b7f-3f2a6c1e9d10',
  'detail-type': 'IncidentCreated',
  source: 'roadcall.incident',
  account: '123456789012',
  time: '2026-11-22T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { metadata: {}, data: {} },
};
const incidentCancelled = { ...incidentCreated, 'detail-type': 'IncidentCancelled' };

function project(name: string): string {
  const dir = freshDir(name);
  cpSync(join(ROOT, 'asyncapi'), join(dir, 'asyncapi'), { recursive: true });
  for (const file of ['serverless.yml', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, file), join(dir, file));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  symlinkSync(join(ROOT, 'lib'), join(dir, 'lib'), 'dir');
  // The hand-written functions serverless.yml names; codegen adds the new consumer's stub beside them.
  cpSync(join(ROOT, 'functions'), join(dir, 'functions'), { recursive: true });
  return dir;
}

/** Adds consumers the documented way: a new service part, and one receive line in pricing's. */
function addConsumers(specDir: string): void {
  const rootPath = join(specDir, 'asyncapi.yaml');
  const spec = parse(readFileSync(rootPath, 'utf8')) as Json;
  (spec['x-services'] as Json)['audit'] = { description: 'Keeps an audit trail of incidents (added by a test).' };
  writeFileSync(rootPath, stringify(spec, { lineWidth: 0 }));
  mkdirSync(join(specDir, 'audit'));
  const audit = {
    queue: {
      bindingVersion: '0.2.0',
      queues: [
        { name: 'audit-queue', visibilityTimeout: 120, messageRetentionPeriod: 345600, redrivePolicy: { deadLetterQueue: { name: 'audit-dlq' }, maxReceiveCount: 3 } },
        { name: 'audit-dlq', messageRetentionPeriod: 1209600 },
      ],
    },
    receives: { IncidentCreated: 'Record the incident in the audit trail.' },
  };
  writeFileSync(join(specDir, 'audit', 'service.yaml'), stringify(audit, { lineWidth: 0 }));
  const pricingPath = join(specDir, 'pricing', 'service.yaml');
  const pricing = parse(readFileSync(pricingPath, 'utf8')) as Json;
  (pricing['receives'] as Json)['IncidentCancelled'] = 'Drop the quotes of a cancelled incident.';
  writeFileSync(pricingPath, stringify(pricing, { lineWidth: 0 }));
}

beforeAll(async () => {
  const dir = project('follows-spec');
  addConsumers(join(dir, 'asyncapi'));
  const result = await generate(join(dir, 'asyncapi', 'asyncapi.yaml'), dir);
  expect(result.stubs).toContain(relative(ROOT, join(dir, 'functions', 'audit', 'consumer.ts')));
  template = packageStage('dev', join(dir, '.pkg'), dir);
}, 180_000);

const props = (id: string): Json => (template.Resources[id] as Resource | undefined)?.Properties ?? {};

it('adds the queue and its encrypted DLQ with maxReceiveCount 3', () => {
  expect(props('AuditQueue')).toMatchObject({
    QueueName: 'roadcall-dev-audit-queue',
    VisibilityTimeout: 120,
    SqsManagedSseEnabled: true,
    RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['AuditDlq', 'Arn'] }, maxReceiveCount: 3 },
  });
  expect(props('AuditDlq')).toMatchObject({ QueueName: 'roadcall-dev-audit-dlq', MessageRetentionPeriod: 1209600 });
});

it('adds a rule on the core bus that delivers IncidentCreated, and nothing else, to the new queue', () => {
  const rules = resourcesOfType(template, 'AWS::Events::Rule').filter(([, r]) => asArray(r.Properties['Targets'] as Json[]).some((t) => logicalId(t['Arn']) === 'AuditQueue'));
  expect(rules).toHaveLength(1);
  const rule = (rules[0] as [string, Resource])[1].Properties;
  expect(logicalId(rule['EventBusName'])).toBe('CoreEventBus');
  expect(matches(rule['EventPattern'] as Json, incidentCreated)).toBe(true);
  expect(matches(rule['EventPattern'] as Json, incidentCancelled)).toBe(false);
});

it('adds the DLQ and queue-age alarms', () => {
  const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const on = (queue: string): string[] => alarms.filter((a) => asArray(a['Dimensions'] as Json[]).some((d) => logicalId(d['Value']) === queue)).map((a) => String(a['MetricName']));
  expect(on('AuditDlq')).toEqual(['ApproximateNumberOfMessagesVisible']);
  expect(on('AuditQueue')).toEqual(['ApproximateAgeOfOldestMessage']);
});

it('adds the consumer function with its event source and a role limited to its own queue', () => {
  const fn = props('AuditDashconsumerLambdaFunction');
  expect(fn['Handler']).toBe('functions/audit/consumer.handler');
  const role = logicalId(fn['Role']) as string;
  const statements = asArray(props(role)['Policies'] as Json[]).flatMap((p) => asArray((p['PolicyDocument'] as Json)['Statement'] as Json[]));
  const sqs = statements.filter((s) => asArray(s['Action'] as string[]).some((a) => a.startsWith('sqs:')));
  expect(sqs.map((s) => logicalId(s['Resource']))).toEqual(['AuditQueue']);
  // audit sends nothing, so it may put nothing on any bus.
  expect(statements.filter((s) => asArray(s['Action'] as string[]).includes('events:PutEvents'))).toEqual([]);
  const mapping = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => logicalId(m.Properties['EventSourceArn']) === 'AuditQueue');
  expect(mapping).toHaveLength(1);
  expect((mapping[0] as [string, Resource])[1].Properties['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
});

it('extends an existing consumer rule with the new event type', () => {
  const committed = (JSON.parse(readFileSync(join(ROOT, 'generated', 'infra', 'rules.json'), 'utf8')) as { rules: { queue: string; pattern: Json }[] }).rules;
  const before = committed.find((r) => r.queue === 'pricing-queue')?.pattern as Json;
  const after = (resourcesOfType(template, 'AWS::Events::Rule').find(([, r]) => asArray(r.Properties['Targets'] as Json[]).some((x) => logicalId(x['Arn']) === 'PricingQueue')) as [string, Resource])[1].Properties['EventPattern'] as Json;
  expect(matches(before, incidentCancelled)).toBe(false);
  expect(matches(after, incidentCancelled)).toBe(true);
});
