export { createEventStore, appendContext } from './store';
export type { AppendInput, AppendResult, EventStore, EventStoreOptions, LoadOptions, StoredEvent } from './store';
export { writeWithOutbox, createOutboxWriter, createOnceSender } from './with-outbox';
export type { OnceSender, OutboxWriterOptions, WriteWithOutboxInput, WriteWithOutboxResult } from './with-outbox';
export { MAX_TRANSACTION_ITEMS } from './transaction';
export { outboxWrites } from '../outbox/row';
export type { OutboxRow, TransactWrite } from '../outbox/row';
export {
  EventStoreError,
  EventStoreInputError,
  TransactionTooLargeError,
  ConcurrencyError,
  ExpectedVersionNotFoundError,
  WriteConditionFailedError,
  AlreadyWrittenError,
  TransactionCancelledError,
  EventStoreWriteError,
  EventStoreReadError,
} from './errors';
export type { CancellationDetail } from './errors';
export { createAggregate, createAggregateReader, DEFAULT_DECISION_ATTEMPTS } from './aggregate';
export type { Aggregate, AggregateOptions, AggregateReader, AggregateReaderOptions, DecidedEvent, EventBuilders, LoadedAggregate } from './aggregate';
