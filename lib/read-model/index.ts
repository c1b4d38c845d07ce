export { createReadModel } from './dynamodb';
export type { Lazy, ReadModelOptions } from './dynamodb';
export { createInMemoryReadModel } from './memory';
export type { InMemoryReadModel } from './memory';
export { DEFAULT_KEY_SCHEMA, MAX_TRANSACTION_ITEMS } from './model';
export type { Increment, KeySchema, OnceWrite, PartitionQuery, ReadModel, ReadModelItem } from './model';
export { joinKey, keyPrefix, KEY_SEPARATOR } from './keys';
export { ReadModelError, ReadModelWriteError, ReadModelReadError } from './errors';
