// The GitHub domain (seed 003 GitHub Integration): on ProjectCreated, creates the project's
// repository with the GitHub API (repositories.ts: a deterministic fake) and answers
// RepositoryCreated, or RepositoryCreationFailed with an ErrorOccurred on the errors bus. An
// API that is unavailable (5xx, 429) throws: SQS retries the event, then its DLQ.
// Answers are written through the outbox (ctx.commit) with ids derived from the request
// event, so a redelivered ProjectCreated writes nothing twice.
import { createGithubQueueConsumer, type GithubQueueHandlers } from '../../generated';
import * as githubEvents from '../../generated/publishers/github';
import type { ConsumerContext } from '../../../../lib/consumer';
import { AlreadyWrittenError, createOutboxWriter } from '../../../../lib/event-store';
import { nameUuid } from '../../../../lib/ids';
import { config } from './config';
import { createRepository, fakeGitHubApi, type GitHubApi } from './repositories';

export const GITHUB_NAMESPACE = '5d7f9b13-4c6e-4081-8c2d-3e4f5a6b7c83';

export interface Deps {
  api: GitHubApi;
  owner: () => string;
}

export function makeHandlers({ api, owner }: Deps): GithubQueueHandlers<ConsumerContext> {
  return {
    ProjectCreated: async (event, ctx) => {
      const project = event.detail.data;
      const { projectId } = project;
      const cause = event.detail.metadata.eventId;
      const context = (kind: string) => ({ ...ctx.causedBy, eventId: nameUuid(GITHUB_NAMESPACE, kind, cause) });
      const result = await createRepository(project, api, owner());
      const events =
        'failure' in result
          ? [
              githubEvents.RepositoryCreationFailed({ projectId, failure: result.failure }, context('answer')),
              githubEvents.ErrorOccurred(
                {
                  errorCode: result.failure.errorCode,
                  errorMessage: result.failure.errorMessage,
                  severity: 'ERROR',
                  context: { service: 'github', function: 'create-repository', userId: project.ownerId, projectId, eventId: cause, detailType: event['detail-type'] },
                  canRetry: result.failure.canRetry,
                },
                context('error'),
              ),
            ]
          : [githubEvents.RepositoryCreated({ projectId, repository: result.repository }, context('answer'))];
      try {
        await ctx.commit({ events });
        ctx.logger.info('failure' in result ? 'github step failed' : 'github step done', { projectId, errorCode: 'failure' in result ? result.failure.errorCode : undefined });
      } catch (error) {
        if (!(error instanceof AlreadyWrittenError)) throw error;
        ctx.logger.info('github answered before (redelivered ProjectCreated)', { projectId });
      }
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; answers through the outbox. */
export const handler = createGithubQueueConsumer(makeHandlers({ api: fakeGitHubApi(), owner: () => config().owner }), { outbox: createOutboxWriter() });
