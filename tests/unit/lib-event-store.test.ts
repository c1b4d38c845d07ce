import { randomUUID } from 'node:crypto';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  appendContext,
  ConcurrencyError,
  createEventStore,
  EventStoreReadError,
  EventStoreWriteError,
  TransactionCancelledError,
  WriteConditionFailedError,
  writeWithOutbox,
} from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';

// How DynamoDB's answers map to the event store's typed errors, with the document client
// mocked: the cases DynamoDB Local does not produce on demand (conflicting transactions,
// throttling, reasons only in the message, network failures, malformed stored items).

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const ddb = mockClient(doc);
const store = createEventStore({ doc, table: 'events', outboxTable: 'outbox' });

beforeEach(() => ddb.reset());
afterAll(() => doc.destroy());

function event(aggregateId: string, sequence: number): OutgoingEvent {
  return {
    source: 'test.orders',
    detailType: 'OrderChanged',
    bus: 'core',
    busName: 'test-events',
    detail: { metadata: { eventId: randomUUID(), correlationId: 'c-1', eventVersion: '1.0', occurredAt: '2026-03-01T10:00:00.000Z', aggregateId, sequence, producer: 'orders' }, data: {} },
  };
}

const cancelled = (codes: string[], withReasons = true): TransactionCanceledException =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    ...(withReasons ? { CancellationReasons: codes.map((Code) => ({ Code, ...(Code === 'None' ? {} : { Message: `${Code} happened` }) })) } : {}),
  });

describe('event store: cancellation reasons -> typed errors', () => {
  it('sends one transaction: version check, event rows, outbox rows, extra writes, in that order', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.append({ aggregateId: 'o-1', aggregateType: 'Order', expectedVersion: 3, events: [event('o-1', 4)], extraWrites: [{ Put: { TableName: 'state', Item: { pk: 'o-1' } } }] });
    const input = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input as TransactWriteCommandInput;
    const items = input.TransactItems ?? [];
    expect(items.map((i) => Object.keys(i)[0])).toEqual(['ConditionCheck', 'Put', 'Put', 'Put']);
    expect(items[0]?.ConditionCheck).toMatchObject({ TableName: 'events', Key: { aggregateId: 'o-1', version: 3 }, ConditionExpression: 'attribute_exists(#v)' });
    expect(items[1]?.Put).toMatchObject({ TableName: 'events', Item: { aggregateId: 'o-1', version: 4 }, ConditionExpression: 'attribute_not_exists(#v)' });
    expect(items[2]?.Put).toMatchObject({ TableName: 'outbox', Item: { status: 'PENDING', sequence: 4 }, ConditionExpression: 'attribute_not_exists(id)' });
    expect(items[3]?.Put).toMatchObject({ TableName: 'state' });
  });

  it('reads a TransactionConflict on an event row as a concurrent writer: ConcurrencyError', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'TransactionConflict', 'None']));
    // Items: version 1 check, the event row (v2), its outbox row.
    const error = await store.append({ aggregateId: 'o-2', aggregateType: 'Order', expectedVersion: 1, events: [event('o-2', 2)] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect((error as ConcurrencyError).reasons.map((r) => r.code)).toEqual(['None', 'TransactionConflict', 'None']);
    expect((error as Error).cause).toBeInstanceOf(TransactionCanceledException);
  });

  it('reads the reasons from the message when the response has no CancellationReasons', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None'], false));
    await expect(store.append({ aggregateId: 'o-3', aggregateType: 'Order', expectedVersion: 0, events: [event('o-3', 1)] })).rejects.toBeInstanceOf(ConcurrencyError);
  });

  it('lists every reason of any other cancellation in TransactionCancelledError', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'ThrottlingError', 'None']));
    const error = await store.append({ aggregateId: 'o-4', aggregateType: 'Order', expectedVersion: 0, events: [event('o-4', 1)], extraWrites: [{ Update: { TableName: 'state', Key: { pk: 'o-4' }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 1 } } }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCancelledError);
    expect((error as TransactionCancelledError).reasons.map((r) => [r.code, r.item.split(' ')[0]])).toEqual([
      ['None', 'event'],
      ['ThrottlingError', 'outbox'],
      ['None', 'write'],
    ]);
    expect((error as Error).message).toMatch(/item 1 \(outbox row [0-9a-f-]+\): ThrottlingError ThrottlingError happened/);
  });

  it('maps a failed condition of a caller write during writeWithOutbox to WriteConditionFailedError naming the write', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'ConditionalCheckFailed', 'None']));
    const error = await writeWithOutbox({
      doc,
      outboxTable: 'outbox',
      events: [event('o-5', 1)],
      writes: [
        { Put: { TableName: 'state', Item: { pk: 'a' } } },
        { Update: { TableName: 'state', Key: { pk: 'b' }, UpdateExpression: 'SET v = :v', ConditionExpression: 'v = :old', ExpressionAttributeValues: { ':v': 2, ':old': 1 } } },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteConditionFailedError);
    expect(error).toMatchObject({ failedWrites: [1], existingEventIds: [] });
    expect((error as Error).message).toContain('write #1');
  });

  it('wraps any other failure (network, validation) in EventStoreWriteError with the cause', async () => {
    const network = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    ddb.on(TransactWriteCommand).rejects(network);
    const error = await store.append({ aggregateId: 'o-6', aggregateType: 'Order', expectedVersion: 0, events: [event('o-6', 1)] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreWriteError);
    expect((error as Error).cause).toBe(network);
    expect((error as Error).message).toContain('TimeoutError: socket hang up');
  });
});

describe('event store: load', () => {
  it('wraps a failed Query, and refuses an item that is not an event row, with EventStoreReadError', async () => {
    ddb.on(QueryCommand).rejectsOnce(new Error('throttled')).resolves({ Items: [{ aggregateId: 'o-7', version: 'one', detail: {} }] });
    await expect(store.load('o-7')).rejects.toThrow(EventStoreReadError);
    await expect(store.load('o-7')).rejects.toThrow(/version that is not an integer/);
  });

  it('reads strongly consistent by default, page after page', async () => {
    const row = (version: number) => ({ aggregateId: 'o-8', version, aggregateType: 'Order', eventId: `e${version}`, source: 's', detailType: 'D', occurredAt: 't', correlationId: 'c', detail: { metadata: {}, data: {} } });
    ddb.on(QueryCommand).resolvesOnce({ Items: [row(1)], LastEvaluatedKey: { aggregateId: 'o-8', version: 1 } }).resolvesOnce({ Items: [row(2)] });
    expect((await store.load('o-8')).map((e) => e.version)).toEqual([1, 2]);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls[0]).toMatchObject({ ConsistentRead: true });
    expect(calls[1]).toMatchObject({ ExclusiveStartKey: { aggregateId: 'o-8', version: 1 } });
  });
});

describe('appendContext', () => {
  it('gives the i-th event of an append its aggregateId and sequence, keeping the rest of the context', () => {
    expect(appendContext({ correlationId: 'c' }, 'agg', 4, 0)).toEqual({ correlationId: 'c', aggregateId: 'agg', sequence: 5 });
    expect(appendContext({}, 'agg', 4, 2)).toEqual({ aggregateId: 'agg', sequence: 7 });
  });
});
