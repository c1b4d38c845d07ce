import { randomUUID } from 'node:crypto';
import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand as DocumentScanCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createTrackingQueueConsumer, incidentPublisher, matchPublisher, trackingQueueNotImplemented, matchQueue, matchQueueRoutes, validateErrorOccurred, type BuiltEvent, type EventBridgeEvent, type MatchQueueEvents, type MatchQueueHandlers } from '../../generated';
import { createBusPublisher } from '../../lib/bus';
import { createSqsConsumer, NonRetryableEventError, type ConsumerContext, type SqsConsumerOptions } from '../../lib/consumer';
import { createOutboxWriter } from '../../lib/event-store';
import { createIdempotencyTable, startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { captureOutput, deliveredEvent, lambdaContext as createLambdaContext, specExample, sqsRecord as factorySqsRecord } from '../helpers/factories';

// The consumer stack end to end with real SQS-shaped events built from the spec's examples
// by the generated publishers: real Powertools idempotency against DynamoDB Local, PutEvents
// captured with aws-sdk-client-mock, logs and EMF metrics captured from stdout.

const TABLE = 'idempotency-consumer-test';
const BUSES = { EVENT_BUS_CORE: 'roadcall-events-test', EVENT_BUS_ERRORS: 'roadcall-errors-test' };
let ddb: DynamoDbLocal;
const ebClient = new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const eb = mockClient(ebClient);
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  await createIdempotencyTable(ddb.client, TABLE);
});
afterAll(async () => {
  await ddb?.stop();
});
beforeEach(() => {
  eb.reset();
  eb.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => ({ FailedEntryCount: 0, Entries: (input.Entries ?? []).map(() => ({ EventId: randomUUID() })) }));
  output = captureOutput();
});
afterEach(() => jest.restoreAllMocks());

// ---- fixtures ---------------------------------------------------------------------------

type Data<F extends (data: never, ...rest: never[]) => unknown> = Parameters<F>[0];
const incidentCreated = specExample<{ data: Data<typeof incidentPublisher.IncidentCreated> }>('incident', 'IncidentCreated').data;
const incidentCancelled = specExample<{ data: Data<typeof incidentPublisher.IncidentCancelled> }>('incident', 'IncidentCancelled').data;
const availabilityRequested = specExample<{ data: Data<typeof matchPublisher.VendorAvailabilityRequested> }>('match', 'VendorAvailabilityRequested').data;

/** The EventBridge event a rule target receives for a built event. */
const delivered = <D extends string, T>(built: BuiltEvent<D, T>): EventBridgeEvent<D, T> => deliveredEvent(built);
const sqsRecord = (body: unknown, receiveCount = 1): SQSRecord => factorySqsRecord(body, { receiveCount, queueArn: 'arn:aws:sqs:us-east-1:123456789012:match-queue' });
const lambdaContext = createLambdaContext({ functionName: 'match-consumer-test' });

/** Handlers for every match-queue detail-type: no-ops unless overridden, each call recorded. */
function handlersWith(overrides: Partial<MatchQueueHandlers<ConsumerContext>> = {}) {
  const calls: { detailType: string; eventId: string }[] = [];
  const handlers = Object.fromEntries(
    Object.keys(matchQueueRoutes).map((detailType) => [
      detailType,
      async (event: EventBridgeEvent<string, { metadata: { eventId: string } }>, ctx: ConsumerContext) => {
        calls.push({ detailType, eventId: event.detail.metadata.eventId });
        const override = (overrides as Record<string, (e: unknown, c: ConsumerContext) => Promise<void>>)[detailType];
        if (override) await override(event, ctx);
      },
    ]),
  ) as unknown as MatchQueueHandlers<ConsumerContext>;
  return { handlers, calls };
}

function consumer(handlers: MatchQueueHandlers<ConsumerContext>, options: Partial<SqsConsumerOptions<MatchQueueEvents>> = {}) {
  return createSqsConsumer<MatchQueueEvents>({
    queue: matchQueue,
    routes: matchQueueRoutes,
    handlers,
    errorEvent: matchPublisher.ErrorOccurred,
    bus: createBusPublisher({ client: ebClient, env: BUSES, sleep: async () => undefined }),
    logger: new Logger({ serviceName: 'match' }),
    metrics: new Metrics({ namespace: 'RoadcallTest', serviceName: 'match' }),
    idempotency: { table: TABLE, client: ddb.client },
    env: {},
    ...options,
  });
}

const run = (handler: ReturnType<typeof consumer>, records: SQSRecord[]): Promise<SQSBatchResponse> => handler({ Records: records }, lambdaContext);
const sentEntries = (): PutEventsRequestEntry[] => eb.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
const errorEvents = () => sentEntries().filter((e) => e.DetailType === 'ErrorOccurred').map((e) => ({ entry: e, detail: JSON.parse(e.Detail ?? '{}') as { metadata: Record<string, string>; data: Record<string, unknown> & { context: Record<string, unknown> } } }));
const logLines = (): Record<string, unknown>[] => output.lines();

// ---- tests ------------------------------------------------------------------------------

describe('SQS consumer stack', () => {
  it('handles valid events and reports only the record whose handler failed', async () => {
    const { handlers, calls } = handlersWith({
      IncidentCancelled: async () => {
        throw new Error('database unavailable');
      },
    });
    const ok1 = sqsRecord(delivered(incidentPublisher.IncidentCreated(incidentCreated)));
    const bad = sqsRecord(delivered(incidentPublisher.IncidentCancelled(incidentCancelled)));
    const ok2 = sqsRecord(delivered(incidentPublisher.IncidentCreated(incidentCreated)));
    const response = await run(consumer(handlers), [ok1, bad, ok2]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(calls.map((c) => c.detailType)).toEqual(['IncidentCreated', 'IncidentCancelled', 'IncidentCreated']);
    expect(errorEvents()).toEqual([]); // first receive of 3: SQS retries it, nothing on the errors bus yet
  });

  it('runs the handler once per eventId (duplicate in one batch and redelivery), against DynamoDB with the Powertools persistence layer', async () => {
    const { handlers, calls } = handlersWith();
    const built = incidentPublisher.IncidentCreated(incidentCreated);
    // Two EventBridge deliveries of the same envelope (different SQS message and EventBridge ids).
    const response = await run(consumer(handlers), [sqsRecord(delivered(built)), sqsRecord(delivered(built))]);
    expect(response.batchItemFailures).toEqual([]);
    await run(consumer(handlers), [sqsRecord(delivered(built), 2)]);
    expect(calls).toEqual([{ detailType: 'IncidentCreated', eventId: built.detail.metadata.eventId }]);
    const items = await ddb.client.send(new ScanCommand({ TableName: TABLE }));
    const item = items.Items?.find((i) => i['id']?.S?.startsWith('match-queue#'));
    expect(item?.['status']?.S).toBe('COMPLETED');
    expect(Number(item?.['expiration']?.N)).toBeGreaterThan(Date.now() / 1000);
  });

  it('dispatches the detail-types it is told are idempotent by construction without an idempotency record', async () => {
    const { handlers, calls } = handlersWith();
    const byDesign = incidentPublisher.IncidentCreated(incidentCreated);
    const recordedOnce = incidentPublisher.IncidentCancelled(incidentCancelled);
    const handler = consumer(handlers, { idempotentHandlers: ['IncidentCreated'] });
    const records = async (): Promise<number> => ((await ddb.client.send(new ScanCommand({ TableName: TABLE }))).Items ?? []).length;
    const before = await records();
    await run(handler, [sqsRecord(delivered(byDesign)), sqsRecord(delivered(recordedOnce))]);
    await run(handler, [sqsRecord(delivered(byDesign), 2), sqsRecord(delivered(recordedOnce), 2)]);
    // The handler of IncidentCreated dedupes itself: it sees the redelivery; IncidentCancelled's is shielded.
    expect(calls.map((c) => c.detailType)).toEqual(['IncidentCreated', 'IncidentCancelled', 'IncidentCreated']);
    // One idempotency record more: IncidentCancelled's (keys are hashes of the eventId).
    expect((await records()) - before).toBe(1);
    expect(() => consumer(handlers, { idempotentHandlers: ['NoSuchEvent' as 'IncidentCreated'] })).toThrow(/idempotentHandlers names NoSuchEvent/);
  });

  it('keeps no idempotency record for a failed handler, so the redelivery runs it again', async () => {
    let fail = true;
    const { handlers, calls } = handlersWith({
      IncidentCreated: async () => {
        if (fail) throw new Error('transient');
      },
    });
    const record = delivered(incidentPublisher.IncidentCreated(incidentCreated));
    const first = sqsRecord(record);
    expect((await run(consumer(handlers), [first])).batchItemFailures).toEqual([{ itemIdentifier: first.messageId }]);
    fail = false;
    expect((await run(consumer(handlers), [sqsRecord(record, 2)])).batchItemFailures).toEqual([]);
    expect(calls).toHaveLength(2);
  });

  it('publishes schema-invalid, unknown and malformed records to the errors bus with their reason and does not report them', async () => {
    const { handlers, calls } = handlersWith();
    const valid = incidentPublisher.IncidentCreated(incidentCreated, { correlationId: 'flow-invalid-1' });
    const invalid = structuredClone(delivered(valid));
    invalid.detail.data.location.coordinates.lat = 200;
    const unknown = { ...delivered(valid), 'detail-type': 'IncidentTeleported' };
    const records = [sqsRecord(invalid), sqsRecord(unknown), sqsRecord('{"detail-type": "IncidentCreated", oops'), sqsRecord({ hello: 'world' })];
    const response = await run(consumer(handlers), records);

    expect(response.batchItemFailures).toEqual([]);
    expect(calls).toEqual([]);
    const events = errorEvents();
    expect(events.map((e) => [e.entry.EventBusName, e.entry.Source, e.detail.data['errorCode']])).toEqual([
      ['roadcall-errors-test', 'roadcall.errors', 'EVENT_SCHEMA_INVALID'],
      ['roadcall-errors-test', 'roadcall.errors', 'EVENT_TYPE_UNKNOWN'],
      ['roadcall-errors-test', 'roadcall.errors', 'EVENT_MALFORMED'],
      ['roadcall-errors-test', 'roadcall.errors', 'EVENT_MALFORMED'],
    ]);
    const [schema, type, json, shape] = events.map((e) => e.detail);
    expect(schema?.data['errorMessage']).toBe('IncidentCreated does not match its schema: /data/location/coordinates/lat must be <= 90 [maximum]');
    expect(schema?.data.context).toMatchObject({ service: 'match', queue: 'match-queue', attempt: 1, messageId: records[0]?.messageId, eventId: valid.detail.metadata.eventId, detailType: 'IncidentCreated', issues: [{ path: '/data/location/coordinates/lat', keyword: 'maximum', message: 'must be <= 90' }] });
    expect(schema?.data).toMatchObject({ severity: 'ERROR', canRetry: false, failedEvent: invalid });
    expect(schema?.metadata).toMatchObject({ correlationId: 'flow-invalid-1', causationId: valid.detail.metadata.eventId, producer: 'match' });
    expect(type?.data['errorMessage']).toBe('queue match-queue has no handler for detail-type "IncidentTeleported" from source "roadcall.incident"');
    expect(json?.data['errorMessage']).toMatch(/^not an EventBridge event: SQS message body is not JSON: /);
    expect(json?.data['failedEvent']).toEqual({ body: '{"detail-type": "IncidentCreated", oops' });
    expect(shape?.data['errorMessage']).toBe('not an EventBridge event: "detail-type" is missing or not a string');
    // Every error event is a valid ErrorOccurred of the spec.
    for (const e of events) expect(validateErrorOccurred(e.detail)).toMatchObject({ ok: true });
  });

  it('reports a rejected record as a failure when its error event cannot be published (SQS redrives it to the DLQ)', async () => {
    eb.on(PutEventsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const { handlers } = handlersWith();
    const bad = sqsRecord('not json');
    const good = sqsRecord(delivered(incidentPublisher.IncidentCreated(incidentCreated)));
    const response = await run(consumer(handlers), [bad, good]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(logLines().find((l) => l['level'] === 'ERROR')).toMatchObject({ message: expect.stringContaining('reported as a batch item failure'), errorCode: 'EVENT_MALFORMED', messageId: bad.messageId });
  });

  it('reports a rejected record as a failure when no error event builder is configured', async () => {
    const { handlers } = handlersWith();
    const bad = sqsRecord('{"not": "an event"}');
    const response = await run(consumer(handlers, { errorEvent: undefined }), [bad]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(sentEntries()).toEqual([]);
  });

  it('sends a NonRetryableEventError thrown by a handler to the errors bus instead of retrying', async () => {
    const { handlers } = handlersWith({
      IncidentCreated: async () => {
        throw new NonRetryableEventError('UNSUPPORTED_EVENT_VERSION', 'IncidentCreated eventVersion 1.0 is not supported');
      },
    });
    const response = await run(consumer(handlers), [sqsRecord(delivered(incidentPublisher.IncidentCreated(incidentCreated)))]);
    expect(response.batchItemFailures).toEqual([]);
    expect(errorEvents().map((e) => [e.detail.data['errorCode'], e.detail.data['errorMessage'], e.detail.data['canRetry']])).toEqual([['UNSUPPORTED_EVENT_VERSION', 'IncidentCreated eventVersion 1.0 is not supported', false]]);
  });

  it('on the last receive a failing handler is also reported on the errors bus (canRetry) and still fails', async () => {
    const { handlers } = handlersWith({
      IncidentCreated: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    const record = sqsRecord(delivered(incidentPublisher.IncidentCreated(incidentCreated)), matchQueue.maxReceiveCount);
    const response = await run(consumer(handlers), [record]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    const [error] = errorEvents();
    expect(error?.detail.data).toMatchObject({ errorCode: 'HANDLER_FAILED', errorMessage: 'TypeError: cannot read properties of undefined', canRetry: true, context: { attempt: 3 } });
    expect(error?.detail.data['stackTrace']).toContain('TypeError');
    expect(validateErrorOccurred(error?.detail)).toMatchObject({ ok: true });
  });

  it('propagates correlation and causation ids into emitted events and into every log line of the record', async () => {
    const { handlers } = handlersWith({
      IncidentCreated: async (event, ctx) => {
        ctx.logger.info('matching started');
        await ctx.publishDirect(matchPublisher.VendorAvailabilityRequested, { ...availabilityRequested, incidentId: event.detail.data.incidentId });
      },
    });
    const logger = new Logger({ serviceName: 'match' });
    const incoming = incidentPublisher.IncidentCreated(incidentCreated, { correlationId: 'flow-42' });
    const record = sqsRecord(delivered(incoming));
    await run(consumer(handlers, { logger }), [record]);
    logger.info('after the batch');

    const [emitted] = sentEntries();
    expect(emitted).toMatchObject({ Source: 'roadcall.match', DetailType: 'VendorAvailabilityRequested', EventBusName: 'roadcall-events-test' });
    expect(JSON.parse(emitted?.Detail ?? '{}').metadata).toMatchObject({ correlationId: 'flow-42', causationId: incoming.detail.metadata.eventId, producer: 'match' });

    const lines = logLines();
    expect(lines.find((l) => l['message'] === 'matching started')).toMatchObject({ correlationId: 'flow-42', eventId: incoming.detail.metadata.eventId, detailType: 'IncidentCreated', queue: 'match-queue', messageId: record.messageId, service: 'match', function_request_id: lambdaContext.awsRequestId });
    const after = lines.find((l) => l['message'] === 'after the batch');
    expect(after).toBeDefined();
    expect(after).not.toHaveProperty('correlationId');
    expect(after).not.toHaveProperty('eventId');
  });

  it('emits EMF metrics: consumed, failed, rejected and event age, dimensioned by service and queue', async () => {
    const { handlers } = handlersWith({
      IncidentCancelled: async () => {
        throw new Error('boom');
      },
    });
    const occurredAt = new Date(Date.now() - 1500).toISOString();
    const records = [sqsRecord(delivered(incidentPublisher.IncidentCreated(incidentCreated, { occurredAt }))), sqsRecord(delivered(incidentPublisher.IncidentCancelled(incidentCancelled, { occurredAt }))), sqsRecord('garbage')];
    await run(consumer(handlers, { now: () => Date.parse(occurredAt) + 1500 }), records);
    const emf = logLines().find((l) => '_aws' in l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } };
    expect(emf).toBeDefined();
    const directive = emf._aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('RoadcallTest');
    expect(directive?.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'queue']));
    expect(emf).toMatchObject({ service: 'match', queue: 'match-queue', EventsConsumed: 1, EventsFailed: 1, EventsRejected: 1, EventAgeMs: [1500, 1500] });
  });
});

describe('emitting from a handler', () => {
  const OUTBOX = 'consumer-test-outbox';
  const STATE = 'consumer-test-state';
  let doc: DynamoDBDocumentClient;
  beforeAll(async () => {
    for (const [TableName, key] of [[OUTBOX, 'id'], [STATE, 'pk']] as const) {
      await ddb.client.send(new CreateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }], KeySchema: [{ AttributeName: key, KeyType: 'HASH' }] }));
    }
    doc = DynamoDBDocumentClient.from(ddb.client);
  });

  it('commits the state change and the events it causes in one transaction through the outbox, and puts nothing on the bus itself', async () => {
    // Prepare
    const { handlers } = handlersWith({
      IncidentCreated: async (event, ctx) => {
        const requested = matchPublisher.VendorAvailabilityRequested({ ...availabilityRequested, incidentId: event.detail.data.incidentId }, ctx.causedBy);
        await ctx.commit({ events: [requested], writes: [{ Put: { TableName: STATE, Item: { pk: event.detail.data.incidentId, status: 'matching' } } }] });
      },
    });
    const incoming = incidentPublisher.IncidentCreated(incidentCreated, { correlationId: 'flow-7' });

    // Act
    const response = await run(consumer(handlers, { outbox: createOutboxWriter({ doc, outboxTable: OUTBOX }) }), [sqsRecord(delivered(incoming))]);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sentEntries()).toEqual([]);
    const rows = (await doc.send(new DocumentScanCommand({ TableName: OUTBOX }))).Items ?? [];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'PENDING', detailType: 'VendorAvailabilityRequested', correlationId: 'flow-7', detail: { metadata: { causationId: incoming.detail.metadata.eventId } } });
    const state = (await doc.send(new DocumentScanCommand({ TableName: STATE }))).Items ?? [];
    expect(state).toEqual([{ pk: incidentCreated.incidentId, status: 'matching' }]);
  });

  it('fails the record (retried, then the DLQ) when a handler commits on a consumer made without an outbox', async () => {
    // Prepare
    const { handlers } = handlersWith({
      IncidentCreated: async (_event, ctx) => {
        await ctx.commit({ events: [] });
      },
    });
    const record = sqsRecord(delivered(incidentPublisher.IncidentCreated(incidentCreated)));

    // Act
    const response = await run(consumer(handlers), [record]);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(logLines().find((l) => l['level'] === 'ERROR')).toMatchObject({ error: expect.objectContaining({ name: 'OutboxMissingError' }) });
  });
});

describe('the generated handler stub', () => {
  it('is a working consumer: an unimplemented event is reported as a failure, so it is retried and reaches the DLQ', async () => {
    // What codegen writes for a new queue: every handler is the generated not-implemented stub.
    const trackingStubHandler = createTrackingQueueConsumer(trackingQueueNotImplemented('EtaRequested', 'IncidentAssigned', 'WorkCompleted', 'IncidentCancelled'));
    const assigned = specExample<{ data: Data<typeof incidentPublisher.IncidentAssigned> }>('incident', 'IncidentAssigned').data;
    const record = sqsRecord(delivered(incidentPublisher.IncidentAssigned(assigned)));
    await expect(trackingStubHandler({ Records: [record] }, lambdaContext)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(logLines().find((l) => l['level'] === 'ERROR')).toMatchObject({ queue: 'tracking-queue', detailType: 'IncidentAssigned', error: expect.objectContaining({ message: expect.stringContaining('IncidentAssigned handler not implemented') }) });
  });
});

describe('consumer stack types (checked by `npm run typecheck`)', () => {
  it('gives handlers the typed event and the context, and refuses an incomplete handler map', () => {
    const typed = (): unknown => {
      const { handlers } = handlersWith();
      const complete: MatchQueueHandlers<ConsumerContext> = {
        ...handlers,
        IncidentCreated: async (event, ctx) => {
          const incidentId: string = event.detail.data.incidentId;
          // @ts-expect-error IncidentCreated's data has no offerId
          void event.detail.data.offerId;
          await ctx.publishDirect(matchPublisher.VendorAvailabilityRequested, { ...availabilityRequested, incidentId });
          // @ts-expect-error the data must be the builder's data type
          await ctx.publishDirect(matchPublisher.VendorAvailabilityRequested, { incidentId });
        },
      };
      const { IncidentCreated: _missing, ...incomplete } = complete;
      // @ts-expect-error a handler per detail-type is required
      return [consumer(complete), createSqsConsumer<MatchQueueEvents>({ queue: matchQueue, routes: matchQueueRoutes, handlers: incomplete })];
    };
    expect(typeof typed).toBe('function');
  });
});
