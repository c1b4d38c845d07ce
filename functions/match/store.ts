// Where new offers are stored: the offer rows and their OfferCreated outbox rows in one
// transaction (lib/event-store writeWithOutbox), so an offer is announced if and only if it exists.
import { clients } from '../../lib/clients';
import { AlreadyWrittenError, writeWithOutbox } from '../../lib/event-store';
import { config } from './config';
import type { PlannedOffer } from './offers';

export interface OfferStore {
  /** Stores the offers and their events; false (nothing written) when they were stored before: a duplicate delivery. */
  create(offers: readonly PlannedOffer[]): Promise<boolean>;
}

/** The deployed offer store (DynamoDB), configured on first use. */
export const offerStore: OfferStore = {
  async create(offers) {
    const { readModelTable, outboxTable } = config();
    try {
      await writeWithOutbox({
        doc: clients.dynamoDbDocument(),
        outboxTable,
        events: offers.map((o) => o.event),
        writes: offers.map((o) => ({ Put: { TableName: readModelTable, Item: o.row, ConditionExpression: 'attribute_not_exists(pk)' } })),
      });
      return true;
    } catch (error) {
      // The same offers (same derived ids) are already stored.
      if (error instanceof AlreadyWrittenError) return false;
      throw error;
    }
  },
};
