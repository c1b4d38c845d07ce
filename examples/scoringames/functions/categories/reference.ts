// The categories domain's reference data (data.json) as rows of CategoriesTable: one row per
// event and category, its sort key keeping the file's order (the order heats run in). Test
// events copy an event's categories; their `behaviour` makes this domain answer with an
// error or not at all (the end-to-end tests' triggers).
import type { EventCategory } from '../../generated';
import { joinKey } from '../../../../lib/read-model';
import type { ReferenceRow } from '../../../../lib/reference-data';
import data from './data.json';

export type TestBehaviour = 'error' | 'silent';
type Row = EventCategory & { eventId: string };

const tests = data.testEvents as { eventId: string; copyOf: string; behaviour?: TestBehaviour }[];

export const behaviourOf = (eventId: string): TestBehaviour | undefined => tests.find((t) => t.eventId === eventId)?.behaviour;
export const categoriesPk = (eventId: string): string => joinKey('EVENT', eventId);
export const CATEGORY_SK_PREFIX = 'CATEGORY#';

export function categoryRows(): ReferenceRow[] {
  const rows = data.categories as Row[];
  const all = [...rows, ...tests.flatMap((t) => rows.filter((r) => r.eventId === t.copyOf).map((r) => ({ ...r, eventId: t.eventId })))];
  const position = new Map<string, number>();
  return all.map((r) => {
    const n = (position.get(r.eventId) ?? 0) + 1;
    position.set(r.eventId, n);
    return { pk: categoriesPk(r.eventId), sk: `${CATEGORY_SK_PREFIX}${String(n).padStart(3, '0')}#${r.categoryId}`, ...r };
  });
}
