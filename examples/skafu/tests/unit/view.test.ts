import { projectView, type StreamRow } from '../../functions/queries/view';

// The query side's fold: a project's read-model rows, one per event of its stream, into the
// view GET /projects/{projectId} answers, whatever order they were stored in.

const ID = '0b6f1f0a-3c1e-4b8e-9a51-6f0f0d6a1c10';
const row = (sequence: number, detailType: string, data: Record<string, unknown>): StreamRow => ({ sequence, detailType, eventId: `e${sequence}`, correlationId: 'req-1', occurredAt: `2025-01-18T10:30:0${sequence}.000Z`, data: { projectId: ID, ...data } });
const created = row(1, 'ProjectCreated', { name: 'orders-api', description: 'd', language: 'typescript', framework: 'serverless', ownerId: 'u', createdAt: '2025-01-18T10:30:00.000Z' });
const template = { templateId: 't', templateName: 'T', templateVersion: '1.0.0', files: 1 };
const repository = { owner: 'o', name: 'orders-api', fullName: 'o/orders-api', url: 'https://github.com/o/orders-api', defaultBranch: 'main' };
const analysis = { model: 'm', complexity: 'low', recommendations: [], tokensUsed: 1 };

describe('project view', () => {
  it('is undefined until ProjectCreated (sequence 1) is in the read model', () => {
    expect(projectView([])).toBeUndefined();
    expect(projectView([row(2, 'ProjectConfigurationStepRecorded', { step: 'template', outcome: 'completed', template })])).toBeUndefined();
  });

  it('folds the stream in sequence order, whatever order the rows come in', () => {
    const rows = [
      row(5, 'ProjectConfigured', {}),
      row(3, 'ProjectConfigurationStepRecorded', { step: 'github', outcome: 'completed', repository }),
      created,
      row(4, 'ProjectConfigurationStepRecorded', { step: 'ai', outcome: 'completed', analysis }),
      row(2, 'ProjectConfigurationStepRecorded', { step: 'template', outcome: 'completed', template }),
    ];
    expect(projectView(rows)).toMatchObject({ status: 'CONFIGURED', steps: { template: 'completed', ai: 'completed', github: 'completed' }, template, repository, analysis, correlationId: 'req-1', lastSequence: 5, complete: true, missingSequences: [] });
    expect(projectView(rows)?.events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
  });

  it('names the sequence numbers it has not seen yet', () => {
    const view = projectView([created, row(4, 'ProjectConfigurationStepRecorded', { step: 'ai', outcome: 'completed', analysis })]);
    expect(view).toMatchObject({ status: 'CONFIGURING', lastSequence: 4, complete: false, missingSequences: [2, 3], steps: { template: 'pending', ai: 'completed', github: 'pending' } });
  });

  it('shows a failed configuration with its step and error', () => {
    const failure = { errorCode: 'GITHUB_REPOSITORY_EXISTS', errorMessage: 'exists', canRetry: false };
    const view = projectView([created, row(2, 'ProjectConfigurationStepRecorded', { step: 'github', outcome: 'failed', failure }), row(3, 'ProjectConfigurationFailed', { failedStep: 'github', failure })]);
    expect(view).toMatchObject({ status: 'FAILED', failure: { step: 'github', errorCode: 'GITHUB_REPOSITORY_EXISTS', errorMessage: 'exists' }, steps: { github: 'failed' } });
  });
});
