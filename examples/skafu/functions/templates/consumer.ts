// The templates domain (seed 003 Template Management): on ProjectCreated, selects the project's
// template from the template registry (registry.ts: a deterministic fake of the seed's S3
// store) and answers TemplateSelected, or TemplateSelectionFailed with an ErrorOccurred on the
// errors bus.
// Answers are written through the outbox (ctx.commit) with ids derived from the request
// event, so a redelivered ProjectCreated writes nothing twice.
import { createTemplatesQueueConsumer, type TemplatesQueueHandlers } from '../../generated';
import * as templatesEvents from '../../generated/publishers/templates';
import type { ConsumerContext } from '../../../../lib/consumer';
import { AlreadyWrittenError, createOutboxWriter } from '../../../../lib/event-store';
import { nameUuid } from '../../../../lib/ids';
import { fakeTemplateRegistry, selectTemplate, type TemplateRegistry } from './registry';

export const TEMPLATES_NAMESPACE = '3b5d7f91-2a4c-4e6f-8a0b-1c2d3e4f5a61';

export interface Deps {
  registry: TemplateRegistry;
}

export function makeHandlers({ registry }: Deps): TemplatesQueueHandlers<ConsumerContext> {
  return {
    ProjectCreated: async (event, ctx) => {
      const project = event.detail.data;
      const { projectId } = project;
      const cause = event.detail.metadata.eventId;
      const context = (kind: string) => ({ ...ctx.causedBy, eventId: nameUuid(TEMPLATES_NAMESPACE, kind, cause) });
      const result = selectTemplate(project, await registry.list(project.language));
      const events =
        'failure' in result
          ? [
              templatesEvents.TemplateSelectionFailed({ projectId, failure: result.failure }, context('answer')),
              templatesEvents.ErrorOccurred(
                {
                  errorCode: result.failure.errorCode,
                  errorMessage: result.failure.errorMessage,
                  severity: 'ERROR',
                  context: { service: 'templates', function: 'select-template', userId: project.ownerId, projectId, eventId: cause, detailType: event['detail-type'] },
                  canRetry: result.failure.canRetry,
                },
                context('error'),
              ),
            ]
          : [templatesEvents.TemplateSelected({ projectId, template: result.template }, context('answer'))];
      try {
        await ctx.commit({ events });
        ctx.logger.info('failure' in result ? 'templates step failed' : 'templates step done', { projectId, errorCode: 'failure' in result ? result.failure.errorCode : undefined });
      } catch (error) {
        if (!(error instanceof AlreadyWrittenError)) throw error;
        ctx.logger.info('templates answered before (redelivered ProjectCreated)', { projectId });
      }
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId; answers through the outbox. */
export const handler = createTemplatesQueueConsumer(makeHandlers({ registry: fakeTemplateRegistry() }), { outbox: createOutboxWriter() });
