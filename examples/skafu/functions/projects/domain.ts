// The project aggregate (seed 003 Project Management): event-sourced state and the fan-in.
// Plain functions, no AWS: state = fold(events); each decision returns the events to append.
// ProjectCreated fans out to three domains (template, ai, github); each answer is recorded
// in the project's stream once, and the configuration ends once: ProjectConfigured when the
// three succeeded, ProjectConfigurationFailed at the first failure (later answers are still
// recorded, so the stream says what every domain did).
import type {
  AIAnalysis,
  ConfigurationStep,
  CreateProjectCommand,
  ProjectConfigurationFailedData,
  ProjectConfigurationStepRecordedData,
  ProjectConfiguredData,
  ProjectCreatedData,
  Repository,
  StepFailure,
  TemplateSelection,
} from '../../generated';

export type ProjectEvent =
  | { type: 'ProjectCreated'; data: ProjectCreatedData }
  | { type: 'ProjectConfigurationStepRecorded'; data: ProjectConfigurationStepRecordedData }
  | { type: 'ProjectConfigured'; data: ProjectConfiguredData }
  | { type: 'ProjectConfigurationFailed'; data: ProjectConfigurationFailedData };

export type ProjectStatus = 'CONFIGURING' | 'CONFIGURED' | 'FAILED';

export interface Project {
  projectId: string;
  name: string;
  ownerId: string;
  status: ProjectStatus;
  template?: TemplateSelection;
  analysis?: AIAnalysis;
  repository?: Repository;
  failures: Partial<Record<ConfigurationStep, StepFailure>>;
  /** eventIds of the answers recorded (a redelivered answer changes nothing). */
  answers: string[];
}

/** A domain's answer to ProjectCreated, as the consumer hands it over. */
export type StepAnswer = { step: ConfigurationStep; answerEventId: string; answerType: string } & (
  | { outcome: 'completed'; template?: TemplateSelection; analysis?: AIAnalysis; repository?: Repository }
  | { outcome: 'failed'; failure: StepFailure }
);

export class ProjectRuleError extends Error {
  constructor(
    readonly code: 'PROJECT_NOT_FOUND' | 'ANSWER_MISMATCH',
    message: string,
  ) {
    super(message);
    this.name = 'ProjectRuleError';
  }
}

export function fold(events: readonly ProjectEvent[]): Project | undefined {
  let state: Project | undefined;
  for (const event of events) {
    if (event.type === 'ProjectCreated') {
      const { projectId, name, ownerId } = event.data;
      state = { projectId, name, ownerId, status: 'CONFIGURING', failures: {}, answers: [] };
      continue;
    }
    if (!state) continue;
    if (event.type === 'ProjectConfigurationStepRecorded') applyStep(state, event.data);
    else if (event.type === 'ProjectConfigured') state.status = 'CONFIGURED';
    else state.status = 'FAILED';
  }
  return state;
}

/** CreateProject: the first event of a new project's stream. */
export function createProject(command: CreateProjectCommand, projectId: string, ownerId: string, now: string): ProjectEvent[] {
  return [{ type: 'ProjectCreated', data: { projectId, name: command.name, description: command.description, language: command.language, framework: command.framework, ownerId, createdAt: now } }];
}

const recorded = (state: Project, step: ConfigurationStep): boolean =>
  state.failures[step] !== undefined || (step === 'template' ? state.template : step === 'ai' ? state.analysis : state.repository) !== undefined;

/**
 * Fan-in: records one domain's answer, then ends the configuration if this answer decides it.
 * A redelivered answer, or a second answer of a step, gives no event.
 */
export function recordAnswer(state: Project | undefined, projectId: string, answer: StepAnswer, now: string): ProjectEvent[] {
  if (!state) throw new ProjectRuleError('PROJECT_NOT_FOUND', `no project ${projectId}: ${answer.answerType} answers a ProjectCreated that was never stored`);
  if (state.answers.includes(answer.answerEventId) || recorded(state, answer.step)) return [];
  const data: ProjectConfigurationStepRecordedData = { projectId, step: answer.step, outcome: answer.outcome, answerEventId: answer.answerEventId, answerType: answer.answerType };
  if (answer.outcome === 'failed') data.failure = answer.failure;
  else {
    const result = answer.step === 'template' ? { template: answer.template } : answer.step === 'ai' ? { analysis: answer.analysis } : { repository: answer.repository };
    const value = Object.values(result)[0];
    if (value === undefined) throw new ProjectRuleError('ANSWER_MISMATCH', `${answer.answerType} completes step ${answer.step} without its result`);
    Object.assign(data, result);
  }
  const events: ProjectEvent[] = [{ type: 'ProjectConfigurationStepRecorded', data }];
  if (state.status !== 'CONFIGURING') return events;

  const after = { ...state, failures: { ...state.failures }, answers: [...state.answers] };
  applyStep(after, data);
  if (answer.outcome === 'failed') {
    events.push({ type: 'ProjectConfigurationFailed', data: { projectId, name: state.name, failedStep: answer.step, failure: answer.failure, failedAt: now } });
  } else if (after.template && after.analysis && after.repository) {
    events.push({ type: 'ProjectConfigured', data: { projectId, name: state.name, template: after.template, analysis: after.analysis, repository: after.repository, configuredAt: now } });
  }
  return events;
}

function applyStep(state: Project, data: ProjectConfigurationStepRecordedData): void {
  state.answers.push(data.answerEventId);
  if (data.template) state.template = data.template;
  if (data.analysis) state.analysis = data.analysis;
  if (data.repository) state.repository = data.repository;
  if (data.failure) state.failures[data.step] = data.failure;
}
