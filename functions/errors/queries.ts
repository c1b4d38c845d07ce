// Errors query side: GET /errors/{correlationId} lists the errors of one flow, oldest first:
// all of them (every page is read; a flow's errors are few, and a cut list would hide the last ones).
import { clients } from '../../lib/clients';
import { createHttpApi, route, type HttpApiHandler } from '../../lib/http';
import { createReadModel, type ReadModel } from '../../lib/read-model';
import { config } from './config';
import { errorsKey } from './keys';

export function makeApi({ readModel }: { readModel: ReadModel }): HttpApiHandler {
  return createHttpApi({
    service: 'errors',
    routes: {
      'GET /errors/{correlationId}': route({
        handler: async ({ pathParameters }) => {
          const correlationId = pathParameters['correlationId'] as string;
          const rows = await readModel.queryAll({ pk: errorsKey(correlationId) });
          const errors = rows.map(({ pk: _pk, sk: _sk, failedEvent: _failed, ...e }) => e);
          return { body: { correlationId, errors } };
        },
      }),
    },
  });
}

export const handler = makeApi({ readModel: createReadModel({ doc: clients.dynamoDbDocument, table: () => config().readModelTable }) });
