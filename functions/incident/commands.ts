// Incident commands on the HTTP API: report an incident, cancel one. Each command is
// validated against the spec (lib/http), decided by the aggregate (domain.ts) and stored
// with its events' outbox rows in one transaction (store.ts); the relay publishes them.
import { randomUUID } from 'node:crypto';
import { validateCancelIncidentCommand, validateCreateIncidentCommand } from '../../generated';
import { ConcurrencyError } from '../../lib/event-store';
import { ConflictError, createHttpApi, NotFoundError, route, type HttpError } from '../../lib/http';
import { cancelIncident, createIncident, IncidentRuleError } from './domain';
import { decide } from './store';

const now = (): string => new Date().toISOString();

function mapError(error: unknown): HttpError | undefined {
  if (error instanceof IncidentRuleError) return error.code === 'INCIDENT_NOT_FOUND' ? new NotFoundError(error.message, { code: error.code }) : new ConflictError(error.message, { code: error.code });
  if (error instanceof ConcurrencyError) return new ConflictError('the incident changed while this command ran; try again', { code: 'VERSION_CONFLICT' });
  return undefined;
}

export const handler = createHttpApi({
  service: 'incident',
  mapError,
  routes: {
    'POST /incidents': route({
      body: validateCreateIncidentCommand,
      handler: async ({ body }, { eventContext, logger }) => {
        const incidentId = randomUUID();
        await decide(incidentId, eventContext, (state) => {
          if (state) throw new IncidentRuleError('INCIDENT_EXISTS', `incident ${incidentId} exists`);
          return createIncident(body, incidentId, now());
        });
        logger.info('incident reported', { incidentId, problemType: body.problemType });
        return { statusCode: 202, headers: { location: `/incidents/${incidentId}` }, body: { incidentId, status: 'new' } };
      },
    }),
    'POST /incidents/{incidentId}/cancel': route({
      body: validateCancelIncidentCommand,
      handler: async ({ body, pathParameters }, { eventContext }) => {
        const incidentId = pathParameters['incidentId'] as string;
        await decide(incidentId, { ...eventContext }, (state) => cancelIncident(state, incidentId, body, now()));
        return { statusCode: 202, body: { incidentId, status: 'cancelled' } };
      },
    }),
  },
});
