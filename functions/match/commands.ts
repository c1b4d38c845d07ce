// Handler stub created by `npm run codegen` for the HTTP commands of match. This file is yours: codegen never overwrites it.
import { validateAcceptOfferCommand } from '../../generated';
import { createHttpApi, HttpError, route } from '../../lib/http';

export const handler = createHttpApi({
  service: 'match',
  routes: {
    'POST /offers/{offerId}/accept': route({
      body: validateAcceptOfferCommand,
      handler: async ({ body }, { logger }) => {
        // TODO: implement AcceptOfferCommand: change state, append events to the outbox, answer 202.
        logger.debug('AcceptOfferCommand received', { fields: Object.keys(body) });
        throw new HttpError(501, 'POST /offers/{offerId}/accept is not implemented yet', { code: 'NOT_IMPLEMENTED' });
      },
    }),
  },
});
