// What VendorAvailabilityRequested reads and writes in the vendor service's tables: the
// capacity counters of VendorTable (store.ts keeps them: `active` jobs per vendor) and the
// answer's outbox row. Nothing else changes: asking for availability holds no capacity.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clients, sdk } from '../../lib/clients';
import { createOnceSender } from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';
import { config } from './config';
import { capacityKey } from './store';

export interface AvailabilityStore {
  /** Active jobs per vendor id, from the capacity counters; a vendor never reserved has no counter (absent here: 0 jobs). */
  activeJobs(vendorIds: readonly string[]): Promise<Map<string, number>>;
  /** Writes the answer's outbox row; false when an answer with its eventId was written before (a redelivered request). */
  reply(answer: OutgoingEvent): Promise<boolean>;
}

export interface DynamoDbAvailabilityStoreOptions {
  doc: () => DynamoDBDocumentClient;
  table: () => string;
  outboxTable: () => string;
  /** BatchGetItem rounds for keys DynamoDB leaves unprocessed (throttling) before the handler fails and is retried. Default 5. */
  maxRounds?: number;
}

/** BatchGetItem takes at most 100 keys per call. */
const BATCH_GET_MAX = 100;

export function createDynamoDbAvailabilityStore({ doc, table, outboxTable, maxRounds = 5 }: DynamoDbAvailabilityStoreOptions): AvailabilityStore {
  const answers = createOnceSender({ doc, outboxTable });
  return {
    async activeJobs(vendorIds) {
      const active = new Map<string, number>();
      const ids = [...new Set(vendorIds)];
      const idOfKey = new Map(ids.map((id) => [capacityKey(id).pk, id]));
      for (let start = 0; start < ids.length; start += BATCH_GET_MAX) {
        let keys: Record<string, unknown>[] = ids.slice(start, start + BATCH_GET_MAX).map(capacityKey);
        for (let round = 1; keys.length; round += 1) {
          if (round > maxRounds) throw new Error(`capacity counters of ${keys.length} vendor(s) still unread after ${maxRounds} BatchGetItem rounds`);
          const name = table();
          const out = await doc().send(new (sdk.document().BatchGetCommand)({ RequestItems: { [name]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'pk, active' } } }));
          for (const item of out.Responses?.[name] ?? []) {
            const vendorId = idOfKey.get(String(item['pk']));
            if (vendorId && typeof item['active'] === 'number') active.set(vendorId, item['active']);
          }
          keys = out.UnprocessedKeys?.[name]?.Keys ?? [];
        }
      }
      return active;
    },
    reply: (answer) => answers.send(answer),
  };
}

/** The deployed availability store, configured on first use. */
export const availabilityStore: AvailabilityStore = createDynamoDbAvailabilityStore({ doc: clients.dynamoDbDocument, table: () => config().vendorTable, outboxTable: () => config().outboxTable });
