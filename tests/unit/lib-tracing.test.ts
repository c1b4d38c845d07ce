import { createSocket, type Socket } from 'node:dgram';
import { createHttpApi, route } from '../../lib/http';
import { createTracer, tracingEnabled } from '../../lib/observability';
import { httpRequest, lambdaContext } from '../helpers/factories';

// X-Ray tracing of the stacks: on only where Powertools would trace (inside Lambda, not
// switched off, not SAM local), and then a real `## handler` subsegment per invocation,
// sent as UDP to an X-Ray daemon address (here a socket on 127.0.0.1).

let daemon: Socket;
const segments: Record<string, unknown>[] = [];

// Before anything loads the X-Ray SDK: it picks Lambda mode and the daemon address when loaded.
beforeAll(async () => {
  daemon = createSocket('udp4');
  daemon.on('message', (msg) => {
    // "<header JSON>\n<segment JSON>"
    const body = msg.toString('utf8').split('\n')[1];
    if (body) segments.push(JSON.parse(body) as Record<string, unknown>);
  });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', () => resolve()));
  Object.assign(process.env, {
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: '/var/task',
    _HANDLER: 'index.handler',
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  });
  delete process.env['POWERTOOLS_TRACE_ENABLED'];
});

afterAll(() => daemon.close());

describe('tracingEnabled', () => {
  it.each([
    [{}, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }, true],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'false' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'FALSE' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'true' }, true],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_SAM_LOCAL: 'true' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }, false],
  ])('%j -> %s', (env, expected) => {
    expect(tracingEnabled(env)).toBe(expected);
    expect(createTracer('svc', env) !== undefined).toBe(expected);
  });
});

describe('a traced HTTP stack on Lambda', () => {
  it('sends a `## handler` subsegment of the Lambda trace, annotated with cold start and service', async () => {
    const api = createHttpApi({ service: 'incident', routes: { 'GET /ping': route({ handler: async () => ({ statusCode: 200, body: { pong: true } }) }) } });
    const response = await api(httpRequest('GET', '/ping'), lambdaContext({ functionName: 'incident-api', awsRequestId: 'req-1' }));
    expect(response.statusCode).toBe(200);
    for (let i = 0; i < 100 && !segments.some((s) => s['name'] === '## index.handler'); i++) await new Promise((r) => setTimeout(r, 20));
    const handler = segments.find((s) => s['name'] === '## index.handler');
    expect(handler).toMatchObject({ type: 'subsegment', trace_id: '1-5759e988-bd862e3fe1be46a994272793', parent_id: '53995c3f42cd8ad8', annotations: { Service: 'incident' } });
    expect(typeof (handler?.['annotations'] as Record<string, unknown>)['ColdStart']).toBe('boolean');
    expect(typeof handler?.['end_time']).toBe('number');
  });
});
