/**
 * The input constraints EventBridge checks before anything else, with the errors AWS answers
 * (API reference, "Length Constraints" and "Pattern" of each parameter; quotas page for the
 * event pattern size): names of rules, buses and archives, the event pattern's size, schedule
 * expressions (only on the default bus), archive retention. Used by the API handlers and by
 * the backend itself, so a template's rules, buses and archives are held to the same rules.
 */
import { EventBridgeError } from './errors';
import { parseSchedule } from './schedule';

/** `[\.\-_A-Za-z0-9]+`: rule, archive and replay names. */
const NAME_PATTERN = /^[.\-_A-Za-z0-9]+$/;
const NAME_PATTERN_TEXT = '[\\.\\-_A-Za-z0-9]+';
/** `[/\.\-_A-Za-z0-9]+`: event bus names (the `/` only for partner buses, refused here). */
const BUS_PATTERN = /^[/.\-_A-Za-z0-9]+$/;
const BUS_PATTERN_TEXT = '[/\\.\\-_A-Za-z0-9]+';

/** AWS limits used here. */
export const LIMITS = { ruleName: 64, busName: 256, archiveName: 48, description: 512, eventPattern: 2048, scheduleExpression: 256 } as const;

interface Constraint {
  min?: number;
  max?: number;
  pattern?: { re: RegExp; text: string };
}

/** The violations of one string parameter, worded as AWS words them. */
function violations(value: string, field: string, c: Constraint): string[] {
  const out: string[] = [];
  const shown = value.length > 100 ? `${value.slice(0, 100)}...` : value;
  if (c.min !== undefined && c.max !== undefined && (value.length < c.min || value.length > c.max)) {
    out.push(`Value '${shown}' at '${field}' failed to satisfy constraint: Member must have length ${value.length < c.min ? `greater than or equal to ${c.min}` : `less than or equal to ${c.max}`}`);
  } else if (c.max !== undefined && value.length > c.max) {
    out.push(`Value '${shown}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${c.max}`);
  }
  if (c.pattern && value.length > 0 && !c.pattern.re.test(value)) out.push(`Value '${shown}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${c.pattern.text}`);
  return out;
}

/** Throws AWS's `ValidationException` ("N validation error(s) detected: ...") when there are violations. */
export function check(list: string[]): void {
  if (!list.length) return;
  throw new EventBridgeError('ValidationException', `${list.length} validation error${list.length > 1 ? 's' : ''} detected: ${list.join('; ')}`);
}

export const ruleNameViolations = (name: string): string[] => violations(name, 'name', { min: 1, max: LIMITS.ruleName, pattern: { re: NAME_PATTERN, text: NAME_PATTERN_TEXT } });
export const archiveNameViolations = (name: string, field = 'archiveName'): string[] => violations(name, field, { min: 1, max: LIMITS.archiveName, pattern: { re: NAME_PATTERN, text: NAME_PATTERN_TEXT } });
export const descriptionViolations = (description: string | undefined): string[] => (description === undefined ? [] : violations(description, 'description', { max: LIMITS.description }));

/** A rule name: 1 to 64 of letters, digits, `.`, `-`, `_`. */
export function checkRuleName(name: string): void {
  check(ruleNameViolations(name));
}

/** An archive name: 1 to 48 of letters, digits, `.`, `-`, `_`. */
export function checkArchiveName(name: string): void {
  check(archiveNameViolations(name));
}

/**
 * A custom event bus name: 1 to 256 of letters, digits, `.`, `-`, `_`; a `/` only belongs to
 * partner event buses (`aws.partner/...`, made from an event source), so it is refused.
 */
export function checkBusName(name: string): void {
  check(violations(name, 'name', { min: 1, max: LIMITS.busName, pattern: { re: BUS_PATTERN, text: BUS_PATTERN_TEXT } }));
  if (name.includes('/')) throw new EventBridgeError('ValidationException', `Event bus name must not contain '/'.`);
}

/**
 * The event pattern's size: 2,048 characters (the "Event pattern size" quota; the API's 4,096
 * is only reachable by raising the quota), refused as an invalid pattern.
 */
export function checkPatternSize(text: string): void {
  if (text.length > LIMITS.eventPattern) {
    throw new EventBridgeError('InvalidEventPatternException', `Event pattern is not valid. Reason: the pattern is ${text.length} characters long, longer than the ${LIMITS.eventPattern} characters allowed.`);
  }
}

/**
 * A rule's schedule expression: `rate(...)` or six-field `cron(...)` (`schedule.ts`), 256
 * characters at most, and only on the default event bus.
 */
export function checkSchedule(expression: string, busName: string): void {
  check(violations(expression, 'scheduleExpression', { max: LIMITS.scheduleExpression }));
  parseSchedule(expression);
  if (busName !== 'default') throw new EventBridgeError('ValidationException', 'ScheduleExpression is supported only on the default event bus.');
}

/** Archive retention: 0 (keep forever) or more days. */
export function checkRetention(days: number | undefined): void {
  if (days === undefined) return;
  if (!Number.isInteger(days) || days < 0) check([`Value '${days}' at 'retentionDays' failed to satisfy constraint: Member must have value greater than or equal to 0`]);
}
