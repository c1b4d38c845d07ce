// Where the events domain reads (its own two tables, seeded from data.json on first use,
// lib/reference-data) and writes (only its answers' outbox rows, each at most once).
import type { CompetitionEvent, EventDay } from '../../generated';
import { clients } from '../../../../lib/clients';
import type { OutgoingEvent } from '../../../../lib/envelope';
import { createOnceSender } from '../../../../lib/event-store';
import { createReferenceTable, type ReferenceRow } from '../../../../lib/reference-data';
import { config } from './config';
import { DAY_SK_PREFIX, dayRows, eventKey, eventRows, type EventData } from './reference';

export interface EventsStore {
  /** The event and its days, or undefined when there is no such event. */
  find(eventId: string): Promise<EventData | undefined>;
  /** Writes the answer's outbox row; false when it was written before (a redelivered request). */
  reply(answer: OutgoingEvent): Promise<boolean>;
}

const events = createReferenceTable({ doc: clients.dynamoDbDocument, table: () => config().eventsTable, rows: eventRows });
const days = createReferenceTable({ doc: clients.dynamoDbDocument, table: () => config().eventDaysTable, rows: dayRows });
const sender = createOnceSender({ doc: clients.dynamoDbDocument, outboxTable: () => config().outboxTable });

const toEvent = ({ eventId, name, venue, lanes, transitionMinutes }: ReferenceRow): CompetitionEvent => ({ eventId: eventId as string, name: name as string, lanes: lanes as number, transitionMinutes: transitionMinutes as number, ...(venue ? { venue: venue as string } : {}) });
const toDay = ({ day, date, startTime, endTime }: ReferenceRow): EventDay => ({ day: day as number, date: date as string, startTime: startTime as string, endTime: endTime as string });

export const eventsStore: EventsStore = {
  async find(eventId) {
    const key = eventKey(eventId);
    const row = await events.get(key);
    if (!row) return undefined;
    return { event: toEvent(row), days: (await days.query(key.pk, DAY_SK_PREFIX)).map(toDay) };
  },
  reply: (answer) => sender.send(answer),
};
