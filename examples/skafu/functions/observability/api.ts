// GET /errors/{correlationId}: the errors of one request, oldest first (every page read), so
// a failed flow can be followed from its correlation id.
import { clients } from '../../../../lib/clients';
import { createHttpApi, route, type HttpApiHandler } from '../../../../lib/http';
import { createReadModel, type ReadModel } from '../../../../lib/read-model';
import { config } from './config';
import { errorsKey } from './keys';

export function makeApi({ readModel }: { readModel: ReadModel }): HttpApiHandler {
  return createHttpApi({
    service: 'observability',
    routes: {
      'GET /errors/{correlationId}': route({
        handler: async ({ pathParameters }) => {
          const correlationId = pathParameters['correlationId'] as string;
          const rows = await readModel.queryAll({ pk: errorsKey(correlationId) });
          return { body: { correlationId, errors: rows.map(({ pk: _pk, sk: _sk, failedEvent: _failed, ...e }) => e) } };
        },
      }),
    },
  });
}

export const handler = makeApi({ readModel: createReadModel({ doc: clients.dynamoDbDocument, table: () => config().errorsTable }) });
