// The scheduling rule (plain functions, no AWS): from what the four domains answered, the
// heats of a competition event.
//
// - Heats per category and WOD: a category's athletes (by name, then id) are split into
//   the fewest heats of at most N athletes, N = the event's lanes, lowered by the request's
//   maxAthletesPerHeat and the category's own maxAthletesPerHeat. Heats are balanced (sizes
//   differ by one at most: 7 athletes with 5 lanes are 4 + 3, not 5 + 2); lane = position.
// - Order: WODs by `order`, and within a WOD the categories in the categories domain's order
//   (without categories, their ids sorted: the PARTIAL fallback).
// - Time: every heat is time-boxed to its WOD's time cap, followed by the transition (floor
//   reset). Heats run one after another from the first day's start; a heat that would end
//   after its day's end moves to the next day's start; a WOD with `day` starts that day at
//   the earliest. What does not fit in the event's days is listed as unscheduled.
// - Athletes of a category the categories domain does not list are left out, with the reason.
import type { CompetitionEvent, EventCategory, EventDay, RegisteredAthlete, Wod } from '../../generated';

export interface ScheduleOptions {
  maxAthletesPerHeat?: number;
  transitionMinutes?: number;
}

export interface ScheduleInput {
  event: CompetitionEvent;
  days: readonly EventDay[];
  athletes: readonly RegisteredAthlete[];
  /** Undefined (the categories domain failed or stayed silent) or empty: the fallback. */
  categories?: readonly EventCategory[];
  wods: readonly Wod[];
  options?: ScheduleOptions;
}

export interface HeatLane {
  lane: number;
  athleteId: string;
  name: string;
}

export interface PlannedHeat {
  heatId: string;
  wodId: string;
  wodName: string;
  categoryId: string;
  categoryName: string;
  /** 1-based, within its category and WOD. */
  heatNumber: number;
  lanes: HeatLane[];
}

export interface ScheduledHeat extends PlannedHeat {
  day: number;
  /** Venue local time, `YYYY-MM-DDTHH:MM`. */
  startsAt: string;
  endsAt: string;
}

export interface CategoryPlan {
  categoryId: string;
  name: string;
  athletes: number;
  /** The most athletes a heat of this category has. */
  heatSize: number;
  heats: number;
}

export interface Schedule {
  heats: ScheduledHeat[];
  /** Heats that did not fit in the event's days (in the order they would have run). */
  unscheduled: PlannedHeat[];
  categories: CategoryPlan[];
  /** Athletes left out, with why. */
  excluded: { athleteId: string; categoryId: string; reason: 'UNKNOWN_CATEGORY' }[];
  /** True when categories came from the athletes (the categories domain did not answer). */
  categoryFallback: boolean;
  transitionMinutes: number;
}

/** Sizes of the fewest balanced heats of at most `max` athletes: 7 by 5 -> [4, 3]. */
export function heatSizes(athletes: number, max: number): number[] {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`heat size must be a whole number >= 1, got ${max}`);
  if (athletes <= 0) return [];
  const count = Math.ceil(athletes / max);
  const base = Math.floor(athletes / count);
  const bigger = athletes % count;
  return Array.from({ length: count }, (_, i) => base + (i < bigger ? 1 : 0));
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};
const clock = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const byName = (a: RegisteredAthlete, b: RegisteredAthlete): number => a.name.localeCompare(b.name, 'en') || a.athleteId.localeCompare(b.athleteId);

/** Categories in heat order, with whether they are the fallback. */
function categoryOrder(input: ScheduleInput): { categories: EventCategory[]; fallback: boolean } {
  if (input.categories?.length) return { categories: [...input.categories], fallback: false };
  const ids = [...new Set(input.athletes.map((a) => a.categoryId))].sort();
  return { categories: ids.map((categoryId) => ({ categoryId, name: categoryId })), fallback: true };
}

/** The heats of one WOD (not yet timed): every category's athletes split into balanced heats. */
function wodHeats(wod: Wod, plans: readonly { category: EventCategory; athletes: RegisteredAthlete[]; sizes: number[] }[]): PlannedHeat[] {
  return plans.flatMap(({ category, athletes, sizes }) => {
    let next = 0;
    return sizes.map((size, i) => {
      const lanes = athletes.slice(next, next + size).map((a, lane) => ({ lane: lane + 1, athleteId: a.athleteId, name: a.name }));
      next += size;
      return { heatId: `${wod.wodId}-${category.categoryId}-h${i + 1}`, wodId: wod.wodId, wodName: wod.name, categoryId: category.categoryId, categoryName: category.name, heatNumber: i + 1, lanes };
    });
  });
}

export function generateSchedule(input: ScheduleInput): Schedule {
  const options = input.options ?? {};
  const transition = options.transitionMinutes ?? input.event.transitionMinutes;
  const { categories, fallback } = categoryOrder(input);
  const known = new Set(categories.map((c) => c.categoryId));
  const excluded = input.athletes.filter((a) => !known.has(a.categoryId)).map((a) => ({ athleteId: a.athleteId, categoryId: a.categoryId, reason: 'UNKNOWN_CATEGORY' as const }));

  const plans = categories.map((category) => {
    const athletes = input.athletes.filter((a) => a.categoryId === category.categoryId).sort(byName);
    const max = Math.min(input.event.lanes, options.maxAthletesPerHeat ?? Infinity, category.maxAthletesPerHeat ?? Infinity);
    return { category, athletes, sizes: heatSizes(athletes.length, max), max };
  });

  const days = [...input.days].sort((a, b) => a.day - b.day).filter((d) => minutesOf(d.endTime) > minutesOf(d.startTime));
  const wods = [...input.wods].sort((a, b) => a.order - b.order || a.wodId.localeCompare(b.wodId));
  const heats: ScheduledHeat[] = [];
  const unscheduled: PlannedHeat[] = [];
  // The cursor: an index into `days` and the minute of that day the floor is free.
  let dayIndex = 0;
  let minute = days[0] ? minutesOf(days[0].startTime) : 0;
  const moveTo = (index: number): void => {
    dayIndex = index;
    const day = days[index];
    if (day) minute = minutesOf(day.startTime);
  };

  for (const wod of wods) {
    const earliest = wod.day ?? 1;
    if (days[dayIndex] && (days[dayIndex] as EventDay).day < earliest) {
      const at = days.findIndex((d) => d.day >= earliest);
      moveTo(at < 0 ? days.length : at);
    }
    for (const heat of wodHeats(wod, plans)) {
      let day = days[dayIndex];
      if (day && minute + wod.timeCapMinutes > minutesOf(day.endTime)) {
        moveTo(dayIndex + 1);
        day = days[dayIndex];
      }
      if (!day || minute + wod.timeCapMinutes > minutesOf(day.endTime)) {
        // Past the last day (or a day shorter than the time cap): the rest does not fit.
        unscheduled.push(heat);
        continue;
      }
      heats.push({ ...heat, day: day.day, startsAt: `${day.date}T${clock(minute)}`, endsAt: `${day.date}T${clock(minute + wod.timeCapMinutes)}` });
      minute += wod.timeCapMinutes + transition;
    }
  }

  return {
    heats,
    unscheduled,
    categories: plans.map((p) => ({ categoryId: p.category.categoryId, name: p.category.name, athletes: p.athletes.length, heatSize: p.sizes[0] ?? 0, heats: p.sizes.length })),
    excluded,
    categoryFallback: fallback,
    transitionMinutes: transition,
  };
}
