import type { Logger } from '@aws-lambda-powertools/logger';
import type { BusPublisher } from '../bus';
import { buildErrorEvent, type ErrorEventBuilder } from '../envelope';
import { ErrorEventPublishError, EventRejectedError } from './errors';
import { rejectionContext, toErrorEventData, type ErrorEventData, type Rejection } from './rejection';

/** Counts of one batch, flushed as EMF metrics once it is done. */
export interface BatchCounts {
  consumed: number;
  failed: number;
  rejected: number;
}

export interface RejectionReporterOptions {
  errorEvent: ErrorEventBuilder | undefined;
  toErrorData: ((rejection: Rejection, defaults: ErrorEventData) => unknown) | undefined;
  service: string;
  functionName: string;
  logger: Logger;
  publisher: () => BusPublisher;
}

export interface RejectionReporter {
  /** Publishes the rejection's error event; throws (ErrorEventPublishError, or EventRejectedError without `errorEvent`) when it is not on the bus. */
  publish(rejection: Rejection): Promise<void>;
  /** Acknowledges a bad record after publishing its error event, or fails the record if that fails. */
  reject(rejection: Rejection, counts: BatchCounts): Promise<void>;
}

/** How rejected records reach the errors bus (see lib/consumer/README.md). */
export function createRejectionReporter(options: RejectionReporterOptions): RejectionReporter {
  const { errorEvent, toErrorData, logger } = options;

  async function publish(rejection: Rejection): Promise<void> {
    if (!errorEvent) throw new EventRejectedError(rejection.messageId, rejection.errorCode, rejection.reason);
    try {
      const defaults = toErrorEventData(rejection, options);
      const data = toErrorData ? toErrorData(rejection, defaults) : defaults;
      await options.publisher().publish(buildErrorEvent(errorEvent, data, rejectionContext(rejection)));
    } catch (cause) {
      throw new ErrorEventPublishError(rejection.messageId, rejection.errorCode, { cause });
    }
  }

  async function reject(rejection: Rejection, counts: BatchCounts): Promise<void> {
    try {
      await publish(rejection);
    } catch (error) {
      counts.failed++;
      logger.error('rejected record not published to the errors bus; reported as a batch item failure (DLQ after maxReceiveCount)', { errorCode: rejection.errorCode, reason: rejection.reason, error: error as Error });
      throw error;
    }
    counts.rejected++;
    logger.warn('record rejected and published to the errors bus', { errorCode: rejection.errorCode, reason: rejection.reason });
  }

  return { publish, reject };
}
