// A season of the Soccer RPI platform as its apps would play it over the HTTP API: the
// results of a season's matches are recorded (each in the event store, projected from the
// soccer bus), then the RPI calculation saga runs (collect, calculate 25/50/25, publish, update
// the rankings cache) and the rankings are read.
//
// Named in the example's package.json `config.demoDay`:
//   npm start -- --project examples/rpi
//   npm run demo -- --project examples/rpi --day
// tests/e2e/rpi.test.ts plays it on its own local cloud. Playing it again records nothing
// new (the same results are no change) and calculates the season again.
import type { DemoDay, DemoSession } from '../../../../scripts/demo';
import { expectStatus, pollGet } from '../../../../scripts/demo-steps';
import type { MatchResult, TeamRating } from '../../generated';

/** The season the demo plays (the e2e tests use others). */
export const DEMO_SEASON = '2023';

/** Six teams of functions/metadata/data.json, each meeting three others: every RPI is defined. */
export function seasonMatches(season: string = DEMO_SEASON): MatchResult[] {
  const m = (n: number, homeTeam: string, homeGoals: number, awayGoals: number, awayTeam: string): MatchResult => ({
    matchId: `demo-${season}-${String(n).padStart(2, '0')}`,
    season,
    playedOn: `${season}-09-${String(n).padStart(2, '0')}`,
    homeTeam,
    awayTeam,
    homeGoals,
    awayGoals,
  });
  return [
    m(1, 'harbor-city', 2, 1, 'lakeside-united'),
    m(2, 'mill-town', 0, 0, 'north-ridge'),
    m(3, 'pine-valley', 1, 3, 'stone-bridge'),
    m(4, 'harbor-city', 1, 1, 'mill-town'),
    m(5, 'lakeside-united', 2, 0, 'pine-valley'),
    m(6, 'north-ridge', 0, 1, 'stone-bridge'),
    m(7, 'stone-bridge', 2, 2, 'harbor-city'),
    m(8, 'pine-valley', 0, 1, 'mill-town'),
    m(9, 'lakeside-united', 1, 0, 'north-ridge'),
  ];
}

export interface SeasonOutcome {
  calculationId: string;
  status: string;
  /** The rankings cache after the saga, best first. */
  rankings: (TeamRating & { name?: string })[];
}

/** Plays the season; throws naming the step that did not happen. */
export async function playSeason(session: DemoSession, options: { season?: string; stepTimeoutMs?: number } = {}): Promise<SeasonOutcome> {
  const season = options.season ?? DEMO_SEASON;
  const timeoutMs = options.stepTimeoutMs ?? 60_000;
  const matches = seasonMatches(season);

  session.say(`recording the ${matches.length} results of season ${season}`);
  let recorded = 0;
  for (const match of matches) {
    // 201: a new match in the event store; 200: the same result again (no event)
    const res = await session.call('POST', '/matches', match);
    expectStatus(`POST /matches ${match.matchId}`, res, 201, 200);
    if (res.status === 201) recorded += 1;
  }
  if (recorded) await session.waitFor('MatchRecorded', (d) => d['season'] === season, { count: recorded, timeoutMs });
  await pollGet(session, `/matches/${season}`, (b) => Array.isArray(b['matches']) && b['matches'].length >= matches.length, `the ${matches.length} matches projected`, timeoutMs);

  session.say('calculating the RPI: collect the matches, calculate 25/50/25, publish, update the cache');
  const started = expectStatus('POST /rpi/{season}/calculations', await session.call('POST', `/rpi/${season}/calculations`, { note: 'demo day' }), 202);
  const calculationId = String(started['calculationId']);
  const done = await pollGet(session, `/rpi/calculations/${calculationId}`, (b) => ['COMPLETED', 'COMPENSATED', 'FAILED'].includes(String(b['status'])), `calculation ${calculationId} ended`, timeoutMs);
  const status = String(done['status']);
  if (status !== 'COMPLETED') throw new Error(`calculation ${calculationId} ended ${status}: ${String(done['reason'] ?? '')}`);

  const cache = expectStatus('GET /rpi/{season}/rankings', await session.call('GET', `/rpi/${season}/rankings`), 200);
  const rankings = (cache['teams'] ?? []) as SeasonOutcome['rankings'];
  session.say(`rankings: ${rankings.slice(0, 3).map((t) => `${t.rank}. ${t.name ?? t.teamId} (RPI ${t.rpi.toFixed(4)})`).join(', ')}`);
  return { calculationId, status, rankings };
}

const day: DemoDay = { play: (session) => playSeason(session) };
export default day;
