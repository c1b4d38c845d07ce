import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, type BatchGetCommandInput, type BatchWriteCommandInput, type GetCommandInput, type PutCommandInput, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createReferenceTable, ReferenceDataInputError, ReferenceDataSeedError, SEED_MARKER_PK, seedHash, type ReferenceRow } from '../../lib/reference-data';

// lib/reference-data: a service's read-only reference data seeded into its own table on
// first read. The document client is mocked by a small in-memory table (the calls it gets
// and what DynamoDB would answer), so seeding, re-seeding and reads are observable.

type Item = Record<string, unknown>;
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const ddb = mockClient(doc);
let items: Map<string, Item>;
let unprocessedRounds: number;
const key = (i: Item): string => `${String(i['pk'])}\u0000${String(i['sk'])}`;

beforeEach(() => {
  ddb.reset();
  items = new Map();
  unprocessedRounds = 0;
  ddb.on(GetCommand).callsFake((input: GetCommandInput) => ({ Item: items.get(key(input.Key as Item)) }));
  ddb.on(PutCommand).callsFake((input: PutCommandInput) => {
    items.set(key(input.Item as Item), input.Item as Item);
    return {};
  });
  ddb.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => {
    const [table, requests] = Object.entries(input.RequestItems ?? {})[0] as [string, { PutRequest?: { Item: Item } }[]];
    // Throttling: the last item of the batch is left unprocessed while rounds remain.
    const done = unprocessedRounds > 0 ? requests.slice(0, -1) : requests;
    const left = unprocessedRounds > 0 ? requests.slice(-1) : [];
    unprocessedRounds -= 1;
    for (const r of done) if (r.PutRequest) items.set(key(r.PutRequest.Item), r.PutRequest.Item);
    return { UnprocessedItems: left.length ? { [table]: left } : {} };
  });
  ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    const values = input.ExpressionAttributeValues as { ':pk': string; ':sk'?: string };
    const found = [...items.values()].filter((i) => i['pk'] === values[':pk'] && (values[':sk'] === undefined || String(i['sk']).startsWith(values[':sk']))).sort((a, b) => String(a['sk']).localeCompare(String(b['sk'])));
    return { Items: found };
  });
  ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
    const [table, { Keys }] = Object.entries(input.RequestItems ?? {})[0] as [string, { Keys: Item[] }];
    return { Responses: { [table]: Keys.flatMap((k) => items.get(key(k)) ?? []) } };
  });
});
afterAll(() => doc.destroy());

const rows = (n: number, pk = 'SHOP#s1'): ReferenceRow[] => Array.from({ length: n }, (_, i) => ({ pk, sk: `PRODUCT#${String(i).padStart(3, '0')}`, name: `p${i}` }));
const table = (seed: readonly ReferenceRow[], options: { now?: () => number; cacheMs?: number } = {}) => createReferenceTable({ doc: () => doc, table: () => 'products', rows: () => seed, ...options });

describe('createReferenceTable', () => {
  it('seeds every row (25 per BatchWriteItem), then the marker, on the first read only', async () => {
    // Prepare
    const t = table(rows(30));
    // Act
    const first = await t.query('SHOP#s1', 'PRODUCT#');
    const again = await t.ensureSeeded();
    // Assess
    expect(first.map((r) => r['name'])).toEqual(rows(30).map((r) => r['name']));
    expect(first[0]).toEqual({ pk: 'SHOP#s1', sk: 'PRODUCT#000', name: 'p0' });
    expect(ddb.commandCalls(BatchWriteCommand).map((c) => Object.values(c.args[0].input.RequestItems ?? {})[0]?.length)).toEqual([25, 5]);
    expect(items.get(`${SEED_MARKER_PK}\u0000${seedHash(rows(30))}`)).toMatchObject({ rows: 30 });
    expect(again).toBe(false);
  });

  it('does not write a seed another container wrote (its marker is there)', async () => {
    await table(rows(3)).ensureSeeded();
    ddb.resetHistory();
    expect(await table(rows(3)).ensureSeeded()).toBe(false);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('reads only the current seed: a row removed from the data is not read any more', async () => {
    await table(rows(3)).query('SHOP#s1');
    const smaller = table(rows(2));
    expect((await smaller.query('SHOP#s1')).map((r) => r.sk)).toEqual(['PRODUCT#000', 'PRODUCT#001']);
  });

  it('gets rows by key in the order asked, leaving out missing ones', async () => {
    const t = table([...rows(2), ...rows(1, 'SHOP#s2')]);
    const got = await t.getMany([{ pk: 'SHOP#s2', sk: 'PRODUCT#000' }, { pk: 'SHOP#s1', sk: 'PRODUCT#404' }, { pk: 'SHOP#s1', sk: 'PRODUCT#001' }]);
    expect(got.map((r) => `${r.pk}/${r.sk}`)).toEqual(['SHOP#s2/PRODUCT#000', 'SHOP#s1/PRODUCT#001']);
    expect(await t.get({ pk: 'SHOP#s1', sk: 'PRODUCT#404' })).toBeUndefined();
  });

  it('retries unprocessed items, and fails by name after maxRounds (marker not written, so the next call seeds again)', async () => {
    unprocessedRounds = 2;
    await table(rows(3)).ensureSeeded();
    expect([...items.keys()].filter((k) => k.startsWith('SHOP#'))).toHaveLength(3);

    items.clear();
    unprocessedRounds = 100;
    const t = createReferenceTable({ doc: () => doc, table: () => 'products', rows: () => rows(3), maxRounds: 3 });
    await expect(t.ensureSeeded()).rejects.toThrow(ReferenceDataSeedError);
    await expect(t.ensureSeeded()).rejects.toThrow(`1 row(s) still unwritten after 3 BatchWriteItem rounds`);
    expect([...items.keys()].some((k) => k.startsWith(SEED_MARKER_PK))).toBe(false);
  });

  it('writes its marker where the service says, and refuses a row with the marker\'s key', async () => {
    const marker = (hash: string) => ({ pk: 'SHOP#s1', sk: `SEED#${hash}` });
    const seeded = createReferenceTable({ doc: () => doc, table: () => 'products', rows: () => rows(2), marker });
    expect(await seeded.ensureSeeded()).toBe(true);
    expect(items.has(`SHOP#s1\u0000SEED#${seeded.hash()}`)).toBe(true);
    expect((await seeded.query('SHOP#s1', 'PRODUCT#')).map((r) => r.sk)).toEqual(['PRODUCT#000', 'PRODUCT#001']);
    const clash = createReferenceTable({ doc: () => doc, table: () => 'products', rows: () => [{ pk: 'X', sk: 'Y' }], marker: () => ({ pk: 'X', sk: 'Y' }) });
    await expect(clash.ensureSeeded()).rejects.toThrow(ReferenceDataInputError);
  });

  it('refuses bad rows before writing anything, listing every problem', async () => {
    const bad = [{ pk: 'A', sk: '1' }, { pk: 'A', sk: '1' }, { pk: SEED_MARKER_PK, sk: 'x' }, { pk: '', sk: 'y' }, { pk: 'B', sk: '2', seed: 'mine' }] as ReferenceRow[];
    const error = await table(bad).ensureSeeded().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReferenceDataInputError);
    expect((error as ReferenceDataInputError).problems).toEqual([
      'row #1 repeats the key pk=A sk=1',
      'row #2 uses the reserved pk #SEED',
      'row #3 needs a non-empty string pk and sk',
      'row #4 has an attribute "seed" (reserved for the seed\'s hash)',
    ]);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('keeps what it read for cacheMs, then reads the table again', async () => {
    let now = 0;
    const t = table(rows(2), { now: () => now, cacheMs: 1000 });
    await t.query('SHOP#s1');
    await t.query('SHOP#s1');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    now = 1001;
    await t.query('SHOP#s1');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2);
  });
});
