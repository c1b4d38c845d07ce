import { ReadModelWriteError } from './errors';

/** One row of a read model: its key attributes and whatever else the service keeps. */
export type ReadModelItem = Readonly<Record<string, unknown>>;

/** Adds `by` (default 1) to the number attribute `attribute` (default `count`) of the row at `key`, creating it at 0 first. */
export interface Increment {
  readonly key: Readonly<Record<string, string>>;
  readonly attribute?: string;
  readonly by?: number;
}

/**
 * Rows keyed by the event that caused them, with the counters that move with them: all
 * written, or none when any of the rows exists already (a duplicate delivery).
 */
export interface OnceWrite {
  /** Rows keyed so that the same event always gives the same keys; at least one. */
  readonly items: readonly ReadModelItem[];
  /** Applied only when the rows are new, in the same transaction. */
  readonly increments?: readonly Increment[];
}

/** Every row of one partition, optionally only those whose sort key starts with `skPrefix`. */
export interface PartitionQuery {
  readonly pk: string;
  readonly skPrefix?: string;
}

/**
 * A read model as domain code sees it: no table, no SDK. `createReadModel` is the
 * DynamoDB adapter; `createInMemoryReadModel` is the fake for unit tests.
 */
export interface ReadModel {
  /** Writes the rows and their increments once; false (and nothing changed) when the rows were written before. */
  writeOnce(write: OnceWrite): Promise<boolean>;
  /** Every matching row, all pages read, in sort-key order. */
  queryAll(query: PartitionQuery): Promise<ReadModelItem[]>;
}

/** Key attribute names of a read-model table. */
export interface KeySchema {
  readonly partitionKey: string;
  readonly sortKey: string;
}

export const DEFAULT_KEY_SCHEMA: KeySchema = { partitionKey: 'pk', sortKey: 'sk' };

/** DynamoDB TransactWriteItems takes at most this many items. */
export const MAX_TRANSACTION_ITEMS = 100;

/** Refuses writes that cannot be done in one transaction, before anything is sent. */
export function checkOnceWrite(write: OnceWrite): void {
  if (!write.items.length) throw new ReadModelWriteError('writeOnce needs at least one item to key the write');
  if (write.items.length + (write.increments?.length ?? 0) > MAX_TRANSACTION_ITEMS) throw new ReadModelWriteError(`writeOnce: more than ${MAX_TRANSACTION_ITEMS} items in one transaction`);
}
