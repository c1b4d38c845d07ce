/**
 * What a rule target receives, as EventBridge builds it: the whole event, a constant `Input`,
 * the part of the event an `InputPath` selects, or an `InputTransformer`'s template filled
 * with `InputPathsMap` variables and the reserved `aws.events.*` variables. Plus the checks
 * PutTargets makes on those fields. Pure functions: no I/O, no clock.
 *
 * Substitution follows the EventBridge user guide ("Input transformation", examples and
 * common issues):
 * - a placeholder inside a quoted string of the template gets the value's text unescaped; an
 *   object or array there loses its inner quotes (`"Detail is <detail>"` gives
 *   `"Detail is {instance-id:i-0123456789,state:RUNNING}"`);
 * - outside quotes, in a JSON template (one that starts with `{`), a string is quoted, an
 *   object, array, number, boolean or null is written as JSON; in a text template the value's
 *   text is written as is;
 * - a variable whose path matches nothing is empty inside quotes and `null` outside quotes in
 *   a JSON template (a placeholder naming no variable is refused by PutTargets, as AWS does);
 * - values are never escaped (the guide: "EventBridge doesn't escape values extracted by
 *   Input Path").
 */
import { EventBridgeError } from './errors';
import type { EventBridgeEvent, InputTransformer, Json, Target } from './types';

/** What the reserved variables are made of, besides the event. */
export interface TransformContext {
  ruleName: string;
  ruleArn: string;
  /** When EventBridge received the event, ISO 8601. */
  ingestionTime: string;
}

/** AWS limits on the target input fields (API reference, Target and InputTransformer). */
export const INPUT_LIMITS = { input: 8192, inputPath: 256, template: 8192, pathsMapEntries: 100, pathsMapKey: 256, pathsMapValue: 256 } as const;

const RESERVED = ['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event', 'aws.events.event.json', 'aws.events.event.ingestion-time'] as const;
const KEY_PATTERN = /^[A-Za-z0-9_-]+$/;
const PLACEHOLDER = /^<([A-Za-z0-9_.-]+)>/;

type Segment = { kind: 'key'; name: string } | { kind: 'index'; index: number } | { kind: 'wild' };

/**
 * Parses the JSONPath subset EventBridge supports: `$`, dot notation (names with letters,
 * digits, dashes, underscores, slashes...), array indices `[0]` and wildcards `.*` / `[*]`.
 * Bracketed names (`['a']`) are not supported, as AWS asks for dot notation. `undefined` when
 * the text is not such a path.
 */
export function parsePath(path: string): Segment[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const segments: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j += 1;
      const name = path.slice(i + 1, j);
      if (!name || /[\s\]"']/.test(name)) return undefined;
      segments.push(name === '*' ? { kind: 'wild' } : { kind: 'key', name });
      i = j;
    } else if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return undefined;
      const inner = path.slice(i + 1, close);
      if (inner === '*') segments.push({ kind: 'wild' });
      else if (/^\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else return undefined;
      i = close + 1;
    } else {
      return undefined;
    }
  }
  return segments;
}

/**
 * The value a path selects in `doc`; `undefined` when it selects nothing. A path with a
 * wildcard selects the list of every match.
 */
export function selectPath(doc: unknown, path: string): unknown {
  const segments = parsePath(path);
  if (!segments) return undefined;
  let current: unknown[] = [doc];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (segment.kind === 'key') {
        if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, segment.name)) next.push((value as Json)[segment.name]);
      } else if (segment.kind === 'index') {
        if (Array.isArray(value) && segment.index < value.length) next.push(value[segment.index]);
      } else if (Array.isArray(value)) {
        next.push(...value);
      } else if (typeof value === 'object' && value !== null) {
        next.push(...Object.values(value));
      }
    }
    current = next;
  }
  if (segments.some((s) => s.kind === 'wild')) return current;
  return current[0];
}

const isJsonTemplate = (template: string): boolean => template.trimStart().startsWith('{');

/** The text a value becomes at a placeholder, by where the placeholder stands. */
function render(value: unknown, inString: boolean, jsonTemplate: boolean): string {
  if (value === undefined) return inString || !jsonTemplate ? '' : 'null';
  if (typeof value === 'string') return inString || !jsonTemplate ? value : `"${value}"`;
  const json = JSON.stringify(value);
  if (inString && typeof value === 'object' && value !== null) return json.replace(/"/g, '');
  return json;
}

/** Fills an InputTemplate: `lookup` answers a placeholder's value (`undefined`: none). */
export function fillTemplate(template: string, lookup: (name: string) => unknown): string {
  const jsonTemplate = isJsonTemplate(template);
  let out = '';
  let inString = false;
  let i = 0;
  while (i < template.length) {
    const c = template[i] as string;
    if (c === '\\' && inString) {
      out += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '"') inString = !inString;
    if (c === '<') {
      const match = PLACEHOLDER.exec(template.slice(i, i + 300));
      if (match) {
        out += render(lookup(match[1] as string), inString, jsonTemplate);
        i += match[0].length;
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return out;
}

/**
 * The event as `<aws.events.event>` gives it: the original event without its `detail` (user
 * guide), in the shape AWS was recorded answering (LocalStack's AWS-validated snapshot
 * `test_input_transformer_predefined_variables`): `detailType` instead of `detail-type`, and
 * the ingestion time as `time`.
 */
function withoutDetail(event: EventBridgeEvent, ingestionTime: string): Json {
  return { id: event.id, account: event.account, detailType: event['detail-type'], time: ingestionTime, source: event.source, region: event.region, resources: event.resources, version: event.version };
}

/** Applies an InputTransformer to an event. */
export function transformInput(transformer: InputTransformer, event: EventBridgeEvent, context: TransformContext): string {
  const reserved: Record<(typeof RESERVED)[number], unknown> = {
    'aws.events.rule-arn': context.ruleArn,
    'aws.events.rule-name': context.ruleName,
    'aws.events.event': withoutDetail(event, context.ingestionTime),
    'aws.events.event.json': event,
    'aws.events.event.ingestion-time': context.ingestionTime,
  };
  return fillTemplate(transformer.inputTemplate, (name) => {
    if (name in reserved) return reserved[name as keyof typeof reserved];
    const path = transformer.inputPathsMap[name];
    return path === undefined ? undefined : selectPath(event, path);
  });
}

/** The payload a target receives for an event: Input, InputPath, InputTransformer, or the whole event. */
export function targetPayload(target: Pick<Target, 'input' | 'inputPath' | 'inputTransformer'>, event: EventBridgeEvent, context: TransformContext): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) return JSON.stringify(selectPath(event, target.inputPath) ?? null);
  if (target.inputTransformer) return transformInput(target.inputTransformer, event, context);
  return JSON.stringify(event);
}

const invalid = (message: string): EventBridgeError => new EventBridgeError('ValidationException', message);

/**
 * PutTargets' checks on one target's input fields, as AWS makes them: at most one of Input,
 * InputPath and InputTransformer; Input valid JSON text; paths valid JSONPath; InputPathsMap
 * keys matching `[A-Za-z0-9_-]+` and not reserved, at most 100 of them; the template's
 * length; every placeholder a variable or a reserved name; a JSON template (starting with
 * `{`) valid JSON once its placeholders are filled.
 */
export function checkTargetInput(target: Pick<Target, 'id' | 'input' | 'inputPath' | 'inputTransformer'>): void {
  const given = [target.input, target.inputPath, target.inputTransformer].filter((x) => x !== undefined).length;
  if (given > 1) throw invalid(`Only one of Input, InputPath, or InputTransformer must be provided for target ${target.id}.`);
  if (target.input !== undefined) {
    if (target.input.length > INPUT_LIMITS.input) throw invalid(`1 validation error detected: Value at 'targets.member.input' failed to satisfy constraint: Member must have length less than or equal to ${INPUT_LIMITS.input}`);
    try {
      JSON.parse(target.input);
    } catch {
      throw invalid(`Input for target ${target.id} is not valid JSON text.`);
    }
  }
  if (target.inputPath !== undefined) {
    if (target.inputPath.length > INPUT_LIMITS.inputPath) throw invalid(`1 validation error detected: Value at 'targets.member.inputPath' failed to satisfy constraint: Member must have length less than or equal to ${INPUT_LIMITS.inputPath}`);
    if (!parsePath(target.inputPath)) throw invalid(`InputPath for target ${target.id} is not a valid JSON path: ${target.inputPath}`);
  }
  const transformer = target.inputTransformer;
  if (!transformer) return;
  const template = transformer.inputTemplate;
  if (template.length < 1 || template.length > INPUT_LIMITS.template) {
    throw invalid(`1 validation error detected: Value at 'targets.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must have length between 1 and ${INPUT_LIMITS.template}`);
  }
  const entries = Object.entries(transformer.inputPathsMap);
  if (entries.length > INPUT_LIMITS.pathsMapEntries) {
    throw invalid(`1 validation error detected: Value at 'targets.member.inputTransformer.inputPathsMap' failed to satisfy constraint: Member must have length less than or equal to ${INPUT_LIMITS.pathsMapEntries}`);
  }
  for (const [key, path] of entries) {
    if ((RESERVED as readonly string[]).includes(key) || key.toLowerCase().startsWith('aws.')) throw invalid(`InputTransformer for target ${target.id}: ${key} is a reserved variable name.`);
    if (key.length > INPUT_LIMITS.pathsMapKey || !KEY_PATTERN.test(key)) {
      throw invalid(`1 validation error detected: Value at 'targets.member.inputTransformer.inputPathsMap' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to ${INPUT_LIMITS.pathsMapKey}, Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]`);
    }
    if (path.length > INPUT_LIMITS.pathsMapValue || !parsePath(path)) throw invalid(`InputPathsMap for target ${target.id}: ${path} (key ${key}) is not a valid JSON path.`);
  }
  const placeholders = new Set<string>();
  fillTemplate(template, (name) => void placeholders.add(name));
  for (const name of placeholders) {
    if (!(RESERVED as readonly string[]).includes(name) && !Object.prototype.hasOwnProperty.call(transformer.inputPathsMap, name)) {
      throw invalid(`InputTemplate for target ${target.id} contains invalid placeholder ${name}.`);
    }
  }
  if (isJsonTemplate(template)) {
    try {
      JSON.parse(fillTemplate(template, () => undefined));
    } catch (error) {
      throw invalid(`Invalid InputTemplate for target ${target.id} : ${(error as Error).message}`);
    }
  }
}
