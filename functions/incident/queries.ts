// Incident query side: GET /incidents/{incidentId} folds the aggregate's events.
import { createHttpApi, NotFoundError, route, type HttpApiHandler } from '../../lib/http';
import type { AggregateReader } from '../../lib/event-store';
import type { Incident } from './domain';
import { createIncidentReader, eventStore } from './store';

export function makeApi({ incidents }: { incidents: AggregateReader<Incident> }): HttpApiHandler {
  return createHttpApi({
    service: 'incident',
    routes: {
      'GET /incidents/{incidentId}': route({
        handler: async ({ pathParameters }) => {
          const incidentId = pathParameters['incidentId'] as string;
          const { state, events } = await incidents.load(incidentId);
          if (!state) throw new NotFoundError(`incident ${incidentId} does not exist`, { code: 'INCIDENT_NOT_FOUND' });
          const { answeredSagas: _answered, ...incident } = state;
          return { body: { incident, events: events.map((e) => ({ type: e.detailType, version: e.version, occurredAt: e.occurredAt, eventId: e.eventId })) } };
        },
      }),
    },
  });
}

export const handler = makeApi({ incidents: createIncidentReader(eventStore) });
