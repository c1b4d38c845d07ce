// The query API (seed 003 query side): GET /projects/{projectId} answers the project's view,
// folded from its read-model rows (view.ts); GET /projects lists the caller's projects. It
// reads only the read model, never the event store.
import { clients } from '../../../../lib/clients';
import { BadRequestError, createHttpApi, NotFoundError, route, type HttpApiHandler } from '../../../../lib/http';
import { ownerOf } from '../shared/owner';
import { createReadModel, type ReadModel } from '../../../../lib/read-model';
import { config } from './config';
import { ownerKey, projectKey } from './keys';
import { projectView, type StreamRow } from './view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function makeApi({ readModel }: { readModel: ReadModel }): HttpApiHandler {
  return createHttpApi({
    service: 'queries',
    routes: {
      'GET /projects/{projectId}': route({
        handler: async ({ pathParameters }) => {
          const projectId = pathParameters['projectId'] ?? '';
          if (!UUID.test(projectId)) throw new BadRequestError(`projectId "${projectId}" is not a UUID`, { code: 'INVALID_PROJECT_ID' });
          const view = projectView((await readModel.queryAll({ pk: projectKey(projectId) })) as unknown as StreamRow[]);
          if (!view) throw new NotFoundError(`no project ${projectId} (yet: a new project shows once its ProjectCreated reached the read model)`, { code: 'PROJECT_NOT_FOUND' });
          return { body: view };
        },
      }),
      'GET /projects': route({
        handler: async ({ event }) => {
          const ownerId = ownerOf(event);
          const rows = await readModel.queryAll({ pk: ownerKey(ownerId) });
          return { body: { ownerId, projects: rows.map(({ projectId, name, createdAt }) => ({ projectId, name, createdAt, links: { self: `/projects/${String(projectId)}` } })) } };
        },
      }),
    },
  });
}

export const handler = makeApi({ readModel: createReadModel({ doc: clients.dynamoDbDocument, table: () => config().projectViewsTable }) });
