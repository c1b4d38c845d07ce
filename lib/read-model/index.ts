import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdk } from '../clients/sdk';

/**
 * Read-model writes that are safe to repeat: the items are put only if none of them
 * exists yet, together with the updates (counters...) in one transaction. A duplicate
 * delivery of the same event (same keys) changes nothing and returns false.
 */
export interface OnceWrite {
  table: string;
  /** Items keyed so that the same event always gives the same keys. */
  items: readonly object[];
  /** Applied only when the items are new (e.g. `ADD #count :one`). */
  updates?: { key: Record<string, unknown>; expression: string; names?: Record<string, string>; values?: Record<string, unknown> }[];
  /** Partition key attribute name, for the not-exists condition (default `pk`). */
  partitionKey?: string;
}

export class ReadModelWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelWriteError';
  }
}

export async function writeOnce(doc: DynamoDBDocumentClient, write: OnceWrite): Promise<boolean> {
  const pk = write.partitionKey ?? 'pk';
  if (!write.items.length) throw new ReadModelWriteError('writeOnce needs at least one item to key the write');
  if (write.items.length + (write.updates?.length ?? 0) > 100) throw new ReadModelWriteError('writeOnce: more than 100 items in one transaction');
  try {
    await doc.send(
      new (sdk.document().TransactWriteCommand)({
        TransactItems: [
          ...write.items.map((item) => ({ Put: { TableName: write.table, Item: item as Record<string, unknown>, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': pk } } })),
          ...(write.updates ?? []).map((u) => ({
            Update: { TableName: write.table, Key: u.key, UpdateExpression: u.expression, ...(u.names ? { ExpressionAttributeNames: u.names } : {}), ...(u.values ? { ExpressionAttributeValues: u.values } : {}) },
          })),
        ],
      }),
    );
    return true;
  } catch (error) {
    const reasons = (error as Error).name === 'TransactionCanceledException' ? ((error as TransactionCanceledException).CancellationReasons ?? []) : [];
    // Every item already there: this event was recorded before.
    if (reasons.length && reasons.slice(0, write.items.length).some((r) => r.Code === 'ConditionalCheckFailed') && reasons.every((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'None')) return false;
    throw new ReadModelWriteError(`read-model write to ${write.table} failed: ${(error as Error).message}`, { cause: error });
  }
}
