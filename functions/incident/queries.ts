// Incident query side: GET /incidents/{incidentId} folds the aggregate's events.
import { createHttpApi, NotFoundError, route } from '../../lib/http';
import { loadIncident } from './store';

export const handler = createHttpApi({
  service: 'incident',
  routes: {
    'GET /incidents/{incidentId}': route({
      handler: async ({ pathParameters }) => {
        const incidentId = pathParameters['incidentId'] as string;
        const { state, events } = await loadIncident(incidentId);
        if (!state) throw new NotFoundError(`incident ${incidentId} does not exist`, { code: 'INCIDENT_NOT_FOUND' });
        const { answeredSagas: _answered, ...incident } = state;
        return { body: { incident, events } };
      },
    }),
  },
});
