// GET /notifications/{userId}: a user's notifications, oldest first.
import { clients, sdk } from '../../../../lib/clients';
import { createHttpApi, route } from '../../../../lib/http';
import { config } from './config';

export const handler = createHttpApi({
  service: 'notifications',
  routes: {
    'GET /notifications/{userId}': route({
      handler: async ({ pathParameters }) => {
        const userId = pathParameters['userId'] as string;
        const found: Record<string, unknown>[] = [];
        const pages = sdk.document().paginateQuery({ client: clients.dynamoDbDocument() }, { TableName: config().notificationsTable, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)', ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':note': 'NOTE#' } });
        for await (const page of pages) for (const { pk: _pk, sk: _sk, ...n } of page.Items ?? []) found.push(n);
        found.sort((a, b) => String(a['sentAt']).localeCompare(String(b['sentAt'])));
        return { body: { userId, notifications: found } };
      },
    }),
  },
});
