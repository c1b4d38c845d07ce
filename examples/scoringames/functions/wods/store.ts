// Where the wods domain reads (WodsTable, seeded from data.json on first use,
// lib/reference-data) and writes (only its answers' outbox rows, each at most once).
import type { Wod } from '../../generated';
import { clients } from '../../../../lib/clients';
import type { OutgoingEvent } from '../../../../lib/envelope';
import { createOnceSender } from '../../../../lib/event-store';
import { createReferenceTable } from '../../../../lib/reference-data';
import { config } from './config';
import { WOD_SK_PREFIX, wodRows, wodsPk } from './reference';

export interface WodsStore {
  /** The event's WODs (none: an empty list). */
  of(eventId: string): Promise<Wod[]>;
  reply(answer: OutgoingEvent): Promise<boolean>;
}

const table = createReferenceTable({ doc: clients.dynamoDbDocument, table: () => config().wodsTable, rows: wodRows });
const sender = createOnceSender({ doc: clients.dynamoDbDocument, outboxTable: () => config().outboxTable });

export const wodsStore: WodsStore = {
  async of(eventId) {
    return (await table.query(wodsPk(eventId), WOD_SK_PREFIX)).map((r) => ({ wodId: r['wodId'] as string, name: r['name'] as string, order: r['order'] as number, timeCapMinutes: r['timeCapMinutes'] as number, ...(r['day'] !== undefined ? { day: r['day'] as number } : {}) }));
  },
  reply: (answer) => sender.send(answer),
};
