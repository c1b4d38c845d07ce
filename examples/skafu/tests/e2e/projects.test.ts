import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startSkafuCloud, type Body, type SkafuCloud } from '../helpers/cloud';
import { until } from '../../../../tests/helpers/local-cloud';

// Seed 003's main flow on the local cloud, from the example's packaged template:
// POST /projects (CreateProject) -> ProjectCreated in the event store -> outbox -> EventBridge
// -> fan-out to the templates, ai and github domains (fake external APIs) -> their answers ->
// fan-in in the project's stream -> ProjectConfigured -> the query handlers' read model ->
// GET /projects/{projectId}. One correlation id from the HTTP request to the last event, and
// the project's stream numbered 1..5. Then each failure the seed names: a taken project name
// (the seed's ErrorOccurred example), no template for the framework, the AI limit
// (AILimitReached) and a repository the GitHub API refuses, each on the error bus too.

let sk: SkafuCloud;

const ORDERS = { name: 'orders-api', description: 'An HTTP API for orders with a database and user login.', language: 'typescript', framework: 'serverless' };

beforeAll(async () => {
  sk = await startSkafuCloud('skafu-e2e');
  // Warm every function once (cold starts bundle and load), so the flows below are timed warm.
  const warm = await sk.call('POST', '/projects', { ...ORDERS, name: 'warm-up' });
  expect(warm.status).toBe(202);
  await until(async () => (await sk.call('GET', `/projects/${String(warm.body['projectId'])}`)).body['status'], (s) => s === 'CONFIGURED', 90_000);
}, 240_000);

afterAll(async () => {
  await sk?.stop();
});

const create = async (body: Body, correlationId: string): Promise<string> => {
  const res = await sk.call('POST', '/projects', body, { correlationId });
  expect([res.status, res.body['status'], res.body['correlationId']]).toEqual([202, 'CONFIGURING', correlationId]);
  return res.body['projectId'] as string;
};
/** The project's view once its configuration ended and the read model holds its whole stream up to `lastSequence`. */
const ended = (projectId: string, lastSequence: number): Promise<Body> =>
  until(
    async () => (await sk.call('GET', `/projects/${projectId}`)).body,
    (v) => v['status'] !== undefined && v['status'] !== 'CONFIGURING' && v['lastSequence'] === lastSequence && v['complete'] === true,
    30_000,
  );
const types = (flow: { detailType: string }[]): string[] => flow.map((e) => e.detailType).sort();
const correlationId = (): string => `req-${randomUUID()}`;

describe('Skafu project creation on the local cloud (seed 003)', () => {
  it('CreateProject -> event store -> bus -> three domains -> ProjectConfigured -> read model -> query API, one correlation id, sequences 1..5', async () => {
    const cid = correlationId();
    const projectId = await create(ORDERS, cid);

    const view = await ended(projectId, 5);
    expect(view).toMatchObject({
      projectId,
      name: 'orders-api',
      ownerId: 'user-123',
      status: 'CONFIGURED',
      steps: { template: 'completed', ai: 'completed', github: 'completed' },
      template: { templateId: 'ts-serverless-api', templateVersion: '2.1.0', files: 14 },
      analysis: { model: 'claude-fake-1', complexity: 'high' },
      repository: { fullName: 'skafu-projects/orders-api', url: 'https://github.com/skafu-projects/orders-api', defaultBranch: 'main' },
      correlationId: cid,
      missingSequences: [],
    });
    expect((view['analysis'] as { recommendations: { code: string }[] }).recommendations.map((r) => r.code)).toEqual(['API_THROTTLING', 'SINGLE_TABLE_DESIGN', 'COGNITO_AUTH']);
    const stream = view['events'] as { sequence: number; detailType: string }[];
    expect(stream.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(stream[0]?.detailType).toBe('ProjectCreated');
    expect(stream[4]?.detailType).toBe('ProjectConfigured');

    // Every event of the flow, on the bus, carries the request's correlation id.
    const flow = await until(() => sk.flow(cid), (f) => f.length >= 8, 10_000);
    expect(types(flow)).toEqual(['AIAnalysisCompleted', 'ProjectConfigurationStepRecorded', 'ProjectConfigurationStepRecorded', 'ProjectConfigurationStepRecorded', 'ProjectConfigured', 'ProjectCreated', 'RepositoryCreated', 'TemplateSelected']);
    expect(flow.every((e) => e.metadata['correlationId'] === cid)).toBe(true);
    // The project's stream: sequence numbers 1..5, each once, under the project's aggregate id.
    const projectEvents = flow.filter((e) => e.metadata['producer'] === 'projects');
    expect(projectEvents.map((e) => e.metadata['sequence']).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(projectEvents.every((e) => e.metadata['aggregateId'] === projectId)).toBe(true);
    // Fan-out: each domain's answer was caused by ProjectCreated.
    const created = flow.find((e) => e.detailType === 'ProjectCreated');
    for (const answer of flow.filter((e) => ['TemplateSelected', 'AIAnalysisCompleted', 'RepositoryCreated'].includes(e.detailType))) expect(answer.metadata['causationId']).toBe(created?.metadata['eventId']);

    const mine = await sk.call('GET', '/projects');
    expect((mine.body['projects'] as Body[]).map((p) => p['name'])).toEqual(expect.arrayContaining(['orders-api']));
    expect(((await sk.call('GET', '/projects', undefined, { sub: 'someone-else' })).body['projects'] as Body[]).length).toBe(0);
    expect((await sk.call('GET', `/errors/${cid}`)).body['errors']).toEqual([]);
  }, 60_000);

  it('refuses a taken name: 409 PROJECT_NAME_EXISTS, nothing stored, the seed\'s VALIDATION_ERROR on the error bus', async () => {
    const cid = correlationId();
    const res = await sk.call('POST', '/projects', { ...ORDERS, name: 'warm-up' }, { correlationId: cid, sub: 'user-9' });
    expect([res.status, (res.body['error'] as Body)['code']]).toEqual([409, 'PROJECT_NAME_EXISTS']);
    const [error] = await until(() => sk.flow(cid), (f) => f.length > 0, 10_000);
    expect(error).toMatchObject({ detailType: 'ErrorOccurred', metadata: { correlationId: cid, producer: 'projects' }, data: { errorCode: 'VALIDATION_ERROR', errorMessage: 'Project name already exists', severity: 'ERROR', context: { service: 'projects', function: 'create-project', userId: 'user-9' }, canRetry: false } });
    const stored = await until(async () => (await sk.call('GET', `/errors/${cid}`)).body['errors'] as Body[], (e) => e.length > 0, 10_000);
    expect(stored).toEqual([expect.objectContaining({ errorCode: 'VALIDATION_ERROR', producer: 'projects', correlationId: cid })]);
    expect(sk.flow(cid).some((e) => e.detailType === 'ProjectCreated')).toBe(false);
  }, 30_000);

  it.each([
    ['template', 'TemplateSelectionFailed', 'templates', 'TEMPLATE_NOT_FOUND', { ...ORDERS, name: 'rails-shop', framework: 'rails' }, 'No typescript template for framework rails; there are: express, serverless.'],
    ['ai', 'AILimitReached', 'ai', 'AI_LIMIT_REACHED', { ...ORDERS, name: 'long-story', description: 'A very long description. '.repeat(60) }, expect.stringMatching(/^The analysis needs \d+ tokens; the limit is 400\.$/)],
    ['github', 'RepositoryCreationFailed', 'github', 'GITHUB_REPOSITORY_EXISTS', { ...ORDERS, name: 'hello-world' }, 'Repository skafu-projects/hello-world: Repository creation failed: name already exists on this account (422).'],
  ])('a failing %s step ends the configuration FAILED once, with %s and ErrorOccurred from %s', async (step, failure, producer, errorCode, body, errorMessage) => {
    const cid = correlationId();
    const projectId = await create(body, cid);
    // The other two answers are still recorded after the failure: 1 + 3 steps + 1 failure.
    const view = await ended(projectId, 5);
    expect(view).toMatchObject({ status: 'FAILED', failure: { step, errorCode, errorMessage } });
    expect((view['steps'] as Record<string, string>)[step]).toBe('failed');
    expect(Object.values(view['steps'] as Record<string, string>).filter((s) => s === 'completed')).toHaveLength(2);
    expect(view['repository'] === undefined).toBe(step === 'github');

    const flow = await until(() => sk.flow(cid), (f) => f.filter((e) => e.detailType === 'ErrorOccurred').length > 0 && f.length >= 9, 10_000);
    expect(flow.filter((e) => e.detailType === failure)).toEqual([expect.objectContaining({ data: { projectId, failure: { errorCode, errorMessage, canRetry: false } } })]);
    expect(flow.filter((e) => e.detailType === 'ProjectConfigurationFailed')).toHaveLength(1);
    expect(flow.filter((e) => e.detailType === 'ProjectConfigured')).toHaveLength(0);
    const errors = flow.filter((e) => e.detailType === 'ErrorOccurred');
    expect(errors).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ producer, correlationId: cid }), data: expect.objectContaining({ errorCode, severity: 'ERROR', canRetry: false, context: expect.objectContaining({ service: producer, projectId, userId: 'user-123', detailType: 'ProjectCreated' }) }) })]);
    const stored = await until(async () => (await sk.call('GET', `/errors/${cid}`)).body['errors'] as Body[], (e) => e.length > 0, 10_000);
    expect(stored).toEqual([expect.objectContaining({ errorCode, producer, correlationId: cid })]);
  }, 60_000);

  it('refuses a bad command with 400 naming the field, and an unknown project with 404', async () => {
    const bad = await sk.call('POST', '/projects', { ...ORDERS, name: 'cobol-app', language: 'cobol' });
    expect([bad.status, (bad.body['error'] as Body)['code']]).toEqual([400, 'VALIDATION_FAILED']);
    expect(JSON.stringify(bad.body)).toContain('/language must be one of');
    const unknown = await sk.call('GET', `/projects/${randomUUID()}`);
    expect([unknown.status, (unknown.body['error'] as Body)['code']]).toEqual([404, 'PROJECT_NOT_FOUND']);
    const badId = await sk.call('GET', '/projects/not-a-uuid');
    expect([badId.status, (badId.body['error'] as Body)['code']]).toEqual([400, 'INVALID_PROJECT_ID']);
  });

  it('rejects a schema-invalid ProjectCreated in every consumer of it: an ErrorOccurred each on the error bus, stored per correlation id', async () => {
    const cid = correlationId();
    const eb = new EventBridgeClient({ endpoint: sk.cloud.urls.aws, region: sk.cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const eventId = randomUUID();
    const detail = { metadata: { eventId, correlationId: cid, eventVersion: '1.0', occurredAt: new Date().toISOString(), aggregateId: eventId, sequence: 1, producer: 'projects' }, data: { projectId: eventId, name: 'Not A Slug' } };
    const out = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'skafu-events-test', Source: 'skafu.projects', DetailType: 'ProjectCreated', Detail: JSON.stringify(detail) }] }));
    eb.destroy();
    expect(out.FailedEntryCount).toBe(0);
    const stored = await until(async () => (await sk.call('GET', `/errors/${cid}`)).body['errors'] as Body[], (e) => e.length >= 4, 15_000);
    expect(stored.map((e) => e['producer']).sort()).toEqual(['ai', 'github', 'queries', 'templates']);
    for (const e of stored) {
      expect(e).toMatchObject({ errorCode: 'EVENT_SCHEMA_INVALID', canRetry: false, context: expect.objectContaining({ eventId, detailType: 'ProjectCreated' }) });
      expect(String(e['errorMessage'])).toContain('/data/name');
    }
  }, 30_000);

  it('leaves every DLQ empty: no handler failed on any of these flows', async () => {
    const depths = await sk.dlqDepths();
    expect(Object.keys(depths).sort()).toEqual(['skafu-test-ai-dlq', 'skafu-test-github-dlq', 'skafu-test-observability-dlq', 'skafu-test-projects-dlq', 'skafu-test-queries-dlq', 'skafu-test-templates-dlq']);
    expect(Object.values(depths).every((n) => n === 0)).toBe(true);
  });
});
