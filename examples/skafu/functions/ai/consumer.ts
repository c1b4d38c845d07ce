// The AI domain (seed 003 AI Integration): on ProjectCreated, analyses the project with the AI
// API (analysis.ts: a deterministic fake of the Claude API) within the token limit and answers
// AIAnalysisCompleted, or AILimitReached with an ErrorOccurred on the errors bus.
// Answers are written through the outbox (ctx.commit) with ids derived from the request
// event, so a redelivered ProjectCreated writes nothing twice.
import { createAiQueueConsumer, type AiQueueHandlers } from '../../generated';
import * as aiEvents from '../../generated/publishers/ai';
import type { ConsumerContext } from '../../../../lib/consumer';
import { AlreadyWrittenError, createOutboxWriter } from '../../../../lib/event-store';
import { nameUuid } from '../../../../lib/ids';
import { analyse, fakeAiApi, type AiApi } from './analysis';
import { config } from './config';

export const AI_NAMESPACE = '4c6e8a02-3b5d-4f70-9b1c-2d3e4f5a6b72';

export interface Deps {
  api: AiApi;
  tokenLimit: () => number;
}

export function makeHandlers({ api, tokenLimit }: Deps): AiQueueHandlers<ConsumerContext> {
  return {
    ProjectCreated: async (event, ctx) => {
      const project = event.detail.data;
      const { projectId } = project;
      const cause = event.detail.metadata.eventId;
      const context = (kind: string) => ({ ...ctx.causedBy, eventId: nameUuid(AI_NAMESPACE, kind, cause) });
      const result = await analyse(project, api, tokenLimit());
      const events =
        'failure' in result
          ? [
              aiEvents.AILimitReached({ projectId, failure: result.failure }, context('answer')),
              aiEvents.ErrorOccurred(
                {
                  errorCode: result.failure.errorCode,
                  errorMessage: result.failure.errorMessage,
                  severity: 'ERROR',
                  context: { service: 'ai', function: 'analyse-project', userId: project.ownerId, projectId, eventId: cause, detailType: event['detail-type'] },
                  canRetry: result.failure.canRetry,
                },
                context('error'),
              ),
            ]
          : [aiEvents.AIAnalysisCompleted({ projectId, analysis: result.analysis }, context('answer'))];
      try {
        await ctx.commit({ events });
        ctx.logger.info('failure' in result ? 'ai step failed' : 'ai step done', { projectId, errorCode: 'failure' in result ? result.failure.errorCode : undefined });
      } catch (error) {
        if (!(error instanceof AlreadyWrittenError)) throw error;
        ctx.logger.info('ai answered before (redelivered ProjectCreated)', { projectId });
      }
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; answers through the outbox. */
export const handler = createAiQueueConsumer(makeHandlers({ api: fakeAiApi(), tokenLimit: () => config().tokenLimit }), { outbox: createOutboxWriter() });
