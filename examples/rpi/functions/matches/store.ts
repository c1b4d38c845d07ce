// Where the matches service keeps things: the event store (lib/event-store, the central
// publisher: every append writes its outbox rows in the same transaction) and the matches
// projection (MatchesTable). Replay reads every match aggregate from the event store and
// rebuilds a season's projection from it.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MatchResult } from '../../generated';
import * as matchesEvents from '../../generated/publishers/matches';
import { clients, sdk } from '../../../../lib/clients';
import { createAggregate, createEventStore, createOnceSender, type Aggregate, type EventStore, type StoredEvent } from '../../../../lib/event-store';
import type { OutgoingEvent } from '../../../../lib/envelope';
import { joinKey } from '../../../../lib/read-model';
import { config } from './config';
import { foldMatch, MATCH_AGGREGATE, type MatchEvent } from './match';

export const seasonPk = (season: string): string => joinKey('SEASON', season);
export const MATCH_SK_PREFIX = 'MATCH#';
export const matchSk = (matchId: string): string => joinKey('MATCH', matchId);

/** A projected match: the result and the version of the aggregate it reflects. */
export type ProjectedMatch = MatchResult & { version: number };

export interface MatchesStore {
  aggregate: Aggregate<MatchResult, MatchEvent>;
  /** Projects `match` at `version` unless the row reflects that version or a newer one; false when it did. */
  project(match: MatchResult, version: number): Promise<boolean>;
  /** The season's projected matches, by matchId. */
  season(season: string): Promise<ProjectedMatch[]>;
  /** Every match aggregate's events in the event store, grouped by aggregate, in version order. */
  replay(): Promise<Map<string, StoredEvent[]>>;
  /** Makes the season's projection exactly `matches`: puts each, deletes the rows not among them. */
  rebuild(season: string, matches: readonly ProjectedMatch[]): Promise<{ written: number; removed: number }>;
  reply(event: OutgoingEvent): Promise<boolean>;
}

export function createMatchesStore(doc: () => DynamoDBDocumentClient, tables: () => { eventStore: string; matches: string; outbox: string }): MatchesStore {
  let eventStore: EventStore | undefined;
  const store = (): EventStore => (eventStore ??= createEventStore({ doc: doc(), table: tables().eventStore, outboxTable: tables().outbox }));
  const sender = createOnceSender({ doc, outboxTable: () => tables().outbox });
  const row = (m: ProjectedMatch): Record<string, unknown> => ({ pk: seasonPk(m.season), sk: matchSk(m.matchId), ...m });

  const season = async (s: string): Promise<ProjectedMatch[]> => {
    const items: Record<string, unknown>[] = [];
    const input = { TableName: tables().matches, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)', ExpressionAttributeValues: { ':pk': seasonPk(s), ':sk': MATCH_SK_PREFIX } };
    for await (const page of sdk.document().paginateQuery({ client: doc() }, input)) items.push(...(page.Items ?? []));
    return items.map((i) => ({
      matchId: i['matchId'] as string,
      season: i['season'] as string,
      playedOn: i['playedOn'] as string,
      homeTeam: i['homeTeam'] as string,
      awayTeam: i['awayTeam'] as string,
      homeGoals: i['homeGoals'] as number,
      awayGoals: i['awayGoals'] as number,
      version: i['version'] as number,
    }));
  };

  return {
    aggregate: createAggregate<MatchResult, MatchEvent>({ store, aggregateType: MATCH_AGGREGATE, fold: foldMatch, builders: { MatchRecorded: matchesEvents.MatchRecorded, MatchResultCorrected: matchesEvents.MatchResultCorrected } }),
    async project(match, version) {
      try {
        await doc().send(new (sdk.document().PutCommand)({ TableName: tables().matches, Item: row({ ...match, version }), ConditionExpression: 'attribute_not_exists(pk) OR #v < :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': version } }));
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
    season,
    async replay() {
      const byAggregate = new Map<string, StoredEvent[]>();
      const input = { TableName: tables().eventStore, FilterExpression: 'aggregateType = :t', ExpressionAttributeValues: { ':t': MATCH_AGGREGATE }, ConsistentRead: true };
      for await (const page of sdk.document().paginateScan({ client: doc() }, input)) {
        for (const item of page.Items ?? []) {
          const e = item as StoredEvent;
          const list = byAggregate.get(e.aggregateId);
          if (list) list.push(e);
          else byAggregate.set(e.aggregateId, [e]);
        }
      }
      // A Scan returns each partition's items in sort-key order, but pages may split them: sort to be sure.
      for (const list of byAggregate.values()) list.sort((a, b) => a.version - b.version);
      return byAggregate;
    },
    async rebuild(s, matches) {
      const keep = new Set(matches.map((m) => m.matchId));
      const stale = (await season(s)).filter((m) => !keep.has(m.matchId));
      const { PutCommand, DeleteCommand } = sdk.document();
      for (const m of matches) await doc().send(new PutCommand({ TableName: tables().matches, Item: row(m) }));
      for (const m of stale) await doc().send(new DeleteCommand({ TableName: tables().matches, Key: { pk: seasonPk(s), sk: matchSk(m.matchId) } }));
      return { written: matches.length, removed: stale.length };
    },
    reply: (event) => sender.send(event),
  };
}

export const matchesStore = createMatchesStore(clients.dynamoDbDocument, () => ({ eventStore: config().eventStoreTable, matches: config().matchesTable, outbox: config().outboxTable }));
