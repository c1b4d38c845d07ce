// Reporting query side: GET /reports/incidents/{incidentId}/timeline, GET /reports/counts and
// GET /reports/kpis (the back office's: the token needs the `backoffice` scope).
import { clients } from '../../lib/clients';
import { BadRequestError, claimsOf, createHttpApi, HttpError, NotFoundError, route, scopesOf, type HttpApiHandler } from '../../lib/http';
import { createReadModel, type ReadModel } from '../../lib/read-model';
import { config } from './config';
import { COUNTS_KEY, countedType, incidentKey, TIMELINE_PREFIX } from './keys';
import { dayOf, daysBetween, FACT_PREFIX, kpiDayKey, kpisOfDay, nextDay, type KpiFactRow } from './kpis';

/** The scope a token needs to read the KPIs (the spec's back-office scope, as for payment approval). */
export const BACK_OFFICE_SCOPE = 'backoffice';
/** The longest range one KPI request may cover, in days (each day is one partition query, plus the day after). */
export const MAX_KPI_DAYS = 31;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface Deps {
  readModel: ReadModel;
  now: () => Date;
}

/** A YYYY-MM-DD query parameter, or `fallback` when absent. */
function dayParam(query: Readonly<Record<string, string | undefined>>, name: string, fallback: string): string {
  const value = query[name];
  if (value === undefined || value === '') return fallback;
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new BadRequestError(`${name} must be a day as YYYY-MM-DD, got ${JSON.stringify(value.slice(0, 40))}`, { code: 'INVALID_DAY' });
  }
  return value;
}

export function makeApi({ readModel, now }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'reporting',
    routes: {
      'GET /reports/incidents/{incidentId}/timeline': route({
        handler: async ({ pathParameters }) => {
          const incidentId = pathParameters['incidentId'] as string;
          const rows = await readModel.queryAll({ pk: incidentKey(incidentId), skPrefix: TIMELINE_PREFIX });
          if (!rows.length) throw new NotFoundError(`no events recorded for incident ${incidentId}`);
          const timeline = rows.map(({ pk: _pk, sk: _sk, ...row }) => row);
          return { body: { incidentId, events: timeline.length, timeline } };
        },
      }),
      'GET /reports/counts': route({
        handler: async () => {
          const rows = await readModel.queryAll({ pk: COUNTS_KEY });
          const counts: Record<string, number> = {};
          for (const r of rows) {
            const type = countedType(String(r['sk']));
            counts[type] = (counts[type] ?? 0) + Number(r['count'] ?? 0);
          }
          return { body: { counts } };
        },
      }),
      'GET /reports/kpis': route({
        handler: async ({ query, event }) => {
          if (!scopesOf(claimsOf(event)).has(BACK_OFFICE_SCOPE)) throw new HttpError(403, `the KPIs need the ${BACK_OFFICE_SCOPE} scope`, { code: 'MISSING_SCOPE' });
          const today = dayOf(now().toISOString());
          const to = dayParam(query, 'to', dayParam(query, 'from', today));
          const from = dayParam(query, 'from', to);
          if (from > to) throw new BadRequestError(`from (${from}) is after to (${to})`, { code: 'INVALID_RANGE' });
          const days = daysBetween(from, to);
          if (days.length > MAX_KPI_DAYS) throw new BadRequestError(`at most ${MAX_KPI_DAYS} days per request, got ${days.length}`, { code: 'INVALID_RANGE' });
          // Each day's facts, and the day after the last: an incident's milestones may fall after midnight.
          const partitions = await Promise.all([...days, nextDay(to)].map((day) => readModel.queryAll({ pk: kpiDayKey(day), skPrefix: FACT_PREFIX })));
          const facts = partitions.map((rows) => rows as unknown as KpiFactRow[]);
          const kpis = days.map((day, i) => kpisOfDay(day, [...(facts[i] ?? []), ...(facts[i + 1] ?? [])]));
          return { body: { from, to, days: kpis } };
        },
      }),
    },
  });
}

export const handler = makeApi({ readModel: createReadModel({ doc: clients.dynamoDbDocument, table: () => config().readModelTable }), now: () => new Date() });
