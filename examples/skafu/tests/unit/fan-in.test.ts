import { createProject, fold, recordAnswer, ProjectRuleError, type Project, type ProjectEvent, type StepAnswer } from '../../functions/projects/domain';

// The project aggregate's fan-in (seed 003: TemplateSelected + AIAnalysisCompleted +
// RepositoryCreated -> ProjectConfigured): each answer recorded once, the end decided once.

const NOW = '2025-01-18T10:30:00.600Z';
const ID = '0b6f1f0a-3c1e-4b8e-9a51-6f0f0d6a1c10';
const created = createProject({ name: 'orders-api', description: 'An API.', language: 'typescript', framework: 'serverless' }, ID, 'user-123', '2025-01-18T10:30:00.123Z');
const template = { templateId: 'ts-serverless-api', templateName: 'TypeScript Serverless API', templateVersion: '2.1.0', files: 14 };
const analysis = { model: 'claude-fake-1', complexity: 'low' as const, recommendations: [], tokensUsed: 40 };
const repository = { owner: 'o', name: 'orders-api', fullName: 'o/orders-api', url: 'https://github.com/o/orders-api', defaultBranch: 'main' };
const failure = { errorCode: 'AI_LIMIT_REACHED', errorMessage: 'too long', canRetry: false };

const answers: Record<string, StepAnswer> = {
  template: { step: 'template', answerEventId: 'a1', answerType: 'TemplateSelected', outcome: 'completed', template },
  ai: { step: 'ai', answerEventId: 'a2', answerType: 'AIAnalysisCompleted', outcome: 'completed', analysis },
  github: { step: 'github', answerEventId: 'a3', answerType: 'RepositoryCreated', outcome: 'completed', repository },
  aiFailed: { step: 'ai', answerEventId: 'a4', answerType: 'AILimitReached', outcome: 'failed', failure },
};

/** Applies answers one after the other, as the consumer would: decide on the folded stream, append. */
function run(...names: string[]): { stream: ProjectEvent[]; state: Project | undefined; decided: ProjectEvent[][] } {
  const stream: ProjectEvent[] = [...created];
  const decided: ProjectEvent[][] = [];
  for (const name of names) {
    const events = recordAnswer(fold(stream), ID, answers[name] as StepAnswer, NOW);
    decided.push(events);
    stream.push(...events);
  }
  return { stream, state: fold(stream), decided };
}

describe('project fan-in', () => {
  it('creates the project CONFIGURING with ProjectCreated', () => {
    expect(created).toEqual([{ type: 'ProjectCreated', data: expect.objectContaining({ projectId: ID, name: 'orders-api', ownerId: 'user-123' }) }]);
    expect(fold(created)).toMatchObject({ status: 'CONFIGURING', answers: [] });
  });

  it.each([
    ['template', 'ai', 'github'],
    ['github', 'template', 'ai'],
    ['ai', 'github', 'template'],
  ])('appends ProjectConfigured with the last of the three answers, in any order (%s, %s, %s)', (...order) => {
    const { stream, state, decided } = run(...order);
    expect(decided.map((d) => d.map((e) => e.type))).toEqual([['ProjectConfigurationStepRecorded'], ['ProjectConfigurationStepRecorded'], ['ProjectConfigurationStepRecorded', 'ProjectConfigured']]);
    expect(stream.at(-1)).toEqual({ type: 'ProjectConfigured', data: { projectId: ID, name: 'orders-api', template, analysis, repository, configuredAt: NOW } });
    expect(state?.status).toBe('CONFIGURED');
  });

  it('fails at the first failed step, once; later answers are recorded without a second end', () => {
    const { decided, state } = run('template', 'aiFailed', 'github');
    expect(decided[1]?.map((e) => e.type)).toEqual(['ProjectConfigurationStepRecorded', 'ProjectConfigurationFailed']);
    expect(decided[1]?.[1]).toEqual({ type: 'ProjectConfigurationFailed', data: { projectId: ID, name: 'orders-api', failedStep: 'ai', failure, failedAt: NOW } });
    expect(decided[2]?.map((e) => e.type)).toEqual(['ProjectConfigurationStepRecorded']);
    expect(state).toMatchObject({ status: 'FAILED', failures: { ai: failure }, repository });
  });

  it('records a redelivered answer, or a second answer of a step, once', () => {
    const { decided } = run('template', 'template', 'ai', 'aiFailed');
    expect(decided.map((d) => d.length)).toEqual([1, 0, 1, 0]);
  });

  it('refuses an answer for a project that was never created, naming it', () => {
    expect(() => recordAnswer(undefined, ID, answers['template'] as StepAnswer, NOW)).toThrow(new ProjectRuleError('PROJECT_NOT_FOUND', `no project ${ID}: TemplateSelected answers a ProjectCreated that was never stored`));
  });

  it('refuses a completed step without its result', () => {
    const state = fold(created);
    expect(() => recordAnswer(state, ID, { step: 'github', answerEventId: 'x', answerType: 'RepositoryCreated', outcome: 'completed' }, NOW)).toThrow(/RepositoryCreated completes step github without its result/);
  });
});
