import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { createTableLike } from '../helpers/tables';
import { GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient as DocumentClient } from '@aws-sdk/lib-dynamodb';
import { incidentPublisher } from '../../generated';
import {
  AlreadyWrittenError,
  appendContext,
  ConcurrencyError,
  createEventStore,
  EventStoreInputError,
  EventStoreWriteError,
  ExpectedVersionNotFoundError,
  TransactionTooLargeError,
  WriteConditionFailedError,
  writeWithOutbox,
  type EventStore,
} from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { orderEvent, specExample } from '../helpers/factories';

// The event store and writeWithOutbox against DynamoDB Local, with the tables as
// serverless.yml declares them: every append is one transaction of event rows, outbox rows
// and the caller's writes; conflicts leave nothing behind.

const EVENTS = 'es-test-events';
const OUTBOX = 'es-test-outbox';
const STATE = 'es-test-state';
let ddb: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let store: EventStore;
const CREATED_AT = new Date('2026-03-01T10:00:00.000Z');

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  doc = DocumentClient.from(ddb.client, { marshallOptions: { removeUndefinedValues: true } });
  // The event store and outbox exactly as serverless.yml declares them.
  await createTableLike(ddb.client, 'EventStoreTable', EVENTS);
  await createTableLike(ddb.client, 'OutboxTable', OUTBOX);
  await ddb.client.send(
    new CreateTableCommand({ TableName: STATE, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }),
  );
  store = createEventStore({ doc, table: EVENTS, outboxTable: OUTBOX, now: () => CREATED_AT });
});

afterAll(async () => {
  doc?.destroy();
  await ddb?.stop();
});

// ---- fixtures ---------------------------------------------------------------------------

/** A generic envelope event as a generated builder returns it (lib knows no event names). */
const event = (aggregateId: string, sequence: number, data: Record<string, unknown> = {}, eventId: string = randomUUID()): OutgoingEvent =>
  orderEvent({ aggregateId, sequence, eventId, occurredAt: '2026-03-01T09:59:59.000Z', data: { aggregateId, sequence, ...data } });
const eventsFrom = (aggregateId: string, expectedVersion: number, n: number): OutgoingEvent[] => Array.from({ length: n }, (_, i) => event(aggregateId, expectedVersion + i + 1));
const eventIdOf = (e: OutgoingEvent): string => (e.detail as { metadata: { eventId: string } }).metadata.eventId;

async function outboxRow(id: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: OUTBOX, Key: { id }, ConsistentRead: true }))).Item;
}
async function stateRow(pk: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: STATE, Key: { pk }, ConsistentRead: true }))).Item;
}
async function outboxIdsOf(aggregateId: string): Promise<string[]> {
  const out = await doc.send(new ScanCommand({ TableName: OUTBOX, FilterExpression: 'aggregateId = :a', ExpressionAttributeValues: { ':a': aggregateId }, ConsistentRead: true }));
  return (out.Items ?? []).map((i) => i['id'] as string).sort();
}
const statePut = (pk: string, value: string) => ({ Put: { TableName: STATE, Item: { pk, value }, ConditionExpression: 'attribute_not_exists(pk)' } });

// ---- event store ------------------------------------------------------------------------

describe('event store: append and load', () => {
  it('round-trips events in version order with every stored field, page by page', async () => {
    const id = `order-${randomUUID()}`;
    const first = eventsFrom(id, 0, 2);
    await expect(store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events: first })).resolves.toEqual({ version: 2, eventIds: first.map(eventIdOf) });
    const second = eventsFrom(id, 2, 3);
    await store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 2, events: second });

    const loaded = await store.load(id, { pageSize: 2 });
    expect(loaded.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    expect(loaded.map((e) => e.eventId)).toEqual([...first, ...second].map(eventIdOf));
    expect(loaded[0]).toEqual({
      aggregateId: id,
      version: 1,
      aggregateType: 'Order',
      eventId: eventIdOf(first[0] as OutgoingEvent),
      source: 'test.orders',
      detailType: 'OrderChanged',
      occurredAt: '2026-03-01T09:59:59.000Z',
      correlationId: `corr-${id}`,
      detail: (first[0] as OutgoingEvent).detail,
    });
    expect((await store.load(id, { afterVersion: 3 })).map((e) => e.version)).toEqual([4, 5]);
    expect(await store.load(`order-${randomUUID()}`)).toEqual([]);
  });

  it('writes each event outbox row, PENDING, in the same transaction', async () => {
    const id = `order-${randomUUID()}`;
    const events = eventsFrom(id, 0, 2);
    await store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events });
    const row = await outboxRow(eventIdOf(events[1] as OutgoingEvent));
    expect(row).toEqual({
      id: eventIdOf(events[1] as OutgoingEvent),
      status: 'PENDING',
      createdAt: CREATED_AT.toISOString(),
      attempts: 0,
      source: 'test.orders',
      detailType: 'OrderChanged',
      bus: 'core',
      busName: 'test-events',
      detail: (events[1] as OutgoingEvent).detail,
      resources: [],
      aggregateId: id,
      sequence: 2,
      correlationId: `corr-${id}`,
    });
    expect(await outboxIdsOf(id)).toEqual(events.map(eventIdOf).sort());
  });

  it('stores events built by the generated builders (BuiltEvent), with appendContext giving aggregateId and sequence', async () => {
    const incidentId = randomUUID();
    const data = { ...specExample<{ data: Record<string, unknown> }>('incident', 'IncidentCreated').data, incidentId } as Parameters<typeof incidentPublisher.IncidentCreated>[0];
    const built = incidentPublisher.IncidentCreated(data, appendContext({ correlationId: 'corr-builder' }, incidentId, 0, 0));
    expect(built.detail.metadata).toMatchObject({ aggregateId: incidentId, sequence: 1, correlationId: 'corr-builder' });
    await store.append({ aggregateId: incidentId, aggregateType: 'Incident', expectedVersion: 0, events: [built] });
    const [stored] = await store.load(incidentId);
    expect(stored).toMatchObject({ version: 1, aggregateType: 'Incident', eventId: built.detail.metadata.eventId, detailType: 'IncidentCreated', correlationId: 'corr-builder' });
    expect(stored?.detail).toEqual(built.detail);
  });
});

describe('event store: optimistic concurrency', () => {
  it('lets exactly one of two concurrent appends at the same version win; the loser gets ConcurrencyError and leaves no outbox row', async () => {
    const id = `order-${randomUUID()}`;
    await store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events: eventsFrom(id, 0, 1) });
    const a = eventsFrom(id, 1, 2);
    const b = eventsFrom(id, 1, 2);
    const results = await Promise.allSettled([
      store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 1, events: a, extraWrites: [statePut(`${id}#a`, 'a')] }),
      store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 1, events: b, extraWrites: [statePut(`${id}#b`, 'b')] }),
    ]);
    const won = results.findIndex((r) => r.status === 'fulfilled');
    const lost = results.findIndex((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const error = (results[lost] as PromiseRejectedResult).reason as ConcurrencyError;
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ code: 'EVENT_STORE_CONCURRENCY', aggregateId: id, expectedVersion: 1 });
    expect(error.message).toContain(id);
    expect(error.cause).toBeDefined();

    const winner = won === 0 ? a : b;
    const loser = won === 0 ? b : a;
    expect((await store.load(id)).slice(1).map((e) => e.eventId)).toEqual(winner.map(eventIdOf));
    for (const e of loser) expect(await outboxRow(eventIdOf(e))).toBeUndefined();
    for (const e of winner) expect(await outboxRow(eventIdOf(e))).toMatchObject({ status: 'PENDING' });
    // The loser's extra write was rolled back with it; the winner's is there.
    expect(await stateRow(`${id}#${won === 0 ? 'b' : 'a'}`)).toBeUndefined();
    expect(await stateRow(`${id}#${won === 0 ? 'a' : 'b'}`)).toMatchObject({ value: won === 0 ? 'a' : 'b' });
  });

  it('rejects an append made on a stale version with ConcurrencyError naming the version taken, and rolls back extra writes', async () => {
    const id = `order-${randomUUID()}`;
    await store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events: eventsFrom(id, 0, 2) });
    const stale = eventsFrom(id, 1, 1);
    const error = await store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 1, events: stale, extraWrites: [statePut(`${id}#stale`, 'x')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect((error as ConcurrencyError).reasons.filter((r) => r.code !== 'None').map((r) => r.item)).toEqual([`event v2 (${eventIdOf(stale[0] as OutgoingEvent)})`]);
    expect(await stateRow(`${id}#stale`)).toBeUndefined();
    expect(await outboxRow(eventIdOf(stale[0] as OutgoingEvent))).toBeUndefined();
    expect((await store.load(id)).map((e) => e.version)).toEqual([1, 2]);
  });

  it('refuses to append past the aggregate version (no gap): ExpectedVersionNotFoundError, nothing written', async () => {
    const id = `order-${randomUUID()}`;
    await store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events: eventsFrom(id, 0, 1) });
    const ahead = eventsFrom(id, 3, 1);
    await expect(store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 3, events: ahead })).rejects.toBeInstanceOf(ExpectedVersionNotFoundError);
    expect((await store.load(id)).map((e) => e.version)).toEqual([1]);
    expect(await outboxRow(eventIdOf(ahead[0] as OutgoingEvent))).toBeUndefined();
  });
});

describe('event store: input checks before any write', () => {
  it('fails loudly on events whose envelope does not carry the aggregate and its next sequence numbers', async () => {
    const id = `order-${randomUUID()}`;
    const send = jest.spyOn(doc, 'send');
    try {
      const wrongSequence = [event(id, 1), event(id, 3)];
      const error = (await store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events: wrongSequence }).catch((e: unknown) => e)) as EventStoreInputError;
      expect(error).toBeInstanceOf(EventStoreInputError);
      expect(error.problems).toEqual(['event #1 OrderChanged: metadata.sequence must be 2 (expectedVersion 0 + 2), got 3']);
      await expect(store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events: [event('another', 1)] })).rejects.toThrow(/metadata.aggregateId must be/);
      const noEnvelope: OutgoingEvent = { source: 's', detailType: 'X', bus: 'core', busName: 'b', detail: { data: {} } };
      await expect(store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events: [noEnvelope] })).rejects.toThrow(/metadata.eventId is missing/);
      await expect(store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events: [] })).rejects.toThrow(/no events/);
      await expect(store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events: [event(id, 1)], extraWrites: [{ Put: undefined } as never] })).rejects.toThrow(/write #0 must have exactly one of Put/);
      expect(send).not.toHaveBeenCalled();
    } finally {
      send.mockRestore();
    }
  });

  it('respects the 100-item transaction limit: 50 events fit, 51 (or 50 plus a write) get TransactionTooLargeError', async () => {
    const id = `order-${randomUUID()}`;
    await expect(store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events: eventsFrom(id, 0, 50) })).resolves.toMatchObject({ version: 50 });
    const other = `order-${randomUUID()}`;
    const error = await store.append({ aggregateId: other, aggregateType: 'Order', expectedVersion: 0, events: eventsFrom(other, 0, 51) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionTooLargeError);
    expect((error as Error).message).toContain('102 items in one transaction (51 event, 51 outbox)');
    // At version 50 an append also checks that version 50 exists: 1 + 2 x 49 + 1 write = 100.
    await expect(store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 50, events: eventsFrom(id, 50, 49), extraWrites: [statePut(`${id}#big`, 'x')] })).resolves.toMatchObject({ version: 99 });
    await expect(store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 99, events: eventsFrom(id, 99, 50) })).rejects.toBeInstanceOf(TransactionTooLargeError);
  });

  it('wraps a write DynamoDB rejects as a whole (two operations on one item) in EventStoreWriteError with the cause', async () => {
    const id = `order-${randomUUID()}`;
    const events = eventsFrom(id, 0, 1);
    const clash = { Put: { TableName: OUTBOX, Item: { id: eventIdOf(events[0] as OutgoingEvent), status: 'PUBLISHED' } } };
    const error = await store.append({ aggregateId: id, aggregateType: 'Order', expectedVersion: 0, events, extraWrites: [clash] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreWriteError);
    expect((error as Error).cause).toMatchObject({ name: 'ValidationException' });
    expect(await store.load(id)).toEqual([]);
  });
});

// ---- writeWithOutbox --------------------------------------------------------------------

describe('writeWithOutbox', () => {
  it('writes the state rows and the outbox rows in one transaction', async () => {
    const pk = `offer-${randomUUID()}`;
    const events = [event(pk, 1)];
    await expect(writeWithOutbox({ doc, outboxTable: OUTBOX, events, writes: [statePut(pk, 'open')], now: CREATED_AT })).resolves.toEqual({ eventIds: events.map(eventIdOf), items: 2 });
    expect(await stateRow(pk)).toEqual({ pk, value: 'open' });
    expect(await outboxRow(eventIdOf(events[0] as OutgoingEvent))).toMatchObject({ status: 'PENDING', attempts: 0, createdAt: CREATED_AT.toISOString(), aggregateId: pk, sequence: 1 });
  });

  it('answers a repeated write (same derived eventIds) with AlreadyWrittenError and changes nothing', async () => {
    const pk = `offer-${randomUUID()}`;
    const eventId = randomUUID();
    await writeWithOutbox({ doc, outboxTable: OUTBOX, events: [event(pk, 1, {}, eventId)], writes: [statePut(pk, 'first')] });
    const error = await writeWithOutbox({ doc, outboxTable: OUTBOX, events: [event(pk, 1, { again: true }, eventId)], writes: [statePut(pk, 'second')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlreadyWrittenError);
    expect(error).toMatchObject({ code: 'EVENT_STORE_ALREADY_WRITTEN', existingEventIds: [eventId], failedWrites: [0] });
    expect(await stateRow(pk)).toMatchObject({ value: 'first' });
    expect((await outboxRow(eventId))?.['detail']).toMatchObject({ data: { aggregateId: pk } });
    expect(((await outboxRow(eventId))?.['detail'] as { data: Record<string, unknown> }).data['again']).toBeUndefined();
  });

  it('answers a failed condition of the caller only with WriteConditionFailedError (not AlreadyWritten) and writes no outbox row', async () => {
    const pk = `offer-${randomUUID()}`;
    await writeWithOutbox({ doc, outboxTable: OUTBOX, events: [event(pk, 1)], writes: [statePut(pk, 'first')] });
    const fresh = event(pk, 2);
    const error = await writeWithOutbox({ doc, outboxTable: OUTBOX, events: [fresh], writes: [statePut(pk, 'second')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteConditionFailedError);
    expect(error).not.toBeInstanceOf(AlreadyWrittenError);
    expect(error).toMatchObject({ failedWrites: [0], existingEventIds: [] });
    expect(await outboxRow(eventIdOf(fresh))).toBeUndefined();
  });
});
