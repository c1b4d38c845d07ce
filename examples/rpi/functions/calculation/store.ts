// Where the calculation service keeps things (RatingsTable, its only table): each calculation
// with its ratings, and the season's current results (a pointer with a version condition).
// Every change is written with its reply in one transaction (lib/event-store writeWithOutbox).
import type { TeamRating } from '../../generated';
import { clients, sdk } from '../../../../lib/clients';
import type { OutgoingEvent } from '../../../../lib/envelope';
import { AlreadyWrittenError, writeWithOutbox, type TransactWrite } from '../../../../lib/event-store';
import { joinKey } from '../../../../lib/read-model';
import { config } from './config';
import type { Current, StoredCalculation } from './results';

export const seasonPk = (season: string): string => joinKey('SEASON', season);
export const calcSk = (id: string): string => joinKey('CALC', id);
export const CURRENT_SK = 'CURRENT';

export interface RatingsStore {
  calculation(season: string, id: string): Promise<(StoredCalculation & { ratings: TeamRating[] }) | undefined>;
  current(season: string): Promise<Current | undefined>;
  /** Writes and the reply in one transaction; false when the reply was written before (a redelivered command). */
  commit(writes: readonly TransactWrite[], reply: OutgoingEvent): Promise<boolean>;
  table(): string;
}

export const ratingsStore: RatingsStore = {
  async calculation(season, id) {
    const out = await clients.dynamoDbDocument().send(new (sdk.document().GetCommand)({ TableName: config().ratingsTable, Key: { pk: seasonPk(season), sk: calcSk(id) }, ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ...item } = out.Item;
    return item as StoredCalculation & { ratings: TeamRating[] };
  },
  async current(season) {
    const out = await clients.dynamoDbDocument().send(new (sdk.document().GetCommand)({ TableName: config().ratingsTable, Key: { pk: seasonPk(season), sk: CURRENT_SK }, ConsistentRead: true }));
    if (!out.Item) return undefined;
    return { calculationId: out.Item['calculationId'] as string, matches: out.Item['matches'] as number, publishedAt: out.Item['publishedAt'] as string };
  },
  async commit(writes, reply) {
    try {
      await writeWithOutbox({ doc: clients.dynamoDbDocument(), outboxTable: config().outboxTable, events: [reply], writes });
      return true;
    } catch (error) {
      // Only the reply's own outbox row existing means "done before"; a failed condition of ours (the
      // current results changed meanwhile) is thrown: the command is retried on the new state.
      if (error instanceof AlreadyWrittenError) return false;
      throw error;
    }
  },
  table: () => config().ratingsTable,
};
