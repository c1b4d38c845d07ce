// Errors query side: GET /errors/{correlationId} lists the errors of one flow, oldest first.
import { clients, sdk } from '../../lib/clients';
import { requireEnv } from '../../lib/config';
import { createHttpApi, route } from '../../lib/http';
import { errorsKey } from './keys';

export const handler = createHttpApi({
  service: 'errors',
  routes: {
    'GET /errors/{correlationId}': route({
      handler: async ({ pathParameters }) => {
        const correlationId = pathParameters['correlationId'] as string;
        const out = await clients.dynamoDbDocument().send(
          new (sdk.document().QueryCommand)({ TableName: requireEnv('READ_MODEL_TABLE'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': errorsKey(correlationId) }, Limit: 100 }),
        );
        const errors = (out.Items ?? []).map(({ pk: _pk, sk: _sk, failedEvent: _failed, ...e }) => e);
        return { body: { correlationId, errors } };
      },
    }),
  },
});
