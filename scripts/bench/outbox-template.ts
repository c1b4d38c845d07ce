import { randomUUID } from 'node:crypto';

// The small template bench:outbox runs in the local cloud: an outbox table with its stream
// and status index (as serverless.yml declares it), the relay function on the stream, a
// bus, a rule to a queue, and a consumer recording the envelope eventIds it sees.

export interface OutboxBenchFiles {
  /** The consumer appends `<ms> <id>,<id>...` per batch. */
  seenFile: string;
  /** The relay appends `<start ms>,<end ms>,<records>,<PutEvents calls>,<ms on PutEvents>,<ms on DynamoDB>` per invocation. */
  relayLog: string;
}

export interface OutboxBenchRelay {
  /** `platform`: lib/outbox (fixtures/outbox-relay.ts); `naive`: one row at a time (fixtures/outbox-naive-relay.ts). */
  kind: 'platform' | 'naive';
  /** How the platform relay marks rows PUBLISHED. */
  marking?: 'images' | 'conditional';
  /** Entries per PutEvents call (10, or 1 for the baselines). */
  entriesPerCall: number;
  /** Publish calls in flight at once (the relay's `publishLanes`). */
  lanes: number;
  /** The stream event source's BatchSize (serverless.yml: 100). */
  streamBatchSize: number;
}

export function outboxBenchTemplate(name: string, files: OutboxBenchFiles, relay: OutboxBenchRelay): Record<string, unknown> {
  return {
    Resources: {
      Outbox: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'id', AttributeType: 'S' },
            { AttributeName: 'status', AttributeType: 'S' },
            { AttributeName: 'createdAt', AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [
            {
              IndexName: 'byStatus',
              KeySchema: [
                { AttributeName: 'status', KeyType: 'HASH' },
                { AttributeName: 'createdAt', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
          StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        },
      },
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: `${name}-bus` } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${name}-queue`, VisibilityTimeout: 60 } },
      Rule: {
        Type: 'AWS::Events::Rule',
        Properties: { Name: `${name}-rule`, EventBusName: { Ref: 'Bus' }, EventPattern: { source: ['bench.outbox'] }, Targets: [{ Id: 'queue', Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }] },
      },
      Relay: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: `${name}-relay`,
          Handler: relay.kind === 'naive' ? 'scripts/bench/fixtures/outbox-naive-relay.handler' : 'scripts/bench/fixtures/outbox-relay.handler',
          Timeout: 60,
          Environment: {
            Variables: {
              OUTBOX_TABLE: { Ref: 'Outbox' },
              EVENT_BUS_CORE: { Ref: 'Bus' },
              RELAY_ENTRIES_PER_CALL: String(relay.entriesPerCall),
              RELAY_LANES: String(relay.lanes),
              RELAY_MARKING: relay.marking ?? 'images',
              ...Object.fromEntries(['RELAY_RECHECK', 'RELAY_MARK_BATCH'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : []))),
              RELAY_LOG_FILE: files.relayLog,
              POWERTOOLS_LOG_LEVEL: 'ERROR',
              POWERTOOLS_METRICS_DISABLED: 'true',
            },
          },
        },
      },
      // As serverless.yml wires the platform relay: batches of 100, partial batch responses, PENDING filter.
      RelayStream: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          EventSourceArn: { 'Fn::GetAtt': ['Outbox', 'StreamArn'] },
          FunctionName: { Ref: 'Relay' },
          BatchSize: relay.streamBatchSize,
          StartingPosition: 'TRIM_HORIZON',
          MaximumRetryAttempts: 10,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          // As serverless.yml: only rows written or left PENDING wake the relay.
          FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ dynamodb: { NewImage: { status: { S: ['PENDING'] } } } }) }] },
        },
      },
      Consumer: {
        Type: 'AWS::Lambda::Function',
        Properties: { FunctionName: `${name}-consumer`, Handler: 'scripts/bench/fixtures/outbox-consumer.handler', Timeout: 30, Environment: { Variables: { SEEN_FILE: files.seenFile } } },
      },
      ConsumerQueue: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, FunctionName: { Ref: 'Consumer' }, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] },
      },
    },
  };
}

/** `count` PENDING rows, as lib/outbox writes them: `aggregates` aggregates with consecutive sequence numbers. */
export function outboxBenchRows(count: number, aggregates: number): Record<string, unknown>[] {
  const base = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const id = randomUUID();
    const aggregateId = `bench-aggregate-${i % aggregates}`;
    const sequence = Math.floor(i / aggregates) + 1;
    const createdAt = new Date(base + i).toISOString();
    const correlationId = randomUUID();
    return {
      id,
      status: 'PENDING',
      createdAt,
      attempts: 0,
      source: 'bench.outbox',
      detailType: 'BenchEventHappened',
      bus: 'core',
      busName: 'bench',
      resources: [],
      aggregateId,
      sequence,
      correlationId,
      detail: {
        metadata: { eventId: id, correlationId, eventVersion: '1.0', occurredAt: createdAt, aggregateId, sequence, producer: 'bench' },
        data: { n: i, note: 'a typical small domain event, about half a kilobyte on the wire', values: [i, i * 2, i * 3], pad: 'x'.repeat(200) },
      },
    };
  });
}
