// Match query side: GET /sagas/{sagaId}, the state of an assignment saga with its steps
// and their times (saga table); GET /incidents/{incidentId}/matching, the incident's
// matching round: who was asked, who answered what and when, the deadline and the outcome
// (read-model table).
import { createHttpApi, NotFoundError, route, type HttpApiHandler } from '../../lib/http';
import type { SagaStore } from '../../lib/saga';
import { clients } from '../../lib/clients';
import { createDynamoDbGatherStore, type GatherStore } from '../../lib/gather';
import { config } from './config';
import { gatherKey, matchingRequestId } from './keys';
import type { MatchingInput } from './offers';
import { sagaStore } from './saga-store';

export function makeApi({ sagas, gathers }: { sagas: Pick<SagaStore, 'load'>; gathers: () => Pick<GatherStore, 'load'> }): HttpApiHandler {
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
      'GET /incidents/{incidentId}/matching': route({
        handler: async ({ pathParameters }) => {
          const incidentId = pathParameters['incidentId'] as string;
          const round = await gathers().load<MatchingInput>(matchingRequestId(incidentId));
          if (!round) throw new NotFoundError(`incident ${incidentId} has no matching round`, { code: 'MATCHING_NOT_FOUND' });
          const responders = Object.entries(round.responders).map(([name, { required }]) => {
            const answer = round.answers[name];
            return { responder: name, required, answered: answer ? { kind: answer.kind, detailType: answer.detailType, at: answer.at } : null };
          });
          const { requestId, status, startedAt, deadline, endedAt, reason } = round;
          return { body: { incidentId, requestId, status, startedAt, deadline, ...(endedAt ? { endedAt } : {}), ...(reason ? { outcome: reason } : {}), responders } };
        },
      }),
    },
  });
}

let gatherStore: GatherStore | undefined;
export const handler = makeApi({
  sagas: sagaStore,
  gathers: () => (gatherStore ??= createDynamoDbGatherStore({ doc: clients.dynamoDbDocument(), table: config().readModelTable, outboxTable: config().outboxTable, key: gatherKey })),
});
