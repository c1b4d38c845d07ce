// Where the payments service keeps its state (PaymentsTable): one authorization item per saga
// (with a pointer item under its incident, so the payment after the work finds it), one
// payment item per incident's payment, one velocity counter per driver. A change that emits
// events is written with their outbox rows in one transaction, conditioned on the state it
// changes, so two deliveries cannot both win.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clients, sdk } from '../../lib/clients';
import { AlreadyWrittenError, WriteConditionFailedError, writeWithOutbox, type TransactWrite } from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';
import { joinKey } from '../../lib/read-model';
import type { Authorization, AuthorizationStatus } from './authorizations';
import { config } from './config';
import type { DriverVelocity, Payment, PaymentStatus } from './payments';

export interface AuthorizationStore {
  find(sagaId: string): Promise<Authorization | undefined>;
  /** Every authorization taken for the incident's sagas (any status), oldest saga order not guaranteed. */
  forIncident(incidentId: string): Promise<Authorization[]>;
  /** Stores a new authorization (with its reply, if any); false (nothing written) when the saga has one. */
  create(authorization: Authorization, reply?: OutgoingEvent): Promise<boolean>;
  /** Replaces the saga's authorization if it is still `from` (with its reply, if any); false (nothing written) otherwise. */
  replace(authorization: Authorization, from: AuthorizationStatus, reply?: OutgoingEvent): Promise<boolean>;
  /** The reply alone (nothing to change); false when it was written before. */
  reply(reply: OutgoingEvent): Promise<boolean>;
}

export const authorizationKey = (sagaId: string): { pk: string; sk: string } => ({ pk: joinKey('SAGA', sagaId), sk: 'AUTHORIZATION' });
/** The pointer from an incident to one of its sagas' authorizations (written with the authorization). */
export const incidentAuthorizationKey = (incidentId: string, sagaId: string): { pk: string; sk: string } => ({ pk: joinKey('INCIDENT', incidentId), sk: joinKey('AUTHORIZATION', sagaId) });

const CREATE = 'attribute_not_exists(pk)';

export interface DynamoDbAuthorizationStoreOptions {
  doc: () => DynamoDBDocumentClient;
  table: () => string;
  outboxTable: () => string;
}

/** The authorization store on DynamoDB (PaymentsTable + the outbox table). */
export function createDynamoDbAuthorizationStore({ doc, table, outboxTable }: DynamoDbAuthorizationStoreOptions): AuthorizationStore {
  const put = async (authorization: Authorization | undefined, condition: Pick<NonNullable<TransactWrite['Put']>, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>, reply: OutgoingEvent | undefined): Promise<boolean> => {
    const write = authorization && { TableName: table(), Item: { ...authorizationKey(authorization.sagaId), ...authorization }, ...condition };
    const writes: TransactWrite[] = write ? [{ Put: write }] : [];
    // A new authorization also gets its incident's pointer (same saga, same incident: overwriting it changes nothing).
    if (authorization && condition.ConditionExpression === CREATE) writes.push({ Put: { TableName: table(), Item: { ...incidentAuthorizationKey(authorization.incidentId, authorization.sagaId), sagaId: authorization.sagaId } } });
    try {
      await writeWithOutbox({ doc: doc(), outboxTable: outboxTable(), events: reply ? [reply] : [], writes });
      return true;
    } catch (error) {
      if (error instanceof WriteConditionFailedError) return false;
      throw error;
    }
  };
  return {
    async find(sagaId) {
      const { Item } = await doc().send(new (sdk.document().GetCommand)({ TableName: table(), Key: authorizationKey(sagaId), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, ...authorization } = Item;
      return authorization as Authorization;
    },
    async forIncident(incidentId) {
      const sagaIds: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc().send(
          new (sdk.document().QueryCommand)({ TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)', ExpressionAttributeValues: { ':pk': joinKey('INCIDENT', incidentId), ':sk': joinKey('AUTHORIZATION', '') }, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        for (const item of page.Items ?? []) if (typeof item['sagaId'] === 'string') sagaIds.push(item['sagaId']);
        start = page.LastEvaluatedKey;
      } while (start);
      const found = await Promise.all(sagaIds.map((sagaId) => this.find(sagaId)));
      return found.filter((a): a is Authorization => a !== undefined);
    },
    create: (authorization, reply) => put(authorization, { ConditionExpression: CREATE }, reply),
    replace: (authorization, from, reply) => put(authorization, { ConditionExpression: '#status = :from', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':from': from } }, reply),
    reply: (event) => put(undefined, {}, event),
  };
}

/** The deployed authorization store, configured on first use. */
export const authorizationStore: AuthorizationStore = createDynamoDbAuthorizationStore({ doc: clients.dynamoDbDocument, table: () => config().paymentsTable, outboxTable: () => config().outboxTable });

export interface PaymentStore {
  find(paymentId: string): Promise<Payment | undefined>;
  /** The driver's velocity counter (the fraud rule's window); undefined before the first payment. */
  velocity(driverId: string): Promise<DriverVelocity | undefined>;
  /**
   * Stores a new payment, the driver's counter (if still at the version read: `velocity.version - 1`)
   * and the events, in one transaction; false (nothing written) when the payment exists or the counter moved.
   */
  create(payment: Payment, velocity: DriverVelocity, events: readonly OutgoingEvent[]): Promise<boolean>;
  /** Replaces the payment if it is still `from`, with its events; false (nothing written) otherwise. */
  replace(payment: Payment, from: PaymentStatus, events: readonly OutgoingEvent[]): Promise<boolean>;
}

export const paymentKey = (paymentId: string): { pk: string; sk: string } => ({ pk: joinKey('PAYMENT', paymentId), sk: 'PAYMENT' });
export const velocityKey = (driverId: string): { pk: string; sk: string } => ({ pk: joinKey('DRIVER', driverId), sk: 'PAYMENT_VELOCITY' });

/** The payment store on DynamoDB (PaymentsTable + the outbox table). */
export function createDynamoDbPaymentStore({ doc, table, outboxTable }: DynamoDbAuthorizationStoreOptions): PaymentStore {
  const get = async <T>(key: { pk: string; sk: string }): Promise<T | undefined> => {
    const { Item } = await doc().send(new (sdk.document().GetCommand)({ TableName: table(), Key: key, ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...rest } = Item;
    return rest as T;
  };
  const write = async (writes: TransactWrite[], events: readonly OutgoingEvent[]): Promise<boolean> => {
    try {
      await writeWithOutbox({ doc: doc(), outboxTable: outboxTable(), events, writes });
      return true;
    } catch (error) {
      // A condition failed, or the events were written before (the same change made by another delivery).
      if (error instanceof WriteConditionFailedError || error instanceof AlreadyWrittenError) return false;
      throw error;
    }
  };
  return {
    find: (paymentId) => get<Payment>(paymentKey(paymentId)),
    velocity: (driverId) => get<DriverVelocity>(velocityKey(driverId)),
    create: (payment, velocity, events) =>
      write(
        [
          { Put: { TableName: table(), Item: { ...paymentKey(payment.paymentId), ...payment }, ConditionExpression: CREATE } },
          {
            Put: {
              TableName: table(),
              Item: { ...velocityKey(velocity.driverId), ...velocity },
              ...(velocity.version === 1 ? { ConditionExpression: CREATE } : { ConditionExpression: '#version = :read', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':read': velocity.version - 1 } }),
            },
          },
        ],
        events,
      ),
    replace: (payment, from, events) =>
      write([{ Put: { TableName: table(), Item: { ...paymentKey(payment.paymentId), ...payment }, ConditionExpression: '#status = :from', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':from': from } } }], events),
  };
}

/** The deployed payment store, configured on first use. */
export const paymentStore: PaymentStore = createDynamoDbPaymentStore({ doc: clients.dynamoDbDocument, table: () => config().paymentsTable, outboxTable: () => config().outboxTable });
