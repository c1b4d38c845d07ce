import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { OutgoingEvent } from '../envelope';
import { EventStoreInputError } from './errors';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** An outbox row as stored: the event to send, its state, and what the relay needs. */
export interface OutboxRow {
  /** The envelope eventId. */
  id: string;
  status: 'PENDING' | 'PUBLISHED' | 'FAILED';
  createdAt: string;
  attempts: number;
  source: string;
  detailType: string;
  bus: string;
  busName: string;
  detail: unknown;
  resources: string[];
  aggregateId?: string;
  sequence?: number;
  lastError?: string;
  publishedAt?: string;
  expiresAt?: number;
}

interface EnvelopeMetadata {
  eventId?: unknown;
  aggregateId?: unknown;
  sequence?: unknown;
}

export function metadataOf(event: OutgoingEvent): EnvelopeMetadata {
  const metadata = (event.detail as { metadata?: EnvelopeMetadata } | null)?.metadata;
  if (!metadata || typeof metadata.eventId !== 'string') throw new EventStoreInputError(`${event.detailType}: the outbox needs events with an envelope (detail.metadata.eventId)`);
  return metadata;
}

/** The outbox row of an event, PENDING. */
export function outboxRow(event: OutgoingEvent, now: string): OutboxRow {
  const m = metadataOf(event);
  return {
    id: m.eventId as string,
    status: 'PENDING',
    createdAt: now,
    attempts: 0,
    source: event.source,
    detailType: event.detailType,
    bus: event.bus,
    busName: event.busName,
    detail: event.detail,
    resources: [...(event.resources ?? [])],
    ...(typeof m.aggregateId === 'string' ? { aggregateId: m.aggregateId } : {}),
    ...(typeof m.sequence === 'number' ? { sequence: m.sequence } : {}),
  };
}

/** Transaction puts of the events' outbox rows; a row that exists already cancels the transaction. */
export function outboxWrites(table: string, events: readonly OutgoingEvent[], now = new Date().toISOString()): TransactItem[] {
  return events.map((event) => ({
    Put: { TableName: table, Item: outboxRow(event, now) as unknown as Record<string, unknown>, ConditionExpression: 'attribute_not_exists(id)' },
  }));
}
