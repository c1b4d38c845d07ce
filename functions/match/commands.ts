// Vendor commands on the HTTP API: accept or decline an offer. Each is validated against
// the spec (lib/http), decided on the incident's offer board (board.ts) and stored with its
// event's outbox row in one transaction (store.ts). An accepted offer's OfferAccepted
// starts its assignment saga in the match consumer.
import { validateAcceptOfferCommand, validateDeclineOfferCommand } from '../../generated';
import { ConflictError, createHttpApi, HttpError, NotFoundError, route, type HttpApiHandler } from '../../lib/http';
import type { Timers } from '../../lib/timers';
import { acceptOffer, assignmentSagaId, declineOffer, OfferRuleError, type BoardChange } from './board';
import { offerTimerId, stageTimers } from './timers';
import { createOfferStore, type OfferStore } from './store';

export interface Deps {
  offers: OfferStore;
  timers: Timers;
  now: () => Date;
}

function mapError(error: unknown): HttpError | undefined {
  if (!(error instanceof OfferRuleError)) return undefined;
  if (error.code === 'OFFER_NOT_FOUND') return new NotFoundError(error.message, { code: error.code });
  if (error.code === 'NOT_YOUR_OFFER') return new HttpError(403, error.message, { code: error.code });
  return new ConflictError(error.message, { code: error.code });
}

export function makeApi({ offers, timers, now }: Deps): HttpApiHandler {
  const decided = async (offerId: string, change: BoardChange | undefined): Promise<void> => {
    if (!change) throw new OfferRuleError('OFFER_NOT_FOUND', `offer ${offerId} does not exist`);
    // The offer was answered: its expiry timer is not needed (best effort; a late tick is ignored).
    await timers.cancel(offerTimerId(offerId)).catch(() => false);
  };
  return createHttpApi({
    service: 'match',
    mapError,
    routes: {
      'POST /offers/{offerId}/accept': route({
        body: validateAcceptOfferCommand,
        handler: async ({ body, pathParameters }, { eventContext, logger }) => {
          const offerId = pathParameters['offerId'] as string;
          const change = await offers.update({ offerId }, eventContext, (board) => acceptOffer(board, offerId, body.vendorId, now().toISOString()));
          await decided(offerId, change);
          const sagaId = assignmentSagaId(offerId);
          logger.info('offer accepted', { offerId, sagaId });
          return { statusCode: 202, headers: { location: `/sagas/${sagaId}` }, body: { offerId, incidentId: change?.board.incidentId, status: 'accepted', sagaId } };
        },
      }),
      'POST /offers/{offerId}/decline': route({
        body: validateDeclineOfferCommand,
        handler: async ({ body, pathParameters }, { eventContext }) => {
          const offerId = pathParameters['offerId'] as string;
          const change = await offers.update({ offerId }, eventContext, (board) => declineOffer(board, offerId, body.vendorId, body.reason, body.comment, now().toISOString()));
          await decided(offerId, change);
          return { statusCode: 202, body: { offerId, incidentId: change?.board.incidentId, status: 'declined' } };
        },
      }),
    },
  });
}

export const handler = makeApi({ offers: createOfferStore(), timers: stageTimers, now: () => new Date() });
