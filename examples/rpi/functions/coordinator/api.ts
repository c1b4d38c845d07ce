// The saga state (seed 001's "saga state tracking"): GET /rpi/calculations/{calculationId} reads
// the rpiCalculation saga's item (SagaTable): its status, the step waited on, every step's
// history (commands, replies, compensations) and the reason it compensated.
import type { SagaState } from '../../../../lib/saga';
import { createHttpApi, NotFoundError, route, type HttpApiHandler } from '../../../../lib/http';
import type { CalculationData } from './calculation-saga';
import { sagaStore } from './saga';

/** What the status API shows of a saga: everything but the bulky data (matches and ratings are counted). */
export function sagaStatus(s: SagaState<CalculationData>): Record<string, unknown> {
  const { matches, ratings, ...data } = s.data;
  return {
    calculationId: s.sagaId,
    season: s.data.season,
    status: s.status,
    ...(s.reason ? { reason: s.reason } : {}),
    startedAt: s.startedAt,
    ...(s.endedAt ? { endedAt: s.endedAt } : {}),
    data: { ...data, ...(matches ? { matches: matches.length } : {}), ...(ratings ? { teams: ratings.length } : {}) },
    steps: s.history.map((h) => ({ step: h.step, phase: h.phase, attempt: h.attempt, status: h.status, ...(h.reply ? { reply: h.reply.detailType } : {}) })),
  };
}

export function makeApi({ load }: { load: (id: string) => Promise<SagaState<CalculationData> | undefined> }): HttpApiHandler {
  return createHttpApi({
    service: 'coordinator',
    routes: {
      'GET /rpi/calculations/{calculationId}': route({
        handler: async ({ pathParameters }) => {
          const id = pathParameters['calculationId'] ?? '';
          const state = await load(id);
          if (!state) throw new NotFoundError(`no RPI calculation ${id} (it may not have started yet)`, { code: 'CALCULATION_NOT_FOUND' });
          return { body: sagaStatus(state) };
        },
      }),
    },
  });
}

export const handler = makeApi({ load: (id) => sagaStore.load<CalculationData>(id) });
