import { EventBridgeError } from './errors';

/**
 * EventBridge schedule expressions: `rate(N minute|minutes|hour|hours|day|days)` and
 * six-field `cron(minutes hours day-of-month month day-of-week year)` in UTC, with `*`,
 * `?`, lists, ranges, increments, month and day names, and `L` in day-of-month/-week.
 * (`W` and `#` are refused with a message.)
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
}

function parseField(text: string, min: number, max: number, names: string[] | undefined, base: number, what: string): Field {
  if (text === '*' || text === '?') return { any: true, values: new Set(), last: false };
  const values = new Set<number>();
  let last = false;
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
    if (/[W#]/.test(part) || /\dL$/.test(part)) throw new EventBridgeError('ValidationException', `Parameter ScheduleExpression is not valid: "${part}" in ${what} is not supported by the local runtime.`);
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
  return { any: false, values, last };
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
        const dayOk = dom !== '?' ? ok(days, day) || (days.last && day === lastDay) : ok(weekdays, weekday) || (weekdays.last && weekday === 7);
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
