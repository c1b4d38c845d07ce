export { createSqsConsumer, CONSUMER_METRICS } from './consumer';
export type { ErrorEventBuilder, QueueInfo, SqsConsumerHandler, SqsConsumerOptions } from './consumer';
export type { CommitInput, ConsumerContext, EmitOptions, OutboxWriter } from './context';
export { decodeRecord, receiveCount, recordLogKeys, handlerRejection, finalFailure } from './decode';
export type { DecodedRecord, RecordFacts, Routes } from './decode';
export { toErrorEventData, describeIssues, isNonRetryable, rejectionContext } from './rejection';
export type { Rejection, ErrorEventData } from './rejection';
export { ConsumerError, NonRetryableEventError, ErrorEventPublishError, EventRejectedError, OutboxMissingError } from './errors';
