import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdk } from '../clients/sdk';
import type { OutgoingEvent } from '../envelope';
import { AlreadyWrittenError, WriteConditionFailedError, writeWithOutbox } from '../event-store';
import type { TransactWrite } from '../outbox/row';
import { refusal } from './engine';
import { GatherStoreError } from './errors';
import type { Answer, GatherState } from './state';

/**
 * Where gathers live: one item per round. `create` stores a new round with its requests'
 * outbox rows (false when the round exists). `record` adds one answer with a conditional
 * update of that item, so a duplicate or late answer, or one after the end, changes
 * nothing (undefined). `finish` ends a PENDING round with the domain's writes and events
 * in one transaction (false when it had ended already: it ends exactly once).
 */
export interface GatherStore {
  load<Input>(requestId: string): Promise<GatherState<Input> | undefined>;
  create<Input>(state: GatherState<Input>, requests: readonly OutgoingEvent[]): Promise<boolean>;
  record<Input>(requestId: string, responder: string, answer: Answer): Promise<GatherState<Input> | undefined>;
  finish<Input>(state: GatherState<Input>, result: GatherResult): Promise<boolean>;
}

/** What the domain stores and publishes when a round ends, in the same transaction. */
export interface GatherResult {
  writes: readonly TransactWrite[];
  events: readonly OutgoingEvent[];
}

export interface DynamoDbGatherStoreOptions {
  doc: DynamoDBDocumentClient;
  table: string;
  outboxTable: string;
  /** The item key of a round in `table` (e.g. `{ pk: 'GATHER#<id>', sk: 'STATE' }`). */
  key: (requestId: string) => Record<string, string>;
}

const conditionLost = (error: unknown): boolean => (error as Error).name === 'ConditionalCheckFailedException' || error instanceof WriteConditionFailedError || error instanceof AlreadyWrittenError;

/**
 * The state is the item: `status`, `version`, `deadline` and `answers` (a map by responder)
 * are top-level attributes, so an answer is one `SET answers.#r` guarded by
 * `status = PENDING`, the responder being asked and not having answered, and the deadline.
 */
export function createDynamoDbGatherStore(options: DynamoDbGatherStoreOptions): GatherStore {
  const { doc, table, outboxTable, key } = options;
  const D = () => sdk.document();
  const fail = (what: string, error: unknown): never => {
    throw new GatherStoreError(`${what}: ${(error as Error).message}`, { cause: error });
  };
  return {
    async load<Input>(requestId: string) {
      try {
        const out = await doc.send(new (D().GetCommand)({ TableName: table, Key: key(requestId), ConsistentRead: true }));
        if (!out.Item) return undefined;
        const { requestId: id, gather, status, input, responders, answers, correlationId, startedAt, deadline, endedAt, reason, version } = out.Item;
        return { requestId: id, gather, status, input, responders, answers, correlationId, startedAt, deadline, ...(endedAt ? { endedAt } : {}), ...(reason ? { reason } : {}), version } as GatherState<Input>;
      } catch (error) {
        return fail(`could not read gather ${requestId} from ${table}`, error);
      }
    },
    async create(state, requests) {
      const put = { TableName: table, Item: { ...key(state.requestId), ...state }, ConditionExpression: 'attribute_not_exists(#status)', ExpressionAttributeNames: { '#status': 'status' } };
      try {
        await writeWithOutbox({ doc, outboxTable, events: requests, writes: [{ Put: put }] });
        return true;
      } catch (error) {
        if (conditionLost(error)) return false;
        return fail(`could not start gather ${state.requestId}`, error);
      }
    },
    async record<Input>(requestId: string, responder: string, answer: Answer) {
      try {
        const out = await doc.send(
          new (D().UpdateCommand)({
            TableName: table,
            Key: key(requestId),
            UpdateExpression: 'SET #answers.#r = :answer, #version = #version + :one',
            ConditionExpression: '#status = :pending AND attribute_exists(#responders.#r) AND attribute_not_exists(#answers.#r) AND #deadline >= :at',
            ExpressionAttributeNames: { '#answers': 'answers', '#responders': 'responders', '#r': responder, '#version': 'version', '#status': 'status', '#deadline': 'deadline' },
            ExpressionAttributeValues: { ':answer': answer, ':one': 1, ':pending': 'PENDING', ':at': answer.at },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const { requestId: id, gather, status, input, responders, answers, correlationId, startedAt, deadline, version } = out.Attributes ?? {};
        return { requestId: id, gather, status, input, responders, answers, correlationId, startedAt, deadline, version } as GatherState<Input>;
      } catch (error) {
        if (conditionLost(error)) return undefined;
        return fail(`could not record ${responder}'s answer to gather ${requestId}`, error);
      }
    },
    async finish(state, result) {
      const update: TransactWrite = {
        Update: {
          TableName: table,
          Key: key(state.requestId),
          UpdateExpression: 'SET #status = :status, #reason = :reason, endedAt = :endedAt, #version = #version + :one',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason', '#version': 'version' },
          ExpressionAttributeValues: { ':status': state.status, ':reason': state.reason ?? '', ':endedAt': state.endedAt ?? new Date().toISOString(), ':one': 1, ':pending': 'PENDING' },
        },
      };
      try {
        await writeWithOutbox({ doc, outboxTable, events: result.events, writes: [update, ...result.writes] });
        return true;
      } catch (error) {
        if (conditionLost(error)) return false;
        return fail(`could not end gather ${state.requestId} ${state.status}`, error);
      }
    },
  };
}

/** The same contract in memory, for unit tests: events "sent" in `outbox`, domain writes in `writes`. */
export function createInMemoryGatherStore(): GatherStore & { outbox: OutgoingEvent[]; writes: TransactWrite[]; states: Map<string, GatherState<unknown>> } {
  const states = new Map<string, GatherState<unknown>>();
  const outbox: OutgoingEvent[] = [];
  const writes: TransactWrite[] = [];
  return {
    states,
    outbox,
    writes,
    async load<Input>(requestId: string) {
      const s = states.get(requestId);
      return s ? (structuredClone(s) as GatherState<Input>) : undefined;
    },
    async create(state, requests) {
      if (states.has(state.requestId)) return false;
      states.set(state.requestId, structuredClone(state) as GatherState<unknown>);
      outbox.push(...requests);
      return true;
    },
    async record<Input>(requestId: string, responder: string, answer: Answer) {
      const s = states.get(requestId);
      if (!s || refusal(s, responder, answer.at)) return undefined;
      const next = { ...s, answers: { ...s.answers, [responder]: answer }, version: s.version + 1 };
      states.set(requestId, next);
      return structuredClone(next) as GatherState<Input>;
    },
    async finish(state, result) {
      const s = states.get(state.requestId);
      if (!s || s.status !== 'PENDING') return false;
      states.set(state.requestId, { ...s, status: state.status, ...(state.reason ? { reason: state.reason } : {}), ...(state.endedAt ? { endedAt: state.endedAt } : {}), version: s.version + 1 });
      outbox.push(...result.events);
      writes.push(...result.writes);
      return true;
    },
  };
}
