import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutgoingEvent } from '../envelope';
import { AlreadyWrittenError, ConcurrencyError, EventStoreInputError } from './errors';
import { metadataOf, outboxWrites, type TransactItem } from './outbox-rows';
import { transact, transactionFailed } from './transact';

/** One stored event of an aggregate. */
export interface StoredEvent {
  aggregateId: string;
  version: number;
  aggregateType: string;
  eventId: string;
  source: string;
  detailType: string;
  occurredAt: string;
  correlationId: string;
  detail: unknown;
}

export interface AppendInput {
  aggregateId: string;
  aggregateType: string;
  /** The version the decision was made on (0 for a new aggregate). */
  expectedVersion: number;
  /** Built events whose envelope has aggregateId and sequence = expectedVersion + 1, + 2, ... */
  events: readonly OutgoingEvent[];
  /** More writes of the same transaction (a state row, a read model...). */
  extraWrites?: readonly TransactItem[];
}

export interface EventStore {
  load(aggregateId: string): Promise<StoredEvent[]>;
  /**
   * Appends the events and their outbox rows in one transaction. Throws ConcurrencyError
   * when another writer appended to the aggregate since `expectedVersion` (nothing written).
   */
  append(input: AppendInput): Promise<void>;
}

export interface EventStoreOptions {
  doc: DynamoDBDocumentClient;
  /** Event store table: partition key `aggregateId` (S), sort key `version` (N). */
  table: string;
  /** Outbox table: partition key `id` (S). */
  outboxTable: string;
  now?: () => Date;
}

/**
 * An event store on DynamoDB (seeds 001, 003): one item per event, the version as sort key,
 * optimistic concurrency by `attribute_not_exists(version)`, and the transactional outbox
 * (seed 002): every append writes the outbox rows in the same transaction, so an event is
 * published if and only if it was stored.
 */
export function createEventStore(options: EventStoreOptions): EventStore {
  const { doc, table, outboxTable } = options;
  const now = options.now ?? ((): Date => new Date());
  return {
    async load(aggregateId) {
      const events: StoredEvent[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({ TableName: table, KeyConditionExpression: 'aggregateId = :a', ExpressionAttributeValues: { ':a': aggregateId }, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
        );
        events.push(...((page.Items ?? []) as StoredEvent[]));
        start = page.LastEvaluatedKey;
      } while (start);
      return events;
    },

    async append(input) {
      if (!input.events.length) return;
      const at = now().toISOString();
      const rows = input.events.map((event, i) => {
        const version = input.expectedVersion + i + 1;
        const m = metadataOf(event) as { eventId: string; aggregateId?: unknown; sequence?: unknown; occurredAt?: unknown; correlationId?: unknown };
        if (m.aggregateId !== input.aggregateId) throw new EventStoreInputError(`${event.detailType}: metadata.aggregateId must be ${input.aggregateId}, got ${String(m.aggregateId)}`);
        if (m.sequence !== version) throw new EventStoreInputError(`${event.detailType}: metadata.sequence must be ${version} (expectedVersion ${input.expectedVersion} + ${i + 1}), got ${String(m.sequence)}`);
        const item: StoredEvent = {
          aggregateId: input.aggregateId,
          version,
          aggregateType: input.aggregateType,
          eventId: m.eventId,
          source: event.source,
          detailType: event.detailType,
          occurredAt: typeof m.occurredAt === 'string' ? m.occurredAt : at,
          correlationId: typeof m.correlationId === 'string' ? m.correlationId : '',
          detail: event.detail,
        };
        return { Put: { TableName: table, Item: item as unknown as Record<string, unknown>, ConditionExpression: 'attribute_not_exists(version)' } };
      });
      const items: TransactItem[] = [...rows, ...outboxWrites(outboxTable, input.events, at), ...(input.extraWrites ?? [])];
      await transact(doc, items, (reasons, error) => {
        if (reasons.slice(0, rows.length).some((r) => r.code === 'ConditionalCheckFailed')) throw new ConcurrencyError(input.aggregateId, input.expectedVersion, { cause: error });
        throw transactionFailed(`append to ${input.aggregateId}`, reasons, error);
      });
    },
  };
}

/**
 * For services that keep state rather than events: their own writes (guarded by their own
 * conditions) and the events' outbox rows in one transaction. When every failing item is a
 * failed condition the work was done before (a duplicate): AlreadyWrittenError.
 */
export async function writeWithOutbox(input: { doc: DynamoDBDocumentClient; outboxTable: string; events: readonly OutgoingEvent[]; writes?: readonly TransactItem[]; now?: Date }): Promise<void> {
  const items: TransactItem[] = [...(input.writes ?? []), ...outboxWrites(input.outboxTable, input.events, (input.now ?? new Date()).toISOString())];
  await transact(input.doc, items, (reasons, error) => {
    const failing = reasons.filter((r) => r.code !== 'None');
    if (failing.length && failing.every((r) => r.code === 'ConditionalCheckFailed')) throw new AlreadyWrittenError(`already written (${failing.length} condition(s) failed)`, { cause: error });
    throw transactionFailed('write with outbox', reasons, error);
  });
}
