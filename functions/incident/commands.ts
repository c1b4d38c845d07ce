// Incident commands on the HTTP API: report an incident, cancel one. Each command is
// validated against the spec (lib/http), decided by the aggregate (domain.ts) and stored
// with its events' outbox rows in one transaction (store.ts); the relay publishes them.
import { randomUUID } from 'node:crypto';
import { validateCancelIncidentCommand, validateCreateIncidentCommand } from '../../generated';
import { ConcurrencyError } from '../../lib/event-store';
import { ConflictError, createHttpApi, NotFoundError, route, type HttpApiHandler, type HttpError } from '../../lib/http';
import { cancelIncident, createIncident, IncidentRuleError } from './domain';
import { createIncidents, eventStore, type Incidents } from './store';

export interface Deps {
  incidents: Incidents;
  now: () => string;
  newId: () => string;
}

function mapError(error: unknown): HttpError | undefined {
  if (error instanceof IncidentRuleError) return error.code === 'INCIDENT_NOT_FOUND' ? new NotFoundError(error.message, { code: error.code }) : new ConflictError(error.message, { code: error.code });
  if (error instanceof ConcurrencyError) return new ConflictError('the incident changed while this command ran; try again', { code: 'VERSION_CONFLICT' });
  return undefined;
}

export function makeApi({ incidents, now, newId }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'incident',
    mapError,
    routes: {
      'POST /incidents': route({
        body: validateCreateIncidentCommand,
        handler: async ({ body }, { eventContext, logger }) => {
          const incidentId = newId();
          await incidents.decide(incidentId, eventContext, (state) => {
            if (state) throw new IncidentRuleError('INCIDENT_EXISTS', `incident ${incidentId} exists`);
            return createIncident(body, incidentId, now());
          });
          logger.info('incident reported', { incidentId, problemType: body.problemType });
          return { statusCode: 202, headers: { location: `/incidents/${incidentId}` }, body: { incidentId, status: 'new', links: { self: `/incidents/${incidentId}`, matching: `/incidents/${incidentId}/matching` } } };
        },
      }),
      'POST /incidents/{incidentId}/cancel': route({
        body: validateCancelIncidentCommand,
        handler: async ({ body, pathParameters }, { eventContext }) => {
          const incidentId = pathParameters['incidentId'] as string;
          await incidents.decide(incidentId, { ...eventContext }, (state) => cancelIncident(state, incidentId, body, now()));
          return { statusCode: 202, body: { incidentId, status: 'cancelled' } };
        },
      }),
    },
  });
}

export const handler = makeApi({ incidents: createIncidents(eventStore), now: () => new Date().toISOString(), newId: randomUUID });
