import type { RecordMatchCommand, TeamRating } from '../../generated';
import { decidePublish, decideWithdraw, type StoredCalculation } from '../../functions/calculation/results';
import { replayedSeason } from '../../functions/matches/commands';
import { foldMatch, MatchConflictError, recordMatch, type MatchEvent } from '../../functions/matches/match';
import { rankings, UnknownTeamError } from '../../functions/metadata/rankings';
import { parseTestTeams, silentTestTeam, testTeams } from '../../functions/calculation/test-teams';

// The example's other domain rules, pure: the match aggregate, replay's fold, publishing and
// withdrawing results, the rankings cache entry, the calculation service's test teams.

const command: RecordMatchCommand = { matchId: 'm1', season: '2025', playedOn: '2025-09-01', homeTeam: 'a', awayTeam: 'b', homeGoals: 2, awayGoals: 1 };

describe('the match aggregate', () => {
  it('records a new match, corrects a score, and ignores the same result', () => {
    const first = recordMatch(undefined, command);
    expect(first).toEqual([{ type: 'MatchRecorded', data: command }]);
    const state = foldMatch(first);
    expect(recordMatch(state, command)).toEqual([]);
    const fix = recordMatch(state, { ...command, awayGoals: 2 });
    expect(fix).toEqual([{ type: 'MatchResultCorrected', data: { ...command, awayGoals: 2, previous: { homeGoals: 2, awayGoals: 1 } } }]);
    expect(foldMatch([...first, ...fix])).toEqual({ ...command, awayGoals: 2 });
  });

  it('refuses to change anything but the score, naming the fields', () => {
    const state = foldMatch(recordMatch(undefined, command));
    expect(() => recordMatch(state, { ...command, homeTeam: 'c', playedOn: '2025-09-02' })).toThrow(MatchConflictError);
    expect(() => recordMatch(state, { ...command, homeTeam: 'c', playedOn: '2025-09-02' })).toThrow('another playedOn, homeTeam');
  });

  it('replay folds every aggregate of the season in version order', () => {
    const stored = (aggregateId: string, version: number, e: MatchEvent) => ({ aggregateId, version, detailType: e.type, detail: { metadata: {}, data: e.data } });
    const m1 = recordMatch(undefined, command);
    const m1fix = recordMatch(foldMatch(m1), { ...command, homeGoals: 0 });
    const m2 = recordMatch(undefined, { ...command, matchId: 'm2', season: '2024' });
    const aggregates = new Map([
      ['m1', [stored('m1', 1, m1[0] as MatchEvent), stored('m1', 2, m1fix[0] as MatchEvent)]],
      ['m2', [stored('m2', 1, m2[0] as MatchEvent)]],
    ]);
    expect(replayedSeason(aggregates, '2025')).toEqual([{ ...command, homeGoals: 0, version: 2 }]);
    expect(replayedSeason(aggregates, '2024').map((m) => m.matchId)).toEqual(['m2']);
  });
});

describe('publishing and withdrawing results', () => {
  const calc = (calculationId: string, matches: number, status: StoredCalculation['status'] = 'DRAFT', previousCalculationId?: string): StoredCalculation => ({ calculationId, season: '2025', status, matches, calculatedAt: '2025-11-01T00:00:00Z', ...(previousCalculationId ? { previousCalculationId } : {}) });
  const current = (calculationId: string, matches: number) => ({ calculationId, matches, publishedAt: '2025-11-01T00:00:00Z' });

  it('publishes a draft over the current results, remembering them', () => {
    expect(decidePublish(calc('b', 10), current('a', 9), 'b')).toEqual({ ok: true, alreadyPublished: false, previousCalculationId: 'a' });
    expect(decidePublish(calc('a', 9), undefined, 'a')).toEqual({ ok: true, alreadyPublished: false });
  });

  it('refuses a calculation over fewer matches than the published one (STALE_CALCULATION), a missing or non-draft one', () => {
    expect(decidePublish(calc('b', 8), current('a', 9), 'b')).toMatchObject({ ok: false, errorCode: 'STALE_CALCULATION' });
    expect(decidePublish(undefined, current('a', 9), 'b')).toMatchObject({ ok: false, errorCode: 'NO_DRAFT' });
    expect(decidePublish(calc('b', 10, 'DISCARDED'), current('a', 9), 'b')).toMatchObject({ ok: false, errorCode: 'NOT_PUBLISHABLE' });
  });

  it('a repeated publish of the current results is a success, with nothing to write', () => {
    expect(decidePublish(calc('b', 10, 'PUBLISHED', 'a'), current('b', 10), 'b')).toEqual({ ok: true, alreadyPublished: true, previousCalculationId: 'a' });
  });

  it('withdraws only the current results, restoring the ones they replaced', () => {
    expect(decideWithdraw(calc('b', 10, 'PUBLISHED', 'a'), current('b', 10))).toEqual({ withdraw: true, restore: 'a' });
    expect(decideWithdraw(calc('a', 9, 'PUBLISHED'), current('a', 9))).toEqual({ withdraw: true });
    expect(decideWithdraw(calc('b', 10, 'PUBLISHED', 'a'), current('c', 11))).toEqual({ withdraw: false });
    expect(decideWithdraw(undefined, undefined)).toEqual({ withdraw: false });
  });
});

describe('the rankings cache entry', () => {
  const rating = (teamId: string, rank: number): TeamRating => ({ teamId, rank, games: 2, wins: 1, losses: 1, ties: 0, wp: 0.5, owp: 0.5, oowp: 0.5, rpi: 0.5 });
  const teams = [
    { teamId: 'a', name: 'A FC', conference: 'East', region: 'North' },
    { teamId: 'b', name: 'B United', conference: 'West', region: 'South' },
  ];

  it('joins each rating with its team, in rank order', () => {
    expect(rankings([rating('b', 2), rating('a', 1)], teams).map((t) => [t.rank, t.teamId, t.name, t.conference])).toEqual([
      [1, 'a', 'A FC', 'East'],
      [2, 'b', 'B United', 'West'],
    ]);
  });

  it('refuses the whole entry when a rated team has no metadata, naming it', () => {
    expect(() => rankings([rating('a', 1), rating('zz', 2)], teams)).toThrow(UnknownTeamError);
    expect(() => rankings([rating('a', 1), rating('zz', 2)], teams)).toThrow('no team metadata for zz');
  });
});

describe("the calculation service's test teams (test-teams.json)", () => {
  it('names the team that leaves PublishRpiResults unanswered, and only for a calculation rating it', () => {
    expect(testTeams).toEqual([{ teamId: 'test-silent-publisher', silentOn: 'PublishRpiResults' }]);
    expect(silentTestTeam('PublishRpiResults', ['harbor-city', 'test-silent-publisher'])).toEqual({ teamId: 'test-silent-publisher', silentOn: 'PublishRpiResults' });
    expect(silentTestTeam('PublishRpiResults', ['harbor-city', 'mill-town'])).toBeUndefined();
    // Only the exact reserved id: a real team whose name merely resembles it is answered.
    expect(silentTestTeam('PublishRpiResults', ['silent-publisher', 'test-silent-publisher-2'])).toBeUndefined();
  });

  it('refuses a test team without the test- prefix, an unknown command or a team listed twice, naming it', () => {
    expect(() => parseTestTeams({ testTeams: [{ teamId: 'harbor-city', silentOn: 'PublishRpiResults' }] })).toThrow('testTeams[0]: teamId "harbor-city" must start with "test-"');
    expect(() => parseTestTeams({ testTeams: [{ teamId: 'test-x', silentOn: 'UpdateRpiCache' }] })).toThrow('test team test-x: silentOn "UpdateRpiCache" must be one of PublishRpiResults');
    expect(() => parseTestTeams({ testTeams: [{ teamId: 'test-x', silentOn: 'PublishRpiResults' }, { teamId: 'test-x', silentOn: 'PublishRpiResults' }] })).toThrow('testTeams[1]: team test-x is listed twice');
  });
});
