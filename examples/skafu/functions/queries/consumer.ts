// The query handlers (seed 003 "EventBridge -> Query Handlers"): every event of a project's
// stream is written once into the read model, under its project and its sequence number
// (lib/read-model writeOnce: a redelivery changes nothing). ProjectCreated also lists the
// project under its owner. The view is folded from these rows on read (view.ts).
import { createQueriesQueueConsumer, type QueriesQueueHandlers } from '../../generated';
import { clients } from '../../../../lib/clients';
import { NonRetryableEventError, type ConsumerContext } from '../../../../lib/consumer';
import { createReadModel, type ReadModel, type ReadModelItem } from '../../../../lib/read-model';
import { config } from './config';
import { ownerKey, ownerSortKey, projectKey, sequenceKey } from './keys';

export interface Deps {
  readModel: ReadModel;
}

type StreamEvent = { 'detail-type': string; detail: { metadata: { eventId: string; correlationId: string; occurredAt: string; aggregateId?: string; sequence?: number }; data: { projectId: string } } };

export function makeHandlers({ readModel }: Deps): QueriesQueueHandlers<ConsumerContext> {
  const project = async (event: StreamEvent, ctx: ConsumerContext, extra: ReadModelItem[] = []): Promise<void> => {
    const { metadata, data } = event.detail;
    // The sequence number is the row's key: an event of the stream without one is not the stream's.
    if (metadata.sequence === undefined || metadata.aggregateId !== data.projectId) throw new NonRetryableEventError('SEQUENCE_MISSING', `${event['detail-type']} ${metadata.eventId} has no sequence number of project ${data.projectId}`);
    const row: ReadModelItem = { pk: projectKey(data.projectId), sk: sequenceKey(metadata.sequence), sequence: metadata.sequence, detailType: event['detail-type'], eventId: metadata.eventId, correlationId: metadata.correlationId, occurredAt: metadata.occurredAt, data };
    const written = await readModel.writeOnce({ items: [row, ...extra] });
    ctx.logger.info(written ? 'project view updated' : 'project event already in the view', { projectId: data.projectId, sequence: metadata.sequence, detailType: event['detail-type'] });
  };
  return {
    ProjectCreated: (event, ctx) => {
      const { projectId, name, ownerId, createdAt } = event.detail.data;
      return project(event, ctx, [{ pk: ownerKey(ownerId), sk: ownerSortKey(createdAt, projectId), projectId, name, createdAt }]);
    },
    ProjectConfigurationStepRecorded: (event, ctx) => project(event, ctx),
    ProjectConfigured: (event, ctx) => project(event, ctx),
    ProjectConfigurationFailed: (event, ctx) => project(event, ctx),
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createQueriesQueueConsumer(makeHandlers({ readModel: createReadModel({ doc: clients.dynamoDbDocument, table: () => config().projectViewsTable }) }));
