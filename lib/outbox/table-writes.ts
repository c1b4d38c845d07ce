import { OUTBOX_STATUS } from './row';

// The relay's writes to the outbox table, as plain request inputs: every update but the
// PUBLISHED image is conditioned on the row still being PENDING.

/** Longest `lastError` kept on a row. */
export const MAX_ERROR_TEXT = 1000;

const NAMES = { '#s': 'status' };

export const clip = (text: string): string => (text.length <= MAX_ERROR_TEXT ? text : `${text.slice(0, MAX_ERROR_TEXT - 1)}…`);
const iso = (ms: number): string => new Date(ms).toISOString();
/** TTL attribute (epoch seconds) of a row PUBLISHED at `at`. */
export const expiresAt = (at: number, ttlSeconds: number): number => Math.floor(at / 1000) + ttlSeconds;

/** PENDING -> PUBLISHED, one more attempt, with the TTL. */
export function publishedUpdate(table: string, id: string, at: number, ttlSeconds: number) {
  return {
    TableName: table,
    Key: { id },
    UpdateExpression: 'SET #s = :published, publishedAt = :at, lastAttemptAt = :at, expiresAt = :ttl ADD attempts :one',
    ConditionExpression: '#s = :pending',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: { ':published': OUTBOX_STATUS.published, ':pending': OUTBOX_STATUS.pending, ':at': iso(at), ':ttl': expiresAt(at, ttlSeconds), ':one': 1 },
  };
}

/** PENDING -> FAILED with the last error; returns the row as updated. */
export function failedUpdate(table: string, id: string, reason: string, at: number) {
  return {
    TableName: table,
    Key: { id },
    UpdateExpression: 'SET #s = :failed, failedAt = :at, lastAttemptAt = :at, lastError = :e ADD attempts :one',
    ConditionExpression: '#s = :pending',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: { ':failed': OUTBOX_STATUS.failed, ':pending': OUTBOX_STATUS.pending, ':at': iso(at), ':e': clip(reason), ':one': 1 },
    ReturnValues: 'ALL_NEW' as const,
  };
}

/** One more failed attempt that stays PENDING: its condition fails on the last allowed attempt (then the row becomes FAILED). */
export function retryUpdate(table: string, id: string, reason: string, at: number, maxAttempts: number) {
  return {
    TableName: table,
    Key: { id },
    UpdateExpression: 'SET lastAttemptAt = :at, lastError = :e ADD attempts :one',
    ConditionExpression: '#s = :pending AND (attribute_not_exists(attempts) OR attempts < :last)',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: { ':pending': OUTBOX_STATUS.pending, ':at': iso(at), ':e': clip(reason), ':one': 1, ':last': maxAttempts - 1 },
    ReturnValues: 'UPDATED_NEW' as const,
  };
}

/** The PUBLISHED image of a sent row: every attribute but the event's `detail` (see OutboxTable.writePublishedImages). */
export function publishedImage(item: Record<string, unknown>, at: number, ttlSeconds: number): Record<string, unknown> {
  const { detail: _sent, ...rest } = item;
  const when = iso(at);
  return { ...rest, status: OUTBOX_STATUS.published, publishedAt: when, lastAttemptAt: when, expiresAt: expiresAt(at, ttlSeconds), attempts: (typeof item['attempts'] === 'number' ? item['attempts'] : 0) + 1 };
}

/** The `byStatus` query of PENDING rows created before `before`, oldest first. */
export function pendingQuery(table: string, index: string, before: string, limit: number, start: Record<string, unknown> | undefined) {
  return {
    TableName: table,
    IndexName: index,
    KeyConditionExpression: '#s = :pending AND createdAt < :before',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: { ':pending': OUTBOX_STATUS.pending, ':before': before },
    ScanIndexForward: true,
    Limit: limit,
    ...(start ? { ExclusiveStartKey: start } : {}),
  };
}
