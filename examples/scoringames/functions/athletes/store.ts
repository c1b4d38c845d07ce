// Where the athletes domain reads (its own two tables, seeded from data.json on first use,
// lib/reference-data) and writes (only its answers' outbox rows, each at most once).
import type { RegisteredAthlete } from '../../generated';
import { clients } from '../../../../lib/clients';
import type { OutgoingEvent } from '../../../../lib/envelope';
import { createOnceSender } from '../../../../lib/event-store';
import { createReferenceTable } from '../../../../lib/reference-data';
import { config } from './config';
import { profileKey, profileRows, REGISTRATION_SK_PREFIX, registrationRows, registrationsPk } from './reference';

export interface AthletesStore {
  /** The athletes registered to the event, with their category (none: an empty list). */
  registered(eventId: string): Promise<RegisteredAthlete[]>;
  reply(answer: OutgoingEvent): Promise<boolean>;
}

const profiles = createReferenceTable({ doc: clients.dynamoDbDocument, table: () => config().athletesTable, rows: profileRows });
const registrations = createReferenceTable({ doc: clients.dynamoDbDocument, table: () => config().athleteEventsTable, rows: registrationRows });
const sender = createOnceSender({ doc: clients.dynamoDbDocument, outboxTable: () => config().outboxTable });

export const athletesStore: AthletesStore = {
  async registered(eventId) {
    const regs = await registrations.query(registrationsPk(eventId), REGISTRATION_SK_PREFIX);
    const found = new Map((await profiles.getMany(regs.map((r) => profileKey(r['athleteId'] as string)))).map((p) => [p['athleteId'] as string, p]));
    // A registration whose profile is missing is left out: the domain answers only what it knows.
    return regs.flatMap((r) => {
      const p = found.get(r['athleteId'] as string);
      return p ? [{ athleteId: p['athleteId'] as string, name: p['name'] as string, categoryId: r['categoryId'] as string, ...(p['affiliate'] ? { affiliate: p['affiliate'] as string } : {}) }] : [];
    });
  },
  reply: (answer) => sender.send(answer),
};
