export { createEventStore, writeWithOutbox } from './store';
export type { AppendInput, EventStore, EventStoreOptions, StoredEvent } from './store';
export { outboxRow, outboxWrites } from './outbox-rows';
export type { OutboxRow, TransactItem } from './outbox-rows';
export { MAX_TRANSACTION_ITEMS } from './transact';
export { AlreadyWrittenError, ConcurrencyError, EventStoreError, EventStoreInputError, TransactionFailedError } from './errors';
