// Errors service: every ErrorOccurred from the errors bus, stored per correlation id so a
// failing flow can be followed end to end (GET /errors/{correlationId}). Idempotent per
// event. It sends nothing on the errors bus itself, so its own rejects go to its DLQ.
import { createErrorsQueueConsumer, type ErrorsQueueHandlers } from '../../generated';
import { clients } from '../../lib/clients';
import type { ConsumerContext } from '../../lib/consumer';
import { createReadModel, type ReadModel } from '../../lib/read-model';
import { config } from './config';
import { errorCountKey, errorsKey, errorSortKey } from './keys';

export interface Deps {
  readModel: ReadModel;
}

export function makeHandlers({ readModel }: Deps): ErrorsQueueHandlers<ConsumerContext> {
  return {
    ErrorOccurred: async (event, ctx) => {
      const { metadata, data } = event.detail;
      const written = await readModel.writeOnce({
        items: [
          {
            pk: errorsKey(metadata.correlationId),
            sk: errorSortKey(metadata.occurredAt, metadata.eventId),
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
        increments: [{ key: errorCountKey(data.errorCode) }],
      });
      ctx.logger[data.severity === 'CRITICAL' ? 'error' : 'info'](written ? 'error stored' : 'error already stored', { errorCode: data.errorCode, producer: metadata.producer });
    },
  };
}

export const handlers = makeHandlers({ readModel: createReadModel({ doc: clients.dynamoDbDocument, table: () => config().readModelTable }) });

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createErrorsQueueConsumer(handlers);
