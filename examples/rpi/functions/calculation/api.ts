// The season's published RPI results: GET /rpi/{season}/results (RatingsTable: the CURRENT
// pointer and its calculation's ratings).
import { createHttpApi, NotFoundError, route, type HttpApiHandler } from '../../../../lib/http';
import { seasonParam } from '../shared/season';
import { ratingsStore, type RatingsStore } from './store';

export function makeApi({ store }: { store: Pick<RatingsStore, 'current' | 'calculation'> }): HttpApiHandler {
  return createHttpApi({
    service: 'calculation',
    routes: {
      'GET /rpi/{season}/results': route({
        handler: async ({ pathParameters }) => {
          const season = seasonParam(pathParameters);
          const current = await store.current(season);
          const calculation = current ? await store.calculation(season, current.calculationId) : undefined;
          if (!current || !calculation) throw new NotFoundError(`season ${season} has no published RPI results`, { code: 'NO_RESULTS' });
          return { body: { season, calculationId: current.calculationId, publishedAt: current.publishedAt, matches: calculation.matches, ratings: calculation.ratings } };
        },
      }),
    },
  });
}

export const handler = makeApi({ store: ratingsStore });
