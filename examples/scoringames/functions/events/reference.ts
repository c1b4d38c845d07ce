// The events domain's reference data (data.json) as rows of its two tables: EventsTable
// (one row per competition event) and EventDaysTable (its days). Test events are copies of
// an event under another id; their `behaviour` makes this domain answer with an error or
// not at all (the end-to-end tests' deterministic triggers).
import type { CompetitionEvent, EventDay } from '../../generated';
import { joinKey } from '../../../../lib/read-model';
import type { ReferenceRow } from '../../../../lib/reference-data';
import data from './data.json';

export type TestBehaviour = 'error' | 'silent';
export interface EventData {
  event: CompetitionEvent;
  days: EventDay[];
}

type Source = CompetitionEvent & { days: EventDay[] };
const sources = data.events as Source[];
const tests = data.testEvents as { eventId: string; copyOf: string; behaviour?: TestBehaviour }[];

/** Every event, test copies included. */
export function allEvents(): Source[] {
  const byId = new Map(sources.map((e) => [e.eventId, e]));
  const copies = tests.map((t) => {
    const of = byId.get(t.copyOf);
    if (!of) throw new Error(`events/data.json: test event ${t.eventId} copies unknown event ${t.copyOf}`);
    return { ...of, eventId: t.eventId };
  });
  return [...sources, ...copies];
}

/** How this domain answers for a test event (undefined: normally). */
export const behaviourOf = (eventId: string): TestBehaviour | undefined => tests.find((t) => t.eventId === eventId)?.behaviour;

export const eventKey = (eventId: string): { pk: string; sk: string } => ({ pk: joinKey('EVENT', eventId), sk: 'EVENT' });
export const DAY_SK_PREFIX = 'DAY#';

export function eventRows(): ReferenceRow[] {
  return allEvents().map(({ days: _days, ...event }) => ({ ...eventKey(event.eventId), ...event }));
}

export function dayRows(): ReferenceRow[] {
  return allEvents().flatMap((e) => e.days.map((d) => ({ pk: joinKey('EVENT', e.eventId), sk: `${DAY_SK_PREFIX}${String(d.day).padStart(2, '0')}`, ...d })));
}
