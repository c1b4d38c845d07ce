// The matching round of an incident (seed 000's scatter-gather on lib/gather): match asks
// vendor which vendors can take the job (required), pricing for the rate card and tracking
// for ETAs (both optional: without them offers carry match's estimate, marked as such).
// When every responder answered, or at the deadline, the round ends once: with up to 3
// offers (selection.ts ranks them) or, without vendors, MatchingFailed (the incident
// service escalates). The offers, the board and their events are written with the end.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EtaResponseData, PriceQuoteResponseData, VendorAvailabilityErrorData, VendorAvailabilityResponseData } from '../../generated';
import * as matchEvents from '../../generated/publishers/match';
import { defineMatchingGather, matchingGatherDeadlineEvent } from '../../generated/gathers/match';
import { clients } from '../../lib/clients';
import { createDynamoDbGatherStore, createGatherRunner, gatherEventId, type DefinedGather, type GatherMetric, type GatherResult, type GatherRunner, type GatherState, type GatherStore } from '../../lib/gather';
import type { Timers } from '../../lib/timers';
import { config } from './config';
import { gatherKey } from './keys';
import { newBoard, planOffers, type MatchingInput } from './offers';
import { rankOffers, SELECTION } from './selection';
import { offerWrites } from './store';
import { stageTimers } from './timers';

export type MatchingRunner = GatherRunner<MatchingInput>;
export { gatherKey, matchingRequestId } from './keys';

/** The round as the spec declares it (x-gathers.matching, generated/gathers/match.ts) with its requests' data. */
export function matchingGather(deadlineSeconds?: number): DefinedGather<MatchingInput> {
  return defineMatchingGather<MatchingInput>(
    {
      vendor: (i, c) => ({ requestId: c.requestId, incidentId: i.incidentId, problemType: i.problemType, location: i.location, radiusKm: SELECTION.radiusKm, maxVendors: 10, respondBy: c.deadline }),
      pricing: (i, c) => ({ requestId: c.requestId, incidentId: i.incidentId, problemType: i.problemType, location: i.location, currency: 'USD', respondBy: c.deadline }),
      tracking: (i, c) => ({ requestId: c.requestId, incidentId: i.incidentId, destination: i.location, radiusKm: SELECTION.radiusKm, respondBy: c.deadline }),
    },
    deadlineSeconds ? { deadlineSeconds } : {},
  );
}

/** The data of a responder's answer when it is a response (not an error, not silence). */
function responseOf<D>(state: GatherState<MatchingInput>, responder: string): D | undefined {
  const answer = state.answers[responder];
  return answer?.kind === 'response' ? (answer.data as D) : undefined;
}

/** Why the round found no vendor, in MatchingFailed's words. */
function failure(state: GatherState<MatchingInput>): { reason: 'no_vendor_in_range' | 'vendor_service_error' | 'vendor_service_silent'; details: string } {
  const answer = state.answers['vendor'];
  if (!answer) return { reason: 'vendor_service_silent', details: `vendor did not answer by ${state.deadline}` };
  if (answer.kind === 'error') {
    const e = answer.data as VendorAvailabilityErrorData;
    return { reason: e.errorCode === 'NO_VENDOR_IN_RANGE' ? 'no_vendor_in_range' : 'vendor_service_error', details: `vendor: ${e.errorCode} ${e.errorMessage}`.slice(0, 1000) };
  }
  return { reason: 'no_vendor_in_range', details: `no ${state.input.problemType} vendor available within ${SELECTION.radiusKm} km` };
}

/** What an ended round stores and publishes: its offers and their board, or MatchingFailed. */
export function matchingResult(state: GatherState<MatchingInput>, table: string, now: Date, offerTtlSeconds: number): GatherResult {
  const last = Object.values(state.answers).sort((a, b) => a.at.localeCompare(b.at)).at(-1);
  const context = { correlationId: state.correlationId, causationId: last?.eventId ?? state.requestId };
  const vendors = responseOf<VendorAvailabilityResponseData>(state, 'vendor')?.vendors ?? [];
  const ranked = rankOffers({
    vendors,
    ...(responseOf<PriceQuoteResponseData>(state, 'pricing') ? { quote: responseOf<PriceQuoteResponseData>(state, 'pricing') as PriceQuoteResponseData } : {}),
    ...(responseOf<EtaResponseData>(state, 'tracking') ? { etas: responseOf<EtaResponseData>(state, 'tracking') as EtaResponseData } : {}),
  });
  if (!ranked.length) {
    const why = failure(state);
    const event = matchEvents.MatchingFailed({ incidentId: state.input.incidentId, requestId: state.requestId, ...why, failedAt: now.toISOString() }, { ...context, eventId: gatherEventId('matching', state.requestId, 'MatchingFailed'), occurredAt: now });
    return { writes: [], events: [event] };
  }
  const planned = planOffers(state.input, ranked, state.requestId, context, now, offerTtlSeconds);
  return { writes: offerWrites(table, planned, newBoard(state.input, planned)), events: planned.map((p) => p.event) };
}

const metrics = new Metrics({ serviceName: 'match' });

/** Round KPIs as EMF, one metric per line. */
export function emitGatherMetric(m: GatherMetric): void {
  const single = metrics.singleMetric();
  single.addDimensions(m.dimensions);
  single.addMetric(m.name, m.unit === 'Count' ? MetricUnit.Count : MetricUnit.Milliseconds, m.value);
}

/** The runner over any store and timers (the deployed ones below; in-memory ones in tests). */
export function createMatchingRunner(deps: { store: GatherStore; timers: Timers; table: () => string; deadlineSeconds?: number; offerTtlSeconds: () => number; now?: () => number; metric?: (m: GatherMetric) => void }): MatchingRunner {
  const now = deps.now ?? Date.now;
  return createGatherRunner(matchingGather(deps.deadlineSeconds), {
    store: deps.store,
    timers: deps.timers,
    now,
    deadlineEvent: matchingGatherDeadlineEvent,
    result: (state) => matchingResult(state, deps.table(), new Date(now()), deps.offerTtlSeconds()),
    ...(deps.metric ? { metric: deps.metric } : {}),
  });
}

let runner: MatchingRunner | undefined;
/** The deployed runner: rounds in the read-model table, the deadline through EventBridge Scheduler. */
export function matchingRunner(): MatchingRunner {
  return (runner ??= createMatchingRunner({
    store: createDynamoDbGatherStore({ doc: clients.dynamoDbDocument(), table: config().readModelTable, outboxTable: config().outboxTable, key: gatherKey }),
    timers: stageTimers,
    table: () => config().readModelTable,
    deadlineSeconds: config().matchingDeadlineSeconds,
    offerTtlSeconds: () => config().offerTtlSeconds,
    metric: emitGatherMetric,
  }));
}
