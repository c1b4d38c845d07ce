import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdk } from '../clients/sdk';
import type { OutgoingEvent } from '../envelope';
import { AlreadyWrittenError, WriteConditionFailedError, writeWithOutbox } from '../event-store';
import { SagaConflictError, SagaStoreError } from './errors';
import type { SagaState } from './state';

/**
 * Where saga state lives. `save` writes a state at `state.version` only if the stored one is
 * at `state.version - 1` (absent for version 1), together with the outbox rows of its
 * commands, all or nothing; otherwise SagaConflictError and nothing is written.
 */
export interface SagaStore {
  load<Data>(sagaId: string): Promise<SagaState<Data> | undefined>;
  save<Data>(state: SagaState<Data>, events: readonly OutgoingEvent[]): Promise<void>;
}

export interface DynamoDbSagaStoreOptions {
  doc: DynamoDBDocumentClient;
  /** The saga table: partition key `sagaId` (S). */
  table: string;
  /** The outbox table the relay publishes from. */
  outboxTable: string;
}

/**
 * One item per saga: key `sagaId`, with `status`, `saga` and `version` as top-level
 * attributes (for conditions and for queries of stuck sagas) and the whole state in `state`.
 */
export function createDynamoDbSagaStore(options: DynamoDbSagaStoreOptions): SagaStore {
  const { doc, table, outboxTable } = options;
  return {
    async load<Data>(sagaId: string) {
      try {
        const out = await doc.send(new (sdk.document().GetCommand)({ TableName: table, Key: { sagaId }, ConsistentRead: true }));
        return (out.Item?.['state'] as SagaState<Data> | undefined) ?? undefined;
      } catch (error) {
        throw new SagaStoreError(`could not read saga ${sagaId} from ${table}: ${(error as Error).message}`, { cause: error });
      }
    },
    async save(state, events) {
      const put = {
        TableName: table,
        Item: { sagaId: state.sagaId, saga: state.saga, status: state.status, version: state.version, updatedAt: new Date().toISOString(), ...(state.deadline ? { deadline: state.deadline } : {}), state },
        ...(state.version === 1
          ? { ConditionExpression: 'attribute_not_exists(sagaId)' }
          : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': state.version - 1 } }),
      };
      try {
        if (events.length) await writeWithOutbox({ doc, outboxTable, events, writes: [{ Put: put }] });
        else await doc.send(new (sdk.document().PutCommand)(put));
      } catch (error) {
        // The version moved on, or this very transition was stored already (its commands' outbox rows exist).
        if (error instanceof WriteConditionFailedError || error instanceof AlreadyWrittenError || (error as Error).name === 'ConditionalCheckFailedException') {
          throw new SagaConflictError(state.sagaId, state.version - 1, { cause: error });
        }
        throw new SagaStoreError(`could not save saga ${state.sagaId} v${state.version}: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}

/**
 * The same contract in memory, for unit tests of sagas and of handlers that run them: the
 * events "sent" are kept in `outbox`, in the order their states were saved.
 */
export function createInMemorySagaStore(): SagaStore & { outbox: OutgoingEvent[]; states: Map<string, SagaState<unknown>> } {
  const states = new Map<string, SagaState<unknown>>();
  const outbox: OutgoingEvent[] = [];
  return {
    states,
    outbox,
    async load<Data>(sagaId: string) {
      const state = states.get(sagaId);
      return state ? (structuredClone(state) as SagaState<Data>) : undefined;
    },
    async save(state, events) {
      const stored = states.get(state.sagaId);
      if ((stored?.version ?? 0) !== state.version - 1) throw new SagaConflictError(state.sagaId, state.version - 1);
      states.set(state.sagaId, structuredClone(state) as SagaState<unknown>);
      outbox.push(...events);
    },
  };
}
