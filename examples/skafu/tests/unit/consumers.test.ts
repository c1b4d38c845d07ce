import type { EventBridgeEvent } from '../../../../lib/envelope';
import { NonRetryableEventError } from '../../../../lib/consumer';
import { AlreadyWrittenError } from '../../../../lib/event-store';
import { createEmitRecorder } from '../../../../lib/testing';
import { validateErrorOccurred, type ProjectCreated } from '../../generated';
import { makeHandlers as aiHandlers } from '../../functions/ai/consumer';
import { fakeAiApi } from '../../functions/ai/analysis';
import { makeHandlers as githubHandlers } from '../../functions/github/consumer';
import { fakeGitHubApi } from '../../functions/github/repositories';
import { fold, type ProjectEvent } from '../../functions/projects/domain';
import { makeHandlers as projectsHandlers } from '../../functions/projects/consumer';
import type { Projects } from '../../functions/projects/store';
import { makeHandlers as templatesHandlers } from '../../functions/templates/consumer';
import { fakeTemplateRegistry } from '../../functions/templates/registry';

// The consumers over the recorder (lib/testing): what each domain commits for ProjectCreated
// (its answer, or its failure event and ErrorOccurred, with ids derived from the request), a
// redelivery that finds its answer written, and the projects consumer's refusal of an answer
// for a project it never stored.

const PROJECT_ID = '0b6f1f0a-3c1e-4b8e-9a51-6f0f0d6a1c10';
const CREATED_ID = '6a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01';

function projectCreated(data: Partial<ProjectCreated['data']> = {}): EventBridgeEvent<'ProjectCreated', ProjectCreated> {
  return {
    version: '0',
    id: 'eb-1',
    'detail-type': 'ProjectCreated',
    source: 'skafu.projects',
    account: '000000000000',
    time: '2025-01-18T10:30:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      metadata: { eventId: CREATED_ID, correlationId: 'req-12345', eventVersion: '1.0', occurredAt: '2025-01-18T10:30:00.123Z', aggregateId: PROJECT_ID, sequence: 1, producer: 'projects' },
      data: { projectId: PROJECT_ID, name: 'orders-api', description: 'An HTTP API for orders with a database.', language: 'typescript', framework: 'serverless', ownerId: 'user-123', createdAt: '2025-01-18T10:30:00.123Z', ...data },
    },
  };
}

const handlersOf = {
  templates: () => templatesHandlers({ registry: fakeTemplateRegistry() }),
  ai: () => aiHandlers({ api: fakeAiApi(), tokenLimit: () => 400 }),
  github: () => githubHandlers({ api: fakeGitHubApi(), owner: () => 'skafu-projects' }),
};

describe('the three domains answer ProjectCreated through the outbox', () => {
  it.each([
    ['templates', 'a known framework', {}, ['TemplateSelected']],
    ['ai', 'a short description', {}, ['AIAnalysisCompleted']],
    ['github', 'a free name', {}, ['RepositoryCreated']],
    ['templates', 'framework rails', { framework: 'rails' }, ['TemplateSelectionFailed', 'ErrorOccurred']],
    ['ai', 'a 1600-character description', { description: 'x'.repeat(1600) }, ['AILimitReached', 'ErrorOccurred']],
    ['github', 'a taken name', { name: 'demo' }, ['RepositoryCreationFailed', 'ErrorOccurred']],
  ] as const)('%s, for %s, commits %j, correlated, with the same ids on a second delivery', async (service, _label, data, expected) => {
    const recorder = createEmitRecorder({ service });
    const event = projectCreated(data);
    await handlersOf[service]().ProjectCreated(event, recorder.context(event));
    await handlersOf[service]().ProjectCreated(event, recorder.context(event));
    const [first, second] = [recorder.sent.slice(0, expected.length), recorder.sent.slice(expected.length)];
    expect(first.map((e) => e.detailType)).toEqual(expected);
    expect(second.map((e) => (e.detail as { metadata: { eventId: string } }).metadata.eventId)).toEqual(first.map((e) => (e.detail as { metadata: { eventId: string } }).metadata.eventId));
    for (const e of first) expect((e.detail as { metadata: { correlationId: string; causationId: string } }).metadata).toMatchObject({ correlationId: 'req-12345', causationId: CREATED_ID });
    const error = first.find((e) => e.detailType === 'ErrorOccurred');
    if (error) {
      expect(validateErrorOccurred(error.detail).ok).toBe(true);
      expect(error.detail).toMatchObject({ metadata: { producer: service }, data: { severity: 'ERROR', canRetry: false, context: { service, userId: 'user-123', projectId: PROJECT_ID, eventId: CREATED_ID, detailType: 'ProjectCreated' } } });
    }
  });

  it('takes an answer found written (a redelivery after the commit) as done', async () => {
    const recorder = createEmitRecorder({ service: 'github' });
    const event = projectCreated();
    const ctx = recorder.context(event, { commit: () => Promise.reject(new AlreadyWrittenError([1], ['x'], [])) });
    await expect(handlersOf.github().ProjectCreated(event, ctx)).resolves.toBeUndefined();
    expect(recorder.takeLogs().map((l) => l.message)).toContain('github answered before (redelivered ProjectCreated)');
  });
});

describe('the projects consumer', () => {
  /** The aggregate over an in-memory stream: decide folds it and appends what the decision returns. */
  function memoryProjects(stream: ProjectEvent[]): Projects {
    return {
      load: async () => ({ state: fold(stream), version: stream.length, events: [] }),
      decide: async (_id, _ctx, decision) => {
        const events = decision(fold(stream));
        stream.push(...events);
        return events;
      },
    };
  }

  it('records a domain answer in the project stream', async () => {
    const stream: ProjectEvent[] = [{ type: 'ProjectCreated', data: projectCreated().detail.data }];
    const recorder = createEmitRecorder({ service: 'projects' });
    const answer = { ...projectCreated(), 'detail-type': 'TemplateSelected' as const, source: 'skafu.templates', detail: { metadata: { ...projectCreated().detail.metadata, eventId: '6a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c11', producer: 'templates' }, data: { projectId: PROJECT_ID, template: { templateId: 'ts-serverless-api', templateName: 'T', templateVersion: '2.1.0', files: 14 } } } };
    await projectsHandlers({ projects: memoryProjects(stream), now: () => '2025-01-18T10:30:01.000Z' }).TemplateSelected(answer, recorder.context(answer));
    expect(stream.map((e) => e.type)).toEqual(['ProjectCreated', 'ProjectConfigurationStepRecorded']);
    expect(stream[1]?.data).toMatchObject({ step: 'template', outcome: 'completed', answerEventId: '6a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c11', answerType: 'TemplateSelected' });
  });

  it('refuses an answer for a project it never stored as non-retryable (the error bus, not endless retries)', async () => {
    const recorder = createEmitRecorder({ service: 'projects' });
    const answer = { ...projectCreated(), 'detail-type': 'AILimitReached' as const, source: 'skafu.ai', detail: { metadata: { ...projectCreated().detail.metadata, producer: 'ai' }, data: { projectId: PROJECT_ID, failure: { errorCode: 'AI_LIMIT_REACHED', errorMessage: 'too long', canRetry: false } } } };
    const refused = projectsHandlers({ projects: memoryProjects([]), now: () => '2025-01-18T10:30:01.000Z' }).AILimitReached(answer, recorder.context(answer));
    await expect(refused).rejects.toBeInstanceOf(NonRetryableEventError);
    await expect(refused).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND' });
  });
});
