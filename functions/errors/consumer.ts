// Errors service: every ErrorOccurred from the errors bus, stored per correlation id so a
// failing flow can be followed end to end (GET /errors/{correlationId}). Idempotent per
// event. It sends nothing on the errors bus itself, so its own rejects go to its DLQ.
import { errorsQueue, errorsQueueRoutes, type ErrorsQueueEvents, type ErrorsQueueHandlers } from '../../generated';
import { clients } from '../../lib/clients';
import { requireEnv } from '../../lib/config';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';
import { writeOnce } from '../../lib/read-model';
import { errorsKey } from './keys';

export const handlers: ErrorsQueueHandlers<ConsumerContext> = {
  ErrorOccurred: async (event, ctx) => {
    const { metadata, data } = event.detail;
    const written = await writeOnce(clients.dynamoDbDocument(), {
      table: requireEnv('READ_MODEL_TABLE'),
      items: [
        {
          pk: errorsKey(metadata.correlationId),
          sk: `${metadata.occurredAt}#${metadata.eventId}`,
          eventId: metadata.eventId,
          correlationId: metadata.correlationId,
          causationId: metadata.causationId,
          producer: metadata.producer,
          occurredAt: metadata.occurredAt,
          errorCode: data.errorCode,
          errorMessage: data.errorMessage,
          severity: data.severity,
          canRetry: data.canRetry,
          context: data.context,
          // The failed event itself may carry personal data: kept for replay, never logged.
          failedEvent: data.failedEvent,
        },
      ],
      updates: [{ key: { pk: 'COUNTS', sk: `ERROR#${data.errorCode}` }, expression: 'ADD #count :one', names: { '#count': 'count' }, values: { ':one': 1 } }],
    });
    ctx.logger[data.severity === 'CRITICAL' ? 'error' : 'info'](written ? 'error stored' : 'error already stored', { errorCode: data.errorCode, producer: metadata.producer });
  },
};

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createSqsConsumer<ErrorsQueueEvents>({
  queue: errorsQueue,
  routes: errorsQueueRoutes,
  handlers,
});
