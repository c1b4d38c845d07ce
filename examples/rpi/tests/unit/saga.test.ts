import type { MatchResult, TeamRating } from '../../generated';
import { createInMemorySagaStore, type SagaEvent, type SagaTimeoutData } from '../../../../lib/saga';
import { fakeTimers } from '../../../../tests/helpers/fake-timers';
import { createCalculationRunner } from '../../functions/coordinator/saga';

// The rpiCalculation saga (functions/coordinator: the spec's steps + calculation-saga.ts) with
// no AWS: the commands it sends in order and with what data, and what it undoes, in reverse
// order, for each failure and for a step that never answers.

const SAGA = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const matches: MatchResult[] = [{ matchId: 'm1', season: '2025', playedOn: '2025-09-01', homeTeam: 'a', awayTeam: 'b', homeGoals: 1, awayGoals: 0 }];
const ratings: TeamRating[] = [{ teamId: 'a', rank: 1, games: 1, wins: 1, losses: 0, ties: 0, wp: 1, owp: 0.5, oowp: 0.5, rpi: 0.625 }];
let seq = 0;
const event = <D>(detailType: string, data: D): SagaEvent<D> => ({ detailType, detail: { metadata: { eventId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, correlationId: 'corr-1' }, data } });
const reply = (detailType: string, data: Record<string, unknown> = {}): SagaEvent => event(detailType, { sagaId: SAGA, season: '2025', ...data });

function setup() {
  const store = createInMemorySagaStore();
  const timers = fakeTimers();
  let clock = Date.UTC(2025, 10, 1, 12, 0, 0);
  const runner = createCalculationRunner({ store, timers, now: () => clock });
  const start = () => runner.start(event('RpiCalculationRequested', { calculationId: SAGA, season: '2025', requestedAt: '2025-11-01T12:00:00.000Z', note: 'weekly' }));
  const sent = (): string[] => store.outbox.map((e) => e.detailType);
  const dataOf = (i: number): unknown => (store.outbox[i]?.detail as { data: unknown }).data;
  const fire = async () => {
    const timer = [...timers.pending.values()].at(-1);
    if (!timer) throw new Error('no pending timer');
    clock = Date.parse(String(timer.at));
    return runner.timeout({ detailType: 'RpiSagaStepTimedOut', detail: timer.event.detail as SagaEvent<SagaTimeoutData>['detail'] });
  };
  return { runner, start, sent, dataOf, fire, timers };
}

describe('the rpiCalculation saga', () => {
  it('collects, calculates, publishes and caches, each command carrying what the step before returned', async () => {
    const { runner, start, sent, dataOf } = setup();
    await start();
    await runner.reply(reply('MatchesCollected', { matches }));
    await runner.reply(reply('RpiCalculated', { matches: 1, ratings }));
    await runner.reply(reply('RpiResultsPublished', { previousCalculationId: '11111111-1111-4111-8111-111111111111' }));
    const last = await runner.reply(reply('RpiCacheUpdated', { teams: 1 }));
    expect(last.state?.status).toBe('COMPLETED');
    expect(sent()).toEqual(['CollectMatches', 'CalculateRpi', 'PublishRpiResults', 'UpdateRpiCache']);
    expect(dataOf(0)).toEqual({ sagaId: SAGA, season: '2025' });
    expect(dataOf(1)).toEqual({ sagaId: SAGA, season: '2025', matches });
    expect(dataOf(3)).toEqual({ sagaId: SAGA, season: '2025', ratings });
    expect(last.state?.data).toMatchObject({ calculationId: SAGA, note: 'weekly', previousCalculationId: '11111111-1111-4111-8111-111111111111' });
  });

  it('a refused cache update withdraws the results, then discards the calculation (reverse order), then COMPENSATED', async () => {
    const { runner, start, sent, dataOf } = setup();
    await start();
    await runner.reply(reply('MatchesCollected', { matches }));
    await runner.reply(reply('RpiCalculated', { matches: 1, ratings }));
    await runner.reply(reply('RpiResultsPublished'));
    const failed = await runner.reply(reply('RpiCacheUpdateFailed', { errorCode: 'UNKNOWN_TEAM', errorMessage: 'no team metadata for x' }));
    expect(failed.state?.status).toBe('COMPENSATING');
    expect(sent().slice(4)).toEqual(['WithdrawRpiResults']);
    expect(dataOf(4)).toMatchObject({ sagaId: SAGA, season: '2025', reason: expect.stringContaining('RpiCacheUpdateFailed') });
    await runner.reply(reply('RpiResultsWithdrawn', { withdrawn: true }));
    expect(sent().slice(5)).toEqual(['DiscardRpiCalculation']);
    const done = await runner.reply(reply('RpiCalculationDiscarded', { discarded: true }));
    expect(done.state?.status).toBe('COMPENSATED');
  });

  it('no matches: nothing to undo, COMPENSATED at once', async () => {
    const { runner, start, sent } = setup();
    await start();
    const t = await runner.reply(reply('MatchesCollectionFailed', { errorCode: 'NO_MATCHES', errorMessage: 'none' }));
    expect([t.state?.status, sent()]).toEqual(['COMPENSATED', ['CollectMatches']]);
  });

  it('a calculation that never answers is compensated itself (it may have happened): DiscardRpiCalculation', async () => {
    const { runner, start, sent, fire } = setup();
    await start();
    await runner.reply(reply('MatchesCollected', { matches }));
    const t = await fire();
    expect(t.state?.status).toBe('COMPENSATING');
    expect(sent()).toEqual(['CollectMatches', 'CalculateRpi', 'DiscardRpiCalculation']);
    const late = await runner.reply(reply('RpiCalculated', { matches: 1, ratings }));
    expect(late.outcome).toBe('ignored');
    expect((await runner.reply(reply('RpiCalculationDiscarded', { discarded: true }))).state?.status).toBe('COMPENSATED');
  });

  it('a duplicate trigger starts nothing', async () => {
    const { runner, start, sent } = setup();
    await start();
    const again = await runner.start(event('RpiCalculationRequested', { calculationId: SAGA, season: '2025', requestedAt: '2025-11-01T12:00:00.000Z' }));
    expect([again.outcome, sent()]).toEqual(['ignored', ['CollectMatches']]);
  });
});
