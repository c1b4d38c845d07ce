import type { MatchResult } from '../../generated';
import { calculateRpi, InvalidMatchError, RpiUndefinedError } from '../../functions/calculation/rpi';

// The RPI rule (functions/calculation/rpi.ts) against values worked out by hand.
const match = (matchId: string, homeTeam: string, homeGoals: number, awayGoals: number, awayTeam: string): MatchResult => ({ matchId, season: '2025', playedOn: '2025-09-01', homeTeam, awayTeam, homeGoals, awayGoals });

// A beat B, C and D; B beat C; C and D tied.
const league = [match('m1', 'a', 2, 0, 'b'), match('m2', 'a', 1, 0, 'c'), match('m3', 'b', 3, 1, 'c'), match('m4', 'c', 1, 1, 'd'), match('m5', 'd', 0, 2, 'a')];

describe('calculateRpi', () => {
  it('weights WP, OWP and OOWP 25/50/25 and ranks by RPI', () => {
    const ratings = calculateRpi(league);
    expect(ratings.map((r) => [r.rank, r.teamId, r.rpi])).toEqual([
      [1, 'a', 0.6632],
      [2, 'b', 0.5521],
      [3, 'd', 0.4271],
      [4, 'c', 0.3507],
    ]);
    const a = ratings[0];
    expect(a).toEqual({ teamId: 'a', rank: 1, games: 3, wins: 3, losses: 0, ties: 0, wp: 1, owp: 0.5833, oowp: 0.4861, rpi: 0.6632 });
  });

  it('leaves a team\'s own games out of its opponents\' WP (OWP)', () => {
    // B is 1-1 overall, but 1-0 without its game against A: A's OWP counts B as 1, not 0.5.
    const b = calculateRpi(league).find((r) => r.teamId === 'b');
    expect(b).toMatchObject({ wp: 0.5, owp: 0.625, oowp: 0.4583 });
    const c = calculateRpi(league).find((r) => r.teamId === 'c');
    expect(c).toMatchObject({ wins: 0, losses: 2, ties: 1, wp: 0.1667, owp: 0.3333, oowp: 0.5694 });
  });

  it('counts a tie as half a win', () => {
    const d = calculateRpi(league).find((r) => r.teamId === 'd');
    expect(d).toMatchObject({ games: 2, ties: 1, losses: 1, wp: 0.25, owp: 0.5 });
  });

  it('counts an opponent met twice twice', () => {
    const twice = [...league, match('m6', 'c', 0, 1, 'a')];
    const a = calculateRpi(twice).find((r) => r.teamId === 'a');
    // C without A: a loss to B and a tie with D = 0.25, now averaged twice: (1 + 0.25 + 0.5 + 0.25) / 4.
    expect(a).toMatchObject({ games: 4, owp: 0.5 });
  });

  it('is undefined when a team\'s opponents played nobody else', () => {
    expect(() => calculateRpi([match('m1', 'x', 1, 0, 'y')])).toThrow(RpiUndefinedError);
    try {
      calculateRpi([match('m1', 'x', 1, 0, 'y'), match('m2', 'y', 2, 2, 'x')]);
      throw new Error('expected RpiUndefinedError');
    } catch (error) {
      expect((error as RpiUndefinedError).teams).toEqual(['x', 'y']);
    }
  });

  it('refuses a team playing itself, a repeated match and no matches, naming each problem', () => {
    expect(() => calculateRpi([...league, match('m9', 'a', 1, 0, 'a')])).toThrow('match m9: a cannot play itself');
    expect(() => calculateRpi([...league, match('m1', 'b', 1, 0, 'd')])).toThrow('match m1 appears twice');
    expect(() => calculateRpi([])).toThrow(InvalidMatchError);
  });
});
