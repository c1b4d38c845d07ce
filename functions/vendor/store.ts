// Where the vendor service keeps its reservations (VendorTable): one counter per vendor
// (`active` jobs, never above the directory's capacity) and one reservation item per saga
// under its incident, so an incident's reservations are one Query. Every change that
// answers the saga is written with its reply's outbox row in one transaction.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clients, sdk } from '../../lib/clients';
import { AlreadyWrittenError, WriteConditionFailedError, writeWithOutbox, type TransactWrite } from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';
import { joinKey, keyPrefix } from '../../lib/read-model';
import { config } from './config';
import type { Reservation } from './reservations';

export type HoldOutcome = 'held' | 'full' | 'exists';

export interface ReservationStore {
  find(incidentId: string, reservationId: string): Promise<Reservation | undefined>;
  /** The reservations of an incident still holding capacity. */
  heldFor(incidentId: string): Promise<Reservation[]>;
  /** Takes one unit of the vendor's capacity and stores the HELD reservation with its reply: 'full' or 'exists' (nothing written) otherwise. */
  hold(reservation: Reservation, capacity: number, reply: OutgoingEvent): Promise<HoldOutcome>;
  /** Stores a reservation that holds nothing (FAILED, or RELEASED before it was held) with its reply; false when the saga's reservation exists. */
  record(reservation: Reservation, reply: OutgoingEvent): Promise<boolean>;
  /** HELD -> RELEASED, giving the capacity back, with the reply if any; false (nothing written) when it is not HELD any more or the reply exists. */
  release(reservation: Reservation, releasedAt: string, reply?: OutgoingEvent): Promise<boolean>;
  /** The reply alone (nothing to change); false when it was written before. */
  reply(reply: OutgoingEvent): Promise<boolean>;
}

export const reservationKey = (incidentId: string, reservationId: string): { pk: string; sk: string } => ({ pk: joinKey('INCIDENT', incidentId), sk: joinKey('RESERVATION', reservationId) });
export const capacityKey = (vendorId: string): { pk: string; sk: string } => ({ pk: joinKey('VENDOR', vendorId), sk: 'CAPACITY' });

export interface DynamoDbReservationStoreOptions {
  doc: () => DynamoDBDocumentClient;
  table: () => string;
  outboxTable: () => string;
}

/** The reservation store on DynamoDB (VendorTable + the outbox table). */
export function createDynamoDbReservationStore({ doc, table, outboxTable }: DynamoDbReservationStoreOptions): ReservationStore {
  const commit = async (writes: TransactWrite[], reply: OutgoingEvent | undefined): Promise<'done' | 'conflict'> => {
    try {
      // With or without a reply, one transaction, and writeWithOutbox names the condition that failed.
      await writeWithOutbox({ doc: doc(), outboxTable: outboxTable(), events: reply ? [reply] : [], writes });
      return 'done';
    } catch (error) {
      if (error instanceof WriteConditionFailedError) return 'conflict';
      throw error;
    }
  };
  const item = (r: Reservation): Record<string, unknown> => ({ ...reservationKey(r.incidentId, r.reservationId), ...r });
  const giveBack = (r: Reservation): TransactWrite => ({
    Update: { TableName: table(), Key: capacityKey(r.vendorId), UpdateExpression: 'SET active = active - :one', ConditionExpression: 'active > :zero', ExpressionAttributeValues: { ':one': 1, ':zero': 0 } },
  });
  return {
    async find(incidentId, reservationId) {
      const { Item } = await doc().send(new (sdk.document().GetCommand)({ TableName: table(), Key: reservationKey(incidentId, reservationId), ConsistentRead: true }));
      return Item ? toReservation(Item) : undefined;
    },
    async heldFor(incidentId) {
      const { pk } = reservationKey(incidentId, '');
      const { Items = [] } = await doc().send(
        new (sdk.document().QueryCommand)({ TableName: table(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)', FilterExpression: '#status = :held', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':pk': pk, ':sk': keyPrefix('RESERVATION'), ':held': 'HELD' }, ConsistentRead: true }),
      );
      return Items.map(toReservation);
    },
    async hold(reservation, capacity, reply) {
      const counter: TransactWrite = {
        Update: { TableName: table(), Key: capacityKey(reservation.vendorId), UpdateExpression: 'SET active = if_not_exists(active, :zero) + :one, #capacity = :capacity', ConditionExpression: 'attribute_not_exists(active) OR active < :capacity', ExpressionAttributeNames: { '#capacity': 'capacity' }, ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':capacity': capacity } },
      };
      const put: TransactWrite = { Put: { TableName: table(), Item: item(reservation), ConditionExpression: 'attribute_not_exists(pk)' } };
      try {
        await writeWithOutbox({ doc: doc(), outboxTable: outboxTable(), events: [reply], writes: [counter, put] });
        return 'held';
      } catch (error) {
        // Which condition failed says why: write #1 (or the reply's row) = this saga's reservation exists; only #0 = the vendor is full.
        if (error instanceof AlreadyWrittenError || (error instanceof WriteConditionFailedError && error.failedWrites.includes(1))) return 'exists';
        if (error instanceof WriteConditionFailedError) return 'full';
        throw error;
      }
    },
    async record(reservation, reply) {
      return (await commit([{ Put: { TableName: table(), Item: item(reservation), ConditionExpression: 'attribute_not_exists(pk)' } }], reply)) === 'done';
    },
    async release(reservation, releasedAt, reply) {
      const update: TransactWrite = {
        Update: { TableName: table(), Key: reservationKey(reservation.incidentId, reservation.reservationId), UpdateExpression: 'SET #status = :released, releasedAt = :at', ConditionExpression: '#status = :held', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':released': 'RELEASED', ':held': 'HELD', ':at': releasedAt } },
      };
      return (await commit([update, giveBack(reservation)], reply)) === 'done';
    },
    async reply(event) {
      return (await commit([], event)) === 'done';
    },
  };
}

function toReservation(item: Record<string, unknown>): Reservation {
  const { pk: _pk, sk: _sk, ...reservation } = item;
  return reservation as unknown as Reservation;
}

/** The deployed reservation store, configured on first use. */
export const reservationStore: ReservationStore = createDynamoDbReservationStore({ doc: clients.dynamoDbDocument, table: () => config().vendorTable, outboxTable: () => config().outboxTable });
