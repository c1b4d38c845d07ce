// The rpiCalculation saga (seed 001's Saga Coordinator): its steps, replies, compensations and
// timeouts are declared in the spec (asyncapi/coordinator/service.yaml, x-sagas.rpiCalculation);
// this file gives the pure functions: the saga id (the calculationId), its data, and each
// command's data from it.
import type { MatchResult, TeamRating } from '../../generated';
import type { RpiCalculationSagaHandlers } from '../../generated/sagas/coordinator';

export interface CalculationData {
  calculationId: string;
  season: string;
  requestedAt: string;
  note?: string;
  /** Step 1's result: what step 2 rates. */
  matches?: MatchResult[];
  /** Step 2's result: what step 4 caches. */
  ratings?: TeamRating[];
  /** Step 3's result: the results it replaced. */
  previousCalculationId?: string;
}

/** The saga's pure part: the generated step map (generated/sagas/coordinator.ts) makes every piece required. */
export const rpiCalculation: RpiCalculationSagaHandlers<CalculationData> = {
  sagaId: (trigger) => trigger.detail.data.calculationId,
  init: ({ detail: { data: d } }) => ({ calculationId: d.calculationId, season: d.season, requestedAt: d.requestedAt, ...(d.note ? { note: d.note } : {}) }),
  steps: {
    collectMatches: {
      command: (d) => ({ sagaId: d.calculationId, season: d.season }),
      onMatchesCollected: (d, reply) => ({ ...d, matches: reply.detail.data.matches }),
    },
    calculateRpi: {
      command: (d) => ({ sagaId: d.calculationId, season: d.season, matches: d.matches ?? [] }),
      onRpiCalculated: (d, reply) => ({ ...d, ratings: reply.detail.data.ratings }),
      compensation: (d, context) => ({ sagaId: d.calculationId, season: d.season, reason: context.reason ?? 'the saga compensates' }),
    },
    publishResults: {
      command: (d) => ({ sagaId: d.calculationId, season: d.season }),
      onRpiResultsPublished: (d, reply) => {
        const previous = reply.detail.data.previousCalculationId;
        return previous ? { ...d, previousCalculationId: previous } : d;
      },
      compensation: (d, context) => ({ sagaId: d.calculationId, season: d.season, reason: context.reason ?? 'the saga compensates' }),
    },
    updateCache: {
      command: (d) => ({ sagaId: d.calculationId, season: d.season, ratings: d.ratings ?? [] }),
      onRpiCacheUpdated: (d) => d,
    },
  },
};
