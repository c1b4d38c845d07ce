// The projects service's consumer: the fan-in (seed 003 "EB -> PM: Handle TemplateSelected /
// AIAnalysisCompleted / RepositoryCreated -> ProjectConfigured"). Each answer of the three
// domains is recorded in the project's stream (domain.ts recordAnswer) and the decision that
// ends the configuration is appended with it, in one transaction with the outbox rows; two
// answers at once conflict on the stream's version and the later one decides again.
import { createProjectsQueueConsumer, type ProjectsQueueHandlers } from '../../generated';
import { NonRetryableEventError, type ConsumerContext } from '../../../../lib/consumer';
import { ProjectRuleError, recordAnswer, type StepAnswer } from './domain';
import { projects as deployedProjects, type Projects } from './store';

export interface Deps {
  projects: Projects;
  now: () => string;
}

type Answered = { 'detail-type': string; detail: { metadata: { eventId: string }; data: { projectId: string } } };

export function makeHandlers({ projects, now }: Deps): ProjectsQueueHandlers<ConsumerContext> {
  const record = async (event: Answered, answer: StepAnswer, ctx: ConsumerContext): Promise<void> => {
    const { projectId } = event.detail.data;
    try {
      const events = await projects.decide(projectId, ctx.causedBy, (state) => recordAnswer(state, projectId, answer, now()));
      const ended = events.find((e) => e.type === 'ProjectConfigured' || e.type === 'ProjectConfigurationFailed');
      ctx.logger.info(events.length ? 'configuration step recorded' : 'answer recorded before', { projectId, step: answer.step, outcome: answer.outcome, ended: ended?.type });
    } catch (error) {
      // An answer for a project that was never stored cannot succeed on a retry: the errors bus, not the DLQ.
      if (error instanceof ProjectRuleError) throw new NonRetryableEventError(error.code, error.message, { cause: error });
      throw error;
    }
  };
  const meta = (event: Answered, step: StepAnswer['step']) => ({ step, answerEventId: event.detail.metadata.eventId, answerType: event['detail-type'] });
  return {
    TemplateSelected: (event, ctx) => record(event, { ...meta(event, 'template'), outcome: 'completed', template: event.detail.data.template }, ctx),
    AIAnalysisCompleted: (event, ctx) => record(event, { ...meta(event, 'ai'), outcome: 'completed', analysis: event.detail.data.analysis }, ctx),
    RepositoryCreated: (event, ctx) => record(event, { ...meta(event, 'github'), outcome: 'completed', repository: event.detail.data.repository }, ctx),
    TemplateSelectionFailed: (event, ctx) => record(event, { ...meta(event, 'template'), outcome: 'failed', failure: event.detail.data.failure }, ctx),
    AILimitReached: (event, ctx) => record(event, { ...meta(event, 'ai'), outcome: 'failed', failure: event.detail.data.failure }, ctx),
    RepositoryCreationFailed: (event, ctx) => record(event, { ...meta(event, 'github'), outcome: 'failed', failure: event.detail.data.failure }, ctx),
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createProjectsQueueConsumer(makeHandlers({ projects: deployedProjects, now: () => new Date().toISOString() }));
