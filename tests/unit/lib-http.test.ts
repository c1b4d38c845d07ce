import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { validateCreateIncidentCommand, type CreateIncidentCommand, type IncidentCreated } from '../../generated';
import { captureOutput, httpRequest, lambdaContext as createLambdaContext, specExample } from '../helpers/factories';
import { BadRequestError, ConflictError, createHttpApi, HttpRouteConfigError, NotFoundError, route, UnauthorizedError, type HttpContext } from '../../lib/http';

// The HTTP command stack with API Gateway v2 events: routing, JSON body parsing, command
// validation, typed errors mapped to statuses, correlation ids in and out.

const incident = specExample<IncidentCreated>('incident', 'IncidentCreated').data;
const command: CreateIncidentCommand = { driverId: incident.driverId, contact: incident.driverContact, vehicle: incident.vehicle, location: incident.location, problemType: incident.problemType, description: 'flat tire' };

const lambdaContext = createLambdaContext({ functionName: 'incident-api', awsRequestId: 'req-1' });
let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => jest.restoreAllMocks());
const logLines = (): Record<string, unknown>[] => output.lines();

const request = httpRequest;

class IncidentAlreadyOpen extends Error {}
const seen: { body: CreateIncidentCommand; context: HttpContext }[] = [];
const api = createHttpApi({
  service: 'incident',
  logger: new Logger({ serviceName: 'incident' }),
  mapError: (error) => (error instanceof IncidentAlreadyOpen ? new ConflictError('the driver already has an open incident', { code: 'INCIDENT_ALREADY_OPEN' }) : undefined),
  routes: {
    'POST /incidents': route({
      body: validateCreateIncidentCommand,
      handler: async ({ body }, context) => {
        context.logger.info('creating incident');
        seen.push({ body, context });
        if (body.description === 'duplicate') throw new IncidentAlreadyOpen();
        return { statusCode: 201, body: { incidentId: 'inc-1' } };
      },
    }),
    'GET /incidents/{incidentId}': route({
      handler: async ({ pathParameters }) => {
        if (pathParameters['incidentId'] === 'missing') throw new NotFoundError('incident missing not found', { code: 'INCIDENT_NOT_FOUND' });
        if (pathParameters['incidentId'] === 'secret') throw new UnauthorizedError();
        if (pathParameters['incidentId'] === 'bad') throw new BadRequestError('incidentId must be a UUID', { details: { incidentId: 'bad' } });
        if (pathParameters['incidentId'] === 'bug') throw new Error('SELECT failed at /var/task/db.js:12');
        return { body: { incidentId: pathParameters['incidentId'], status: 'new' } };
      },
    }),
  },
});

const call = async (event: APIGatewayProxyEventV2) => {
  const response = await api(event, lambdaContext);
  return { ...response, json: response.body === undefined ? undefined : (JSON.parse(response.body) as Record<string, unknown> & { error: Record<string, unknown> }) };
};

describe('HTTP command stack', () => {
  beforeEach(() => (seen.length = 0));

  it('parses and validates the body, calls the handler with it, and echoes the correlation id in header and body', async () => {
    const response = await call(request('POST', '/incidents', { body: JSON.stringify(command), headers: { 'x-correlation-id': 'corr-123' }, routeKey: 'POST /incidents' }));
    expect(response.statusCode).toBe(201);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'x-correlation-id': 'corr-123' });
    expect(response.json).toEqual({ incidentId: 'inc-1', correlationId: 'corr-123' });
    expect(seen[0]?.body).toEqual(command);
    expect(seen[0]?.context.eventContext).toEqual({ correlationId: 'corr-123', causationId: 'apigw-request-1' });
    expect(logLines().find((l) => l['message'] === 'creating incident')).toMatchObject({ correlationId: 'corr-123', service: 'incident' });
  });

  it('makes a new correlation id when the header is missing or unusable', async () => {
    const first = await call(request('GET', '/incidents/abc'));
    const second = await call(request('GET', '/incidents/abc', { headers: { 'x-correlation-id': 'bad id\nwith newline' } }));
    expect(first.headers?.['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.json).toEqual({ incidentId: 'abc', status: 'new', correlationId: first.headers?.['x-correlation-id'] });
    expect(second.headers?.['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const response = await call(request('POST', '/incidents', { body: '{"driverId": ', headers: { 'x-correlation-id': 'corr-json' } }));
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['x-correlation-id']).toBe('corr-json');
    expect(response.json).toEqual({ error: { code: 'MALFORMED_JSON', message: expect.stringMatching(/^request body is missing or is not valid JSON: /), correlationId: 'corr-json' } });
    expect(seen).toEqual([]);
  });

  it('answers a missing body with 400 and a non-JSON content type with 415', async () => {
    expect((await call(request('POST', '/incidents'))).json?.error).toMatchObject({ code: 'MALFORMED_JSON' });
    const wrongType = await call(request('POST', '/incidents', { body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json?.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type must be application/json' });
  });

  it('answers a schema-invalid body with 400 VALIDATION_FAILED listing every failing path', async () => {
    const { driverId: _omitted, ...rest } = command;
    const invalid = { ...rest, location: { ...command.location, coordinates: { ...command.location.coordinates, lat: 123 } } };
    const response = await call(request('POST', '/incidents', { body: JSON.stringify(invalid) }));
    expect(response.statusCode).toBe(400);
    expect(response.json?.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'request body does not match CreateIncidentCommand: / missing required property "driverId"; /location/coordinates/lat must be <= 90',
      details: {
        issues: [
          { path: '/', message: 'missing required property "driverId"', keyword: 'required' },
          { path: '/location/coordinates/lat', message: 'must be <= 90', keyword: 'maximum' },
        ],
      },
      correlationId: response.headers?.['x-correlation-id'],
    });
    expect(seen).toEqual([]);
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    const response = await call(request('DELETE', '/incidents/abc'));
    expect(response.statusCode).toBe(404);
    expect(response.json?.error).toMatchObject({ code: 'ROUTE_NOT_FOUND', message: 'no route for DELETE /incidents/abc' });
    expect((await call(request('GET', '/vendors'))).statusCode).toBe(404);
  });

  it('maps typed errors to 400/401/404/409 with their code, message and details', async () => {
    const statuses = await Promise.all(['bad', 'secret', 'missing'].map(async (id) => call(request('GET', `/incidents/${id}`))));
    expect(statuses.map((r) => [r.statusCode, r.json?.error['code'], r.json?.error['message']])).toEqual([
      [400, 'BAD_REQUEST', 'incidentId must be a UUID'],
      [401, 'UNAUTHORIZED', 'authentication required'],
      [404, 'INCIDENT_NOT_FOUND', 'incident missing not found'],
    ]);
    expect(statuses[0]?.json?.error['details']).toEqual({ incidentId: 'bad' });
    const conflict = await call(request('POST', '/incidents', { body: JSON.stringify({ ...command, description: 'duplicate' }) }));
    expect([conflict.statusCode, conflict.json?.error['code']]).toEqual([409, 'INCIDENT_ALREADY_OPEN']);
  });

  it('answers an unexpected error with 500 and a generic message, never the error or its stack', async () => {
    const response = await call(request('GET', '/incidents/bug', { headers: { 'x-correlation-id': 'corr-500' } }));
    expect(response.statusCode).toBe(500);
    expect(response.json).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error', correlationId: 'corr-500' } });
    expect(response.body).not.toContain('SELECT');
    expect(logLines().find((l) => l['level'] === 'ERROR')).toMatchObject({ correlationId: 'corr-500', error: expect.objectContaining({ message: 'SELECT failed at /var/task/db.js:12' }) });
  });

  it('refuses a malformed route key when the API is created', () => {
    expect(() => createHttpApi({ routes: { 'FETCH incidents': route({ handler: () => ({}) }) } })).toThrow(HttpRouteConfigError);
  });
});
