// Where the payments service keeps its authorizations (PaymentsTable): one item per saga.
// A change that answers the saga is written with its reply's outbox row in one
// transaction, conditioned on the state it changes, so two deliveries cannot both win.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clients } from '../../lib/clients';
import { WriteConditionFailedError, writeWithOutbox, type TransactWrite } from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';
import { joinKey } from '../../lib/read-model';
import type { Authorization, AuthorizationStatus } from './authorizations';
import { config } from './config';

export interface AuthorizationStore {
  find(sagaId: string): Promise<Authorization | undefined>;
  /** Stores a new authorization (with its reply, if any); false (nothing written) when the saga has one. */
  create(authorization: Authorization, reply?: OutgoingEvent): Promise<boolean>;
  /** Replaces the saga's authorization if it is still `from` (with its reply, if any); false (nothing written) otherwise. */
  replace(authorization: Authorization, from: AuthorizationStatus, reply?: OutgoingEvent): Promise<boolean>;
  /** The reply alone (nothing to change); false when it was written before. */
  reply(reply: OutgoingEvent): Promise<boolean>;
}

export const authorizationKey = (sagaId: string): { pk: string; sk: string } => ({ pk: joinKey('SAGA', sagaId), sk: 'AUTHORIZATION' });

export interface DynamoDbAuthorizationStoreOptions {
  doc: () => DynamoDBDocumentClient;
  table: () => string;
  outboxTable: () => string;
}

/** The authorization store on DynamoDB (PaymentsTable + the outbox table). */
export function createDynamoDbAuthorizationStore({ doc, table, outboxTable }: DynamoDbAuthorizationStoreOptions): AuthorizationStore {
  const put = async (authorization: Authorization | undefined, condition: Pick<NonNullable<TransactWrite['Put']>, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>, reply: OutgoingEvent | undefined): Promise<boolean> => {
    const write = authorization && { TableName: table(), Item: { ...authorizationKey(authorization.sagaId), ...authorization }, ...condition };
    try {
      await writeWithOutbox({ doc: doc(), outboxTable: outboxTable(), events: reply ? [reply] : [], writes: write ? [{ Put: write }] : [] });
      return true;
    } catch (error) {
      if (error instanceof WriteConditionFailedError) return false;
      throw error;
    }
  };
  return {
    async find(sagaId) {
      const { Item } = await doc().send(new GetCommand({ TableName: table(), Key: authorizationKey(sagaId), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, ...authorization } = Item;
      return authorization as Authorization;
    },
    create: (authorization, reply) => put(authorization, { ConditionExpression: 'attribute_not_exists(pk)' }, reply),
    replace: (authorization, from, reply) => put(authorization, { ConditionExpression: '#status = :from', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':from': from } }, reply),
    reply: (event) => put(undefined, {}, event),
  };
}

/** The deployed authorization store, configured on first use. */
export const authorizationStore: AuthorizationStore = createDynamoDbAuthorizationStore({ doc: clients.dynamoDbDocument, table: () => config().paymentsTable, outboxTable: () => config().outboxTable });
