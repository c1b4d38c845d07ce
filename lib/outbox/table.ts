import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdk } from '../clients/sdk';
import { OutboxStoreError } from './errors';
import { OUTBOX_STATUS, OUTBOX_STATUS_INDEX } from './row';

/** DynamoDB's BatchGetItem limit. */
export const BATCH_GET_MAX_KEYS = 100;
/** DynamoDB's BatchWriteItem limit. */
export const BATCH_WRITE_MAX_ITEMS = 25;
/** Longest `lastError` kept on a row. */
export const MAX_ERROR_TEXT = 1000;
const UNPROCESSED_RETRIES = 6;

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

const isConditionFailure = (error: unknown): boolean => (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
const clip = (text: string): string => (text.length <= MAX_ERROR_TEXT ? text : `${text.slice(0, MAX_ERROR_TEXT - 1)}…`);
const iso = (ms: number): string => new Date(ms).toISOString();

export function createOutboxTable(options: OutboxTableOptions): OutboxTable {
  const { doc, table, maxAttempts } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const names = { '#s': 'status' };

  /** Before attempt `attempt` of a batch call: waits with backoff after the first, throws once the retries of what is left unprocessed are spent. */
  async function beforeAttempt(attempt: number, operation: string, left: number): Promise<void> {
    if (attempt > UNPROCESSED_RETRIES) throw new OutboxStoreError(`${operation} on ${table} left ${left} item(s) unprocessed after ${UNPROCESSED_RETRIES} retries`);
    if (attempt) await sleep(Math.min(1000, 25 * 2 ** attempt));
  }

  async function readChunk(ids: readonly string[], into: Map<string, Record<string, unknown>>): Promise<void> {
    let keys: Record<string, unknown>[] = ids.map((id) => ({ id }));
    for (let attempt = 0; keys.length; attempt++) {
      await beforeAttempt(attempt, 'BatchGetItem', keys.length);
      let out;
      try {
        out = await doc.send(new (sdk.document().BatchGetCommand)({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
      } catch (cause) {
        throw new OutboxStoreError(`reading ${ids.length} outbox row(s) from ${table} failed: ${(cause as Error).message}`, { cause });
      }
      for (const item of out.Responses?.[table] ?? []) if (typeof item['id'] === 'string') into.set(item['id'], item);
      keys = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }

  async function update(input: UpdateInput): Promise<Record<string, unknown> | undefined> {
    const out = await doc.send(new (sdk.document().UpdateCommand)(input));
    return out.Attributes;
  }

  function publishedUpdate(id: string, at: number) {
    return {
      TableName: table,
      Key: { id },
      UpdateExpression: 'SET #s = :published, publishedAt = :at, lastAttemptAt = :at, expiresAt = :ttl ADD attempts :one',
      ConditionExpression: '#s = :pending',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':published': OUTBOX_STATUS.published, ':pending': OUTBOX_STATUS.pending, ':at': iso(at), ':ttl': Math.floor(at / 1000) + options.publishedTtlSeconds, ':one': 1 },
    };
  }

  async function markPublished(id: string, at: number): Promise<'published' | 'not-pending'> {
    try {
      await update(publishedUpdate(id, at));
      return 'published';
    } catch (error) {
      if (isConditionFailure(error)) return 'not-pending';
      throw new OutboxStoreError(`marking outbox row ${id} PUBLISHED failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async function markFailed(id: string, reason: string, at: number): Promise<FailureRecord> {
    try {
      const item = await update({
        TableName: table,
        Key: { id },
        UpdateExpression: 'SET #s = :failed, failedAt = :at, lastAttemptAt = :at, lastError = :e ADD attempts :one',
        ConditionExpression: '#s = :pending',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':failed': OUTBOX_STATUS.failed, ':pending': OUTBOX_STATUS.pending, ':at': iso(at), ':e': clip(reason), ':one': 1 },
        ReturnValues: 'ALL_NEW',
      });
      return { status: 'failed', attempts: Number(item?.['attempts'] ?? maxAttempts), item: item ?? { id } };
    } catch (error) {
      if (isConditionFailure(error)) return { status: 'not-pending' };
      throw new OutboxStoreError(`marking outbox row ${id} FAILED failed: ${(error as Error).message}`, { cause: error });
    }
  }

  return {
    async read(ids) {
      const found = new Map<string, Record<string, unknown>>();
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += BATCH_GET_MAX_KEYS) await readChunk(unique.slice(i, i + BATCH_GET_MAX_KEYS), found);
      return found;
    },

    async markPublishedAll(ids, at) {
      const results = new Map<string, 'published' | 'not-pending' | Error>();
      if (ids.length > 1) {
        try {
          await doc.send(new (sdk.document().TransactWriteCommand)({ TransactItems: ids.map((id) => ({ Update: publishedUpdate(id, at) })) }));
          for (const id of ids) results.set(id, 'published');
          return results;
        } catch {
          // Cancelled (some row is not PENDING any more) or failed: one by one, each conditioned.
        }
      }
      for (const id of ids) results.set(id, await markPublished(id, at).catch((error: unknown) => error as Error));
      return results;
    },

    async writePublishedImages(items, at) {
      const results = new Map<string, 'published' | Error>();
      const expiresAt = Math.floor(at / 1000) + options.publishedTtlSeconds;
      const when = iso(at);
      for (let i = 0; i < items.length; i += BATCH_WRITE_MAX_ITEMS) {
        const chunk = items.slice(i, i + BATCH_WRITE_MAX_ITEMS);
        let requests: { PutRequest: { Item: Record<string, unknown> } }[] = chunk.map(({ detail: _sent, ...item }) => ({
          PutRequest: { Item: { ...item, status: OUTBOX_STATUS.published, publishedAt: when, lastAttemptAt: when, expiresAt, attempts: (typeof item['attempts'] === 'number' ? item['attempts'] : 0) + 1 } },
        }));
        let error: OutboxStoreError | undefined;
        try {
          for (let attempt = 0; requests.length; attempt++) {
            await beforeAttempt(attempt, 'BatchWriteItem', requests.length);
            const out = await doc.send(new (sdk.document().BatchWriteCommand)({ RequestItems: { [table]: requests } }));
            requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
          }
        } catch (cause) {
          error = cause instanceof OutboxStoreError ? cause : new OutboxStoreError(`marking outbox rows PUBLISHED failed: ${(cause as Error).message}`, { cause });
        }
        // Rows still in `requests` were not written; the others were.
        const left = new Set(requests.map((r) => r.PutRequest.Item['id']));
        for (const item of chunk) results.set(String(item['id']), error && left.has(item['id']) ? error : 'published');
      }
      return results;
    },

    async recordFailure(id, reason, at, permanent) {
      // Attempts left after this one: stay PENDING, in one conditional write. Otherwise (or
      // when that condition fails because this was the last attempt) become FAILED.
      if (!permanent && maxAttempts > 1) {
        try {
          const item = await update({
            TableName: table,
            Key: { id },
            UpdateExpression: 'SET lastAttemptAt = :at, lastError = :e ADD attempts :one',
            ConditionExpression: '#s = :pending AND (attribute_not_exists(attempts) OR attempts < :last)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':pending': OUTBOX_STATUS.pending, ':at': iso(at), ':e': clip(reason), ':one': 1, ':last': maxAttempts - 1 },
            ReturnValues: 'UPDATED_NEW',
          });
          return { status: 'retry', attempts: Number(item?.['attempts'] ?? 0) };
        } catch (error) {
          if (!isConditionFailure(error)) throw new OutboxStoreError(`recording a failed attempt of outbox row ${id} failed: ${(error as Error).message}`, { cause: error });
        }
      }
      return markFailed(id, reason, at);
    },

    async pendingBefore(before, limit) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        let page;
        try {
          page = await doc.send(
            new (sdk.document().QueryCommand)({
              TableName: table,
              IndexName: OUTBOX_STATUS_INDEX,
              KeyConditionExpression: '#s = :pending AND createdAt < :before',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: { ':pending': OUTBOX_STATUS.pending, ':before': before },
              ScanIndexForward: true,
              Limit: Math.min(BATCH_GET_MAX_KEYS, limit - items.length),
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
        } catch (cause) {
          throw new OutboxStoreError(`querying PENDING rows of ${table} failed: ${(cause as Error).message}`, { cause });
        }
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start && items.length < limit);
      return { items, more: start !== undefined };
    },
  };
}
