export { createBusPublisher, chunkEntries } from './publisher';
export type { BusPublisher, BusPublisherOptions, PutEventsClient } from './publisher';
export { retryDelay, isRetryableCallError, DEFAULT_RETRY, RETRYABLE_ENTRY_ERRORS } from './retry';
export type { RetryPolicy } from './retry';
export { BusError, PublishRefusedError, PublishFailedError } from './errors';
export type { EventRef, RefusedEvent, UnsentEvent, PublishedEvent } from './errors';
