import { EventBridgeError } from './errors';

/**
 * EventBridge schedule expressions: `rate(N minute|minutes|hour|hours|day|days)` and
 * six-field `cron(minutes hours day-of-month month day-of-week year)` in UTC, with `*`,
 * `?`, lists, ranges, increments, month and day names, and the wildcards of the user guide:
 * `L` (last day of the month; alone in day-of-week, Saturday; `5L`, the last Thursday),
 * `W` in day-of-month (`15W`, the weekday nearest the 15th, within the month; `LW`, the last
 * weekday) and `#` in day-of-week (`3#2`, the second Tuesday).
 */

export interface Schedule {
  /** First fire time strictly after `after` (ms since epoch). */
  next(after: number): number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  any: boolean;
  values: Set<number>;
  last: boolean;
  /** Day-of-month `nW`: the weekday nearest day n. */
  nearest: number[];
  /** Day-of-month `LW`: the last weekday of the month. */
  lastWeekday: boolean;
  /** Day-of-week `nL`: the last such weekday of the month. */
  lastOf: number[];
  /** Day-of-week `n#k`: the k-th such weekday of the month. */
  nth: [number, number][];
}

function parseField(text: string, min: number, max: number, names: string[] | undefined, base: number, what: string): Field {
  if (text === '*' || text === '?') return { any: true, values: new Set(), last: false, nearest: [], lastWeekday: false, lastOf: [], nth: [] };
  const values = new Set<number>();
  let last = false;
  let lastWeekday = false;
  const nearest: number[] = [];
  const lastOf: number[] = [];
  const nth: [number, number][] = [];
  const num = (s: string): number => {
    const named = names?.indexOf(s.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + base : Number(s);
    if (!Number.isInteger(n) || n < min || n > max) throw new EventBridgeError('ValidationException', `Parameter ScheduleExpression is not valid: ${what} value "${s}" is out of range ${min}-${max}.`);
    return n;
  };
  for (const part of text.split(',')) {
    if (part === 'L') {
      last = true;
      continue;
    }
    const dayOfMonth = what === 'day-of-month';
    const dayOfWeek = what === 'day-of-week';
    if (dayOfMonth && part === 'LW') {
      lastWeekday = true;
      continue;
    }
    const w = dayOfMonth ? /^(\d{1,2})W$/.exec(part) : null;
    if (w) {
      nearest.push(num(w[1] as string));
      continue;
    }
    const l = dayOfWeek ? /^([A-Za-z]{3}|\d)L$/.exec(part) : null;
    if (l) {
      lastOf.push(num(l[1] as string));
      continue;
    }
    const hash = dayOfWeek ? /^([A-Za-z]{3}|\d)#(\d)$/.exec(part) : null;
    if (hash) {
      const k = Number(hash[2]);
      if (k < 1 || k > 5) throw new EventBridgeError('ValidationException', `Parameter ScheduleExpression is not valid: "${part}" in ${what}: the occurrence after # is 1 to 5.`);
      nth.push([num(hash[1] as string), k]);
      continue;
    }
    if (/[LW#]/.test(part)) throw new EventBridgeError('ValidationException', `Parameter ScheduleExpression is not valid: "${part}" is not a valid ${what} value.`);
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new EventBridgeError('ValidationException', `Parameter ScheduleExpression is not valid: bad increment in ${what} "${part}".`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [min, max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [from, to] = [num(a), num(b)];
    } else {
      from = num(range);
      to = stepText === undefined ? from : max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { any: false, values, last, nearest, lastWeekday, lastOf, nth };
}

/** Day of the week of a date, 0 (Sunday) to 6. */
const weekdayOf = (year: number, month: number, day: number): number => new Date(Date.UTC(year, month - 1, day)).getUTCDay();

/** The weekday (Monday to Friday) nearest day `n` of the month, never leaving the month; `undefined` when the month has no day n. */
function nearestWeekday(year: number, month: number, n: number, lastDay: number): number | undefined {
  if (n > lastDay) return undefined;
  const wd = weekdayOf(year, month, n);
  if (wd === 6) return n === 1 ? 3 : n - 1;
  if (wd === 0) return n === lastDay ? n - 2 : n + 1;
  return n;
}

/** The last weekday (Monday to Friday) of the month. */
function lastWeekdayOf(year: number, month: number, lastDay: number): number {
  const wd = weekdayOf(year, month, lastDay);
  return wd === 6 ? lastDay - 1 : wd === 0 ? lastDay - 2 : lastDay;
}

export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] as string;
    if (n < 1 || (n === 1) !== !unit.endsWith('s')) throw new EventBridgeError('ValidationException', `Parameter ScheduleExpression is not valid: use "rate(1 ${unit.replace(/s$/, '')})" for one, "rate(N ${unit.replace(/s?$/, 's')})" for more.`);
    const ms = n * (unit.startsWith('minute') ? 60_000 : unit.startsWith('hour') ? 3_600_000 : 86_400_000);
    const origin = Date.now();
    return { next: (after) => origin + (Math.floor((after - origin) / ms) + 1) * ms };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (!cron) throw new EventBridgeError('ValidationException', `Parameter ScheduleExpression is not valid: "${expression}" is neither rate(...) nor cron(...).`);
  const parts = (cron[1] as string).trim().split(/\s+/);
  if (parts.length !== 6) throw new EventBridgeError('ValidationException', `Parameter ScheduleExpression is not valid: cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}.`);
  const [mi, h, dom, mo, dow, y] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw new EventBridgeError('ValidationException', 'Parameter ScheduleExpression is not valid: exactly one of day-of-month and day-of-week must be "?".');
  const minutes = parseField(mi, 0, 59, undefined, 0, 'minutes');
  const hours = parseField(h, 0, 23, undefined, 0, 'hours');
  const days = parseField(dom, 1, 31, undefined, 1, 'day-of-month');
  const months = parseField(mo, 1, 12, MONTHS, 1, 'month');
  const weekdays = parseField(dow, 1, 7, DAYS, 1, 'day-of-week');
  const years = parseField(y, 1970, 2199, undefined, 0, 'year');
  const ok = (f: Field, v: number): boolean => f.any || f.values.has(v);
  return {
    next(after) {
      const t = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
      // Minute steps, skipping whole days/hours that cannot match; bounded to ~5 years.
      for (let guard = 0; guard < 5 * 366 * 24 * 60; guard++) {
        const year = t.getUTCFullYear();
        const month = t.getUTCMonth() + 1;
        const day = t.getUTCDate();
        const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
        const weekday = t.getUTCDay() + 1;
        const dayOk =
          dom !== '?'
            ? ok(days, day) || (days.last && day === lastDay) || (days.lastWeekday && day === lastWeekdayOf(year, month, lastDay)) || days.nearest.some((n) => nearestWeekday(year, month, n, lastDay) === day)
            : ok(weekdays, weekday) || (weekdays.last && weekday === 7) || (weekdays.lastOf.includes(weekday) && day + 7 > lastDay) || weekdays.nth.some(([wd, k]) => wd === weekday && Math.ceil(day / 7) === k);
        if (!ok(years, year) || !ok(months, month) || !dayOk) {
          t.setUTCHours(0, 0, 0, 0);
          t.setUTCDate(t.getUTCDate() + 1);
          continue;
        }
        if (!ok(hours, t.getUTCHours())) {
          t.setUTCMinutes(0, 0, 0);
          t.setUTCHours(t.getUTCHours() + 1);
          continue;
        }
        if (ok(minutes, t.getUTCMinutes())) return t.getTime();
        t.setUTCMinutes(t.getUTCMinutes() + 1);
      }
      return Number.POSITIVE_INFINITY;
    },
  };
}
