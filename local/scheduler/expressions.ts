import { parseSchedule } from '../eventbridge/schedule';
import { invalid } from './errors';

/**
 * EventBridge Scheduler expressions, evaluated as the service does: `at(yyyy-mm-ddThh:mm:ss)`
 * (one time), `rate(N minute|minutes|hour|hours|day|days)` and six-field `cron(...)`, the
 * `at` and `cron` wall-clock times read in `ScheduleExpressionTimezone` (an IANA zone,
 * default UTC), recurring schedules bounded by StartDate and EndDate. Daylight-saving
 * time as AWS documents it: a wall time skipped in spring is not invoked, one repeated
 * in autumn is invoked once; a rate() without StartDate invokes at once, then every period.
 */
export interface ScheduleTiming {
  oneTime: boolean;
  /** The first invocation time strictly after `after` (ms), or undefined when there is none left. */
  next(after: number): number | undefined;
}

export interface TimingOptions {
  timezone?: string;
  startDate?: number;
  endDate?: number;
  /** Where a rate() schedule without a StartDate counts from (its creation). */
  origin: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      throw invalid(`Invalid ScheduleExpressionTimezone: "${zone}" is not an IANA time zone.`);
    }
    formatters.set(zone, f);
  }
  return f;
}

/** How far the zone's wall clock is ahead of UTC at `instant` (ms). */
export function zoneOffsetMs(zone: string, instant: number): number {
  if (zone === 'UTC') return 0;
  const parts = Object.fromEntries(formatter(zone).formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which the zone's wall clock shows `wall` (a wall time written as if UTC):
 * the earlier one when the fall-back hour shows it twice (AWS runs such a time once), and
 * undefined when the spring-forward jump skips it (AWS skips that invocation).
 */
export function wallToUtc(zone: string, wall: number): number | undefined {
  const first = wall - zoneOffsetMs(zone, wall);
  const candidates = [first, wall - zoneOffsetMs(zone, first), first - 3_600_000, first + 3_600_000].filter((c) => c + zoneOffsetMs(zone, c) === wall);
  return candidates.length ? Math.min(...candidates) : undefined;
}

function parseAt(body: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m) throw invalid(`Invalid Schedule Expression at(${body}): use at(yyyy-mm-ddThh:mm:ss).`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) throw invalid(`Invalid Schedule Expression at(${body}): not a date and time.`);
  return wall;
}

const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function parseScheduleExpression(expression: string, options: TimingOptions): ScheduleTiming {
  const zone = options.timezone ?? 'UTC';
  formatter(zone);
  const text = expression.trim();
  const at = /^at\((.*)\)$/.exec(text);
  if (at) {
    const due = wallToUtc(zone, parseAt((at[1] as string).trim()));
    return { oneTime: true, next: (after) => (due !== undefined && due > after ? due : undefined) };
  }
  const bounded = (t: number | undefined): number | undefined => (t === undefined || (options.endDate !== undefined && t > options.endDate) ? undefined : t);
  const from = (after: number): number => Math.max(after, (options.startDate ?? Number.NEGATIVE_INFINITY) - 1);
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(text);
  if (rate) {
    const n = Number(rate[1]);
    const unit = (rate[2] as string).replace(/s$/, '');
    if (n < 1 || (n === 1) !== !(rate[2] as string).endsWith('s')) throw invalid(`Invalid Schedule Expression ${text}: use rate(1 ${unit}) for one, rate(N ${unit}s) for more.`);
    const period = n * (RATE_UNITS[unit] as number);
    // Without a StartDate a rate schedule invokes at once, then every period (AWS's rule).
    const origin = options.startDate ?? options.origin;
    return { oneTime: false, next: (after) => bounded(after < origin ? origin : origin + (Math.floor((after - origin) / period) + 1) * period) };
  }
  if (!/^cron\(.*\)$/.test(text)) throw invalid(`Invalid Schedule Expression ${text}: use at(...), rate(...) or cron(...).`);
  let cron: ReturnType<typeof parseSchedule>;
  try {
    cron = parseSchedule(text);
  } catch (error) {
    throw invalid(`Invalid Schedule Expression ${text}: ${error instanceof Error ? error.message.replace(/^Parameter ScheduleExpression is not valid: /, '') : String(error)}`);
  }
  return {
    oneTime: false,
    next(after) {
      // Evaluate the cron fields on the zone's wall clock, then map back to an instant.
      // A wall time the zone skips is no invocation; one it shows twice is one invocation.
      let wallCursor = from(after) + zoneOffsetMs(zone, from(after));
      for (let guard = 0; guard < 200; guard++) {
        const wall = cron.next(wallCursor);
        if (!Number.isFinite(wall)) return undefined;
        const instant = wallToUtc(zone, wall);
        if (instant !== undefined && instant > after) return bounded(instant);
        wallCursor = wall;
      }
      return undefined;
    },
  };
}
