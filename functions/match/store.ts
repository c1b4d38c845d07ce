// Where match keeps its offers (read-model table): one row per offer (OFFER#<id>, found by
// id and, through gsi1, by incident) and the incident's offer board (board.ts). New offers,
// and every board decision, are written with their events' outbox rows in one transaction
// (lib/event-store writeWithOutbox), so an offer changes if and only if its event goes out.
// New offers are written by the end of the matching round (matching.ts, offerWrites).
import type { EventContext } from '../../generated';
import * as matchEvents from '../../generated/publishers/match';
import { clients } from '../../lib/clients';
import { WriteConditionFailedError, writeWithOutbox } from '../../lib/event-store';
import { sdk } from '../../lib/clients/sdk';
import type { TransactWrite } from '../../lib/outbox';
import { joinKey } from '../../lib/read-model';
import type { BoardChange, BoardEvent, OfferBoard } from './board';
import { config } from './config';
import { offerKey } from './keys';
import type { PlannedOffer } from './offers';

/** Which board: an incident's, or the one an offer belongs to. */
export type BoardRef = { incidentId: string } | { offerId: string };

export interface OfferStore {
  /** The board, or undefined when the incident (or offer) has none. */
  board(ref: BoardRef): Promise<OfferBoard | undefined>;
  /**
   * Runs `decide` on the stored board and stores its change with its events; on a version
   * conflict, again on the new board. Undefined when there is no board or nothing changed.
   */
  update(ref: BoardRef, context: EventContext, decide: (board: OfferBoard) => BoardChange | undefined): Promise<BoardChange | undefined>;
}

export const boardKey = (incidentId: string): { pk: string; sk: string } => ({ pk: joinKey('OFFERS', incidentId), sk: 'BOARD' });

/** The events of a board change, with their deterministic ids, as the outbox stores them. */
export function boardEvents(change: BoardChange, context: EventContext, now: Date): ReturnType<(typeof matchEvents)[BoardEvent['type']]>[] {
  return change.events.map((e) => {
    const ids = { ...context, eventId: e.eventId, aggregateId: e.offerId, sequence: e.sequence, occurredAt: now };
    switch (e.type) {
      case 'OfferAccepted':
        return matchEvents.OfferAccepted(e.data, ids);
      case 'OfferDeclined':
        return matchEvents.OfferDeclined(e.data, ids);
      case 'OfferExpired':
        return matchEvents.OfferExpired(e.data, ids);
    }
  });
}

/** The writes that store new offers and their board (each only if absent). */
export function offerWrites(table: string, offers: readonly PlannedOffer[], board: OfferBoard): TransactWrite[] {
  return [
    ...offers.map((o) => ({ Put: { TableName: table, Item: o.row, ConditionExpression: 'attribute_not_exists(pk)' } })),
    { Put: { TableName: table, Item: { ...boardKey(board.incidentId), board }, ConditionExpression: 'attribute_not_exists(pk)' } },
  ];
}

/** Decisions re-made after a version conflict before the command or delivery fails (and is retried). */
const MAX_ATTEMPTS = 8;

/** The deployed offer store (DynamoDB), configured on first use. */
export function createOfferStore(now: () => Date = () => new Date()): OfferStore {
  const doc = () => clients.dynamoDbDocument();
  const get = async (key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> =>
    (await doc().send(new (sdk.document().GetCommand)({ TableName: config().readModelTable, Key: key, ConsistentRead: true }))).Item;
  const store: OfferStore = {
    async board(ref) {
      const incidentId = 'incidentId' in ref ? ref.incidentId : ((await get(offerKey(ref.offerId)))?.['incidentId'] as string | undefined);
      if (!incidentId) return undefined;
      return (await get(boardKey(incidentId)))?.['board'] as OfferBoard | undefined;
    },
    async update(ref, context, decide) {
      const { readModelTable, outboxTable } = config();
      for (let attempt = 1; ; attempt++) {
        const current = await store.board(ref);
        if (!current) return undefined;
        const change = decide(current);
        if (!change) return undefined;
        const changed = Object.values(change.board.offers).filter((o) => current.offers[o.offerId]?.status !== o.status);
        try {
          await writeWithOutbox({
            doc: doc(),
            outboxTable,
            events: boardEvents(change, context, now()),
            writes: [
              {
                Put: {
                  TableName: readModelTable,
                  Item: { ...boardKey(current.incidentId), board: change.board },
                  ConditionExpression: '#board.#version = :expected',
                  ExpressionAttributeNames: { '#board': 'board', '#version': 'version' },
                  ExpressionAttributeValues: { ':expected': current.version },
                },
              },
              // The offer rows show the status too (queries by offer id).
              ...changed.map((c) => ({
                Update: { TableName: readModelTable, Key: offerKey(c.offerId), UpdateExpression: 'SET #status = :status', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':status': c.status } },
              })),
            ],
          });
          return change;
        } catch (error) {
          // Another decision stored first (the version moved, or its events are already in the outbox): decide again.
          if (error instanceof WriteConditionFailedError && attempt < MAX_ATTEMPTS) continue;
          throw error;
        }
      }
    },
  };
  return store;
}
