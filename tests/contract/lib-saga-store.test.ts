import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { OutgoingEvent } from '../../lib/envelope';
import { createDynamoDbSagaStore, SagaConflictError, type SagaState, type SagaStore } from '../../lib/saga';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { createTableLike } from '../helpers/tables';

// The saga store on DynamoDB Local: a state and its commands' outbox rows in one
// transaction, at the next version only; a stale writer gets SagaConflictError and
// leaves nothing behind (no state, no outbox row).

const SAGAS = 'saga-test-sagas';
const OUTBOX = 'saga-test-outbox';
let ddb: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let store: SagaStore;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  doc = DynamoDBDocumentClient.from(ddb.client, { marshallOptions: { removeUndefinedValues: true } });
  // Both tables exactly as serverless.yml declares them.
  await createTableLike(ddb.client, 'SagaTable', SAGAS);
  await createTableLike(ddb.client, 'OutboxTable', OUTBOX);
  store = createDynamoDbSagaStore({ doc, table: SAGAS, outboxTable: OUTBOX });
}, 60_000);

afterAll(async () => {
  doc?.destroy();
  await ddb?.stop();
});

const state = (sagaId: string, version: number, status: SagaState<unknown>['status'] = 'RUNNING'): SagaState<{ n: number }> => ({
  sagaId,
  saga: 'booking',
  status,
  data: { n: version },
  correlationId: 'c',
  step: 0,
  phase: 'forward',
  attempt: 1,
  completed: [],
  pending: [],
  startedAt: '2026-12-02T12:00:00.000Z',
  deadline: '2026-12-02T12:00:30.000Z',
  sequence: version,
  version,
  history: [],
});

const command = (eventId: string): OutgoingEvent => ({ source: 'test.booking', detailType: 'ReserveSeat', bus: 'core', busName: 'core-bus', detail: { metadata: { eventId, correlationId: 'c' }, data: {} } });

const outboxIds = async (): Promise<string[]> => ((await doc.send(new ScanCommand({ TableName: OUTBOX }))).Items ?? []).map((i) => i['id'] as string).sort();

it('stores a new saga with its first command, then each next version with its commands, all or nothing', async () => {
  await store.save(state('s-1', 1), [command('00000000-0000-4000-8000-000000000001')]);
  await store.save(state('s-1', 2), [command('00000000-0000-4000-8000-000000000002')]);
  await store.save(state('s-1', 3, 'COMPLETED'), []);
  expect(await store.load('s-1')).toMatchObject({ version: 3, status: 'COMPLETED', data: { n: 3 } });
  const item = (await doc.send(new GetCommand({ TableName: SAGAS, Key: { sagaId: 's-1' } }))).Item;
  expect(item).toMatchObject({ sagaId: 's-1', saga: 'booking', status: 'COMPLETED', version: 3 });
  expect(await outboxIds()).toEqual(['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002']);
});

it('refuses a stale version or a second start with SagaConflictError, writing no state and no outbox row', async () => {
  await store.save(state('s-2', 1), [command('00000000-0000-4000-8000-000000000021')]);
  await expect(store.save(state('s-2', 1), [command('00000000-0000-4000-8000-000000000022')])).rejects.toBeInstanceOf(SagaConflictError);
  await store.save(state('s-2', 2), [command('00000000-0000-4000-8000-000000000023')]);
  await expect(store.save(state('s-2', 2), [command('00000000-0000-4000-8000-000000000024')])).rejects.toBeInstanceOf(SagaConflictError);
  await expect(store.save(state('s-2', 4), [])).rejects.toBeInstanceOf(SagaConflictError);
  expect((await store.load('s-2'))?.version).toBe(2);
  const ids = await outboxIds();
  expect(ids).toContain('00000000-0000-4000-8000-000000000023');
  expect(ids).not.toContain('00000000-0000-4000-8000-000000000022');
  expect(ids).not.toContain('00000000-0000-4000-8000-000000000024');
});

it('loads nothing for an unknown saga', async () => {
  expect(await store.load('nope')).toBeUndefined();
});
