import { randomUUID } from 'node:crypto';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { incidentPublisher, validateErrorOccurred } from '../../generated';
import { createBusPublisher } from '../../lib/bus';
import type { OutgoingEvent } from '../../lib/envelope';
import { writeWithOutbox } from '../../lib/event-store';
import { createOutboxRelay, createOutboxRelayHandler, type OutboxRelayOptions, type SweepSummary } from '../../lib/outbox';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { captureOutput, lambdaContext as createLambdaContext, orderEvent } from '../helpers/factories';
import { createTableLike } from '../helpers/tables';

// The outbox relay against DynamoDB Local (the outbox table as serverless.yml declares it,
// its real stream records read with the DynamoDB Streams API) and EventBridge mocked with
// aws-sdk-client-mock (per-entry failures on demand).

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const BUSES = { EVENT_BUS_CORE: 'test-core-bus', EVENT_BUS_ERRORS: 'test-errors-bus' };
let ddb: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let streams: DynamoDBStreamsClient;
const ebClient = new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const eb = mockClient(ebClient);
/** Envelope eventId -> per-entry error code PutEvents answers for it. */
const failing = new Map<string, string>();
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  doc = DynamoDBDocumentClient.from(ddb.client, { marshallOptions: { removeUndefinedValues: true } });
  streams = new DynamoDBStreamsClient({ endpoint: ddb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  doc?.destroy();
  streams?.destroy();
  ebClient.destroy();
  await ddb?.stop();
});
beforeEach(() => {
  eb.reset();
  failing.clear();
  eb.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
    const entries = (input.Entries ?? []).map((e) => {
      const code = failing.get(envelopeId(e));
      return code ? { ErrorCode: code, ErrorMessage: `${code} for this entry` } : { EventId: randomUUID() };
    });
    return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
  });
  // Powertools logs and EMF go to stdout/stderr: captured (and kept out of the test output).
  output = captureOutput();
});
afterEach(() => jest.restoreAllMocks());

// ---- fixtures ---------------------------------------------------------------------------

const envelopeId = (entry: PutEventsRequestEntry): string => (JSON.parse(entry.Detail ?? '{}') as { metadata?: { eventId?: string } }).metadata?.eventId ?? '';
const sentEntries = (): PutEventsRequestEntry[] => eb.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
const sentIds = (): string[] => sentEntries().filter((e) => e.EventBusName === BUSES.EVENT_BUS_CORE).map(envelopeId);
const errorEntries = () => sentEntries().filter((e) => e.EventBusName === BUSES.EVENT_BUS_ERRORS).map((e) => ({ entry: e, detail: JSON.parse(e.Detail ?? '{}') as { metadata: Record<string, unknown>; data: Record<string, unknown> & { context: Record<string, unknown> } } }));

const event = (options: { aggregateId?: string; sequence?: number; pad?: number } = {}): OutgoingEvent =>
  orderEvent({ ...(options.aggregateId ? { aggregateId: options.aggregateId, sequence: options.sequence ?? 1 } : {}), data: { pad: 'x'.repeat(options.pad ?? 10) } });
const idOf = (e: OutgoingEvent): string => (e.detail as { metadata: { eventId: string } }).metadata.eventId;

interface Outbox {
  table: string;
  /** Writes each event's outbox row in its own transaction (stream order = argument order). */
  write(events: OutgoingEvent[], createdAt?: Date): Promise<void>;
  /** The stream records written since the last call, as Lambda delivers them (waits for `count`). */
  records(count: number): Promise<DynamoDBStreamEvent>;
  row(id: string): Promise<Record<string, unknown> | undefined>;
}

let tables = 0;
async function freshOutbox(): Promise<Outbox> {
  const table = `relay-test-${++tables}-${Date.now()}`;
  const streamArn = (await createTableLike(ddb.client, 'OutboxTable', table)) as string;
  const positions = new Map<string, string>();

  async function readNew(): Promise<_Record[]> {
    const out: _Record[] = [];
    const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
    for (const shard of shards) {
      const after = positions.get(shard.ShardId as string);
      let iterator = (
        await streams.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }) }),
        )
      ).ShardIterator;
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        const records = page.Records ?? [];
        if (!records.length) break;
        out.push(...records);
        positions.set(shard.ShardId as string, records[records.length - 1]?.dynamodb?.SequenceNumber as string);
        iterator = page.NextShardIterator;
      }
    }
    return out;
  }

  return {
    table,
    async write(events, createdAt) {
      for (const e of events) await writeWithOutbox({ doc, outboxTable: table, events: [e], ...(createdAt ? { now: createdAt } : {}) });
    },
    async records(count) {
      const collected: _Record[] = [];
      const deadline = Date.now() + 10_000;
      while (collected.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${collected.length} of ${count} stream records arrived`);
        collected.push(...(await readNew()));
        if (collected.length < count) await new Promise((r) => setTimeout(r, 50));
      }
      return { Records: collected.map((r) => ({ ...r, eventSourceARN: streamArn, awsRegion: 'us-east-1' }) as unknown as DynamoDBRecord) };
    },
    async row(id) {
      return (await doc.send(new GetCommand({ TableName: table, Key: { id }, ConsistentRead: true }))).Item;
    },
  };
}

const publisher = () => createBusPublisher({ client: ebClient, env: BUSES, sleep: async () => undefined, retry: { maxAttempts: 2 } });
const quietLogger = () => new Logger({ serviceName: 'outbox-relay', logLevel: 'CRITICAL' });

function relayOn(outbox: Outbox, options: Partial<OutboxRelayOptions> = {}) {
  return createOutboxRelay({
    doc,
    table: outbox.table,
    publisher: publisher(),
    maxAttempts: 3,
    errorEvent: incidentPublisher.ErrorOccurred,
    logger: quietLogger(),
    metrics: new Metrics({ namespace: 'RoadcallTest', serviceName: 'outbox-relay' }),
    env: {},
    ...options,
  });
}

const lambdaContext = createLambdaContext({ functionName: 'outbox-relay-test' });

const seqOf = (streamEvent: DynamoDBStreamEvent, id: string): string[] => streamEvent.Records.filter((r) => r.dynamodb?.Keys?.['id']?.S === id).map((r) => r.dynamodb?.SequenceNumber as string);
const emf = (): { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }; service: string; [metric: string]: unknown }[] =>
  output.lines().filter((l) => '_aws' in l) as ReturnType<typeof emf>;

// ---- tests ------------------------------------------------------------------------------

describe('outbox relay: stream', () => {
  it('publishes a stream batch in aggregate order, then marks each row PUBLISHED with a TTL; its own MODIFY records send nothing', async () => {
    const outbox = await freshOutbox();
    const a1 = event({ aggregateId: 'A', sequence: 1 });
    const a2 = event({ aggregateId: 'A', sequence: 2 });
    const a3 = event({ aggregateId: 'A', sequence: 3 });
    const b1 = event({ aggregateId: 'B', sequence: 1 });
    const loose = event();
    await outbox.write([a2, b1, a3, a1, loose]); // stream order differs from sequence order
    const batch = await outbox.records(5);
    const relay = relayOn(outbox, { publishLanes: 1 });

    const before = Date.now();
    expect(await relay.handleStream(batch)).toEqual({ batchItemFailures: [] });

    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1); // 5 entries, one call
    expect(sentIds()).toEqual([loose, a1, a2, a3, b1].map(idOf));
    const sent = sentEntries()[0] as PutEventsRequestEntry;
    expect(sent).toMatchObject({ Source: 'test.orders', DetailType: 'OrderChanged', EventBusName: BUSES.EVENT_BUS_CORE, Time: new Date('2026-03-01T10:00:00.000Z') });
    for (const e of [a1, a2, a3, b1, loose]) {
      const row = await outbox.row(idOf(e));
      expect(row).toMatchObject({ status: 'PUBLISHED', attempts: 1 });
      expect(Date.parse(row?.['publishedAt'] as string)).toBeGreaterThanOrEqual(before - 1000);
      const ttl = row?.['expiresAt'] as number;
      expect(ttl).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 7 * 86_400 - 5);
      expect(ttl).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 7 * 86_400 + 5);
    }

    const marks = await outbox.records(5);
    expect(marks.Records.every((r) => r.eventName === 'MODIFY')).toBe(true);
    expect(await relay.handleStream(marks)).toEqual({ batchItemFailures: [] });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('keeps one aggregate in one lane, in order, when publishing in parallel lanes', async () => {
    const outbox = await freshOutbox();
    const events = ['A', 'B', 'C', 'D', 'E', 'F'].flatMap((aggregateId) => [3, 1, 2].map((sequence) => event({ aggregateId, sequence })));
    await outbox.write(events);
    const batch = await outbox.records(events.length);
    expect(await relayOn(outbox, { publishLanes: 4 }).handleStream(batch)).toEqual({ batchItemFailures: [] });
    const sent = sentIds();
    expect(new Set(sent)).toEqual(new Set(events.map(idOf)));
    for (const aggregateId of ['A', 'B', 'C', 'D', 'E', 'F']) {
      const mine = events.filter((e) => (e.detail as { metadata: { aggregateId: string } }).metadata.aggregateId === aggregateId);
      const order = mine.map((e) => ({ sequence: (e.detail as { metadata: { sequence: number } }).metadata.sequence, at: sent.indexOf(idOf(e)) })).sort((x, y) => x.at - y.at);
      expect(order.map((o) => o.sequence)).toEqual([1, 2, 3]);
    }
  });

  it('on a partial PutEvents failure keeps only the unsent row PENDING, records the attempt and reports only its record', async () => {
    const outbox = await freshOutbox();
    const events = [event(), event(), event(), event()];
    await outbox.write(events);
    const batch = await outbox.records(4);
    const bad = idOf(events[1] as OutgoingEvent);
    failing.set(bad, 'InternalFailure');
    const relay = relayOn(outbox);

    expect(await relay.handleStream(batch)).toEqual({ batchItemFailures: seqOf(batch, bad).map((itemIdentifier) => ({ itemIdentifier })) });
    expect(await outbox.row(bad)).toMatchObject({ status: 'PENDING', attempts: 1, lastError: expect.stringContaining('InternalFailure') });
    for (const e of events.filter((x) => idOf(x) !== bad)) expect(await outbox.row(idOf(e))).toMatchObject({ status: 'PUBLISHED' });
    // The publisher retried the failed entry (2 calls with it), then gave the row back.
    expect(sentIds().filter((id) => id === bad)).toHaveLength(2);

    // Its PENDING -> PENDING record (the attempt) sends nothing by itself...
    const next = await outbox.records(4);
    const callsBefore = eb.commandCalls(PutEventsCommand).length;
    expect(await relay.handleStream(next)).toEqual({ batchItemFailures: [] });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(callsBefore);

    // ...the stream retries the batch from the reported record: only the PENDING row goes out again.
    failing.clear();
    eb.resetHistory();
    expect(await relay.handleStream(batch)).toEqual({ batchItemFailures: [] });
    expect(sentIds()).toEqual([bad]);
    expect(await outbox.row(bad)).toMatchObject({ status: 'PUBLISHED', attempts: 2 });
  });

  it('after maxAttempts marks the row FAILED, publishes the error event on the errors bus and emits OutboxEventsFailed (service outbox-relay)', async () => {
    const outbox = await freshOutbox();
    const good = event({ aggregateId: 'G', sequence: 1 });
    const bad = event({ aggregateId: 'Z', sequence: 4 });
    await outbox.write([good, bad]);
    const batch = await outbox.records(2);
    failing.set(idOf(bad), 'InternalFailure');
    const handler = createOutboxRelayHandler({
      doc,
      table: outbox.table,
      publisher: publisher(),
      maxAttempts: 2,
      errorEvent: incidentPublisher.ErrorOccurred,
      service: 'outbox-relay',
      logger: new Logger({ serviceName: 'outbox-relay' }),
      metrics: new Metrics({ namespace: 'RoadcallTest', serviceName: 'outbox-relay' }),
      env: {},
    });

    const first = (await handler(batch, lambdaContext)) as DynamoDBBatchResponse;
    expect(first.batchItemFailures).toEqual(seqOf(batch, idOf(bad)).map((itemIdentifier) => ({ itemIdentifier })));
    expect(errorEntries()).toEqual([]);
    expect(emf().at(-1)).toMatchObject({ OutboxEventsFailed: 0, OutboxEventsRetried: 1, OutboxEventsPublished: 1 });

    const second = (await handler(batch, lambdaContext)) as DynamoDBBatchResponse; // the stream's retry
    expect(second.batchItemFailures).toEqual([]);
    const row = await outbox.row(idOf(bad));
    expect(row).toMatchObject({ status: 'FAILED', attempts: 2, lastError: expect.stringContaining('InternalFailure') });
    expect(typeof row?.['failedAt']).toBe('string');
    expect(row?.['expiresAt']).toBeUndefined(); // FAILED rows are kept

    const [error, ...more] = errorEntries();
    expect(more).toEqual([]);
    expect(error?.entry).toMatchObject({ EventBusName: BUSES.EVENT_BUS_ERRORS, Source: 'roadcall.errors', DetailType: 'ErrorOccurred' });
    expect(validateErrorOccurred(error?.detail)).toMatchObject({ ok: true });
    expect(error?.detail.metadata).toMatchObject({ correlationId: (bad.detail as { metadata: { correlationId: string } }).metadata.correlationId, causationId: idOf(bad) });
    expect(error?.detail.data).toMatchObject({
      errorCode: 'OUTBOX_PUBLISH_FAILED',
      severity: 'CRITICAL',
      canRetry: true,
      context: { service: 'outbox-relay', function: 'outbox-relay-test', eventId: idOf(bad), detailType: 'OrderChanged', aggregateId: 'Z', sequence: 4, attempt: 2, outboxTable: outbox.table },
      failedEvent: { source: 'test.orders', 'detail-type': 'OrderChanged', detail: bad.detail },
    });

    const metrics = emf().at(-1);
    expect(metrics).toMatchObject({ service: 'outbox-relay', OutboxEventsFailed: 1 });
    expect(metrics?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'RoadcallTest', Dimensions: [['service']] });
    expect(metrics?._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name)).toContain('OutboxEventsFailed');
  });

  it('gives up at once on a row PutEvents can never take (too large), publishing the others', async () => {
    const outbox = await freshOutbox();
    const huge = event({ pad: 300 * 1024 });
    const fine = event();
    await outbox.write([huge, fine]);
    const batch = await outbox.records(2);
    expect(await relayOn(outbox).handleStream(batch)).toEqual({ batchItemFailures: [] });
    expect(sentIds()).toEqual([idOf(fine)]);
    expect(await outbox.row(idOf(fine))).toMatchObject({ status: 'PUBLISHED' });
    expect(await outbox.row(idOf(huge))).toMatchObject({ status: 'FAILED', attempts: 1, lastError: expect.stringMatching(/bytes, PutEvents accepts at most 262144/) });
    expect(errorEntries().map((e) => [e.detail.data['errorCode'], e.detail.data['canRetry']])).toEqual([['OUTBOX_EVENT_REFUSED', false]]);
  });

  it('republishes (same envelope eventId) a row whose PUBLISHED mark was lost after PutEvents, and the row ends PUBLISHED', async () => {
    const outbox = await freshOutbox();
    const events = [event(), event(), event()];
    await outbox.write(events);
    const batch = await outbox.records(3);
    const victim = idOf(events[1] as OutgoingEvent);
    // The "crash": during the first run, no PUBLISHED mark of the victim reaches DynamoDB
    // (neither the batched transaction nor the one-by-one fallback).
    const send = doc.send.bind(doc);
    let crashing = true;
    const marksVictim = (command: unknown): boolean =>
      (command instanceof UpdateCommand && command.input.Key?.['id'] === victim && command.input.ExpressionAttributeValues?.[':published'] !== undefined) ||
      (command instanceof TransactWriteCommand && (command.input.TransactItems ?? []).some((i) => i.Update?.Key?.['id'] === victim));
    jest.spyOn(doc, 'send').mockImplementation((async (command: unknown) => {
      if (crashing && marksVictim(command)) throw Object.assign(new Error('connection reset while marking'), { name: 'TimeoutError' });
      return send(command as never);
    }) as never);
    const relay = relayOn(outbox, { marking: 'conditional' });

    expect(await relay.handleStream(batch)).toEqual({ batchItemFailures: seqOf(batch, victim).map((itemIdentifier) => ({ itemIdentifier })) });
    expect(await outbox.row(victim)).toMatchObject({ status: 'PENDING' });
    expect(sentIds().sort()).toEqual(events.map(idOf).sort());

    crashing = false;
    expect(await relay.handleStream(batch)).toEqual({ batchItemFailures: [] }); // the stream's retry
    expect(sentIds().filter((id) => id === victim)).toHaveLength(2); // at least once: sent again, same eventId
    expect(sentIds()).toHaveLength(4); // the two rows already PUBLISHED were not sent again
    expect(await outbox.row(victim)).toMatchObject({ status: 'PUBLISHED' });
  });

  it('trusts the stream images unless the batch is a retry it reported (recheck "retries"); "always" reads every batch again', async () => {
    const outbox = await freshOutbox();
    const events = [event(), event()];
    await outbox.write(events);
    const batch = await outbox.records(2);
    expect(await relayOn(outbox).handleStream(batch)).toEqual({ batchItemFailures: [] });
    const reads = jest.spyOn(doc, 'send');
    // The same records delivered again to a container that never reported them (e.g. after a
    // crash before the response): the images say PENDING, so they go out again (at least once).
    expect(await relayOn(outbox).handleStream(batch)).toEqual({ batchItemFailures: [] });
    expect(reads.mock.calls.filter(([command]) => command instanceof BatchGetCommand)).toHaveLength(0);
    expect(sentIds()).toHaveLength(4);
    // Reading first, nothing is sent twice.
    expect(await relayOn(outbox, { recheck: 'always' }).handleStream(batch)).toEqual({ batchItemFailures: [] });
    expect(reads.mock.calls.filter(([command]) => command instanceof BatchGetCommand)).toHaveLength(1);
    expect(sentIds()).toHaveLength(4);
    for (const e of events) expect(await outbox.row(idOf(e))).toMatchObject({ status: 'PUBLISHED', attempts: 1 });
  });

  it('marking with images: a lost BatchWriteItem leaves its rows PENDING and reported, and the retry publishes and marks them', async () => {
    const outbox = await freshOutbox();
    const events = [event(), event(), event()];
    await outbox.write(events);
    const batch = await outbox.records(3);
    const send = doc.send.bind(doc);
    let crashing = true;
    jest.spyOn(doc, 'send').mockImplementation((async (command: unknown) => {
      if (crashing && command instanceof BatchWriteCommand) throw Object.assign(new Error('connection reset while marking'), { name: 'TimeoutError' });
      return send(command as never);
    }) as never);
    const relay = relayOn(outbox, { publishLanes: 1 });

    const first = await relay.handleStream(batch);
    expect(first.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(events.flatMap((e) => seqOf(batch, idOf(e))).sort());
    for (const e of events) expect(await outbox.row(idOf(e))).toMatchObject({ status: 'PENDING' });
    expect(sentIds().sort()).toEqual(events.map(idOf).sort());

    crashing = false;
    expect(await relay.handleStream(batch)).toEqual({ batchItemFailures: [] });
    // Every event went out again with its eventId (consumers drop the repeat), and is marked once.
    expect(sentIds().sort()).toEqual([...events, ...events].map(idOf).sort());
    for (const e of events) expect(await outbox.row(idOf(e))).toMatchObject({ status: 'PUBLISHED', attempts: 1, publishedAt: expect.any(String), expiresAt: expect.any(Number) });
  });

  it('marking with images keeps every attribute but the detail and writes PUBLISHED even if another run marked it first', async () => {
    const outbox = await freshOutbox();
    const [first, second] = [event(), event()] as [OutgoingEvent, OutgoingEvent];
    await outbox.write([first, second]);
    const batch = await outbox.records(2);
    const before = await outbox.row(idOf(second));
    await doc.send(new UpdateCommand({ TableName: outbox.table, Key: { id: idOf(first) }, UpdateExpression: 'SET #s = :p', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':p': 'PUBLISHED' } }));
    const report = await relayOn(outbox, { recheck: 'never' }).relay(
      batch.Records.map((r) => ({ id: r.dynamodb?.Keys?.['id']?.S as string, item: unmarshall(r.dynamodb?.NewImage as never) })),
      false,
    );
    expect(report).toMatchObject({ retrying: [], unconfirmed: [] });
    expect(report.published.sort()).toEqual([idOf(first), idOf(second)].sort());
    expect(await outbox.row(idOf(first))).toMatchObject({ status: 'PUBLISHED', attempts: 1 });
    // Everything but the event's detail (it is on the bus now), with the PUBLISHED bookkeeping.
    const { status: _s, attempts: _a, detail, ...kept } = before as Record<string, unknown>;
    expect(detail).toBeDefined();
    const after = (await outbox.row(idOf(second))) as Record<string, unknown>;
    expect(after).toMatchObject({ ...kept, status: 'PUBLISHED', attempts: 1, publishedAt: expect.any(String), expiresAt: expect.any(Number) });
    expect(after['detail']).toBeUndefined();
  });

  it('marks rows one by one when the batched mark is cancelled because another run marked one of them first', async () => {
    const outbox = await freshOutbox();
    const [first, second] = [event(), event()] as [OutgoingEvent, OutgoingEvent];
    await outbox.write([first, second]);
    const batch = await outbox.records(2);
    // The sweeper got to the first row meanwhile.
    await doc.send(new UpdateCommand({ TableName: outbox.table, Key: { id: idOf(first) }, UpdateExpression: 'SET #s = :p', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':p': 'PUBLISHED' } }));
    const report = await relayOn(outbox, { recheck: 'never', publishLanes: 1, marking: 'conditional' }).relay(
      batch.Records.map((r) => ({ id: r.dynamodb?.Keys?.['id']?.S as string, item: unmarshall(r.dynamodb?.NewImage as never) })),
      false,
    );
    expect(report).toMatchObject({ retrying: [], unconfirmed: [] });
    expect(report.published.sort()).toEqual([idOf(first), idOf(second)].sort());
    expect(await outbox.row(idOf(first))).toMatchObject({ status: 'PUBLISHED', attempts: 0 }); // untouched by this run
    expect(await outbox.row(idOf(second))).toMatchObject({ status: 'PUBLISHED', attempts: 1 });
  });

  it('keeps rows of a bus with no configured name PENDING (naming the variable) and sends the other buses\' rows', async () => {
    const outbox = await freshOutbox();
    const lost = { ...event(), bus: 'audit' };
    const fine = event();
    await outbox.write([lost, fine]);
    const batch = await outbox.records(2);
    const response = await relayOn(outbox).handleStream(batch);
    expect(response.batchItemFailures).toEqual(seqOf(batch, idOf(lost)).map((itemIdentifier) => ({ itemIdentifier })));
    expect(sentIds()).toEqual([idOf(fine)]);
    expect(await outbox.row(idOf(lost))).toMatchObject({ status: 'PENDING', attempts: 1, lastError: expect.stringContaining('EVENT_BUS_AUDIT') });
  });

  it('sends a FAILED row again when an operator puts it back to PENDING', async () => {
    const outbox = await freshOutbox();
    const e = event();
    await outbox.write([e]);
    await outbox.records(1);
    const id = idOf(e);
    const set = (status: string) => doc.send(new UpdateCommand({ TableName: outbox.table, Key: { id }, UpdateExpression: 'SET #s = :s, attempts = :zero', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': status, ':zero': 0 } }));
    await set('FAILED');
    await set('PENDING');
    const batch = await outbox.records(2);
    expect(await relayOn(outbox).handleStream(batch)).toEqual({ batchItemFailures: [] });
    expect(sentIds()).toEqual([id]);
    expect(await outbox.row(id)).toMatchObject({ status: 'PUBLISHED' });
  });

  it('reports every candidate record, and sends nothing, when the rows cannot be read', async () => {
    const outbox = await freshOutbox();
    const events = [event(), event()];
    await outbox.write(events);
    const batch = await outbox.records(2);
    const send = doc.send.bind(doc);
    jest.spyOn(doc, 'send').mockImplementation((async (command: unknown) => {
      if (command instanceof BatchGetCommand) throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
      return send(command as never);
    }) as never);
    const response = await relayOn(outbox, { recheck: 'always' }).handleStream(batch);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(batch.Records.map((r) => r.dynamodb?.SequenceNumber));
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

describe('outbox relay: sweeper', () => {
  it('publishes PENDING rows older than the cut-off, oldest first and bounded per run, and leaves fresh ones to the stream', async () => {
    const outbox = await freshOutbox();
    const old = [event(), event(), event()];
    const fresh = [event(), event()];
    await outbox.write(old.slice(0, 1), new Date(Date.now() - 10 * 60_000));
    await outbox.write(old.slice(1, 2), new Date(Date.now() - 5 * 60_000));
    await outbox.write(old.slice(2), new Date(Date.now() - 4 * 60_000));
    await outbox.write(fresh);
    const relay = relayOn(outbox, { publishLanes: 1 });

    const first = await relay.sweep({ olderThanMs: 60_000, limit: 2 });
    expect(first).toMatchObject({ scanned: 2, more: true });
    expect(first.published.sort()).toEqual(old.slice(0, 2).map(idOf).sort());
    expect(sentIds()[0]).toBe(idOf(old[0] as OutgoingEvent)); // the oldest

    const second = await relay.sweep({ olderThanMs: 60_000 });
    expect(second).toMatchObject({ scanned: 1, more: false, published: [idOf(old[2] as OutgoingEvent)] });
    for (const e of old) expect(await outbox.row(idOf(e))).toMatchObject({ status: 'PUBLISHED' });
    for (const e of fresh) expect(await outbox.row(idOf(e))).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(sentIds()).toHaveLength(3);
  });

  it('runs from the schedule event through the Lambda handler and answers with counts', async () => {
    const outbox = await freshOutbox();
    await outbox.write([event(), event()], new Date(Date.now() - 5 * 60_000));
    const handler = createOutboxRelayHandler({ doc, table: outbox.table, publisher: publisher(), logger: quietLogger(), metrics: new Metrics({ namespace: 'RoadcallTest', serviceName: 'outbox-relay' }), env: {} });
    const summary = (await handler({ sweep: true }, lambdaContext)) as SweepSummary;
    expect(summary).toEqual({ scanned: 2, more: false, published: 2, retrying: 0, failed: 0, unconfirmed: 0, skipped: 0 });
    expect(emf().at(-1)).toMatchObject({ OutboxEventsSwept: 2, OutboxEventsPublished: 2, OutboxEventsFailed: 0 });
  });
});

describe('outbox relay handler configuration', () => {
  it('fails loudly, naming OUTBOX_TABLE, when the table is not configured', async () => {
    const handler = createOutboxRelayHandler({ doc, publisher: publisher(), logger: quietLogger(), metrics: new Metrics({ namespace: 'RoadcallTest', serviceName: 'outbox-relay' }), env: {} });
    await expect(handler({ sweep: true }, lambdaContext)).rejects.toThrow(/OUTBOX_TABLE is not set/);
  });

  it('builds the table from the environment lazily: importing and creating the handler needs no AWS configuration', () => {
    expect(() => createOutboxRelayHandler({ env: {} })).not.toThrow();
  });
});
