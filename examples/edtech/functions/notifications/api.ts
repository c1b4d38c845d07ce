// GET /notifications/{userId}: a user's notifications, oldest first.
import { clients } from '../../../../lib/clients';
import { createHttpApi, route } from '../../../../lib/http';
import { createReadModel } from '../../../../lib/read-model';
import { config } from './config';

const notes = createReadModel({ doc: clients.dynamoDbDocument, table: () => config().notificationsTable });

export const handler = createHttpApi({
  service: 'notifications',
  routes: {
    'GET /notifications/{userId}': route({
      handler: async ({ pathParameters }) => {
        const userId = pathParameters['userId'] as string;
        const found = (await notes.queryAll({ pk: `USER#${userId}`, skPrefix: 'NOTE#' })).map(({ pk: _pk, sk: _sk, ...n }) => n);
        found.sort((a, b) => String(a['sentAt']).localeCompare(String(b['sentAt'])));
        return { body: { userId, notifications: found } };
      },
    }),
  },
});
