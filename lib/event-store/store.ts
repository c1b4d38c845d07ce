import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { sdk } from '../clients/sdk';
import type { EventContext } from '../envelope';
import { readMetadata, type OutgoingEvent } from '../envelope';
import { outboxEventProblems, outboxWrites, type TransactWrite } from '../outbox/row';
import { ConcurrencyError, EventStoreInputError, EventStoreReadError, ExpectedVersionNotFoundError } from './errors';
import { conditionFailure } from './conditions';
import { transactWrite, writeProblems, type PlannedItem } from './transaction';

/** One stored event of an aggregate (one item of the event store table). */
export interface StoredEvent {
  aggregateId: string;
  /** 1, 2, 3... per aggregate: the sort key, and the envelope's `sequence`. */
  version: number;
  aggregateType: string;
  eventId: string;
  source: string;
  detailType: string;
  occurredAt: string;
  correlationId: string;
  /** The EventBridge detail as built: `{ metadata, data }`. */
  detail: Record<string, unknown>;
}

export interface AppendInput {
  aggregateId: string;
  /** Recorded on each row (`Order`, `Account`...), for tools that read the table. */
  aggregateType: string;
  /** The version the decision was made on: 0 for a new aggregate, else the last loaded version. */
  expectedVersion: number;
  /**
   * Built events (a generated builder's result). Each envelope must carry
   * `metadata.aggregateId` = aggregateId and `metadata.sequence` = expectedVersion + 1, + 2...
   * (build them with `appendContext`).
   */
  events: readonly OutgoingEvent[];
  /** More items for the same transaction (a state or read-model row...), as `{ Put | Update | Delete | ConditionCheck }`. */
  extraWrites?: readonly TransactWrite[];
}

export interface AppendResult {
  /** The aggregate's version after the append. */
  version: number;
  eventIds: string[];
}

export interface LoadOptions {
  /** Only events after this version (e.g. after a snapshot); default all. */
  afterVersion?: number;
  /** Strongly consistent read (default true: a decision must see the latest version). */
  consistentRead?: boolean;
  /** Items per Query page (default 500); every page is read. */
  pageSize?: number;
}

export interface EventStore {
  /** The aggregate's events in version order ([] when it has none). */
  load(aggregateId: string, options?: LoadOptions): Promise<StoredEvent[]>;
  /**
   * Appends the events, their outbox rows (PENDING) and `extraWrites` in ONE transaction:
   * all of them or none. Throws ConcurrencyError when another writer appended since
   * `expectedVersion`, ExpectedVersionNotFoundError when the aggregate is not at that
   * version yet, EventStoreInputError (nothing sent) for events that do not fit.
   */
  append(input: AppendInput): Promise<AppendResult>;
}

export interface EventStoreOptions {
  doc: DynamoDBDocumentClient;
  /** Event store table: partition key `aggregateId` (S), sort key `version` (N). */
  table: string;
  /** Outbox table: partition key `id` (S); the relay reads its stream. */
  outboxTable: string;
  /** Clock for the outbox rows' `createdAt` (tests). */
  now?: () => Date;
}

/**
 * The EventContext for the `index`-th (0-based) event of an append at `expectedVersion`:
 * `base` plus aggregateId and sequence = expectedVersion + index + 1.
 *
 * @example
 * const events = decided.map((e, i) => build(e.data, appendContext(ctx, orderId, version, i)));
 * await store.append({ aggregateId: orderId, aggregateType: 'Order', expectedVersion: version, events });
 */
export function appendContext(base: EventContext, aggregateId: string, expectedVersion: number, index: number): EventContext {
  return { ...base, aggregateId, sequence: expectedVersion + index + 1 };
}

const PAGE_SIZE = 500;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function toStoredEvent(item: Record<string, unknown>): StoredEvent {
  const text = (key: string): string => {
    const value = item[key];
    if (typeof value !== 'string') throw new EventStoreReadError(`event store item ${String(item['aggregateId'])} v${String(item['version'])} has no ${key}`);
    return value;
  };
  const version = item['version'];
  const detail = item['detail'];
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new EventStoreReadError(`event store item of ${String(item['aggregateId'])} has a version that is not an integer: ${String(version)}`);
  if (!isObject(detail)) throw new EventStoreReadError(`event store item ${String(item['aggregateId'])} v${version} has no detail map`);
  return {
    aggregateId: text('aggregateId'),
    version,
    aggregateType: text('aggregateType'),
    eventId: text('eventId'),
    source: text('source'),
    detailType: text('detailType'),
    occurredAt: text('occurredAt'),
    correlationId: text('correlationId'),
    detail,
  };
}

/** Every reason the input cannot be appended (empty when it can). */
function appendProblems(input: AppendInput): string[] {
  const problems: string[] = [];
  if (typeof input.aggregateId !== 'string' || !input.aggregateId) problems.push('aggregateId is empty');
  if (typeof input.aggregateType !== 'string' || !input.aggregateType) problems.push('aggregateType is empty');
  if (!Number.isInteger(input.expectedVersion) || input.expectedVersion < 0) problems.push(`expectedVersion must be an integer >= 0, got ${String(input.expectedVersion)}`);
  if (!input.events?.length) problems.push('no events to append');
  const seen = new Set<string>();
  (input.events ?? []).forEach((event, i) => {
    const shape = outboxEventProblems(event);
    if (shape.length) {
      problems.push(...shape.map((p) => `event #${i} ${p}`));
      return;
    }
    const m = readMetadata(event.detail);
    const name = `event #${i} ${event.detailType}`;
    const version = input.expectedVersion + i + 1;
    if (m.aggregateId !== input.aggregateId) problems.push(`${name}: metadata.aggregateId must be ${JSON.stringify(input.aggregateId)}, got ${JSON.stringify(m.aggregateId)}`);
    if (m.sequence !== version) problems.push(`${name}: metadata.sequence must be ${version} (expectedVersion ${input.expectedVersion} + ${i + 1}), got ${JSON.stringify(m.sequence)}`);
    if (!m.occurredAt) problems.push(`${name}: metadata.occurredAt is missing`);
    if (!m.correlationId) problems.push(`${name}: metadata.correlationId is missing`);
    if (m.eventId && seen.has(m.eventId)) problems.push(`${name}: eventId ${m.eventId} appears twice`);
    if (m.eventId) seen.add(m.eventId);
  });
  problems.push(...writeProblems(input.extraWrites ?? []).map((p) => `extraWrites: ${p}`));
  return problems;
}

/** Every event of an aggregate (after `afterVersion`), in version order, all pages. */
async function loadEvents(options: EventStoreOptions, aggregateId: string, loadOptions: LoadOptions): Promise<StoredEvent[]> {
  const { doc, table } = options;
  const after = loadOptions.afterVersion;
  const input: QueryCommandInput = {
    TableName: table,
    KeyConditionExpression: after === undefined ? '#a = :a' : '#a = :a AND #v > :v',
    ExpressionAttributeNames: after === undefined ? { '#a': 'aggregateId' } : { '#a': 'aggregateId', '#v': 'version' },
    ExpressionAttributeValues: after === undefined ? { ':a': aggregateId } : { ':a': aggregateId, ':v': after },
    ConsistentRead: loadOptions.consistentRead ?? true,
  };
  const items: Record<string, unknown>[] = [];
  try {
    for await (const page of sdk.document().paginateQuery({ client: doc, pageSize: loadOptions.pageSize ?? PAGE_SIZE }, input)) items.push(...(page.Items ?? []));
  } catch (cause) {
    throw new EventStoreReadError(`loading ${aggregateId} from ${table} failed: ${(cause as Error).message}`, { cause });
  }
  return items.map(toStoredEvent); // Query returns sort-key (version) order
}

/**
 * The items of an append's transaction: a check that the expected version exists, one Put
 * per event (conditioned on its version being free), the outbox rows, the caller's writes.
 */
export function appendItems(table: string, outboxTable: string, input: AppendInput, createdAt: string): { items: PlannedItem[]; eventIds: string[] } {
  const { aggregateId, aggregateType, expectedVersion } = input;
  const items: PlannedItem[] = [];
  // The version the decision was made on must exist: else the append would leave a gap.
  if (expectedVersion > 0) {
    items.push({
      write: { ConditionCheck: { TableName: table, Key: { aggregateId, version: expectedVersion }, ConditionExpression: 'attribute_exists(#v)', ExpressionAttributeNames: { '#v': 'version' } } },
      role: { kind: 'expected-version', version: expectedVersion },
    });
  }
  const eventIds: string[] = [];
  input.events.forEach((event, i) => {
    const m = readMetadata(event.detail);
    const version = expectedVersion + i + 1;
    const row: StoredEvent = {
      aggregateId,
      version,
      aggregateType,
      eventId: m.eventId as string,
      source: event.source,
      detailType: event.detailType,
      occurredAt: m.occurredAt as string,
      correlationId: m.correlationId as string,
      detail: event.detail as Record<string, unknown>,
    };
    eventIds.push(row.eventId);
    // A concurrent writer of the same version makes this condition (or the transaction) fail.
    items.push({ write: { Put: { TableName: table, Item: { ...row }, ConditionExpression: 'attribute_not_exists(#v)', ExpressionAttributeNames: { '#v': 'version' } } }, role: { kind: 'event', version, eventId: row.eventId } });
  });
  outboxWrites(outboxTable, input.events, createdAt).forEach((write, i) => items.push({ write, role: { kind: 'outbox', eventId: eventIds[i] as string } }));
  (input.extraWrites ?? []).forEach((write, index) => items.push({ write, role: { kind: 'write', index } }));
  return { items, eventIds };
}

/**
 * An event store on DynamoDB (seeds 001, 003): one item per event, the version as sort
 * key, optimistic concurrency by `attribute_not_exists(version)`, and the transactional
 * outbox (seed 002): every append writes the events' outbox rows in the same transaction,
 * so an event is published if and only if it was stored.
 */
export function createEventStore(options: EventStoreOptions): EventStore {
  const { doc, table, outboxTable } = options;
  const now = options.now ?? ((): Date => new Date());

  return {
    load: (aggregateId, loadOptions = {}) => loadEvents(options, aggregateId, loadOptions),

    async append(input) {
      const problems = appendProblems(input);
      if (problems.length) throw new EventStoreInputError(problems);
      const { aggregateId, expectedVersion } = input;
      const { items, eventIds } = appendItems(table, outboxTable, input, now().toISOString());
      await transactWrite(doc, items, `append of ${input.events.length} event(s) to ${aggregateId} at version ${expectedVersion}`, (failed, reasons, cause) => {
        // TransactionConflict: another transaction was writing the same version at that moment.
        if (failed.some((f) => f.role.kind === 'event' && (f.code === 'ConditionalCheckFailed' || f.code === 'TransactionConflict'))) {
          return new ConcurrencyError(aggregateId, expectedVersion, { cause, reasons });
        }
        if (failed.some((f) => f.role.kind === 'expected-version' && f.code === 'ConditionalCheckFailed')) return new ExpectedVersionNotFoundError(aggregateId, expectedVersion, { cause });
        return conditionFailure(failed, reasons, cause);
      });
      return { version: expectedVersion + input.events.length, eventIds };
    },
  };
}
