// Error analytics (seed 003 "Error Bus -> Error Processor -> Error Table"): every ErrorOccurred
// of the errors bus is stored once under its correlationId, and counted per producer and
// errorCode. It sends nothing on the errors bus itself, so its own rejects go to its DLQ.
import { createObservabilityQueueConsumer, type ObservabilityQueueHandlers } from '../../generated';
import { clients } from '../../../../lib/clients';
import type { ConsumerContext } from '../../../../lib/consumer';
import { createReadModel, type ReadModel } from '../../../../lib/read-model';
import { config } from './config';
import { errorCountKey, errorsKey, errorSortKey } from './keys';

export interface Deps {
  readModel: ReadModel;
}

export function makeHandlers({ readModel }: Deps): ObservabilityQueueHandlers<ConsumerContext> {
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
            producer: metadata.producer,
            occurredAt: metadata.occurredAt,
            errorCode: data.errorCode,
            errorMessage: data.errorMessage,
            severity: data.severity,
            canRetry: data.canRetry,
            context: data.context,
            // The failed event may carry personal data: kept for replay, never logged.
            ...(data.failedEvent ? { failedEvent: data.failedEvent } : {}),
          },
        ],
        increments: [{ key: errorCountKey(metadata.producer, data.errorCode) }],
      });
      ctx.logger[data.severity === 'CRITICAL' ? 'error' : 'info'](written ? 'error stored' : 'error already stored', { errorCode: data.errorCode, producer: metadata.producer });
    },
  };
}

/** The Lambda handler: parse, validate, dispatch idempotently per eventId (lib/consumer/README.md). */
export const handler = createObservabilityQueueConsumer(makeHandlers({ readModel: createReadModel({ doc: clients.dynamoDbDocument, table: () => config().errorsTable }) }));
