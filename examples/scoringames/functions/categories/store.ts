// Where the categories domain reads (CategoriesTable, seeded from data.json on first use,
// lib/reference-data) and writes (only its answers' outbox rows, each at most once).
import type { EventCategory } from '../../generated';
import { clients } from '../../../../lib/clients';
import type { OutgoingEvent } from '../../../../lib/envelope';
import { createOnceSender } from '../../../../lib/event-store';
import { createReferenceTable } from '../../../../lib/reference-data';
import { config } from './config';
import { categoriesPk, CATEGORY_SK_PREFIX, categoryRows } from './reference';

export interface CategoriesStore {
  /** The event's categories in heat order (none: an empty list). */
  of(eventId: string): Promise<EventCategory[]>;
  reply(answer: OutgoingEvent): Promise<boolean>;
}

const table = createReferenceTable({ doc: clients.dynamoDbDocument, table: () => config().categoriesTable, rows: categoryRows });
const sender = createOnceSender({ doc: clients.dynamoDbDocument, outboxTable: () => config().outboxTable });

export const categoriesStore: CategoriesStore = {
  async of(eventId) {
    return (await table.query(categoriesPk(eventId), CATEGORY_SK_PREFIX)).map((r) => ({ categoryId: r['categoryId'] as string, name: r['name'] as string, ...(r['maxAthletesPerHeat'] !== undefined ? { maxAthletesPerHeat: r['maxAthletesPerHeat'] as number } : {}) }));
  },
  reply: (answer) => sender.send(answer),
};
