// Match query side: GET /sagas/{sagaId}, the state of an assignment saga with its steps
// and their times, from the saga table.
import { createHttpApi, NotFoundError, route, type HttpApiHandler } from '../../lib/http';
import type { SagaStore } from '../../lib/saga';
import { sagaStore } from './saga-store';

export function makeApi({ sagas }: { sagas: Pick<SagaStore, 'load'> }): HttpApiHandler {
  return createHttpApi({
    service: 'match',
    routes: {
      'GET /sagas/{sagaId}': route({
        handler: async ({ pathParameters }) => {
          const sagaId = pathParameters['sagaId'] as string;
          const state = await sagas.load(sagaId);
          if (!state) throw new NotFoundError(`saga ${sagaId} does not exist`, { code: 'SAGA_NOT_FOUND' });
          const { sagaId: id, saga, status, reason, startedAt, endedAt, deadline, version, history, data } = state;
          return { body: { sagaId: id, saga, status, ...(reason ? { reason } : {}), startedAt, ...(endedAt ? { endedAt } : {}), ...(deadline ? { deadline } : {}), version, data, steps: history } };
        },
      }),
    },
  });
}

export const handler = makeApi({ sagas: sagaStore });
