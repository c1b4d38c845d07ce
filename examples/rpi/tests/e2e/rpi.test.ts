import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MatchResult, TeamRating } from '../../generated';
import { calculateRpi } from '../../functions/calculation/rpi';
import { until } from '../../../../tests/helpers/local-cloud';
import { daySession } from '../../../../tests/helpers/project-cloud';
import { DEMO_SEASON, playSeason, seasonMatches } from '../flows/rpi-day';
import { startRpiCloud, withFunctionEnv, type Body, type RpiCloud } from '../helpers/cloud';

// Seed 001's flows on the local cloud, from the example's packaged template:
// - match collection: POST /matches -> event store (+ outbox) -> the central publisher (relay)
//   -> soccer bus -> the match event handler -> the matches projection; a correction is the
//   aggregate's next version;
// - the RPI calculation saga: POST /rpi/{season}/calculations -> 202 -> collect matches ->
//   calculate RPI -> publish results -> update the cache, COMPLETED, each hop on its domain's
//   bus; then each failure the flow can meet, with its compensation: no matches (nothing to
//   undo), an undefined RPI (nothing to undo), a cache update refused (the results withdrawn
//   and the previous ones restored, the draft discarded), and a participant that never answers
//   (the calculation service silent on PublishRpiResults for a test team, test-teams.json): the
//   step's timer fires through the local EventBridge Scheduler, the step itself and the one
//   before it are compensated (nothing withdrawn, the draft discarded);
// - replay: a broken projection rebuilt from the event store.

let rpi: RpiCloud;
/** Every saga step's timeout on this cloud (the spec's is 15 s): long enough for a cold participant, short enough for the timeout test. */
const STEP_TIMEOUT_SECONDS = 8;
/** The calculation service's test team that leaves PublishRpiResults unanswered (functions/calculation/test-teams.json). */
const SILENT_PUBLISHER = 'test-silent-publisher';

beforeAll(async () => {
  rpi = await startRpiCloud('rpi-e2e', (t) => withFunctionEnv(t, 'coordinator-consumer', { SAGA_STEP_TIMEOUT_SECONDS: String(STEP_TIMEOUT_SECONDS) }));
  // Warm the coordinator and the matches consumer (a saga over a season with no matches), so
  // that cold starts are not counted in the flows below.
  const warm = await rpi.call('POST', '/rpi/2018/calculations', {});
  await until(() => calculation(String(warm.body['calculationId'])), (s) => s['status'] === 'COMPENSATED', 60_000);
}, 240_000);

afterAll(async () => {
  await rpi?.stop();
});

const match = (matchId: string, season: string, homeTeam: string, homeGoals: number, awayGoals: number, awayTeam: string): MatchResult => ({ matchId, season, playedOn: `${season}-09-${matchId.slice(-2)}`, homeTeam, awayTeam, homeGoals, awayGoals });
async function calculation(id: string): Promise<Body> {
  return (await rpi.call('GET', `/rpi/calculations/${id}`)).body;
}
async function calculate(season: string): Promise<Body> {
  const res = await rpi.call('POST', `/rpi/${season}/calculations`, { note: 'e2e' });
  expect([res.status, res.body['status'], res.body['season']]).toEqual([202, 'PENDING', season]);
  const id = String(res.body['calculationId']);
  return until(() => calculation(id), (s) => ['COMPLETED', 'COMPENSATED', 'FAILED'].includes(String(s['status'])), 60_000);
}
const steps = (s: Body): string[] => (s['steps'] as { step: string; phase: string; status: string; reply?: string }[]).map((h) => `${h.step}:${h.phase}:${h.status}${h.reply ? `:${h.reply}` : ''}`);
const projected = async (season: string): Promise<(MatchResult & { version: number })[]> => (await rpi.call('GET', `/matches/${season}`)).body['matches'] as (MatchResult & { version: number })[];

const season2025 = [
  match('m01', '2025', 'harbor-city', 2, 1, 'lakeside-united'),
  match('m02', '2025', 'mill-town', 0, 0, 'north-ridge'),
  match('m03', '2025', 'pine-valley', 1, 3, 'stone-bridge'),
  match('m04', '2025', 'harbor-city', 1, 1, 'mill-town'),
  match('m05', '2025', 'lakeside-united', 2, 0, 'pine-valley'),
  match('m06', '2025', 'north-ridge', 0, 1, 'stone-bridge'),
  match('m07', '2025', 'stone-bridge', 2, 2, 'harbor-city'),
  match('m08', '2025', 'pine-valley', 0, 1, 'mill-town'),
  match('m09', '2025', 'lakeside-united', 1, 0, 'north-ridge'),
];
const corrected = { ...season2025[4], homeGoals: 2, awayGoals: 2 } as MatchResult;
let published2025 = '';

describe('Soccer RPI on the local cloud (seed 001)', () => {
  it('records matches in the event store and projects them from the soccer bus; a correction is the next version', async () => {
    for (const m of season2025) expect([m.matchId, (await rpi.call('POST', '/matches', m)).status]).toEqual([m.matchId, 201]);
    const fix = await rpi.call('POST', '/matches', corrected);
    expect([fix.status, fix.body['event']]).toEqual([200, 'MatchResultCorrected']);
    const again = await rpi.call('POST', '/matches', corrected);
    expect([again.status, again.body['event']]).toEqual([200, 'NONE']);

    const rows = await until(() => projected('2025'), (l) => l.length === 9 && l.some((m) => m.matchId === 'm05' && m.version === 2), 20_000);
    expect(rows.find((m) => m.matchId === 'm05')).toMatchObject({ homeGoals: 2, awayGoals: 2, version: 2 });
    expect(rpi.buses('MatchRecorded')).toEqual(['rpi-soccer-test']);
    expect(rpi.seen('MatchRecorded', 'season', '2025')).toHaveLength(9);
    expect(rpi.seen('MatchResultCorrected', 'matchId', 'm05')).toEqual([expect.objectContaining({ homeGoals: 2, awayGoals: 2, previous: { homeGoals: 2, awayGoals: 0 } })]);
  }, 60_000);

  it('refuses bad match input with a clear error', async () => {
    const self = await rpi.call('POST', '/matches', match('x01', '2025', 'mill-town', 1, 0, 'mill-town'));
    expect([self.status, (self.body['error'] as Body)['code']]).toEqual([400, 'SAME_TEAM']);
    const moved = await rpi.call('POST', '/matches', { ...season2025[0], awayTeam: 'north-ridge' });
    expect([moved.status, (moved.body['error'] as Body)['code']]).toEqual([409, 'MATCH_CONFLICT']);
    expect((moved.body['error'] as Body)['message']).toContain('awayTeam');
    const invalid = await rpi.call('POST', '/matches', { ...season2025[0], homeGoals: -1 });
    expect(invalid.status).toBe(400);
  });

  it('runs the calculation saga: collect, calculate (25/50/25), publish, update the cache - COMPLETED', async () => {
    const done = await calculate('2025');
    expect(done['status']).toBe('COMPLETED');
    expect(steps(done)).toEqual([
      'collectMatches:forward:SUCCEEDED:MatchesCollected',
      'calculateRpi:forward:SUCCEEDED:RpiCalculated',
      'publishResults:forward:SUCCEEDED:RpiResultsPublished',
      'updateCache:forward:SUCCEEDED:RpiCacheUpdated',
    ]);
    expect(done['data']).toMatchObject({ season: '2025', matches: 9, teams: 6, note: 'e2e' });
    published2025 = String(done['calculationId']);

    // Each command and reply on its domain's bus.
    for (const [type, bus] of [['RpiCalculationRequested', 'main'], ['CollectMatches', 'soccer'], ['MatchesCollected', 'soccer'], ['CalculateRpi', 'calculation'], ['RpiCalculated', 'calculation'], ['PublishRpiResults', 'calculation'], ['UpdateRpiCache', 'metadata'], ['RpiCacheUpdated', 'metadata']]) {
      expect([type, rpi.buses(type as string)]).toEqual([type, [`rpi-${bus}-test`]]);
    }

    const results = await rpi.call('GET', '/rpi/2025/results');
    expect(results.status).toBe(200);
    expect(results.body).toMatchObject({ season: '2025', calculationId: published2025, matches: 9 });
    const ratings = results.body['ratings'] as TeamRating[];
    // The ratings are those of the corrected season, by the RPI rule (tests/unit/rpi.test.ts checks it by hand).
    const expected = calculateRpi(season2025.map((m) => (m.matchId === 'm05' ? corrected : m)));
    expect(ratings).toEqual(expected);
    for (const r of ratings) expect(Math.abs(r.rpi - (0.25 * r.wp + 0.5 * r.owp + 0.25 * r.oowp))).toBeLessThan(0.0002);

    const cache = await rpi.call('GET', '/rpi/2025/rankings');
    expect(cache.status).toBe(200);
    expect(cache.body).toMatchObject({ season: '2025', calculationId: published2025 });
    const teams = cache.body['teams'] as (TeamRating & { name: string; conference: string })[];
    expect(teams.map((t) => [t.rank, t.teamId])).toEqual(expected.map((r) => [r.rank, r.teamId]));
    expect(teams.find((t) => t.teamId === 'stone-bridge')).toMatchObject({ name: 'Stone Bridge Wanderers', conference: 'Coastal' });
  }, 90_000);

  it('a season with no matches: collectMatches fails, nothing to undo - COMPENSATED', async () => {
    const done = await calculate('2019');
    expect(done['status']).toBe('COMPENSATED');
    expect(steps(done)).toEqual(['collectMatches:forward:FAILED:MatchesCollectionFailed']);
    expect(String(done['reason'])).toContain('MatchesCollectionFailed');
    expect((await rpi.call('GET', '/rpi/2019/results')).status).toBe(404);
  }, 90_000);

  it('an undefined RPI (opponents who played nobody else): calculateRpi fails - COMPENSATED, nothing published', async () => {
    expect((await rpi.call('POST', '/matches', match('u01', '2020', 'harbor-city', 1, 0, 'mill-town'))).status).toBe(201);
    await until(() => projected('2020'), (l) => l.length === 1, 20_000);
    const done = await calculate('2020');
    expect(done['status']).toBe('COMPENSATED');
    expect(steps(done)).toEqual(['collectMatches:forward:SUCCEEDED:MatchesCollected', 'calculateRpi:forward:FAILED:RpiCalculationFailed']);
    const [failed] = rpi.seen('RpiCalculationFailed', 'sagaId', done['calculationId']);
    expect(failed).toMatchObject({ errorCode: 'RPI_UNDEFINED', season: '2020' });
    expect((await rpi.call('GET', '/rpi/2020/results')).status).toBe(404);
    expect((await rpi.call('GET', '/rpi/2020/rankings')).status).toBe(404);
  }, 90_000);

  it('the cache refuses a team without metadata: the results are withdrawn (the previous ones restored) and the draft discarded - COMPENSATED', async () => {
    expect(published2025).not.toBe('');
    expect((await rpi.call('POST', '/matches', match('m10', '2025', 'exhibition-xi', 0, 4, 'harbor-city'))).status).toBe(201);
    await until(() => projected('2025'), (l) => l.length === 10, 20_000);

    const done = await calculate('2025');
    expect(done['status']).toBe('COMPENSATED');
    expect(steps(done)).toEqual([
      'collectMatches:forward:SUCCEEDED:MatchesCollected',
      'calculateRpi:forward:SUCCEEDED:RpiCalculated',
      'publishResults:forward:SUCCEEDED:RpiResultsPublished',
      'updateCache:forward:FAILED:RpiCacheUpdateFailed',
      'publishResults:compensation:COMPENSATED:RpiResultsWithdrawn',
      'calculateRpi:compensation:COMPENSATED:RpiCalculationDiscarded',
    ]);
    const id = done['calculationId'];
    expect(rpi.seen('RpiCacheUpdateFailed', 'sagaId', id)).toEqual([expect.objectContaining({ errorCode: 'UNKNOWN_TEAM', errorMessage: 'no team metadata for exhibition-xi' })]);
    expect(rpi.seen('RpiResultsPublished', 'sagaId', id)).toEqual([expect.objectContaining({ previousCalculationId: published2025 })]);
    expect(rpi.seen('RpiResultsWithdrawn', 'sagaId', id)).toEqual([expect.objectContaining({ withdrawn: true, restoredCalculationId: published2025 })]);
    expect(rpi.seen('RpiCalculationDiscarded', 'sagaId', id)).toEqual([expect.objectContaining({ discarded: true })]);

    // What readers see is the last complete calculation again, in the results and in the cache.
    const results = await rpi.call('GET', '/rpi/2025/results');
    expect([results.body['calculationId'], results.body['matches']]).toEqual([published2025, 9]);
    expect((await rpi.call('GET', '/rpi/2025/rankings')).body['calculationId']).toBe(published2025);
  }, 90_000);

  it('publishing never answers (a test team): the step times out, nothing is withdrawn, the draft is discarded - COMPENSATED', async () => {
    expect(published2025).not.toBe('');
    for (const m of [match('m11', '2025', SILENT_PUBLISHER, 1, 1, 'harbor-city'), match('m12', '2025', 'mill-town', 0, 2, SILENT_PUBLISHER)]) {
      expect([m.matchId, (await rpi.call('POST', '/matches', m)).status]).toEqual([m.matchId, 201]);
    }
    await until(() => projected('2025'), (l) => l.length === 12, 20_000);

    const started = Date.now();
    const done = await calculate('2025');
    const elapsed = Date.now() - started;
    expect(done['status']).toBe('COMPENSATED');
    expect(String(done['reason'])).toContain('publishResults timed out');
    expect(steps(done)).toEqual([
      'collectMatches:forward:SUCCEEDED:MatchesCollected',
      'calculateRpi:forward:SUCCEEDED:RpiCalculated',
      'publishResults:forward:TIMED_OUT',
      'publishResults:compensation:COMPENSATED:RpiResultsWithdrawn',
      'calculateRpi:compensation:COMPENSATED:RpiCalculationDiscarded',
    ]);
    // The step's own timer ended it (through the local Scheduler, on the main bus), not a reply.
    expect(elapsed).toBeGreaterThanOrEqual(STEP_TIMEOUT_SECONDS * 1000);
    const id = done['calculationId'];
    expect(rpi.seen('RpiSagaStepTimedOut', 'sagaId', id)).toEqual([expect.objectContaining({ saga: 'rpiCalculation', step: 'publishResults', phase: 'forward', attempt: 1 })]);
    expect(rpi.buses('RpiSagaStepTimedOut')).toEqual(['rpi-main-test']);
    expect(rpi.seen('PublishRpiResults', 'sagaId', id)).toHaveLength(1);
    expect(rpi.seen('RpiResultsPublished', 'sagaId', id)).toEqual([]);
    expect(rpi.seen('RpiResultsPublicationFailed', 'sagaId', id)).toEqual([]);
    // The timed-out step is compensated though it never happened (nothing to withdraw), then the draft is discarded.
    expect(rpi.seen('RpiResultsWithdrawn', 'sagaId', id)).toEqual([expect.objectContaining({ withdrawn: false })]);
    expect(rpi.seen('RpiCalculationDiscarded', 'sagaId', id)).toEqual([expect.objectContaining({ discarded: true })]);
    const draft = (await rpi.dynamo.send(new GetCommand({ TableName: 'rpi-test-ratings', Key: { pk: 'SEASON#2025', sk: `CALC#${String(id)}` } }))).Item;
    expect(draft).toMatchObject({ calculationId: id, status: 'DISCARDED', matches: 12, discardReason: expect.stringContaining('publishResults timed out') });
    expect((draft?.['ratings'] as TeamRating[]).map((r) => r.teamId)).toContain(SILENT_PUBLISHER);

    // Readers still see the last complete calculation.
    const results = await rpi.call('GET', '/rpi/2025/results');
    expect([results.body['calculationId'], results.body['matches']]).toEqual([published2025, 9]);
    expect((await rpi.call('GET', '/rpi/2025/rankings')).body['calculationId']).toBe(published2025);
  }, 90_000);

  it('replays the event store into a rebuilt projection', async () => {
    const r1 = match('r01', '2024', 'harbor-city', 3, 0, 'pine-valley');
    const r2 = match('r02', '2024', 'mill-town', 1, 2, 'stone-bridge');
    for (const m of [r1, r2, { ...r1, awayGoals: 1 }]) expect((await rpi.call('POST', '/matches', m)).status).toBeLessThan(300);
    const truth = await until(() => projected('2024'), (l) => l.length === 2 && l.some((m) => m.version === 2), 20_000);

    // Break the projection behind the handler's back: a row lost, a row that no event gives, a wrong score.
    const TableName = 'rpi-test-matches';
    await rpi.dynamo.send(new DeleteCommand({ TableName, Key: { pk: 'SEASON#2024', sk: 'MATCH#r02' } }));
    await rpi.dynamo.send(new PutCommand({ TableName, Item: { pk: 'SEASON#2024', sk: 'MATCH#r99', ...match('r99', '2024', 'north-ridge', 5, 0, 'lakeside-united'), version: 1 } }));
    await rpi.dynamo.send(new PutCommand({ TableName, Item: { pk: 'SEASON#2024', sk: 'MATCH#r01', ...r1, homeGoals: 9, version: 7 } }));
    expect((await projected('2024')).map((m) => `${m.matchId}:${m.homeGoals}-${m.awayGoals}`)).toEqual(['r01:9-0', 'r99:5-0']);

    const replay = await rpi.call('POST', '/matches/replay', { season: '2024' });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ season: '2024', matches: 2, removed: 1 });
    expect(Number(replay.body['eventsReplayed'])).toBeGreaterThanOrEqual(Number(replay.body['aggregatesReplayed']));
    expect(await projected('2024')).toEqual(truth);
    expect(truth.map((m) => `${m.matchId}:${m.homeGoals}-${m.awayGoals}:v${m.version}`)).toEqual(['r01:3-1:v2', 'r02:1-2:v1']);

    const bad = await rpi.call('POST', '/matches/replay', { season: '24' });
    expect(bad.status).toBe(400);
  }, 60_000);

  it('plays the demo day (npm run demo -- --project examples/rpi --day): a season recorded, calculated, ranked; again with nothing new', async () => {
    const first = await playSeason(daySession(rpi, randomUUID()), { stepTimeoutMs: 60_000 });
    expect(first.status).toBe('COMPLETED');
    expect(first.rankings.map((t) => [t.rank, t.teamId])).toEqual(calculateRpi(seasonMatches()).map((r) => [r.rank, r.teamId]));
    expect(rpi.seen('MatchRecorded', 'season', DEMO_SEASON)).toHaveLength(seasonMatches().length);
    // Played again: the same results are no change, the season is calculated again
    const again = await playSeason(daySession(rpi, randomUUID()), { stepTimeoutMs: 60_000 });
    expect(again.status).toBe('COMPLETED');
    expect(again.calculationId).not.toBe(first.calculationId);
    expect(rpi.seen('MatchRecorded', 'season', DEMO_SEASON)).toHaveLength(seasonMatches().length);
    expect(again.rankings).toEqual(first.rankings);
  }, 180_000);

  it('leaves every DLQ empty', async () => {
    const depths = await rpi.dlqDepths();
    expect(Object.keys(depths).length).toBeGreaterThanOrEqual(4);
    expect(Object.values(depths).every((n) => n === 0)).toBe(true);
  });
});
