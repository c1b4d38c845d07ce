import { checkOnceWrite, DEFAULT_KEY_SCHEMA, type KeySchema, type OnceWrite, type PartitionQuery, type ReadModel, type ReadModelItem } from './model';

/** The in-memory read model, with a look at what it holds. */
export interface InMemoryReadModel extends ReadModel {
  /** Every row, in key order (copies). */
  items(): ReadModelItem[];
}

/**
 * A read model in a Map, with the DynamoDB adapter's semantics (rows written once with
 * their increments, all or nothing; queries in sort-key order): the fake for unit tests
 * of domain handlers, so they need no DynamoDB and no SDK mock.
 */
export function createInMemoryReadModel(keys: KeySchema = DEFAULT_KEY_SCHEMA): InMemoryReadModel {
  const rows = new Map<string, Record<string, unknown>>();
  const keyOf = (key: Readonly<Record<string, unknown>>): string => JSON.stringify([key[keys.partitionKey], key[keys.sortKey]]);
  const sorted = (): Record<string, unknown>[] => [...rows.values()].sort((a, b) => compare(a[keys.partitionKey], b[keys.partitionKey]) || compare(a[keys.sortKey], b[keys.sortKey]));

  return {
    async writeOnce(write: OnceWrite): Promise<boolean> {
      checkOnceWrite(write);
      if (write.items.some((item) => rows.has(keyOf(item)))) return false;
      for (const item of write.items) rows.set(keyOf(item), structuredClone({ ...item }));
      for (const { key, attribute = 'count', by = 1 } of write.increments ?? []) {
        const row = rows.get(keyOf(key)) ?? { ...key };
        row[attribute] = Number(row[attribute] ?? 0) + by;
        rows.set(keyOf(key), row);
      }
      return true;
    },
    async queryAll(query: PartitionQuery): Promise<ReadModelItem[]> {
      return sorted()
        .filter((row) => row[keys.partitionKey] === query.pk && (query.skPrefix === undefined || String(row[keys.sortKey]).startsWith(query.skPrefix)))
        .map((row) => structuredClone(row));
    },
    items: () => sorted().map((row) => structuredClone(row)),
  };
}

/** DynamoDB orders string sort keys by their bytes: plain code-unit order, not locale order. */
function compare(a: unknown, b: unknown): number {
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
