import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventStoreInputError, TransactionFailedError } from './errors';
import type { TransactItem } from './outbox-rows';

/** DynamoDB's limit of items per TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

export interface Cancellation {
  index: number;
  code: string;
  message?: string;
}

/**
 * Runs one transaction; a cancellation is handed to `onCancel` with the reason of each
 * item (to turn a failed condition into the caller's typed error), other errors rethrown.
 */
export async function transact(doc: DynamoDBDocumentClient, items: TransactItem[], onCancel: (reasons: Cancellation[], error: Error) => never): Promise<void> {
  if (!items.length) return;
  if (items.length > MAX_TRANSACTION_ITEMS) throw new EventStoreInputError(`${items.length} writes in one transaction; DynamoDB allows ${MAX_TRANSACTION_ITEMS}`);
  try {
    await doc.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = (error.CancellationReasons ?? []).map((r, index) => ({ index, code: r.Code ?? 'None', ...(r.Message ? { message: r.Message } : {}) }));
      onCancel(reasons, error);
    }
    throw error;
  }
}

export function transactionFailed(what: string, reasons: Cancellation[], cause: Error): TransactionFailedError {
  const failing = reasons.filter((r) => r.code !== 'None');
  return new TransactionFailedError(`${what} failed: ${failing.map((r) => `item ${r.index}: ${r.code}${r.message ? ` (${r.message})` : ''}`).join('; ') || cause.message}`, failing, { cause });
}
