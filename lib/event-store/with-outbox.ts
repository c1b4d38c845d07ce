import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clients } from '../clients';
import { requireEnv, type Env } from '../config';
import { readMetadata, type OutgoingEvent } from '../envelope';
import { OUTBOX_ENV, outboxEventProblems, outboxWrites, type TransactWrite } from '../outbox/row';
import { EventStoreInputError, WriteConditionFailedError } from './errors';
import { conditionFailure } from './conditions';
import { transactWrite, writeProblems, type PlannedItem } from './transaction';

export interface WriteWithOutboxInput {
  doc: DynamoDBDocumentClient;
  /** Outbox table: partition key `id` (S). */
  outboxTable: string;
  /** Built events; each needs an envelope eventId (aggregateId + sequence, when given, order the relay). */
  events: readonly OutgoingEvent[];
  /** The service's own writes, as transaction items (`{ Put: { TableName, Item, ConditionExpression } }`...). */
  writes?: readonly TransactWrite[];
  /** Time recorded as the rows' `createdAt` (default now). */
  now?: Date;
}

export interface WriteWithOutboxResult {
  eventIds: string[];
  /** Items in the transaction (writes + outbox rows). */
  items: number;
}

/**
 * For services that keep state rather than events: their own writes and the events'
 * outbox rows (PENDING) in ONE transaction, so the events are published if and only if
 * the state changed. Errors: EventStoreInputError (nothing sent), TransactionTooLargeError
 * (over 100 items), AlreadyWrittenError (an event is already in the outbox: this write was
 * made before), WriteConditionFailedError (only a condition of `writes` failed),
 * TransactionCancelledError (anything else DynamoDB cancelled it for), EventStoreWriteError.
 *
 * @example
 * await writeWithOutbox({ doc, outboxTable, events: [shipmentBooked],
 *   writes: [{ Put: { TableName: table, Item: shipmentRow, ConditionExpression: 'attribute_not_exists(pk)' } }] });
 */
export async function writeWithOutbox(input: WriteWithOutboxInput): Promise<WriteWithOutboxResult> {
  const writes = input.writes ?? [];
  const problems = [...input.events.flatMap((event, i) => outboxEventProblems(event).map((p) => `event #${i} ${p}`)), ...writeProblems(writes)];
  // A decision may change state and publish nothing this time (same code path, same error mapping).
  if (!input.events.length && !writes.length) problems.push('nothing to write: no events and no writes');
  const eventIds = input.events.map((event) => readMetadata(event.detail).eventId ?? '');
  if (new Set(eventIds).size !== eventIds.length) problems.push('the same eventId appears twice');
  if (problems.length) throw new EventStoreInputError(problems);

  const items: PlannedItem[] = [
    ...writes.map((write, index) => ({ write, role: { kind: 'write', index } as const })),
    ...outboxWrites(input.outboxTable, input.events, (input.now ?? new Date()).toISOString()).map((write, i) => ({ write, role: { kind: 'outbox', eventId: eventIds[i] as string } as const })),
  ];
  await transactWrite(input.doc, items, `write of ${writes.length} item(s) with ${input.events.length} outbox row(s)`, conditionFailure);
  return { eventIds, items: items.length };
}

export interface OutboxWriterOptions {
  /** Default: the shared document client of lib/clients. */
  doc?: DynamoDBDocumentClient;
  /** Default: `OUTBOX_TABLE`. */
  outboxTable?: string;
  env?: Env;
}

/**
 * `writeWithOutbox` bound to one outbox table: what a consumer's `ctx.commit` calls
 * (`createSqsConsumer({ ..., outbox: createOutboxWriter() })`). Client and table are
 * resolved on the first write, so importing needs no AWS configuration.
 */
export function createOutboxWriter(options: OutboxWriterOptions = {}): (input: Omit<WriteWithOutboxInput, 'doc' | 'outboxTable'>) => Promise<WriteWithOutboxResult> {
  let target: Pick<WriteWithOutboxInput, 'doc' | 'outboxTable'> | undefined;
  return (input) => {
    target ??= {
      doc: options.doc ?? clients.dynamoDbDocument(),
      outboxTable: options.outboxTable ?? requireEnv(OUTBOX_ENV.table, options.env ?? process.env, 'the outbox table events are written to'),
    };
    return writeWithOutbox({ ...input, ...target });
  };
}

/** Sends events each at most once through the outbox: what a stateless responder answers with. */
export interface OnceSender {
  /** Writes the event's outbox row; false when a row with its eventId was written before (a redelivered request). */
  send(event: OutgoingEvent): Promise<boolean>;
}

/**
 * A service that keeps no state of its own (its answers are derived from reference data)
 * still answers through the outbox: the row is a conditional put keyed by the event's id,
 * so an answer written before is refused rather than sent twice.
 */
export function createOnceSender({ doc, outboxTable }: { doc: () => DynamoDBDocumentClient; outboxTable: () => string }): OnceSender {
  return {
    async send(event) {
      try {
        await writeWithOutbox({ doc: doc(), outboxTable: outboxTable(), events: [event] });
        return true;
      } catch (error) {
        if (error instanceof WriteConditionFailedError) return false;
        throw error;
      }
    },
  };
}
