import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { OutgoingEvent } from '../../lib/envelope';
import { createDynamoDbGatherStore, type GatherState, type GatherStore } from '../../lib/gather';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { createTableLike } from '../helpers/tables';

// The gather store on DynamoDB Local, in the read-model table as serverless.yml declares
// it: a round and its requests' outbox rows in one transaction; each answer one
// conditional update (a duplicate, an unasked responder, a late answer or one after the
// end writes nothing); the end exactly once, with the domain's writes and events.

const TABLE = 'gather-test-read-models';
const OUTBOX = 'gather-test-outbox';
let ddb: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let store: GatherStore;
const key = (requestId: string) => ({ pk: `GATHER#${requestId}`, sk: 'STATE' });

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  doc = DynamoDBDocumentClient.from(ddb.client, { marshallOptions: { removeUndefinedValues: true } });
  await createTableLike(ddb.client, 'ReadModelTable', TABLE);
  await createTableLike(ddb.client, 'OutboxTable', OUTBOX);
  store = createDynamoDbGatherStore({ doc, table: TABLE, outboxTable: OUTBOX, key });
}, 60_000);

afterAll(async () => {
  doc?.destroy();
  await ddb?.stop();
});

const round = (requestId: string): GatherState<{ jobId: string }> => ({
  requestId,
  gather: 'planning',
  status: 'PENDING',
  input: { jobId: 'j1' },
  responders: { crews: { required: true }, prices: { required: false } },
  answers: {},
  correlationId: 'c',
  startedAt: '2026-12-03T09:00:00.000Z',
  deadline: '2026-12-03T09:00:05.000Z',
  version: 1,
});
const event = (eventId: string, detailType = 'CrewsRequested'): OutgoingEvent => ({ source: 'test.planner', detailType, bus: 'core', busName: 'core-bus', detail: { metadata: { eventId, correlationId: 'c' }, data: {} } });
const at = (second: number) => ({ kind: 'response' as const, detailType: 'CrewsListed', eventId: `e-${second}`, at: `2026-12-03T09:00:0${second}.000Z`, data: { n: second } });
const outboxIds = async (): Promise<string[]> => ((await doc.send(new ScanCommand({ TableName: OUTBOX }))).Items ?? []).map((i) => String(i['id'])).sort();

describe('DynamoDB gather store', () => {
  it('stores a round with its requests once; a second create writes nothing', async () => {
    // Act
    const first = await store.create(round('r1'), [event('11111111-1111-4111-8111-111111111111'), event('22222222-2222-4222-8222-222222222222', 'PricesRequested')]);
    const again = await store.create(round('r1'), [event('11111111-1111-4111-8111-111111111111'), event('22222222-2222-4222-8222-222222222222', 'PricesRequested')]);

    // Assess
    expect([first, again]).toEqual([true, false]);
    expect(await store.load('r1')).toEqual(round('r1'));
    expect((await outboxIds()).filter((id) => id.startsWith('1111') || id.startsWith('2222'))).toHaveLength(2);
  });

  it('records each responder once, not an unasked responder, nor an answer after the deadline', async () => {
    // Prepare
    await store.create(round('r2'), [event('33333333-3333-4333-8333-333333333333')]);

    // Act
    const first = await store.record('r2', 'crews', at(1));
    const duplicate = await store.record('r2', 'crews', at(2));
    const stranger = await store.record('r2', 'weather', at(1));
    const late = await store.record('r2', 'prices', at(6));
    const unknown = await store.record('r-none', 'crews', at(1));

    // Assess
    expect(first).toMatchObject({ status: 'PENDING', version: 2, answers: { crews: { eventId: 'e-1', data: { n: 1 } } } });
    expect([duplicate, stranger, late, unknown]).toEqual([undefined, undefined, undefined, undefined]);
    expect((await store.load('r2'))?.answers).toEqual({ crews: at(1) });
  });

  it('ends a round exactly once among concurrent finishers, with the winner\'s writes and events only', async () => {
    // Prepare
    await store.create(round('r3'), [event('44444444-4444-4444-8444-444444444444')]);
    const final: GatherState<{ jobId: string }> = { ...round('r3'), status: 'PARTIAL', reason: 'prices did not answer by the deadline', endedAt: '2026-12-03T09:00:05.000Z', version: 2 };

    // Act: five finishers race, each with its own result row and event.
    const wins = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        store.finish(final, { writes: [{ Put: { TableName: TABLE, Item: { pk: `RESULT#r3#${n}`, sk: 'STATE' } } }], events: [event(`5555555${n}-5555-4555-8555-555555555555`, 'PlanReady')] }),
      ),
    );

    // Assess
    expect(wins.filter(Boolean)).toHaveLength(1);
    const winner = wins.indexOf(true) + 1;
    expect(await store.load('r3')).toMatchObject({ status: 'PARTIAL', reason: 'prices did not answer by the deadline', version: 2 });
    const results = await Promise.all([1, 2, 3, 4, 5].map(async (n) => (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: `RESULT#r3#${n}`, sk: 'STATE' } }))).Item !== undefined));
    expect(results.map((written, i) => (written ? i + 1 : 0)).filter(Boolean)).toEqual([winner]);
    expect((await outboxIds()).filter((id) => id.startsWith('5555555'))).toEqual([`5555555${winner}-5555-4555-8555-555555555555`]);
    expect(await store.record('r3', 'prices', at(1))).toBeUndefined();
  });
});
