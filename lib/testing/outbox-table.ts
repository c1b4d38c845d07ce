// What handlers running on DynamoDB (Local) sent: the rows of the outbox table, read back as
// events. Every state-keeping write path of lib/ (ctx.commit, writeWithOutbox, the event
// store, saga and gather stores) puts its events there in the same transaction, so the
// table is the one place to look, whatever store the service uses.
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboxRow } from '../outbox/row';
import type { SentEvent } from './recorder';

/** Every event in the outbox table (oldest row first). */
export async function outboxTableSent(doc: Pick<DynamoDBDocumentClient, 'send'>, table: string): Promise<SentEvent[]> {
  const rows: OutboxRow[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    rows.push(...((page.Items ?? []) as OutboxRow[]));
    start = page.LastEvaluatedKey;
  } while (start);
  rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || (a.sequence ?? 0) - (b.sequence ?? 0));
  return rows.map((r) => ({ source: r.source, detailType: r.detailType, bus: r.bus, detail: r.detail, via: 'outbox' }));
}
