export { createSqsConsumer, CONSUMER_METRICS } from './consumer';
export type { ConsumerContext, EmitOptions, ErrorEventBuilder, QueueInfo, SqsConsumerHandler, SqsConsumerOptions } from './consumer';
export { toErrorEventData, describeIssues, isNonRetryable } from './rejection';
export type { Rejection, ErrorEventData } from './rejection';
export { ConsumerError, NonRetryableEventError, ErrorEventPublishError, EventRejectedError } from './errors';
