import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { sdk } from '../clients/sdk';
import { ReadModelReadError, ReadModelWriteError } from './errors';
import { checkOnceWrite, DEFAULT_KEY_SCHEMA, type Increment, type KeySchema, type OnceWrite, type PartitionQuery, type ReadModel, type ReadModelItem } from './model';

/** A value, or a function giving it on first use (a client or table name not known at import time). */
export type Lazy<T> = T | (() => T);

export interface ReadModelOptions {
  /** The document client; a function is called on each use (`clients.dynamoDbDocument`). */
  doc: Lazy<DynamoDBDocumentClient>;
  /** The table; a function is called on each use, so a handler module can be imported without its configuration. */
  table: Lazy<string>;
  /** Key attribute names (default `pk` / `sk`). */
  keys?: KeySchema;
}

const resolve = <T>(value: Lazy<T>): T => (typeof value === 'function' ? (value as () => T)() : value);

function incrementWrite(table: string, increment: Increment) {
  return {
    Update: {
      TableName: table,
      Key: increment.key,
      UpdateExpression: 'ADD #n :by',
      ExpressionAttributeNames: { '#n': increment.attribute ?? 'count' },
      ExpressionAttributeValues: { ':by': increment.by ?? 1 },
    },
  };
}

/** True when the transaction was cancelled only because rows of this write exist already. */
function writtenBefore(error: unknown, items: number): boolean {
  const reasons = (error as Error).name === 'TransactionCanceledException' ? ((error as TransactionCanceledException).CancellationReasons ?? []) : [];
  return reasons.length > 0 && reasons.slice(0, items).some((r) => r.Code === 'ConditionalCheckFailed') && reasons.every((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'None');
}

/**
 * A read model on one DynamoDB table. `writeOnce` is one TransactWriteItems: each row put
 * with `attribute_not_exists(<partition key>)`, then the increments (`ADD`); a duplicate
 * delivery cancels it on the conditions and gets false. `queryAll` reads every page
 * (`paginateQuery`), so a caller never gets a silently cut list.
 *
 * @example
 * const readModel = createReadModel({ doc: clients.dynamoDbDocument, table: () => config().readModelTable });
 * await readModel.writeOnce({ items: [row], increments: [{ key: { pk: 'COUNTS', sk: type } }] });
 */
export function createReadModel(options: ReadModelOptions): ReadModel {
  const { partitionKey, sortKey } = options.keys ?? DEFAULT_KEY_SCHEMA;
  return {
    async writeOnce(write: OnceWrite): Promise<boolean> {
      checkOnceWrite(write);
      const table = resolve(options.table);
      const puts = write.items.map((item) => ({ Put: { TableName: table, Item: item as Record<string, unknown>, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': partitionKey } } }));
      try {
        await resolve(options.doc).send(new (sdk.document().TransactWriteCommand)({ TransactItems: [...puts, ...(write.increments ?? []).map((i) => incrementWrite(table, i))] }));
        return true;
      } catch (error) {
        if (writtenBefore(error, write.items.length)) return false;
        throw new ReadModelWriteError(`read-model write to ${table} failed: ${(error as Error).message}`, { cause: error });
      }
    },

    async queryAll(query: PartitionQuery): Promise<ReadModelItem[]> {
      const table = resolve(options.table);
      const prefix = query.skPrefix !== undefined;
      const input: QueryCommandInput = {
        TableName: table,
        KeyConditionExpression: prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey, ...(prefix ? { '#sk': sortKey } : {}) },
        ExpressionAttributeValues: { ':pk': query.pk, ...(prefix ? { ':prefix': query.skPrefix } : {}) },
      };
      const items: ReadModelItem[] = [];
      try {
        for await (const page of sdk.document().paginateQuery({ client: resolve(options.doc) }, input)) items.push(...(page.Items ?? []));
      } catch (error) {
        throw new ReadModelReadError(`read-model query of ${query.pk} in ${table} failed: ${(error as Error).message}`, { cause: error });
      }
      return items;
    },
  };
}
