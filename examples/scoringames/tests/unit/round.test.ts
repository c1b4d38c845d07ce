import type { EventDataResponseData } from '../../generated';
import { createInMemoryGatherStore, type GatherDeadlineData, type GatherEvent } from '../../../../lib/gather';
import { fakeTimers } from '../../../../tests/helpers/fake-timers';
import { scheduleIdOf } from '../../functions/scheduler/keys';
import { createScheduleRunner } from '../../functions/scheduler/round';
import { failureReason } from '../../functions/scheduler/rounds';

// The scheduler's round (functions/scheduler/round.ts on lib/gather) with no AWS: what it
// asks, what each ending stores and publishes (COMPLETE, PARTIAL with the categories
// fallback, FAILED on an error or on silence at the deadline).

const REQUEST = 'req-1751277600000-a1b2c3';
const eventData: Omit<EventDataResponseData, 'requestId' | 'eventId'> = {
  event: { eventId: 'open-2025', name: 'Open 2025', lanes: 4, transitionMinutes: 5 },
  days: [{ day: 1, date: '2025-07-12', startTime: '08:00', endTime: '12:00' }],
};
const athletes = [1, 2, 3, 4, 5].map((n) => ({ athleteId: `a-${n}`, name: `Athlete ${n}`, categoryId: n < 5 ? 'rx' : 'scaled' }));
let seq = 0;
const answer = (detailType: string, data: Record<string, unknown>): GatherEvent => ({ detailType, detail: { metadata: { eventId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, correlationId: 'corr-1' }, data: { requestId: REQUEST, eventId: 'open-2025', ...data } } });
const error = (detailType: string, errorCode: string): GatherEvent => answer(detailType, { errorCode, errorMessage: `${errorCode} (test)`, canRetry: false });

function setup() {
  let clock = Date.UTC(2025, 5, 30, 10, 0, 0);
  const store = createInMemoryGatherStore();
  const timers = fakeTimers();
  const runner = createScheduleRunner({ store, timers, table: () => 'schedules', now: () => clock });
  const start = () => runner.start(REQUEST, { eventId: 'open-2025', options: {} }, { eventId: '11111111-1111-4111-8111-111111111111', correlationId: 'corr-1' });
  const deadline = (): GatherEvent<GatherDeadlineData> => {
    const timer = timers.pending.get(`schedule-${REQUEST}-deadline`);
    if (!timer) throw new Error('no pending deadline');
    return { detailType: 'ScheduleDeadlineElapsed', detail: timer.event.detail as GatherEvent<GatherDeadlineData>['detail'] };
  };
  return { store, timers, runner, start, deadline, tick: (ms: number) => (clock += ms), types: () => store.outbox.map((e) => e.detailType) };
}

describe('the schedule round', () => {
  it('asks the four domains at once, by requestId, with the deadline as respondBy', async () => {
    const { start, store, types } = setup();
    const { state } = await start();
    expect(types()).toEqual(['EventDataRequested', 'AthletesDataRequested', 'CategoriesDataRequested', 'WodsDataRequested']);
    expect(store.outbox.map((e) => (e.detail as { data: unknown }).data)).toEqual(Array(4).fill({ requestId: REQUEST, eventId: 'open-2025', respondBy: state.deadline }));
    expect(state.deadline).toBe('2025-06-30T10:00:10.000Z');
  });

  it('COMPLETE: stores the schedule (version 1, once) and publishes ScheduleGenerated with its heats', async () => {
    const { start, runner, store, types } = setup();
    await start();
    await runner.answer(answer('EventDataResponse', eventData));
    await runner.answer(answer('AthletesDataResponse', { athletes }));
    await runner.answer(answer('CategoriesDataResponse', { categories: [{ categoryId: 'rx', name: 'RX' }, { categoryId: 'scaled', name: 'Scaled' }] }));
    const last = await runner.answer(answer('WodsDataResponse', { wods: [{ wodId: 'w1', name: 'Fran', order: 1, timeCapMinutes: 8 }] }));
    expect([last.outcome, last.state?.status]).toEqual(['ended', 'COMPLETE']);
    expect(types().slice(4)).toEqual(['ScheduleGenerated']);
    expect((store.outbox[4]?.detail as { data: unknown }).data).toEqual({ requestId: REQUEST, eventId: 'open-2025', scheduleId: scheduleIdOf(REQUEST), status: 'COMPLETE', heats: 2, unscheduledHeats: 0, missing: [], generatedAt: '2025-06-30T10:00:00.000Z' });
    const put = store.writes[0] as { Put: { TableName: string; Item: Record<string, unknown>; ConditionExpression: string } };
    expect([put.Put.TableName, put.Put.Item['pk'], put.Put.Item['sk'], put.Put.Item['version'], put.Put.ConditionExpression]).toEqual(['schedules', 'EVENT#open-2025', `SCHEDULE#${scheduleIdOf(REQUEST)}`, 1, 'attribute_not_exists(pk)']);
  });

  it('PARTIAL when the optional categories domain errors: the schedule falls back to category ids', async () => {
    const { start, runner, store } = setup();
    await start();
    await runner.answer(error('CategoriesDataError', 'CATEGORIES_UNAVAILABLE'));
    await runner.answer(answer('EventDataResponse', eventData));
    await runner.answer(answer('AthletesDataResponse', { athletes }));
    const last = await runner.answer(answer('WodsDataResponse', { wods: [{ wodId: 'w1', name: 'Fran', order: 1, timeCapMinutes: 8 }] }));
    expect(last.state?.status).toBe('PARTIAL');
    const item = (store.writes[0] as unknown as { Put: { Item: { status: string; missing: string[]; schedule: { categoryFallback: boolean } } } }).Put.Item;
    expect([item.status, item.missing, item.schedule.categoryFallback]).toEqual(['PARTIAL', ['categories'], true]);
  });

  it('FAILED as soon as every domain answered and a required one errored, naming it; nothing stored', async () => {
    const { start, runner, store, types } = setup();
    await start();
    await runner.answer(answer('EventDataResponse', eventData));
    await runner.answer(error('AthletesDataError', 'ATHLETES_UNAVAILABLE'));
    await runner.answer(answer('CategoriesDataResponse', { categories: [] }));
    const last = await runner.answer(answer('WodsDataResponse', { wods: [] }));
    expect(last.state?.status).toBe('FAILED');
    expect(store.writes).toEqual([]);
    expect(types().slice(4)).toEqual(['ScheduleGenerationFailed']);
    expect((store.outbox[4]?.detail as { data: { reason: string } }).data.reason).toBe('athletes: ATHLETES_UNAVAILABLE ATHLETES_UNAVAILABLE (test)');
  });

  it('FAILED at the deadline when a required domain stays silent, and a late answer changes nothing', async () => {
    const { start, runner, deadline, tick, store } = setup();
    await start();
    await runner.answer(answer('EventDataResponse', eventData));
    await runner.answer(answer('AthletesDataResponse', { athletes }));
    await runner.answer(answer('CategoriesDataResponse', { categories: [] }));
    tick(10_000);
    const ended = await runner.deadline(deadline());
    expect(ended.state?.status).toBe('FAILED');
    expect(failureReason(ended.state as NonNullable<typeof ended.state>)).toBe('wods: no answer by 2025-06-30T10:00:10.000Z');
    const late = await runner.answer(answer('WodsDataResponse', { wods: [] }));
    expect(late.outcome).toBe('ignored');
    expect(store.outbox.filter((e) => e.detailType.startsWith('Schedule'))).toHaveLength(1);
  });
});
