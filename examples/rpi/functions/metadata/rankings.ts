// The rankings cache entry, pure: the ratings joined with the team metadata (names, conference,
// region). A rated team without metadata cannot be shown: the whole update is refused.
import type { TeamRating } from '../../generated';

export interface Team {
  teamId: string;
  name: string;
  conference: string;
  region: string;
}

export type RankedTeam = TeamRating & Omit<Team, 'teamId'>;

export class UnknownTeamError extends Error {
  constructor(readonly teams: readonly string[]) {
    super(`no team metadata for ${teams.join(', ')}`);
    this.name = 'UnknownTeamError';
  }
}

export function rankings(ratings: readonly TeamRating[], teams: readonly Team[]): RankedTeam[] {
  const byId = new Map(teams.map((t) => [t.teamId, t]));
  const unknown = ratings.filter((r) => !byId.has(r.teamId)).map((r) => r.teamId);
  if (unknown.length) throw new UnknownTeamError(unknown);
  return [...ratings]
    .sort((a, b) => a.rank - b.rank)
    .map((r) => {
      const { name, conference, region } = byId.get(r.teamId) as Team;
      return { ...r, name, conference, region };
    });
}
