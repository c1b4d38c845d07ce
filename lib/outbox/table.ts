import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoffDelay, type Backoff } from '../backoff';
import { sdk } from '../clients/sdk';
import { OutboxStoreError } from './errors';
import { OUTBOX_STATUS_INDEX } from './row';
import { failedUpdate, publishedImage, publishedUpdate, pendingQuery, retryUpdate } from './table-writes';

export { MAX_ERROR_TEXT } from './table-writes';

/** DynamoDB's BatchGetItem limit. */
export const BATCH_GET_MAX_KEYS = 100;
/** DynamoDB's BatchWriteItem limit. */
export const BATCH_WRITE_MAX_ITEMS = 25;
const UNPROCESSED_RETRIES = 6;
/** Between calls that left items unprocessed: 50, 100, 200 ... ms, capped at 1 s, no jitter (the relay's lanes already spread the calls). */
export const UNPROCESSED_BACKOFF: Backoff = { baseMs: 50, maxMs: 1000, jitter: 'none' };

export type FailureRecord =
  /** Attempts incremented, still PENDING: a later run tries again. */
  | { status: 'retry'; attempts: number }
  /** Last attempt: the row is FAILED now (`item` is the row as updated). */
  | { status: 'failed'; attempts: number; item: Record<string, unknown> }
  /** The row was not PENDING any more (published or given up by another run): nothing changed. */
  | { status: 'not-pending' };

/** The relay's reads and writes of the outbox table (document client; every update conditioned on PENDING). */
export interface OutboxTable {
  /** Current items by id, strongly consistent (ids not found are absent). */
  read(ids: readonly string[]): Promise<Map<string, Record<string, unknown>>>;
  /**
   * PENDING -> PUBLISHED with `publishedAt` and the TTL `expiresAt` ('not-pending' when
   * another run got there first), for several rows in one TransactWriteItems (each update
   * conditioned on PENDING). If the transaction is cancelled (a row marked by another run meanwhile) or
   * fails, every row is marked on its own instead. An Error in the result: that row's mark
   * failed (it stays PENDING and will be sent again).
   */
  markPublishedAll(ids: readonly string[], at: number): Promise<Map<string, 'published' | 'not-pending' | Error>>;
  /**
   * PUBLISHED images of rows the caller holds (stream images, items read back), written
   * with BatchWriteItem (25 per call, unprocessed items retried): no condition, so about
   * three times the rows per second of conditional transactions (bench:outbox). Safe because
   * it runs only after PutEvents accepted every one of these rows: PUBLISHED is then true
   * whatever another run wrote meanwhile (a racing run marks the same; a row it gave up as
   * FAILED was published after all). What an image may overwrite is bookkeeping only
   * (`attempts`, `lastError`); outbox rows are never changed otherwise. The image keeps
   * every attribute but the event's `detail`: the event is on the bus (and in its archive,
   * and in the event store for event-sourced services), so a PUBLISHED row is its routing
   * record (id, source, detail-type, bus, aggregate, sequence, correlation, times), a third
   * of the bytes to write and to store until the TTL. An Error in the result: that row's
   * image was not written (it stays PENDING, with its detail, and will be sent again).
   */
  writePublishedImages(items: readonly Record<string, unknown>[], at: number): Promise<Map<string, 'published' | Error>>;
  /** One more failed attempt: stays PENDING, or becomes FAILED on the last allowed one (or at once when `permanent`). */
  recordFailure(id: string, reason: string, at: number, permanent: boolean): Promise<FailureRecord>;
  /** PENDING items created before `before` (ISO), oldest first, at most `limit`, from the `byStatus` index. */
  pendingBefore(before: string, limit: number): Promise<{ items: Record<string, unknown>[]; more: boolean }>;
}

export interface OutboxTableOptions {
  doc: DynamoDBDocumentClient;
  table: string;
  maxAttempts: number;
  publishedTtlSeconds: number;
  sleep?: (ms: number) => Promise<void>;
}

type UpdateInput = ConstructorParameters<typeof import('@aws-sdk/lib-dynamodb').UpdateCommand>[0];
type Resolved = Required<OutboxTableOptions>;

const isConditionFailure = (error: unknown): boolean => (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
const storeError = (what: string, cause: unknown): OutboxStoreError => new OutboxStoreError(`${what} failed: ${(cause as Error).message}`, { cause });

/**
 * Calls `call` with what is left until nothing is (batch calls leave items unprocessed
 * under load), waiting with backoff between calls; throws OutboxStoreError once the
 * retries are spent. `state.left` always holds what is not processed yet, also after a throw.
 */
async function drain<T>(o: Resolved, state: { left: T[] }, operation: string, call: (left: T[]) => Promise<T[]>): Promise<void> {
  for (let attempt = 0; state.left.length; attempt++) {
    if (attempt > UNPROCESSED_RETRIES) throw new OutboxStoreError(`${operation} on ${o.table} left ${state.left.length} item(s) unprocessed after ${UNPROCESSED_RETRIES} retries`);
    if (attempt) await o.sleep(backoffDelay(attempt, UNPROCESSED_BACKOFF));
    state.left = await call(state.left);
  }
}

async function update(o: Resolved, input: UpdateInput): Promise<Record<string, unknown> | undefined> {
  const out = await o.doc.send(new (sdk.document().UpdateCommand)(input));
  return out.Attributes;
}

async function readChunk(o: Resolved, ids: readonly string[], into: Map<string, Record<string, unknown>>): Promise<void> {
  await drain(o, { left: ids.map((id): Record<string, unknown> => ({ id })) }, 'BatchGetItem', async (keys) => {
    let out;
    try {
      out = await o.doc.send(new (sdk.document().BatchGetCommand)({ RequestItems: { [o.table]: { Keys: keys, ConsistentRead: true } } }));
    } catch (cause) {
      throw new OutboxStoreError(`reading ${ids.length} outbox row(s) from ${o.table} failed: ${(cause as Error).message}`, { cause });
    }
    for (const item of out.Responses?.[o.table] ?? []) if (typeof item['id'] === 'string') into.set(item['id'], item);
    return (out.UnprocessedKeys?.[o.table]?.Keys ?? []) as Record<string, unknown>[];
  });
}

async function markPublished(o: Resolved, id: string, at: number): Promise<'published' | 'not-pending'> {
  try {
    await update(o, publishedUpdate(o.table, id, at, o.publishedTtlSeconds));
    return 'published';
  } catch (error) {
    if (isConditionFailure(error)) return 'not-pending';
    throw storeError(`marking outbox row ${id} PUBLISHED`, error);
  }
}

async function markPublishedAll(o: Resolved, ids: readonly string[], at: number): Promise<Map<string, 'published' | 'not-pending' | Error>> {
  const results = new Map<string, 'published' | 'not-pending' | Error>();
  if (ids.length > 1) {
    try {
      await o.doc.send(new (sdk.document().TransactWriteCommand)({ TransactItems: ids.map((id) => ({ Update: publishedUpdate(o.table, id, at, o.publishedTtlSeconds) })) }));
      for (const id of ids) results.set(id, 'published');
      return results;
    } catch {
      // Cancelled (some row is not PENDING any more) or failed: one by one, each conditioned.
    }
  }
  for (const id of ids) results.set(id, await markPublished(o, id, at).catch((error: unknown) => error as Error));
  return results;
}

/** One BatchWriteItem chunk of PUBLISHED images: an Error for each row whose image was not written. */
async function writeImages(o: Resolved, chunk: readonly Record<string, unknown>[], at: number, results: Map<string, 'published' | Error>): Promise<void> {
  const state = { left: chunk.map((item) => ({ PutRequest: { Item: publishedImage(item, at, o.publishedTtlSeconds) } })) };
  let error: OutboxStoreError | undefined;
  try {
    await drain(o, state, 'BatchWriteItem', async (requests) => {
      const out = await o.doc.send(new (sdk.document().BatchWriteCommand)({ RequestItems: { [o.table]: requests } }));
      return (out.UnprocessedItems?.[o.table] ?? []) as typeof requests;
    });
  } catch (cause) {
    error = cause instanceof OutboxStoreError ? cause : storeError('marking outbox rows PUBLISHED', cause);
  }
  // Rows still left were not written; the others were.
  const left = new Set(state.left.map((r) => r.PutRequest.Item['id']));
  for (const item of chunk) results.set(String(item['id']), error && left.has(item['id']) ? error : 'published');
}

async function recordFailure(o: Resolved, id: string, reason: string, at: number, permanent: boolean): Promise<FailureRecord> {
  // Attempts left after this one: stay PENDING, in one conditional write. Otherwise (or
  // when that condition fails because this was the last attempt) become FAILED.
  if (!permanent && o.maxAttempts > 1) {
    try {
      const item = await update(o, retryUpdate(o.table, id, reason, at, o.maxAttempts));
      return { status: 'retry', attempts: Number(item?.['attempts'] ?? 0) };
    } catch (error) {
      if (!isConditionFailure(error)) throw storeError(`recording a failed attempt of outbox row ${id}`, error);
    }
  }
  try {
    const item = await update(o, failedUpdate(o.table, id, reason, at));
    return { status: 'failed', attempts: Number(item?.['attempts'] ?? o.maxAttempts), item: item ?? { id } };
  } catch (error) {
    if (isConditionFailure(error)) return { status: 'not-pending' };
    throw storeError(`marking outbox row ${id} FAILED`, error);
  }
}

async function pendingBefore(o: Resolved, before: string, limit: number): Promise<{ items: Record<string, unknown>[]; more: boolean }> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    let page;
    try {
      page = await o.doc.send(new (sdk.document().QueryCommand)(pendingQuery(o.table, OUTBOX_STATUS_INDEX, before, Math.min(BATCH_GET_MAX_KEYS, limit - items.length), start)));
    } catch (cause) {
      throw storeError(`querying PENDING rows of ${o.table}`, cause);
    }
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start && items.length < limit);
  return { items, more: start !== undefined };
}

/** The relay's reads and writes of its outbox table (see OutboxTable). */
export function createOutboxTable(options: OutboxTableOptions): OutboxTable {
  const o: Resolved = { ...options, sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))) };
  return {
    async read(ids) {
      const found = new Map<string, Record<string, unknown>>();
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += BATCH_GET_MAX_KEYS) await readChunk(o, unique.slice(i, i + BATCH_GET_MAX_KEYS), found);
      return found;
    },
    markPublishedAll: (ids, at) => markPublishedAll(o, ids, at),
    async writePublishedImages(items, at) {
      const results = new Map<string, 'published' | Error>();
      for (let i = 0; i < items.length; i += BATCH_WRITE_MAX_ITEMS) await writeImages(o, items.slice(i, i + BATCH_WRITE_MAX_ITEMS), at, results);
      return results;
    },
    recordFailure: (id, reason, at, permanent) => recordFailure(o, id, reason, at, permanent),
    pendingBefore: (before, limit) => pendingBefore(o, before, limit),
  };
}
