import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdk } from '../clients/sdk';
import type { TransactWrite } from '../outbox/row';
import { EventStoreWriteError, TransactionCancelledError, TransactionTooLargeError, type CancellationDetail, type EventStoreError } from './errors';

/** DynamoDB's limit of items per TransactWriteItems call. */
export const MAX_TRANSACTION_ITEMS = 100;

/** What one item of a transaction is, to name it in errors and to map its failure. */
export type ItemRole =
  | { kind: 'event'; version: number; eventId: string }
  | { kind: 'outbox'; eventId: string }
  | { kind: 'expected-version'; version: number }
  | { kind: 'write'; index: number };

export interface PlannedItem {
  write: TransactWrite;
  role: ItemRole;
}

export interface FailedItem extends CancellationDetail {
  role: ItemRole;
}

/** Turns the failed items of a cancelled transaction into the caller's typed error (undefined: a TransactionCancelledError). */
export type RefineCancellation = (failed: FailedItem[], reasons: CancellationDetail[], cause: Error) => EventStoreError | undefined;

const OPERATIONS = ['Put', 'Update', 'Delete', 'ConditionCheck'] as const;

function operationOf(write: TransactWrite): { op: string; table: string } {
  for (const op of OPERATIONS) {
    const body = write[op];
    if (body) return { op, table: body.TableName ?? '?' };
  }
  return { op: '?', table: '?' };
}

/** Problems of caller-supplied writes: each must be exactly one of Put, Update, Delete, ConditionCheck, with a table. */
export function writeProblems(writes: readonly TransactWrite[]): string[] {
  const problems: string[] = [];
  writes.forEach((write, index) => {
    const present = typeof write === 'object' && write !== null ? OPERATIONS.filter((op) => write[op] !== undefined) : [];
    if (present.length !== 1) {
      problems.push(`write #${index} must have exactly one of ${OPERATIONS.join(', ')} (a transaction item, e.g. { Put: { TableName, Item } }), got ${present.length ? present.join(' + ') : JSON.stringify(Object.keys(write ?? {}))}`);
      return;
    }
    const table = write[present[0] as (typeof OPERATIONS)[number]]?.TableName;
    if (typeof table !== 'string' || !table) problems.push(`write #${index} has no TableName`);
  });
  return problems;
}

function label(item: PlannedItem): string {
  const role = item.role;
  switch (role.kind) {
    case 'event':
      return `event v${role.version} (${role.eventId})`;
    case 'outbox':
      return `outbox row ${role.eventId}`;
    case 'expected-version':
      return `version ${role.version} must exist`;
    case 'write': {
      const { op, table } = operationOf(item.write);
      return `write #${role.index} (${op} on ${table})`;
    }
  }
}

/**
 * DynamoDB's per-item reasons. The SDK fills `CancellationReasons` from the response; when
 * a service leaves them out, its message still lists the codes in order
 * (`... reasons [ConditionalCheckFailed, None]`), so they are read from there.
 */
function reasonsOf(error: Error & { CancellationReasons?: { Code?: string; Message?: string }[] }, items: readonly PlannedItem[]): CancellationDetail[] {
  let raw = error.CancellationReasons;
  if (!raw?.length) {
    const listed = /\[([A-Za-z, ]+)\]\s*$/.exec(error.message)?.[1];
    raw = listed ? listed.split(',').map((code) => ({ Code: code.trim() })) : [];
  }
  return raw.map((r, index) => {
    const item = items[index];
    return { index, code: r.Code ?? 'None', ...(r.Message ? { message: r.Message } : {}), item: item ? label(item) : `item ${index}` };
  });
}

function breakdown(items: readonly PlannedItem[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.role.kind, (counts.get(item.role.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
}

/**
 * One TransactWriteItems call. The SDK gives it a ClientRequestToken and keeps it across
 * its own retries, so a retry after a lost response does not apply it twice (DynamoDB
 * answers success for 10 minutes). A cancellation goes through `refine` (conflicts,
 * failed conditions become the caller's typed errors), else TransactionCancelledError;
 * any other failure is an EventStoreWriteError with the SDK error as `cause`.
 */
export async function transactWrite(doc: DynamoDBDocumentClient, items: readonly PlannedItem[], what: string, refine: RefineCancellation): Promise<void> {
  if (items.length > MAX_TRANSACTION_ITEMS) throw new TransactionTooLargeError(items.length, MAX_TRANSACTION_ITEMS, breakdown(items));
  try {
    await doc.send(new (sdk.document().TransactWriteCommand)({ TransactItems: items.map((i) => i.write) }));
  } catch (error) {
    const e = error as Error;
    if (e?.name === 'TransactionCanceledException') {
      const reasons = reasonsOf(e, items);
      const failed = reasons.flatMap((r) => {
        const item = items[r.index];
        return r.code !== 'None' && item ? [{ ...r, role: item.role }] : [];
      });
      throw refine(failed, reasons, e) ?? new TransactionCancelledError(what, reasons, { cause: e });
    }
    throw new EventStoreWriteError(`${what} failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`, { cause: error });
  }
}
