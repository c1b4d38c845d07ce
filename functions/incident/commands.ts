// Handler stub created by `npm run codegen` for the HTTP commands of incident. This file is yours: codegen never overwrites it.
import { validateCreateIncidentCommand } from '../../generated';
import { createHttpApi, HttpError, route } from '../../lib/http';

export const handler = createHttpApi({
  service: 'incident',
  routes: {
    'POST /incidents': route({
      body: validateCreateIncidentCommand,
      handler: async ({ body }, { logger }) => {
        // TODO: implement CreateIncidentCommand: change state, append events to the outbox, answer 202.
        logger.debug('CreateIncidentCommand received', { fields: Object.keys(body) });
        throw new HttpError(501, 'POST /incidents is not implemented yet', { code: 'NOT_IMPLEMENTED' });
      },
    }),
  },
});
