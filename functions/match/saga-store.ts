// Where the assignment saga's state lives: the saga table, with its commands' outbox rows
// written in the same transaction (lib/saga createDynamoDbSagaStore), built on first use.
import { clients } from '../../lib/clients';
import { createDynamoDbSagaStore, type SagaStore } from '../../lib/saga';
import { config } from './config';

let store: SagaStore | undefined;
const get = (): SagaStore => (store ??= createDynamoDbSagaStore({ doc: clients.dynamoDbDocument(), table: config().sagaTable, outboxTable: config().outboxTable }));

export const sagaStore: SagaStore = { load: (id) => get().load(id), save: (state, events) => get().save(state, events) };
