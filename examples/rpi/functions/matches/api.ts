// The matches projection's read side: GET /matches/{season} (MatchesTable, written by the match
// event handler and by replay).
import { createHttpApi, route, type HttpApiHandler } from '../../../../lib/http';
import { seasonParam } from '../shared/season';
import { matchesStore, type MatchesStore } from './store';


export function makeApi({ store }: { store: Pick<MatchesStore, 'season'> }): HttpApiHandler {
  return createHttpApi({
    service: 'matches',
    routes: {
      'GET /matches/{season}': route({
        handler: async ({ pathParameters }) => {
          const season = seasonParam(pathParameters);
          const matches = await store.season(season);
          return { body: { season, matches } };
        },
      }),
    },
  });
}

export const handler = makeApi({ store: matchesStore });
