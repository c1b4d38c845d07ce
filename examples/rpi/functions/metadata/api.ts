// The rankings cache: GET /rpi/{season}/rankings (RankingsCacheTable), what clients read: the
// season's ranked teams with their names, conference and region.
import { createHttpApi, NotFoundError, route, type HttpApiHandler } from '../../../../lib/http';
import { seasonParam } from '../shared/season';
import { metadataStore, type MetadataStore } from './store';

export function makeApi({ store }: { store: Pick<MetadataStore, 'cached'> }): HttpApiHandler {
  return createHttpApi({
    service: 'metadata',
    routes: {
      'GET /rpi/{season}/rankings': route({
        handler: async ({ pathParameters }) => {
          const season = seasonParam(pathParameters);
          const entry = await store.cached(season);
          if (!entry) throw new NotFoundError(`season ${season} has no cached rankings`, { code: 'NO_RANKINGS' });
          return { body: entry };
        },
      }),
    },
  });
}

export const handler = makeApi({ store: metadataStore });
