// The wods domain's reference data (data.json) as rows of WodsTable: one row per event and
// WOD. Test events copy an event's WODs; their `behaviour` makes this domain answer with an
// error or not at all (the end-to-end tests' triggers).
import type { Wod } from '../../generated';
import { joinKey } from '../../../../lib/read-model';
import type { ReferenceRow } from '../../../../lib/reference-data';
import data from './data.json';

export type TestBehaviour = 'error' | 'silent';
type Row = Wod & { eventId: string };

const tests = data.testEvents as { eventId: string; copyOf: string; behaviour?: TestBehaviour }[];

export const behaviourOf = (eventId: string): TestBehaviour | undefined => tests.find((t) => t.eventId === eventId)?.behaviour;
export const wodsPk = (eventId: string): string => joinKey('EVENT', eventId);
export const WOD_SK_PREFIX = 'WOD#';

export function wodRows(): ReferenceRow[] {
  const rows = data.wods as Row[];
  const all = [...rows, ...tests.flatMap((t) => rows.filter((r) => r.eventId === t.copyOf).map((r) => ({ ...r, eventId: t.eventId })))];
  return all.map((r) => ({ pk: wodsPk(r.eventId), sk: `${WOD_SK_PREFIX}${r.wodId}`, ...r }));
}
