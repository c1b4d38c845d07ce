// The Ratings Percentage Index (seed 001), pure: RPI = 0.25 WP + 0.50 OWP + 0.25 OOWP.
//   WP    a team's winning percentage: (wins + ties / 2) / games (a tie is half a win, NCAA soccer).
//   OWP   the average, over the team's games, of the opponent's WP in the opponent's games
//         against OTHER teams (its games against this team left out), so a team's own results
//         do not count twice. An opponent that appears twice (home and away) counts twice.
//   OOWP  the average, over the team's games, of the opponent's OWP.
// A team whose opponents played nobody else has no OWP: the RPI is undefined for the season.
import type { MatchResult, TeamRating } from '../../generated';

export const WEIGHTS = { wp: 0.25, owp: 0.5, oowp: 0.25 } as const;

export class RpiUndefinedError extends Error {
  constructor(readonly teams: readonly string[]) {
    super(`RPI is undefined: ${teams.join(', ')} ${teams.length === 1 ? 'has' : 'have'} no opponent with a game against another team`);
    this.name = 'RpiUndefinedError';
  }
}

export class InvalidMatchError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`matches cannot be rated: ${problems.join('; ')}`);
    this.name = 'InvalidMatchError';
  }
}

interface Game {
  opponent: string;
  /** 1 win, 0.5 tie, 0 loss. */
  points: number;
}

/** Each team's games, from the matches. */
function gamesByTeam(matches: readonly MatchResult[]): Map<string, Game[]> {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const m of matches) {
    if (m.homeTeam === m.awayTeam) problems.push(`match ${m.matchId}: ${m.homeTeam} cannot play itself`);
    if (seen.has(m.matchId)) problems.push(`match ${m.matchId} appears twice`);
    seen.add(m.matchId);
  }
  if (problems.length) throw new InvalidMatchError(problems);
  const games = new Map<string, Game[]>();
  const add = (team: string, game: Game): void => {
    const list = games.get(team);
    if (list) list.push(game);
    else games.set(team, [game]);
  };
  for (const m of matches) {
    const home = m.homeGoals > m.awayGoals ? 1 : m.homeGoals === m.awayGoals ? 0.5 : 0;
    add(m.homeTeam, { opponent: m.awayTeam, points: home });
    add(m.awayTeam, { opponent: m.homeTeam, points: 1 - home });
  }
  return games;
}

/** WP of `team` over its games, without those against `excluding`; undefined when none are left. */
function winningPercentage(games: readonly Game[], excluding?: string): number | undefined {
  const counted = excluding === undefined ? games : games.filter((g) => g.opponent !== excluding);
  if (!counted.length) return undefined;
  return counted.reduce((sum, g) => sum + g.points, 0) / counted.length;
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/**
 * Every team's RPI over the matches, ranked (highest RPI first; equal RPIs by WP, then team id).
 * Throws InvalidMatchError for a team playing itself or a repeated matchId, RpiUndefinedError
 * when some team's OWP has no game to average.
 */
export function calculateRpi(matches: readonly MatchResult[]): TeamRating[] {
  if (!matches.length) throw new InvalidMatchError(['no matches']);
  const games = gamesByTeam(matches);
  const teams = [...games.keys()].sort();
  const gamesOf = (team: string): Game[] => games.get(team) ?? [];

  const owp = new Map<string, number>();
  const undefinedFor: string[] = [];
  for (const team of teams) {
    const values = gamesOf(team).map((g) => winningPercentage(gamesOf(g.opponent), team));
    const defined = values.filter((v): v is number => v !== undefined);
    if (defined.length === 0) undefinedFor.push(team);
    // An opponent with no other game adds nothing to the average (its WP without this team is undefined).
    else owp.set(team, defined.reduce((a, b) => a + b, 0) / defined.length);
  }
  if (undefinedFor.length) throw new RpiUndefinedError(undefinedFor);

  const rows = teams.map((team) => {
    const list = gamesOf(team);
    const wp = winningPercentage(list) ?? 0;
    const teamOwp = owp.get(team) ?? 0;
    const oowp = list.reduce((sum, g) => sum + (owp.get(g.opponent) ?? 0), 0) / list.length;
    const rpi = WEIGHTS.wp * wp + WEIGHTS.owp * teamOwp + WEIGHTS.oowp * oowp;
    return {
      teamId: team,
      games: list.length,
      wins: list.filter((g) => g.points === 1).length,
      losses: list.filter((g) => g.points === 0).length,
      ties: list.filter((g) => g.points === 0.5).length,
      wp,
      owp: teamOwp,
      oowp,
      rpi,
    };
  });
  rows.sort((a, b) => b.rpi - a.rpi || b.wp - a.wp || a.teamId.localeCompare(b.teamId));
  return rows.map((r, i) => ({ ...r, rank: i + 1, wp: round4(r.wp), owp: round4(r.owp), oowp: round4(r.oowp), rpi: round4(r.rpi) }));
}
