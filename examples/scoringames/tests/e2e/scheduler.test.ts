import { startScoringamesCloud, withFunctionEnv, type Body, type ScoringamesCloud } from '../helpers/cloud';
import { until } from '../../../../tests/helpers/local-cloud';

// Seed 000's main flow on the local cloud, from the example's packaged template:
// POST /scheduler/{eventId} -> 202 + requestId -> the four Data Requested events -> the four
// domains answer from their own (seeded) tables -> the round ends once -> the schedule is
// stored -> status COMPLETE -> GET the schedule, list, PUT, DELETE. Then each failure path
// the seed names, triggered by the domains' test events (functions/*/data.json testEvents):
// an erroring required domain (FAILED at once), an erroring or silent optional domain
// (PARTIAL: categories fall back), a silent required domain (FAILED at the deadline), an
// unknown event (the events domain's EVENT_NOT_FOUND).

// Short, so that silence is seen quickly; the functions are warmed first so that a cold start
// (four domains seeding their tables) is not mistaken for silence.
const DEADLINE_SECONDS = 5;
let sg: ScoringamesCloud;

beforeAll(async () => {
  sg = await startScoringamesCloud('scoringames-e2e', (t) => withFunctionEnv(t, 'scheduler-consumer', { SCHEDULE_DEADLINE_SECONDS: String(DEADLINE_SECONDS) }));
  const warm = await sg.call('POST', '/scheduler/garage-games-2025', { competitionMode: 'HEATS' });
  await until(async () => (await sg.call('GET', `/scheduler/garage-games-2025/requests/${String(warm.body['requestId'])}`)).body['status'], (s) => s !== 'PENDING', 60_000);
}, 240_000);

afterAll(async () => {
  await sg?.stop();
});

const request = async (eventId: string, body: Body = { competitionMode: 'HEATS' }): Promise<Body> => {
  const res = await sg.call('POST', `/scheduler/${eventId}`, body);
  expect([res.status, res.body['status'], res.body['eventId']]).toEqual([202, 'PENDING', eventId]);
  expect(res.body['requestId']).toMatch(/^req-\d{13}-[a-z0-9]{6}$/);
  return res.body;
};
const status = async (eventId: string, requestId: string): Promise<Body> => (await sg.call('GET', `/scheduler/${eventId}/requests/${requestId}`)).body;
const ended = (eventId: string, requestId: string, ms = 20_000): Promise<Body> => until(() => status(eventId, requestId), (s) => ['COMPLETE', 'PARTIAL', 'FAILED'].includes(String(s['status'])), ms);
/** The events of a type for a request, once one was published (the relay publishes after the round's commit). */
const published = (type: string, requestId: string): Promise<Body[]> => until(() => sg.seen(type, 'requestId', requestId), (l) => l.length > 0, 10_000);
const answers = (s: Body): Record<string, string> => Object.fromEntries(Object.entries(s['domains'] as Record<string, { answer: string }>).map(([d, a]) => [d, a.answer]));

describe('ScorinGames schedule generation on the local cloud (seed 000)', () => {
  it('answers 202 with a requestId, gathers the four domains, stores the schedule: status COMPLETE, then GET it', async () => {
    const accepted = await request('summer-throwdown-2025');
    const requestId = accepted['requestId'] as string;
    expect((await status('summer-throwdown-2025', requestId))['status']).toMatch(/^(PENDING|COMPLETE)$/);

    const done = await ended('summer-throwdown-2025', requestId, 60_000);
    expect(done['status']).toBe('COMPLETE');
    expect(answers(done)).toEqual({ event: 'response', athletes: 'response', categories: 'response', wods: 'response' });
    for (const type of ['EventDataRequested', 'AthletesDataRequested', 'CategoriesDataRequested', 'WodsDataRequested', 'EventDataResponse', 'AthletesDataResponse', 'CategoriesDataResponse', 'WodsDataResponse']) {
      expect([type, sg.seen(type, 'requestId', requestId).length]).toEqual([type, 1]);
    }
    const [generated] = await published('ScheduleGenerated', requestId);
    expect(generated).toMatchObject({ status: 'COMPLETE', scheduleId: done['scheduleId'], heats: 28, unscheduledHeats: 0, missing: [] });

    const got = await sg.call('GET', `/scheduler/summer-throwdown-2025/${String(done['scheduleId'])}`);
    expect(got.status).toBe(200);
    const schedule = got.body['schedule'] as { heats: { heatId: string; startsAt: string; endsAt: string; lanes: unknown[] }[]; excluded: unknown[]; categories: { categoryId: string; heats: number }[] };
    // 5 categories x 4 WODs: RX Men 8 -> 4+4, RX Women 7 (max 5) -> 4+3, the others one heat each.
    expect(schedule.categories.map((c) => `${c.categoryId}:${c.heats}`)).toEqual(['rx-men:2', 'rx-women:2', 'scaled-men:1', 'scaled-women:1', 'masters-40:1']);
    expect(schedule.heats[0]).toMatchObject({ heatId: 'wod-1-rx-men-h1', startsAt: '2025-07-12T08:00', endsAt: '2025-07-12T08:08' });
    expect(schedule.heats.find((h) => h.heatId === 'wod-3-rx-men-h1')).toMatchObject({ startsAt: '2025-07-13T09:00' });
    expect(schedule.excluded).toEqual([{ athleteId: 'ath-030', categoryId: 'teens', reason: 'UNKNOWN_CATEGORY' }]);
    expect(got.body).toMatchObject({ status: 'COMPLETE', version: 1, published: false, name: 'Summer Throwdown 2025 schedule', requestId });
  }, 90_000);

  it('lists, updates (optimistic version) and deletes schedules', async () => {
    const { requestId } = (await request('garage-games-2025')) as { requestId: string };
    const done = await ended('garage-games-2025', requestId);
    const scheduleId = done['scheduleId'] as string;
    const path = `/scheduler/garage-games-2025/${scheduleId}`;

    const list = await sg.call('GET', '/scheduler/garage-games-2025');
    expect(list.status).toBe(200);
    expect((list.body['schedules'] as Body[]).map((s) => s['scheduleId'])).toContain(scheduleId);

    const put = await sg.call('PUT', path, { version: 1, published: true, notes: 'final' });
    expect([put.status, put.body['version'], put.body['published'], put.body['notes']]).toEqual([200, 2, true, 'final']);
    const stale = await sg.call('PUT', path, { version: 1, name: 'again' });
    expect([stale.status, (stale.body['error'] as Body)['code']]).toEqual([409, 'VERSION_CONFLICT']);
    const invalid = await sg.call('PUT', path, { version: 2 });
    expect([invalid.status, (invalid.body['error'] as Body)['code']]).toEqual([400, 'VALIDATION_FAILED']);

    expect((await sg.call('DELETE', path)).status).toBe(204);
    expect((await sg.call('GET', path)).status).toBe(404);
    expect((await sg.call('DELETE', path)).status).toBe(404);
    expect((await sg.call('PUT', path, { version: 2, name: 'gone' })).status).toBe(404);
  }, 60_000);

  it('refuses a bad request by name: an eventId out of pattern, a competition mode it does not plan', async () => {
    const badId = await sg.call('POST', '/scheduler/Not_An_Id', { competitionMode: 'HEATS' });
    expect([badId.status, (badId.body['error'] as Body)['code']]).toEqual([400, 'INVALID_EVENT_ID']);
    const badMode = await sg.call('POST', '/scheduler/summer-throwdown-2025', { competitionMode: 'FINALS' });
    expect([badMode.status, (badMode.body['error'] as Body)['code']]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await sg.call('GET', '/scheduler/summer-throwdown-2025/requests/req-1751277600000-zzzzzz')).status).toBe(404);
  });

  it('FAILS at once when a required domain answers with an error, naming it; no schedule', async () => {
    const { requestId } = (await request('fault-athletes-error')) as { requestId: string };
    const done = await ended('fault-athletes-error', requestId);
    expect(done['status']).toBe('FAILED');
    expect(answers(done)['athletes']).toBe('error');
    expect(done['reason']).toBe('athletes: ATHLETES_UNAVAILABLE The athletes registry is unavailable (test trigger).');
    expect(done['scheduleId']).toBeUndefined();
    expect(await published('ScheduleGenerationFailed', requestId)).toEqual([expect.objectContaining({ eventId: 'fault-athletes-error', reason: done['reason'] })]);
    expect(((await sg.call('GET', '/scheduler/fault-athletes-error')).body['schedules'] as Body[]).length).toBe(0);
  });

  it('FAILS for an unknown event: the events domain answers EVENT_NOT_FOUND', async () => {
    const { requestId } = (await request('no-such-event')) as { requestId: string };
    const done = await ended('no-such-event', requestId);
    expect([done['status'], done['reason']]).toEqual(['FAILED', 'event: EVENT_NOT_FOUND No competition event no-such-event.']);
  });

  it('ends PARTIAL when the optional categories domain errors or stays silent: heats fall back to category ids', async () => {
    const erroring = (await request('fault-categories-error'))['requestId'] as string;
    const silent = (await request('fault-categories-silent'))['requestId'] as string;
    const failed = await ended('fault-categories-error', erroring);
    expect([failed['status'], failed['missing'], answers(failed)['categories']]).toEqual(['PARTIAL', ['categories'], 'error']);
    // Silence ends the round at its deadline, not before.
    const quiet = await ended('fault-categories-silent', silent, (DEADLINE_SECONDS + 15) * 1000);
    expect([quiet['status'], quiet['missing'], answers(quiet)['categories']]).toEqual(['PARTIAL', ['categories'], 'none']);
    expect(Date.parse(String(quiet['endedAt']))).toBeGreaterThanOrEqual(Date.parse(String(quiet['deadline'])));
    const schedule = (await sg.call('GET', `/scheduler/fault-categories-silent/${String(quiet['scheduleId'])}`)).body as { status: string; missing: string[]; schedule: { categoryFallback: boolean; heats: { categoryName: string }[] } };
    expect([schedule.status, schedule.missing, schedule.schedule.categoryFallback]).toEqual(['PARTIAL', ['categories'], true]);
    // Without categories every athlete is scheduled under its category id, teens included.
    expect(new Set(schedule.schedule.heats.map((h) => h.categoryName))).toEqual(new Set(['masters-40', 'rx-men', 'rx-women', 'scaled-men', 'scaled-women', 'teens']));
    expect(await published('ScheduleGenerated', silent)).toEqual([expect.objectContaining({ status: 'PARTIAL', missing: ['categories'] })]);
  }, 60_000);

  it('FAILS at the deadline when a required domain stays silent', async () => {
    const { requestId } = (await request('fault-wods-silent')) as { requestId: string };
    const done = await ended('fault-wods-silent', requestId, (DEADLINE_SECONDS + 15) * 1000);
    expect([done['status'], answers(done)['wods']]).toEqual(['FAILED', 'none']);
    expect(done['reason']).toBe(`wods: no answer by ${String(done['deadline'])}`);
    expect(await published('ScheduleGenerationFailed', requestId)).toHaveLength(1);
  }, 60_000);

  it('leaves every DLQ empty: no handler failed on any of these flows', async () => {
    const depths = await sg.dlqDepths();
    expect(Object.keys(depths).sort()).toEqual(['scoringames-test-athletes-dlq', 'scoringames-test-categories-dlq', 'scoringames-test-events-dlq', 'scoringames-test-scheduler-dlq', 'scoringames-test-timers-dlq', 'scoringames-test-wods-dlq']);
    expect(Object.values(depths).every((n) => n === 0)).toBe(true);
  });
});
