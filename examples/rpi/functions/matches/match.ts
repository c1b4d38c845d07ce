// The match aggregate (seed 001's MatchCreated, event-sourced), pure: its state folded from its
// events, and what recording a result decides. Version 1 is MatchRecorded; a later score is
// MatchResultCorrected; the same result again decides nothing.
import type { MatchRecorded, MatchResult, MatchResultCorrected, RecordMatchCommand } from '../../generated';

export type MatchEvent = { type: 'MatchRecorded'; data: MatchRecorded['data'] } | { type: 'MatchResultCorrected'; data: MatchResultCorrected['data'] };

/** The aggregate type recorded on each event-store row. */
export const MATCH_AGGREGATE = 'Match';

export class MatchConflictError extends Error {
  constructor(readonly matchId: string, readonly fields: readonly string[]) {
    super(`match ${matchId} was recorded with another ${fields.join(', ')}: only the score of a recorded match can change`);
    this.name = 'MatchConflictError';
  }
}

const resultOf = (d: MatchResult): MatchResult => ({ matchId: d.matchId, season: d.season, playedOn: d.playedOn, homeTeam: d.homeTeam, awayTeam: d.awayTeam, homeGoals: d.homeGoals, awayGoals: d.awayGoals });

/** The match as its events leave it (undefined: never recorded). */
export function foldMatch(events: readonly MatchEvent[]): MatchResult | undefined {
  let state: MatchResult | undefined;
  for (const e of events) {
    if (e.type === 'MatchRecorded') state = resultOf(e.data);
    else if (state) state = { ...state, homeGoals: e.data.homeGoals, awayGoals: e.data.awayGoals };
  }
  return state;
}

/** What recording `command` on the match decides. Throws MatchConflictError when more than the score changes. */
export function recordMatch(state: MatchResult | undefined, command: RecordMatchCommand): MatchEvent[] {
  if (!state) return [{ type: 'MatchRecorded', data: resultOf(command) }];
  const fixed = (['season', 'playedOn', 'homeTeam', 'awayTeam'] as const).filter((k) => state[k] !== command[k]);
  if (fixed.length) throw new MatchConflictError(command.matchId, fixed);
  if (state.homeGoals === command.homeGoals && state.awayGoals === command.awayGoals) return [];
  return [{ type: 'MatchResultCorrected', data: { ...resultOf(command), previous: { homeGoals: state.homeGoals, awayGoals: state.awayGoals } } }];
}
