import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdk } from '../clients/sdk';
import { ReferenceDataInputError, ReferenceDataSeedError } from './errors';

/**
 * A read-only table of reference data that a service seeds itself at start-up (database per
 * service: nothing outside the service reads its file, and what the service reads is its
 * table). The first read in a container looks for the seed's marker (a hash of the rows);
 * when absent it writes every row, then the marker. Rows are plain puts of the same data, so
 * two cold starts seeding at once write the same thing. A changed seed (a deployment) has
 * another hash: it is written again, and rows left from an older seed are never returned.
 *
 * @example
 * const products = createReferenceTable({ doc: clients.dynamoDbDocument, table: () => config().productsTable, rows: () => productRows });
 * const items = await products.query(joinKey('SHOP', shopId), 'PRODUCT#');
 */
export type ReferenceRow = Record<string, unknown> & { pk: string; sk: string };

export interface ReferenceTableOptions {
  doc: () => DynamoDBDocumentClient;
  /** Table with a string `pk` hash key and a string `sk` range key. */
  table: () => string;
  /** The rows to seed (read on first use, so a module can be imported without them built). */
  rows: () => readonly ReferenceRow[];
  /** How long a container keeps what it read before reading the table again. Default 60 s. */
  cacheMs?: number;
  /** BatchWriteItem rounds for unprocessed items before the seed fails (and is retried by the next call). Default 5. */
  maxRounds?: number;
  /** Where a seed's marker is written (default: pk `#SEED`, sk the hash); no row may have its key. */
  marker?: (hash: string) => { pk: string; sk: string };
  now?: () => number;
}

export interface ReferenceTable {
  /** Writes the seed unless its marker is there; true when this call wrote it. */
  ensureSeeded(): Promise<boolean>;
  /** The seed's rows with this partition key (and sort key prefix), in sort key order. */
  query(pk: string, skPrefix?: string): Promise<ReferenceRow[]>;
  /** The seed's rows with these keys (missing ones are left out), in the order asked. */
  getMany(keys: readonly { pk: string; sk: string }[]): Promise<ReferenceRow[]>;
  /** One row, or undefined. */
  get(key: { pk: string; sk: string }): Promise<ReferenceRow | undefined>;
  /** The seed's identity: a hash of its rows. */
  readonly hash: () => string;
}

/** The partition key of seed markers (reserved: rows may not use it). */
export const SEED_MARKER_PK = '#SEED';
/** BatchWriteItem takes at most 25 items per call, BatchGetItem at most 100 keys. */
export const BATCH_WRITE_MAX = 25;
export const BATCH_GET_MAX = 100;

/** A seed's identity: the same rows give the same hash, whatever order their keys were written in. */
export function seedHash(rows: readonly ReferenceRow[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16);
}

const defaultMarker = (hash: string): { pk: string; sk: string } => ({ pk: SEED_MARKER_PK, sk: hash });

function rowProblems(rows: readonly ReferenceRow[], marker: { pk: string; sk: string }): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (typeof row.pk !== 'string' || !row.pk || typeof row.sk !== 'string' || !row.sk) problems.push(`row #${i} needs a non-empty string pk and sk`);
    else if (row.pk === SEED_MARKER_PK) problems.push(`row #${i} uses the reserved pk ${SEED_MARKER_PK}`);
    else if (row.pk === marker.pk && row.sk === marker.sk) problems.push(`row #${i} has the key of the seed's marker (pk=${marker.pk} sk=${marker.sk})`);
    const key = `${row.pk}\u0000${row.sk}`;
    if (seen.has(key)) problems.push(`row #${i} repeats the key pk=${row.pk} sk=${row.sk}`);
    seen.add(key);
    if ('seed' in row) problems.push(`row #${i} has an attribute "seed" (reserved for the seed's hash)`);
  });
  return problems;
}

export function createReferenceTable(options: ReferenceTableOptions): ReferenceTable {
  const { doc, table, cacheMs = 60_000, maxRounds = 5, marker = defaultMarker, now = Date.now } = options;
  let rows: readonly ReferenceRow[] | undefined;
  let hash: string | undefined;
  let seeded = false;
  const cache = new Map<string, { at: number; rows: ReferenceRow[] }>();

  const seed = (): { rows: readonly ReferenceRow[]; hash: string } => {
    if (!rows) {
      const given = options.rows();
      const givenHash = seedHash(given);
      const problems = rowProblems(given, marker(givenHash));
      if (problems.length) throw new ReferenceDataInputError(table(), problems);
      rows = given;
      hash = givenHash;
    }
    return { rows, hash: hash as string };
  };
  const strip = (item: Record<string, unknown>): ReferenceRow => {
    const { seed: _seed, ...row } = item;
    return row as ReferenceRow;
  };

  async function ensureSeeded(): Promise<boolean> {
    if (seeded) return false;
    const { rows: all, hash: h } = seed();
    const D = sdk.document();
    const markerKey = marker(h);
    const found = await doc().send(new D.GetCommand({ TableName: table(), Key: markerKey, ConsistentRead: true }));
    if (found.Item) {
      seeded = true;
      return false;
    }
    for (let start = 0; start < all.length; start += BATCH_WRITE_MAX) {
      let requests: Record<string, unknown>[] = all.slice(start, start + BATCH_WRITE_MAX).map((row) => ({ PutRequest: { Item: { ...row, seed: h } } }));
      for (let round = 1; requests.length; round += 1) {
        if (round > maxRounds) throw new ReferenceDataSeedError(`seed ${h} of ${table()}: ${requests.length} row(s) still unwritten after ${maxRounds} BatchWriteItem rounds`);
        const out = await doc().send(new D.BatchWriteCommand({ RequestItems: { [table()]: requests } }));
        requests = (out.UnprocessedItems?.[table()] ?? []) as Record<string, unknown>[];
      }
    }
    // The marker last: a seed interrupted half-way is written again by the next start.
    await doc().send(new D.PutCommand({ TableName: table(), Item: { ...markerKey, rows: all.length, seededAt: new Date(now()).toISOString() } }));
    seeded = true;
    return true;
  }

  const cached = async (key: string, read: () => Promise<ReferenceRow[]>): Promise<ReferenceRow[]> => {
    const hit = cache.get(key);
    if (hit && now() - hit.at < cacheMs) return hit.rows;
    await ensureSeeded();
    const fresh = await read();
    cache.set(key, { at: now(), rows: fresh });
    return fresh;
  };

  return {
    ensureSeeded,
    hash: () => seed().hash,
    query: (pk, skPrefix) =>
      cached(`q\u0000${pk}\u0000${skPrefix ?? ''}`, async () => {
        const found: ReferenceRow[] = [];
        const pages = sdk.document().paginateQuery(
          { client: doc() },
          {
            TableName: table(),
            KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk, ...(skPrefix ? { ':sk': skPrefix } : {}) },
          },
        );
        for await (const page of pages) for (const item of page.Items ?? []) if (item['seed'] === seed().hash) found.push(strip(item));
        return found;
      }),
    getMany: (keys) =>
      cached(`g\u0000${keys.map((k) => `${k.pk}\u0001${k.sk}`).join('\u0000')}`, async () => {
        const byKey = new Map<string, ReferenceRow>();
        const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
        for (let start = 0; start < unique.length; start += BATCH_GET_MAX) {
          let pending: Record<string, unknown>[] = unique.slice(start, start + BATCH_GET_MAX);
          for (let round = 1; pending.length; round += 1) {
            if (round > maxRounds) throw new ReferenceDataSeedError(`${table()}: ${pending.length} key(s) still unread after ${maxRounds} BatchGetItem rounds`);
            const out = await doc().send(new (sdk.document().BatchGetCommand)({ RequestItems: { [table()]: { Keys: pending } } }));
            for (const item of out.Responses?.[table()] ?? []) if (item['seed'] === seed().hash) byKey.set(`${String(item['pk'])}\u0000${String(item['sk'])}`, strip(item));
            pending = (out.UnprocessedKeys?.[table()]?.Keys ?? []) as Record<string, unknown>[];
          }
        }
        return keys.flatMap((k) => byKey.get(`${k.pk}\u0000${k.sk}`) ?? []);
      }),
    async get(key) {
      return (await this.getMany([key]))[0];
    },
  };
}
