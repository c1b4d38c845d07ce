import type { CompetitionEvent, EventDay, RegisteredAthlete, Wod } from '../../generated';
import { generateSchedule, heatSizes, type ScheduleInput } from '../../functions/scheduler/schedule';

// The scheduling rule (functions/scheduler/schedule.ts): balanced heats of at most N lanes
// per category and WOD, WODs in order, time-boxed heats with transitions, days respected.

const event: CompetitionEvent = { eventId: 'open-2025', name: 'Open 2025', lanes: 4, transitionMinutes: 5 };
const day1: EventDay = { day: 1, date: '2025-07-12', startTime: '08:00', endTime: '10:00' };
const day2: EventDay = { day: 2, date: '2025-07-13', startTime: '09:00', endTime: '12:00' };
const athlete = (n: number, categoryId: string, name = `Athlete ${String(n).padStart(2, '0')}`): RegisteredAthlete => ({ athleteId: `a-${n}`, name, categoryId });
const athletes = (count: number, categoryId: string, from = 1): RegisteredAthlete[] => Array.from({ length: count }, (_, i) => athlete(from + i, categoryId));
const wod = (wodId: string, order: number, timeCapMinutes: number, day?: number): Wod => ({ wodId, name: wodId.toUpperCase(), order, timeCapMinutes, ...(day ? { day } : {}) });
const input = (over: Partial<ScheduleInput>): ScheduleInput => ({ event, days: [day1, day2], athletes: [], wods: [], ...over });

describe('heatSizes', () => {
  it('makes the fewest heats, balanced to one athlete at most', () => {
    expect(heatSizes(7, 5)).toEqual([4, 3]);
    expect(heatSizes(8, 6)).toEqual([4, 4]);
    expect(heatSizes(6, 6)).toEqual([6]);
    expect(heatSizes(13, 4)).toEqual([4, 3, 3, 3]);
    expect(heatSizes(1, 4)).toEqual([1]);
    expect(heatSizes(0, 4)).toEqual([]);
  });

  it('refuses a heat size below one, naming it', () => {
    expect(() => heatSizes(3, 0)).toThrow('heat size must be a whole number >= 1, got 0');
  });
});

describe('generateSchedule', () => {
  it('splits each category into balanced heats with lanes in name order, categories in the categories domain order', () => {
    const roster = [athlete(1, 'rx', 'Zoe'), athlete(2, 'rx', 'Ana'), athlete(3, 'rx', 'Mia'), athlete(4, 'rx', 'Bea'), athlete(5, 'rx', 'Eva'), athlete(6, 'sc', 'Rui')];
    const s = generateSchedule(input({ athletes: roster, categories: [{ categoryId: 'sc', name: 'Scaled' }, { categoryId: 'rx', name: 'RX' }], wods: [wod('w1', 1, 10)] }));
    expect(s.heats.map((h) => [h.heatId, h.categoryName, h.lanes.map((l) => `${l.lane}:${l.name}`)])).toEqual([
      ['w1-sc-h1', 'Scaled', ['1:Rui']],
      ['w1-rx-h1', 'RX', ['1:Ana', '2:Bea', '3:Eva']],
      ['w1-rx-h2', 'RX', ['1:Mia', '2:Zoe']],
    ]);
    expect(s.categories).toEqual([
      { categoryId: 'sc', name: 'Scaled', athletes: 1, heatSize: 1, heats: 1 },
      { categoryId: 'rx', name: 'RX', athletes: 5, heatSize: 3, heats: 2 },
    ]);
    expect(s.categoryFallback).toBe(false);
  });

  it('caps heats by the event lanes, the request and the category, whichever is lowest', () => {
    const roster = athletes(8, 'rx');
    const heatsOf = (over: Partial<ScheduleInput>): number[] => generateSchedule(input({ athletes: roster, wods: [wod('w1', 1, 5)], ...over })).heats.map((h) => h.lanes.length);
    expect(heatsOf({ categories: [{ categoryId: 'rx', name: 'RX' }] })).toEqual([4, 4]);
    expect(heatsOf({ categories: [{ categoryId: 'rx', name: 'RX', maxAthletesPerHeat: 3 }] })).toEqual([3, 3, 2]);
    expect(heatsOf({ categories: [{ categoryId: 'rx', name: 'RX' }], options: { maxAthletesPerHeat: 2 } })).toEqual([2, 2, 2, 2]);
  });

  it('runs WODs in order, each heat time-boxed to the cap plus the transition, from the day start', () => {
    const s = generateSchedule(input({ athletes: athletes(5, 'rx'), categories: [{ categoryId: 'rx', name: 'RX' }], wods: [wod('w2', 2, 12), wod('w1', 1, 10)] }));
    expect(s.heats.map((h) => `${h.wodId} h${h.heatNumber} ${h.startsAt}-${h.endsAt.slice(11)}`)).toEqual([
      'w1 h1 2025-07-12T08:00-08:10',
      'w1 h2 2025-07-12T08:15-08:25',
      'w2 h1 2025-07-12T08:30-08:42',
      'w2 h2 2025-07-12T08:47-08:59',
    ]);
    expect(s.transitionMinutes).toBe(5);
  });

  it('takes the request transition over the event one', () => {
    const s = generateSchedule(input({ athletes: athletes(5, 'rx'), wods: [wod('w1', 1, 10)], options: { transitionMinutes: 0 } }));
    expect(s.heats.map((h) => h.startsAt.slice(11))).toEqual(['08:00', '08:10']);
  });

  it('moves a heat that would end after its day to the next day start, and a WOD with a day to that day', () => {
    // Day 1 runs 08:00-10:00: heats of 50 min + 5 -> 08:00, 08:55, then 09:50 would end 10:40: day 2.
    const s = generateSchedule(input({ athletes: athletes(12, 'rx'), wods: [wod('long', 1, 50), wod('final', 2, 10, 2)] }));
    expect(s.heats.map((h) => `${h.wodId} d${h.day} ${h.startsAt.slice(11)}`)).toEqual([
      'long d1 08:00',
      'long d1 08:55',
      'long d2 09:00',
      'final d2 09:55',
      'final d2 10:10',
      'final d2 10:25',
    ]);
    expect(s.unscheduled).toEqual([]);
  });

  it('starts a WOD with a later day on that day even when today has room', () => {
    const s = generateSchedule(input({ athletes: athletes(2, 'rx'), wods: [wod('w1', 1, 10), wod('w2', 2, 10, 2)] }));
    expect(s.heats.map((h) => h.startsAt)).toEqual(['2025-07-12T08:00', '2025-07-13T09:00']);
  });

  it('lists what does not fit in the event days as unscheduled, keeping WOD order (nothing jumps ahead)', () => {
    // 08:00-08:55 + 5 min; w2 (61 min) would end 10:01 > 10:00 and there is no day 2; w3 would fit but runs after w2.
    const s = generateSchedule(input({ days: [day1], athletes: athletes(4, 'rx'), wods: [wod('w1', 1, 55), wod('w2', 2, 61), wod('w3', 3, 10)] }));
    expect(s.heats.map((h) => h.heatId)).toEqual(['w1-rx-h1']);
    expect(s.unscheduled.map((h) => h.heatId)).toEqual(['w2-rx-h1', 'w3-rx-h1']);
  });

  it('falls back to the athletes category ids, sorted, without categories (PARTIAL)', () => {
    const s = generateSchedule(input({ athletes: [athlete(1, 'scaled'), athlete(2, 'rx')], wods: [wod('w1', 1, 5)] }));
    expect(s.categoryFallback).toBe(true);
    expect(s.heats.map((h) => `${h.categoryId}:${h.categoryName}`)).toEqual(['rx:rx', 'scaled:scaled']);
    expect(generateSchedule(input({ athletes: [athlete(1, 'rx')], categories: [], wods: [wod('w1', 1, 5)] })).categoryFallback).toBe(true);
  });

  it('leaves out athletes of a category the event does not have, saying why', () => {
    const s = generateSchedule(input({ athletes: [athlete(1, 'rx'), athlete(2, 'teens')], categories: [{ categoryId: 'rx', name: 'RX' }], wods: [wod('w1', 1, 5)] }));
    expect(s.excluded).toEqual([{ athleteId: 'a-2', categoryId: 'teens', reason: 'UNKNOWN_CATEGORY' }]);
    expect(s.heats.flatMap((h) => h.lanes.map((l) => l.athleteId))).toEqual(['a-1']);
  });

  it('makes no heats without WODs or athletes', () => {
    expect(generateSchedule(input({ athletes: athletes(3, 'rx') })).heats).toEqual([]);
    expect(generateSchedule(input({ wods: [wod('w1', 1, 5)] })).heats).toEqual([]);
  });
});
