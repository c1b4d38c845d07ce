// Reporting query side: GET /reports/incidents/{incidentId}/timeline and GET /reports/counts.
import { clients } from '../../lib/clients';
import { createHttpApi, NotFoundError, route, type HttpApiHandler } from '../../lib/http';
import { createReadModel, type ReadModel } from '../../lib/read-model';
import { config } from './config';
import { COUNTS_KEY, incidentKey, TIMELINE_PREFIX } from './keys';

export function makeApi({ readModel }: { readModel: ReadModel }): HttpApiHandler {
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
          return { body: { counts: Object.fromEntries(rows.map((r) => [String(r['sk']), Number(r['count'] ?? 0)])) } };
        },
      }),
    },
  });
}

export const handler = makeApi({ readModel: createReadModel({ doc: clients.dynamoDbDocument, table: () => config().readModelTable }) });
