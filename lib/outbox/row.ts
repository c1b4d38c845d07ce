import type { TransactWriteItem } from '@aws-sdk/lib-dynamodb';
import { readMetadata, type OutgoingEvent } from '../envelope';
import { OutboxEventInvalidError, OutboxRowInvalidError } from './errors';

// The outbox row format, shared by the writers (lib/event-store puts rows in their
// transactions) and the relay (reads them from the stream and the `byStatus` index).
// Writers import this file directly rather than lib/outbox/index.ts, so their bundles do
// not pull in the relay's Middy and Powertools.

/** Environment variables of the outbox (besides `EVENT_BUS_<KEY>` and Powertools'): writers and the relay read the same. */
export const OUTBOX_ENV = {
  /** Outbox table name (required). */
  table: 'OUTBOX_TABLE',
  /** Failed attempts before a row is marked FAILED (optional, integer >= 1, default 5). */
  maxAttempts: 'OUTBOX_MAX_ATTEMPTS',
} as const;

export const OUTBOX_STATUS = { pending: 'PENDING', published: 'PUBLISHED', failed: 'FAILED' } as const;
export type OutboxStatus = (typeof OUTBOX_STATUS)[keyof typeof OUTBOX_STATUS];

/** The GSI the sweeper queries: partition key `status`, sort key `createdAt`. */
export const OUTBOX_STATUS_INDEX = 'byStatus';
/** How long a PUBLISHED row is kept (TTL attribute `expiresAt`): long enough to investigate, short enough to stay small. */
export const PUBLISHED_ROW_TTL_SECONDS = 7 * 24 * 60 * 60;

/** One outbox item: the event to send (as PutEvents needs it) and the relay's state of it. */
export interface OutboxRow {
  /** Partition key: the envelope eventId (so the same event can never have two rows). */
  id: string;
  status: OutboxStatus;
  /** ISO time the row was written (sort key of `byStatus`). */
  createdAt: string;
  /** Relay attempts so far (each one includes the bus publisher's own retries). */
  attempts: number;
  source: string;
  detailType: string;
  /** Spec key of the bus (`core`), resolved to a deployed name by the relay's `EVENT_BUS_<KEY>`. */
  bus: string;
  /** Base name of the bus in the spec (informational). */
  busName: string;
  /** The EventBridge detail: the envelope `{ metadata, data }`. */
  detail: Record<string, unknown>;
  resources: string[];
  /** From the envelope: the relay sends one aggregate's events in sequence order. */
  aggregateId?: string;
  sequence?: number;
  correlationId?: string;
  lastError?: string;
  lastAttemptAt?: string;
  publishedAt?: string;
  failedAt?: string;
  /** TTL (epoch seconds), set when the row is PUBLISHED. */
  expiresAt?: number;
}

/** A DynamoDB transaction item, in the document client's form (`{ Put }`, `{ Update }`, `{ Delete }` or `{ ConditionCheck }`). */
export type TransactWrite = TransactWriteItem;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reasons `event` cannot become an outbox row (empty when it can). */
export function outboxEventProblems(event: OutgoingEvent): string[] {
  const problems: string[] = [];
  const name = typeof event.detailType === 'string' && event.detailType ? event.detailType : '(no detail-type)';
  if (typeof event.source !== 'string' || !event.source) problems.push(`${name}: source is empty`);
  if (typeof event.detailType !== 'string' || !event.detailType) problems.push(`${name}: detail-type is empty`);
  if (typeof event.bus !== 'string' || !event.bus) problems.push(`${name}: bus is empty`);
  if (!isObject(event.detail)) problems.push(`${name}: detail is not an object`);
  else if (!readMetadata(event.detail).eventId) problems.push(`${name}: detail.metadata.eventId is missing (the outbox row is keyed by it)`);
  return problems;
}

/** The PENDING outbox row of an event (throws OutboxEventInvalidError when it has no envelope eventId). */
export function toOutboxRow(event: OutgoingEvent, createdAt: string): OutboxRow {
  const problems = outboxEventProblems(event);
  if (problems.length) throw new OutboxEventInvalidError(problems);
  const metadata = readMetadata(event.detail);
  return {
    id: metadata.eventId as string,
    status: OUTBOX_STATUS.pending,
    createdAt,
    attempts: 0,
    source: event.source,
    detailType: event.detailType,
    bus: event.bus,
    busName: event.busName,
    detail: event.detail as Record<string, unknown>,
    resources: [...(event.resources ?? [])],
    ...(metadata.aggregateId === undefined ? {} : { aggregateId: metadata.aggregateId }),
    ...(metadata.sequence === undefined ? {} : { sequence: metadata.sequence }),
    ...(metadata.correlationId === undefined ? {} : { correlationId: metadata.correlationId }),
  };
}

/**
 * The transaction puts of the events' outbox rows (PENDING). Each put is conditioned on
 * `attribute_not_exists(id)`: an event already in the outbox (same eventId) cancels the
 * transaction instead of resetting a PUBLISHED row to PENDING.
 *
 * @example
 * await doc.send(new TransactWriteCommand({ TransactItems: [stateRowPut, ...outboxWrites(OUTBOX_TABLE, events)] }));
 */
export function outboxWrites(table: string, events: readonly OutgoingEvent[], createdAt: string = new Date().toISOString()): TransactWrite[] {
  const problems = events.flatMap(outboxEventProblems);
  if (problems.length) throw new OutboxEventInvalidError(problems);
  return events.map((event) => ({
    Put: { TableName: table, Item: { ...toOutboxRow(event, createdAt) }, ConditionExpression: 'attribute_not_exists(id)' },
  }));
}

const STATUSES: ReadonlySet<string> = new Set(Object.values(OUTBOX_STATUS));

/** Checks an item read back from the table (stream image, query, get) and returns it typed. */
export function parseOutboxRow(item: Record<string, unknown>): OutboxRow {
  const id = typeof item['id'] === 'string' ? item['id'] : undefined;
  const fail = (reason: string): never => {
    throw new OutboxRowInvalidError(id, reason);
  };
  if (!id) fail('id is missing');
  if (typeof item['status'] !== 'string' || !STATUSES.has(item['status'])) fail(`status ${JSON.stringify(item['status'])} is not one of ${[...STATUSES].join(', ')}`);
  for (const key of ['source', 'detailType', 'bus', 'createdAt'] as const) {
    if (typeof item[key] !== 'string' || item[key] === '') fail(`${key} is missing`);
  }
  if (!isObject(item['detail'])) fail('detail is not an object');
  const resources = item['resources'] ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) fail('resources is not a list of strings');
  const attempts = item['attempts'] ?? 0;
  if (typeof attempts !== 'number' || !Number.isFinite(attempts)) fail('attempts is not a number');
  return { ...item, busName: typeof item['busName'] === 'string' ? item['busName'] : '', resources, attempts } as OutboxRow;
}

/** The event a row sends. */
export function toOutgoingEvent(row: OutboxRow): OutgoingEvent {
  return { source: row.source, detailType: row.detailType, bus: row.bus, busName: row.busName, detail: row.detail, resources: row.resources };
}

/**
 * Orders rows so that one aggregate's events go out in sequence: by aggregateId, then
 * sequence; rows without an aggregate by createdAt, then id. Stable and total.
 */
export function compareForSending(a: OutboxRow, b: OutboxRow): number {
  return compare(a.aggregateId ?? '', b.aggregateId ?? '') || (a.sequence ?? 0) - (b.sequence ?? 0) || compare(a.createdAt, b.createdAt) || compare(a.id, b.id);
}

/** Code-unit order: locale-independent, like DynamoDB's own string ordering of ISO times and ids. */
const compare = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
