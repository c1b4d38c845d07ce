// The athletes domain's reference data (data.json) as rows of its two tables: AthletesTable
// (one profile per athlete) and AthleteEventsTable (registrations: event, athlete, category).
// Test events copy an event's registrations under another id; their `behaviour` makes this
// domain answer with an error or not at all (the end-to-end tests' triggers).
import { joinKey } from '../../../../lib/read-model';
import type { ReferenceRow } from '../../../../lib/reference-data';
import data from './data.json';

export type TestBehaviour = 'error' | 'silent';
interface Profile {
  athleteId: string;
  name: string;
  affiliate?: string;
}
interface Registration {
  eventId: string;
  athleteId: string;
  categoryId: string;
}

const tests = data.testEvents as { eventId: string; copyOf: string; behaviour?: TestBehaviour }[];

export const behaviourOf = (eventId: string): TestBehaviour | undefined => tests.find((t) => t.eventId === eventId)?.behaviour;

export const profileKey = (athleteId: string): { pk: string; sk: string } => ({ pk: joinKey('ATHLETE', athleteId), sk: 'PROFILE' });
export const registrationsPk = (eventId: string): string => joinKey('EVENT', eventId);
export const REGISTRATION_SK_PREFIX = 'ATHLETE#';

export function profileRows(): ReferenceRow[] {
  return (data.athletes as Profile[]).map((a) => ({ ...profileKey(a.athleteId), ...a }));
}

export function registrationRows(): ReferenceRow[] {
  const registrations = data.registrations as Registration[];
  const copies = tests.flatMap((t) => registrations.filter((r) => r.eventId === t.copyOf).map((r) => ({ ...r, eventId: t.eventId })));
  return [...registrations, ...copies].map((r) => ({ pk: registrationsPk(r.eventId), sk: `${REGISTRATION_SK_PREFIX}${r.athleteId}`, ...r }));
}
