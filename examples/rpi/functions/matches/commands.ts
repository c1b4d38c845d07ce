// The matches service's HTTP commands:
//   POST /matches          the match collector: record a result in the event store (201
//                          MatchRecorded, 200 MatchResultCorrected or unchanged, 409 when more
//                          than the score changes); the outbox publishes it to the soccer bus.
//   POST /matches/replay   rebuild a season's matches projection from the event store.
import { validateRecordMatchCommand, validateReplayMatchesCommand, type MatchResult } from '../../generated';
import { BadRequestError, ConflictError, createHttpApi, route, type HttpApiHandler } from '../../../../lib/http';
import { foldMatch, MatchConflictError, recordMatch, type MatchEvent } from './match';
import { matchesStore, type MatchesStore, type ProjectedMatch } from './store';

export interface Deps {
  store: MatchesStore;
}

/** The season's matches as the event store gives them: each aggregate's events folded in version order. */
export function replayedSeason(aggregates: ReadonlyMap<string, readonly { version: number; detailType: string; detail: Record<string, unknown> }[]>, season: string): ProjectedMatch[] {
  const matches: ProjectedMatch[] = [];
  for (const events of aggregates.values()) {
    const state = foldMatch(events.map((e) => ({ type: e.detailType, data: e.detail['data'] }) as MatchEvent));
    const last = events.at(-1);
    if (state && last && state.season === season) matches.push({ ...state, version: last.version });
  }
  return matches.sort((a, b) => a.matchId.localeCompare(b.matchId));
}

export function makeApi({ store }: Deps): HttpApiHandler {
  return createHttpApi({
    service: 'matches',
    routes: {
      'POST /matches': route({
        body: validateRecordMatchCommand,
        handler: async ({ body }, { eventContext, logger }) => {
          if (body.homeTeam === body.awayTeam) throw new BadRequestError(`homeTeam and awayTeam are both "${body.homeTeam}": a team cannot play itself`, { code: 'SAME_TEAM' });
          let decided: readonly MatchEvent[];
          try {
            decided = await store.aggregate.decide(body.matchId, eventContext, (state) => recordMatch(state, body));
          } catch (error) {
            if (error instanceof MatchConflictError) throw new ConflictError(error.message, { code: 'MATCH_CONFLICT' });
            throw error;
          }
          const event = decided[0]?.type;
          logger.info(event ? 'match event stored' : 'match unchanged', { matchId: body.matchId, event });
          const result: MatchResult = { ...body };
          return { statusCode: event === 'MatchRecorded' ? 201 : 200, body: { matchId: body.matchId, event: event ?? 'NONE', match: result } };
        },
      }),
      'POST /matches/replay': route({
        body: validateReplayMatchesCommand,
        handler: async ({ body: { season } }, { logger }) => {
          const aggregates = await store.replay();
          const matches = replayedSeason(aggregates, season);
          const { written, removed } = await store.rebuild(season, matches);
          const events = [...aggregates.values()].reduce((n, list) => n + list.length, 0);
          logger.info('matches projection rebuilt', { season, aggregates: aggregates.size, events, written, removed });
          return { body: { season, aggregatesReplayed: aggregates.size, eventsReplayed: events, matches: written, removed } };
        },
      }),
    },
  });
}

export const handler = makeApi({ store: matchesStore });
