// Where the tracking service keeps its sessions (TrackingTable): one item per session,
// `pk = SESSION#<sessionId>`, `sk = SESSION`. Every change is written with the outbox rows of
// the events it causes in one transaction (lib/event-store writeWithOutbox), conditioned on
// the version it was read at, so two writers (two pings, a ping and a stop) cannot both win
// and an event is out if and only if its change is stored.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clients, sdk } from '../../lib/clients';
import { WriteConditionFailedError, writeWithOutbox, type TransactWrite } from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';
import { joinKey } from '../../lib/read-model';
import { sessionConfig } from './session-config';
import type { TrackingSession } from './sessions';

export interface SessionStore {
  find(sessionId: string): Promise<TrackingSession | undefined>;
  /** Stores a new session with its events; false (nothing written) when the session or one of the events exists. */
  create(session: TrackingSession, events: readonly OutgoingEvent[]): Promise<boolean>;
  /** Replaces the session if it is still at `session.version - 1`, with its events; false (nothing written) otherwise. */
  update(session: TrackingSession, events: readonly OutgoingEvent[]): Promise<boolean>;
}

export const sessionKey = (sessionId: string): { pk: string; sk: string } => ({ pk: joinKey('SESSION', sessionId), sk: 'SESSION' });

export interface DynamoDbSessionStoreOptions {
  doc: () => DynamoDBDocumentClient;
  table: () => string;
  outboxTable: () => string;
}

/** The session store on DynamoDB (TrackingTable + the outbox table). */
export function createDynamoDbSessionStore({ doc, table, outboxTable }: DynamoDbSessionStoreOptions): SessionStore {
  const write = async (put: NonNullable<TransactWrite['Put']>, events: readonly OutgoingEvent[]): Promise<boolean> => {
    try {
      await writeWithOutbox({ doc: doc(), outboxTable: outboxTable(), events: [...events], writes: [{ Put: put }] });
      return true;
    } catch (error) {
      // Also AlreadyWrittenError (an event's outbox row exists): the change was made before.
      if (error instanceof WriteConditionFailedError) return false;
      throw error;
    }
  };
  const item = (s: TrackingSession): Record<string, unknown> => ({ ...sessionKey(s.sessionId), ...s });
  return {
    async find(sessionId) {
      const { Item } = await doc().send(new (sdk.document().GetCommand)({ TableName: table(), Key: sessionKey(sessionId), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, ...session } = Item;
      return session as TrackingSession;
    },
    create: (session, events) => write({ TableName: table(), Item: item(session), ConditionExpression: 'attribute_not_exists(pk)' }, events),
    update: (session, events) =>
      write({ TableName: table(), Item: item(session), ConditionExpression: '#version = :read', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':read': session.version - 1 } }, events),
  };
}

/** The deployed session store, configured on first use. */
export const sessionStore: SessionStore = createDynamoDbSessionStore({ doc: clients.dynamoDbDocument, table: () => sessionConfig().trackingTable, outboxTable: () => sessionConfig().outboxTable });
