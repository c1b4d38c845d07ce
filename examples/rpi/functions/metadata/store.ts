// Where the metadata service reads (TeamsTable, seeded from data.json on first use) and writes
// (RankingsCacheTable, with the reply in the same transaction).
import { clients, sdk } from '../../../../lib/clients';
import type { OutgoingEvent } from '../../../../lib/envelope';
import { AlreadyWrittenError, writeWithOutbox, type TransactWrite } from '../../../../lib/event-store';
import { joinKey } from '../../../../lib/read-model';
import { createReferenceTable, type ReferenceRow } from '../../../../lib/reference-data';
import { config } from './config';
import data from './data.json';
import type { RankedTeam, Team } from './rankings';

export const teamKey = (teamId: string): { pk: string; sk: string } => ({ pk: joinKey('TEAM', teamId), sk: 'METADATA' });
export const cacheKey = (season: string): { pk: string; sk: string } => ({ pk: joinKey('SEASON', season), sk: 'RANKINGS' });

export const teamRows = (): ReferenceRow[] => (data.teams as Team[]).map((t) => ({ ...teamKey(t.teamId), ...t }));

export interface CacheEntry {
  season: string;
  calculationId: string;
  updatedAt: string;
  teams: RankedTeam[];
}

export interface MetadataStore {
  /** The metadata of these teams (unknown ones are left out). */
  teams(ids: readonly string[]): Promise<Team[]>;
  cached(season: string): Promise<CacheEntry | undefined>;
  /** The entry (if any) and the reply in one transaction; false when the reply was written before. */
  commit(entry: CacheEntry | undefined, reply: OutgoingEvent): Promise<boolean>;
}

const teamsTable = createReferenceTable({ doc: clients.dynamoDbDocument, table: () => config().teamsTable, rows: teamRows });

export const metadataStore: MetadataStore = {
  async teams(ids) {
    const rows = await teamsTable.getMany(ids.map(teamKey));
    return rows.map((r) => ({ teamId: r['teamId'] as string, name: r['name'] as string, conference: r['conference'] as string, region: r['region'] as string }));
  },
  async cached(season) {
    const out = await clients.dynamoDbDocument().send(new (sdk.document().GetCommand)({ TableName: config().rankingsCacheTable, Key: cacheKey(season) }));
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ...entry } = out.Item;
    return entry as CacheEntry;
  },
  async commit(entry, reply) {
    const writes: TransactWrite[] = entry ? [{ Put: { TableName: config().rankingsCacheTable, Item: { ...cacheKey(entry.season), ...entry } } }] : [];
    try {
      await writeWithOutbox({ doc: clients.dynamoDbDocument(), outboxTable: config().outboxTable, events: [reply], writes });
      return true;
    } catch (error) {
      if (error instanceof AlreadyWrittenError) return false;
      throw error;
    }
  },
};
