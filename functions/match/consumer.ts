// Match service consumer. A new incident gets offers (offers.ts), each with an expiry
// timer; the offers' board (board.ts) decides expiry, assignment and withdrawal; an
// accepted offer runs the assignment saga (assignment.ts, lib/saga), whose replies and
// step timers come back here. A new incident's offers come from its matching round
// (matching.ts, lib/gather): the answers of vendor, pricing and tracking come back here.
import { createMatchQueueConsumer, type EventBridgeEvent, type MatchQueueHandlers, type OfferAcceptedData } from '../../generated';
import * as matchEvents from '../../generated/publishers/match';
import type { ConsumerContext } from '../../lib/consumer';
import { nameUuid } from '../../lib/ids';
import { TERMINAL, type SagaEvent, type SagaTimeoutData, type Transition } from '../../lib/saga';
import type { Timers } from '../../lib/timers';
import { INCIDENT_CANCELLED, type AssignmentData } from './assignment';
import { acceptedOffers, assignmentSagaId, incidentCancelled, MATCH_NAMESPACE, offerTimedOut, sagaEnded, type BoardChange } from './board';
import { config } from './config';
import type { GatherEvent, GatherState } from '../../lib/gather';
import { matchingRequestId, matchingRunner, type MatchingRunner } from './matching';
import type { MatchingInput } from './offers';
import { assignmentRunner, type AssignmentRunner } from './saga';
import { offerTimerId, stageTimers } from './timers';
import { createOfferStore, type OfferStore } from './store';

export interface Deps {
  offers: OfferStore;
  /** The assignment saga's runner (built on first use in the deployed function). */
  sagas: () => AssignmentRunner;
  /** The matching round's runner (built on first use in the deployed function). */
  matching: () => MatchingRunner;
  timers: Timers;
  now: () => Date;
}

const sagaEvent = <D>(event: EventBridgeEvent<string, { metadata: { eventId: string; correlationId: string; occurredAt?: string }; data: D }>): SagaEvent<D> => ({ detailType: event['detail-type'], detail: event.detail });

/** The expiry timer of an open offer (idempotent per offer). */
function offerTimer(o: { offerId: string; vendorId: string; expiresAt: string }, incidentId: string, ctx: ConsumerContext): Parameters<Timers['schedule']>[0] {
  const { offerId, vendorId, expiresAt } = o;
  const event = matchEvents.OfferTimeoutElapsed(
    { offerId, incidentId, vendorId, expiresAt, firedAt: expiresAt },
    { ...ctx.causedBy, eventId: nameUuid(MATCH_NAMESPACE, 'OfferTimeoutElapsed', offerId), aggregateId: offerId, occurredAt: expiresAt },
  );
  return { id: offerTimerId(offerId), at: expiresAt, event };
}

const gatherEvent = <D>(event: EventBridgeEvent<string, { metadata: { eventId: string; correlationId: string }; data: D }>): GatherEvent<D> => ({ detailType: event['detail-type'], detail: event.detail });

export function makeHandlers({ offers, sagas, matching, timers, now }: Deps): MatchQueueHandlers<ConsumerContext> {
  /** Timers of answered offers are not needed any more (best effort: a late tick is ignored by the board). */
  const settled = async (change: BoardChange | undefined): Promise<void> => {
    for (const offerId of change?.answered ?? []) await timers.cancel(offerTimerId(offerId)).catch(() => false);
  };
  /** Once a saga ended, the board learns it (again on a redelivery: sagaEnded is idempotent). */
  const afterSaga = async (t: Transition<AssignmentData>, ctx: ConsumerContext): Promise<void> => {
    if (t.outcome === 'ignored' && t.reason) ctx.logger.info('saga input ignored', { sagaId: t.state.sagaId, reason: t.reason });
    const { status, data } = t.state;
    if (!TERMINAL.has(status)) return;
    const outcome = status as 'COMPLETED' | 'COMPENSATED' | 'FAILED';
    await settled(await offers.update({ incidentId: data.incidentId }, ctx.causedBy, (board) => sagaEnded(board, data.offerId, outcome, now().toISOString())));
  };
  /** Once a round ended with offers, each open offer has its expiry timer (again on a redelivery: idempotent per offer). */
  const afterRound = async (state: GatherState<MatchingInput> | undefined, ctx: ConsumerContext): Promise<void> => {
    if (!state || state.status === 'PENDING' || state.status === 'FAILED') return;
    const board = await offers.board({ incidentId: state.input.incidentId });
    for (const o of Object.values(board?.offers ?? {})) if (o.status === 'open') await timers.schedule(offerTimer(o, state.input.incidentId, ctx));
  };
  const answer = async (event: Parameters<typeof gatherEvent>[0], ctx: ConsumerContext): Promise<void> => {
    const result = await matching().answer(gatherEvent(event));
    if (result.outcome === 'ignored') ctx.logger.info('matching answer ignored', { detailType: event['detail-type'], reason: result.reason });
    if (result.outcome !== 'recorded') await afterRound(result.state, ctx);
  };
  const reply = async (event: Parameters<typeof sagaEvent>[0], ctx: ConsumerContext): Promise<void> => {
    await afterSaga(await sagas().reply(sagaEvent(event)), ctx);
  };
  return {
    IncidentCreated: async (event, ctx) => {
      const { incidentId, driverId, problemType, location } = event.detail.data;
      const input: MatchingInput = { incidentId, driverId, problemType, location: location.coordinates };
      const { started, state } = await matching().start(matchingRequestId(incidentId), input, event.detail.metadata);
      ctx.logger.info(started ? 'matching round started' : 'matching round already started', { incidentId, status: state.status });
    },
    MatchingDeadlineElapsed: async (event, ctx) => {
      const { outcome, state } = await matching().deadline(gatherEvent(event));
      await afterRound(state, ctx);
      ctx.logger.info(outcome === 'ended' ? 'matching round ended at its deadline' : 'matching deadline ignored: the round ended', { requestId: event.detail.data.requestId, status: state?.status });
    },
    VendorAvailabilityResponse: answer,
    VendorAvailabilityError: answer,
    PriceQuoteResponse: answer,
    PriceQuoteError: answer,
    EtaResponse: answer,
    EtaError: answer,
    OfferTimeoutElapsed: async (event, ctx) => {
      const { offerId, incidentId } = event.detail.data;
      const change = await offers.update({ incidentId }, ctx.causedBy, (board) => offerTimedOut(board, offerId, now().toISOString()));
      ctx.logger.info(change ? 'offer expired' : 'offer timer ignored: the offer was answered', { offerId });
    },
    OfferAccepted: async (event, ctx) => {
      const t = await sagas().start(sagaEvent<OfferAcceptedData>(event));
      await afterSaga(t, ctx);
      // The incident may have been cancelled before this saga existed: its IncidentCancelled found nothing to abort.
      const board = await offers.board({ incidentId: event.detail.data.incidentId });
      if (board?.closed === 'cancelled' && !TERMINAL.has(t.state.status)) await afterSaga(await sagas().abort(t.state.sagaId, INCIDENT_CANCELLED, sagaEvent(event)), ctx);
    },
    IncidentCancelled: async (event, ctx) => {
      const { incidentId } = event.detail.data;
      await settled(await offers.update({ incidentId }, ctx.causedBy, (board) => incidentCancelled(board, now().toISOString())));
      const board = await offers.board({ incidentId });
      for (const offer of board ? acceptedOffers(board) : []) {
        const sagaId = assignmentSagaId(offer.offerId);
        // Not started yet: its OfferAccepted handler sees the closed board and aborts it.
        if (!(await sagas().status(sagaId))) continue;
        await afterSaga(await sagas().abort(sagaId, INCIDENT_CANCELLED, sagaEvent(event)), ctx);
      }
    },
    SagaStepTimedOut: async (event, ctx) => {
      await afterSaga(await sagas().timeout(sagaEvent<SagaTimeoutData>(event)), ctx);
    },
    VendorReserved: reply,
    VendorReservationFailed: reply,
    VendorReleased: reply,
    PaymentAuthorized: reply,
    PaymentAuthorizationFailed: reply,
    PaymentAuthorizationVoided: reply,
    IncidentAssignmentRejected: reply,
    IncidentAssigned: async (event, ctx) => {
      // An assignment made by someone else (a dispatcher) names no saga: nothing to advance.
      if (!event.detail.data.sagaId) return;
      await reply(event, ctx);
    },
  };
}

export const handlers = makeHandlers({ offers: createOfferStore(), sagas: assignmentRunner, matching: matchingRunner, timers: stageTimers, now: () => new Date() });

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; bad input goes to the errors bus (lib/consumer/README.md). */
// A round's answers are recorded with a conditional update on the round (lib/gather): a
// redelivered answer changes nothing, so they skip the idempotency record (two writes less on
// the way from the last answer to the round's end).
export const handler = createMatchQueueConsumer(handlers, {
  idempotentHandlers: ['VendorAvailabilityResponse', 'VendorAvailabilityError', 'PriceQuoteResponse', 'PriceQuoteError', 'EtaResponse', 'EtaError'],
});
