// The CreateProject command (seed 003: "Frontend -> API Gateway -> CreateProject command"):
// POST /projects validates the body against the spec (lib/http), appends ProjectCreated to
// the new project's stream with the claim of its name (store.ts) and answers 202 with the
// projectId and the request's correlationId, which every event of the flow carries. A
// taken name is 409 PROJECT_NAME_EXISTS and an ErrorOccurred on the errors bus (the seed's
// own example: VALIDATION_ERROR "Project name already exists").
import { randomUUID } from 'node:crypto';
import { validateCreateProjectCommand } from '../../generated';
import * as projectsEvents from '../../generated/publishers/projects';
import { ConflictError, createHttpApi, route, type HttpApiHandler } from '../../../../lib/http';
import { ownerOf } from '../shared/owner';
import { createProject } from './domain';
import { projectStore, type ProjectStore } from './store';

export interface Deps {
  store: ProjectStore;
  now: () => string;
  newId: () => string;
}

export function makeApi({ store, now, newId }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'projects',
    routes: {
      'POST /projects': route({
        body: validateCreateProjectCommand,
        handler: async ({ body, event }, { eventContext, logger }) => {
          const ownerId = ownerOf(event);
          const projectId = newId();
          const [created] = createProject(body, projectId, ownerId, now());
          if (!created || created.type !== 'ProjectCreated') throw new Error('createProject decided no ProjectCreated');
          if (!(await store.create(created, eventContext))) {
            await store.report(
              projectsEvents.ErrorOccurred(
                { errorCode: 'VALIDATION_ERROR', errorMessage: 'Project name already exists', severity: 'ERROR', context: { service: 'projects', function: 'create-project', userId: ownerId }, canRetry: false },
                { ...eventContext, occurredAt: now() },
              ),
            );
            logger.info('project name taken', { name: body.name });
            throw new ConflictError(`a project named ${body.name} exists already; choose another name`, { code: 'PROJECT_NAME_EXISTS' });
          }
          logger.info('project created', { projectId, name: body.name });
          const self = `/projects/${projectId}`;
          return { statusCode: 202, headers: { location: self }, body: { projectId, name: body.name, status: 'CONFIGURING', links: { self } } };
        },
      }),
    },
  });
}

export const handler = makeApi({ store: projectStore, now: () => new Date().toISOString(), newId: randomUUID });
