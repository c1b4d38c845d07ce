// The matches projection's read side: GET /matches/{season} (MatchesTable, written by the match
// event handler and by replay).
import { BadRequestError, createHttpApi, route, type HttpApiHandler } from '../../../../lib/http';
import { matchesStore, type MatchesStore } from './store';

export const SEASON = /^[0-9]{4}$/;

export function makeApi({ store }: { store: Pick<MatchesStore, 'season'> }): HttpApiHandler {
  return createHttpApi({
    service: 'matches',
    routes: {
      'GET /matches/{season}': route({
        handler: async ({ pathParameters }) => {
          const season = pathParameters['season'] ?? '';
          if (!SEASON.test(season)) throw new BadRequestError(`season "${season}" must be a year (4 digits)`, { code: 'INVALID_SEASON' });
          const matches = await store.season(season);
          return { body: { season, matches } };
        },
      }),
    },
  });
}

export const handler = makeApi({ store: matchesStore });
