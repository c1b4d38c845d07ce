import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createEventBridgeClient, createSqsClient } from '../../lib/clients';
import { toPutEventsEntry, type BuiltEvent, type EventContext } from '../../lib/envelope';
import type { LocalCloud } from '../../local/runtime';
import { freshDir, generate, ROOT } from '../helpers/codegen';
import { startLocalCloud, until, type Json } from '../helpers/local-cloud';

// Acceptance (issue 20, part 2): a versioned event end-to-end on the local cloud. The versioned
// copy of the Roadcall spec (tests/fixtures/specs/versions) is generated; a v1 publisher and a
// v2 publisher put IncidentCreated and IncidentCreatedV2 on the bus at once; the generated
// EventBridge rule routes both to reporting-queue; the reporting consumer (the generated
// factory with the user's upcaster) hands both to its one IncidentCreatedV2 handler, while the
// notifications queue, still on v1, gets v1 only. A v1 event
// that breaks its own schema is rejected onto the errors bus with the reason.

const SPEC = 'tests/fixtures/specs/versions/asyncapi.yaml';
const STAGE = 't';
const CORE_BUS = `roadcall-events-${STAGE}`;
const ERRORS_BUS = `roadcall-errors-${STAGE}`;

interface Seen {
  detailType: string;
  eventId: string;
  eventVersion: string;
  problem: { type: string; severity: string };
  keys: string[];
}

type Publisher = (data: never, context?: EventContext) => BuiltEvent<string, unknown>;

/** The reporting service as a user writes it: one handler for v2, one upcaster v1 -> v2. */
function writeReporting(dir: string): void {
  const fnDir = join(dir, 'functions', 'reporting');
  const lib = relative(fnDir, join(ROOT, 'lib')).split('\\').join('/');
  writeFileSync(
    join(fnDir, 'upcasters.ts'),
    `import type { ReportingQueueUpcasters } from '../../generated';

// v1 had problemType; v2 has problem { type, severity }. Incidents reported before v2 had no severity.
export const upcasters: ReportingQueueUpcasters = {
  IncidentCreated: ({ problemType, ...rest }) => ({ ...rest, problem: { type: problemType, severity: 'unknown' } }),
};
`,
  );
  writeFileSync(
    join(fnDir, 'consumer.ts'),
    `import { appendFileSync } from 'node:fs';
import { createReportingQueueConsumer, type ReportingQueueHandlers } from '../../generated';
import type { ConsumerContext } from '${lib}/consumer';
import { requireEnv } from '${lib}/config';
import { upcasters } from './upcasters';

export const handlers: ReportingQueueHandlers<ConsumerContext> = {
  IncidentCreatedV2: (event) => {
    const { metadata, data } = event.detail;
    const seen = { detailType: event['detail-type'], eventId: metadata.eventId, eventVersion: metadata.eventVersion, problem: data.problem, keys: Object.keys(data).sort() };
    appendFileSync(requireEnv('RECORD_FILE'), JSON.stringify(seen) + '\\n');
  },
};

export const handler = createReportingQueueConsumer(handlers, upcasters, { idempotency: false });
`,
  );
}

/** The packaged template's shape for this spec at stage t: buses, the generated rule, the queues, the consumer; and a tap on the errors bus. */
function template(dir: string, recordFile: string): Json {
  const { rules } = JSON.parse(readFileSync(join(dir, 'generated', 'infra', 'rules.json'), 'utf8')) as { rules: { logicalId: string; queue: string; bus: string; pattern: Json }[] };
  const rule = rules.find((r) => r.queue === 'reporting-queue' && r.bus === 'core');
  const v1Only = rules.find((r) => r.queue === 'notifications-queue' && r.bus === 'core');
  if (!rule || !v1Only) throw new Error('codegen made no rule for reporting-queue or notifications-queue');
  return {
    Resources: {
      CoreEventBus: { Type: 'AWS::Events::EventBus', Properties: { Name: CORE_BUS } },
      ErrorsEventBus: { Type: 'AWS::Events::EventBus', Properties: { Name: ERRORS_BUS } },
      ReportingDlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `roadcall-${STAGE}-reporting-dlq` } },
      ReportingQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: { QueueName: `roadcall-${STAGE}-reporting-queue`, VisibilityTimeout: 2, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['ReportingDlq', 'Arn'] }, maxReceiveCount: 2 } },
      },
      [rule.logicalId]: {
        Type: 'AWS::Events::Rule',
        Properties: { Name: `roadcall-${STAGE}-reporting-queue-core`, EventBusName: { Ref: 'CoreEventBus' }, EventPattern: rule.pattern, Targets: [{ Id: 'reporting-queue', Arn: { 'Fn::GetAtt': ['ReportingQueue', 'Arn'] } }] },
      },
      // notifications has not moved to v2: its queue, without a consumer, shows what its rule lets through.
      NotificationsQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `roadcall-${STAGE}-notifications-queue` } },
      [v1Only.logicalId]: {
        Type: 'AWS::Events::Rule',
        Properties: { Name: `roadcall-${STAGE}-notifications-queue-core`, EventBusName: { Ref: 'CoreEventBus' }, EventPattern: v1Only.pattern, Targets: [{ Id: 'notifications-queue', Arn: { 'Fn::GetAtt': ['NotificationsQueue', 'Arn'] } }] },
      },
      ErrorsTap: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `roadcall-${STAGE}-errors-tap` } },
      ErrorsTapRule: {
        Type: 'AWS::Events::Rule',
        Properties: { Name: `roadcall-${STAGE}-errors-tap`, EventBusName: { Ref: 'ErrorsEventBus' }, EventPattern: { source: ['roadcall.errors'] }, Targets: [{ Id: 'errors-tap', Arn: { 'Fn::GetAtt': ['ErrorsTap', 'Arn'] } }] },
      },
      ReportingConsumer: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: `roadcall-${STAGE}-reporting-consumer`,
          Handler: `${relative(ROOT, join(dir, 'functions', 'reporting', 'consumer')).split('\\').join('/')}.handler`,
          Timeout: 10,
          Environment: { Variables: { RECORD_FILE: recordFile, EVENT_BUS_CORE: CORE_BUS, EVENT_BUS_ERRORS: ERRORS_BUS, POWERTOOLS_SERVICE_NAME: 'reporting', POWERTOOLS_METRICS_NAMESPACE: 'roadcall-versions', POWERTOOLS_IDEMPOTENCY_DISABLED: 'true' } },
        },
      },
      ReportingMapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { EventSourceArn: { 'Fn::GetAtt': ['ReportingQueue', 'Arn'] }, FunctionName: { 'Fn::GetAtt': ['ReportingConsumer', 'Arn'] }, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] },
      },
    },
  };
}

const v1Data = (incidentId: string): Json => ({
  incidentId,
  driverId: '653018e1-43dd-4f3a-9315-65653b87475b',
  driverContact: { name: 'Maria Gonzalez', phone: '+14155550142' },
  vehicle: { make: 'Toyota', model: 'Corolla', year: 2019, plate: '8KZD427' },
  location: { coordinates: { lat: 37.7793, lon: -122.4193 } },
  problemType: 'flat_tire',
  status: 'new',
  createdAt: '2025-03-14T09:12:04.118Z',
});

describe('a versioned event on the local cloud', () => {
  let cloud: LocalCloud;
  let dir: string;
  let recordFile: string;
  let events: EventBridgeClient;
  let sqs: SQSClient;
  let publishers: { IncidentCreated: Publisher; IncidentCreatedV2: Publisher };

  const seen = (): Seen[] => {
    try {
      return readFileSync(recordFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Seen);
    } catch {
      return [];
    }
  };
  const put = async (built: BuiltEvent<string, unknown>): Promise<void> => {
    const out = await events.send(new PutEventsCommand({ Entries: [toPutEventsEntry(built, { eventBusName: CORE_BUS })] }));
    expect(out.FailedEntryCount).toBe(0);
  };
  const queueUrl = async (name: string): Promise<string> => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;

  beforeAll(async () => {
    // The project: generated code and stubs from the spec, then the reporting service's own files.
    dir = freshDir('versions-e2e');
    recordFile = join(dir, 'seen.jsonl');
    await generate(SPEC, dir);
    writeReporting(dir);
    ({ cloud } = await startLocalCloud('versions-e2e-cloud', () => template(dir, recordFile)));
    events = createEventBridgeClient({ endpoint: cloud.urls.aws, env: {} });
    sqs = createSqsClient({ endpoint: cloud.urls.aws, env: {} });
    publishers = require(join(dir, 'generated', 'publishers', 'incident.ts')).incidentPublisher as typeof publishers;
  }, 120_000);

  afterAll(async () => {
    events?.destroy();
    sqs?.destroy();
    await cloud?.stop();
  });

  it('delivers v1 and v2 published at once to the one v2 handler, v1 upcast', async () => {
    // Prepare: the transition, a producer still on v1 and one on v2
    const v1 = publishers.IncidentCreated(v1Data(randomUUID()) as never, { correlationId: 'corr-v1' });
    const { problemType: _dropped, ...rest } = v1Data(randomUUID());
    const v2 = publishers.IncidentCreatedV2({ ...rest, problem: { type: 'battery', severity: 'high' } } as never, { correlationId: 'corr-v2' });
    const v1Detail = v1.detail as { metadata: { eventId: string; eventVersion: string } };
    const v2Detail = v2.detail as { metadata: { eventId: string } };
    expect([v1.detailType, v1Detail.metadata.eventVersion]).toEqual(['IncidentCreated', '1.0']);

    // Act
    await Promise.all([put(v1), put(v2)]);
    const lines = await until(seen, (s) => s.length >= 2, 20_000);

    // Assess
    const byId = new Map(lines.map((l) => [l.eventId, l]));
    expect(lines).toHaveLength(2);
    expect(byId.get(v1Detail.metadata.eventId)).toEqual({
      detailType: 'IncidentCreatedV2',
      eventId: v1Detail.metadata.eventId,
      eventVersion: '2.0',
      problem: { type: 'flat_tire', severity: 'unknown' },
      keys: ['createdAt', 'driverContact', 'driverId', 'incidentId', 'location', 'problem', 'status', 'vehicle'],
    });
    expect(byId.get(v2Detail.metadata.eventId)).toMatchObject({ detailType: 'IncidentCreatedV2', eventVersion: '2.0', problem: { type: 'battery', severity: 'high' } });
    // The consumer still on v1 got v1 only: its rule names the v1 detail-type.
    const notifications = await queueUrl(`roadcall-${STAGE}-notifications-queue`);
    const receive = async (): Promise<string[]> => ((await sqs.send(new ReceiveMessageCommand({ QueueUrl: notifications, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 30 }))).Messages ?? []).map((m) => (JSON.parse(m.Body ?? '{}') as { 'detail-type': string })['detail-type']);
    expect(await until(receive, (types) => types.length > 0, 10_000)).toEqual(['IncidentCreated']);
    expect(await receive()).toEqual([]);
  }, 60_000);

  it('rejects a v1 event that breaks its own schema onto the errors bus, with the reason', async () => {
    // Prepare: a v1 producer that lost problemType (no generated publisher would send it)
    const eventId = randomUUID();
    const { problemType: _missing, ...broken } = v1Data(randomUUID());
    const detail = { metadata: { eventId, correlationId: 'corr-bad', eventVersion: '1.0', occurredAt: new Date().toISOString(), producer: 'incident' }, data: broken };

    // Act
    const out = await events.send(new PutEventsCommand({ Entries: [{ EventBusName: CORE_BUS, Source: 'roadcall.incident', DetailType: 'IncidentCreated', Detail: JSON.stringify(detail) }] }));
    expect(out.FailedEntryCount).toBe(0);
    const tap = await queueUrl(`roadcall-${STAGE}-errors-tap`);
    const messages = await until(
      async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: tap, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? [],
      (m) => m.length > 0,
      20_000,
    );

    // Assess
    const error = JSON.parse(messages[0]?.Body ?? '{}') as { 'detail-type': string; source: string; detail: { metadata: { correlationId: string; causationId: string }; data: { errorCode: string; errorMessage: string; canRetry: boolean; context: Json } } };
    expect([error.source, error['detail-type']]).toEqual(['roadcall.errors', 'ErrorOccurred']);
    expect(error.detail.data).toMatchObject({ errorCode: 'EVENT_SCHEMA_INVALID', canRetry: false, context: { service: 'reporting', detailType: 'IncidentCreated', eventId } });
    expect(error.detail.data.errorMessage).toBe('IncidentCreated does not match its schema: /data missing required property "problemType" [required]');
    expect(error.detail.metadata).toMatchObject({ correlationId: 'corr-bad', causationId: eventId });
    expect(seen().some((s) => s.eventId === eventId)).toBe(false);
    const dlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: await queueUrl(`roadcall-${STAGE}-reporting-dlq`), AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(dlq.Attributes?.['ApproximateNumberOfMessages']).toBe('0');
  }, 60_000);
});
