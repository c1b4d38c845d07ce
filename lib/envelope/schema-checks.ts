// The helpers every generated validator calls: generated/validators/compiled.ts imports
// them from here (codegen emits the schema-specific checks only). Validators are plain
// functions compiled from the spec's JSON Schemas at codegen time: the happy path is inline
// checks, and these helpers only run to record an error, so the code a function bundles
// stays small (esbuild hoists them into the bundle, so calls stay direct). Errors have the
// shape, keywords, params and messages of Ajv's (allErrors), which judges the same schemas
// at codegen time; tests compare both on every message of the spec.
import type { StandaloneValidator } from './validation';

export type { StandaloneValidator };

/** One schema violation, in Ajv's shape. */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

/** Checks `value` (at JSON pointer `path`) and appends what fails to `errors`. */
export type Check = (value: unknown, path: string, errors: SchemaError[]) => void;

function message(keyword: string, params: Record<string, unknown>): string {
  const p = params as Record<string, string | number>;
  switch (keyword) {
    case 'type':
      return `must be ${p['type']}`;
    case 'required':
      return `must have required property '${p['missingProperty']}'`;
    case 'additionalProperties':
      return 'must NOT have additional properties';
    case 'enum':
      return 'must be equal to one of the allowed values';
    case 'const':
      return 'must be equal to constant';
    case 'format':
      return `must match format "${p['format']}"`;
    case 'pattern':
      return `must match pattern "${p['pattern']}"`;
    case 'minLength':
    case 'maxLength':
      return `must NOT have ${keyword === 'minLength' ? 'fewer' : 'more'} than ${p['limit']} characters`;
    case 'minItems':
    case 'maxItems':
      return `must NOT have ${keyword === 'minItems' ? 'fewer' : 'more'} than ${p['limit']} items`;
    case 'minProperties':
    case 'maxProperties':
      return `must NOT have ${keyword === 'minProperties' ? 'fewer' : 'more'} than ${p['limit']} properties`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${p['comparison']} ${p['limit']}`;
    case 'multipleOf':
      return `must be multiple of ${p['multipleOf']}`;
    case 'uniqueItems':
      return `must NOT have duplicate items (items ## ${p['j']} and ${p['i']} are identical)`;
    case 'dependentRequired':
    case 'dependencies':
      return `must have ${p['depsCount'] === 1 ? 'property' : 'properties'} ${p['deps']} when property ${p['property']} is present`;
    default:
      return `must pass "${keyword}" keyword validation`;
  }
}

/** Records one error. */
export function fail(errors: SchemaError[], path: string, keyword: string, params: Record<string, unknown>): void {
  errors.push({ instancePath: path, keyword, params, message: message(keyword, params) });
}

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** String length in code points, as JSON Schema counts it; a native scan when there are no surrogates. */
export function length(str: string): number {
  if (!SURROGATE.test(str)) return str.length;
  const len = str.length;
  let count = 0;
  let pos = 0;
  while (pos < len) {
    count++;
    const unit = str.charCodeAt(pos++);
    if (unit >= 0xd800 && unit <= 0xdbff && pos < len && (str.charCodeAt(pos) & 0xfc00) === 0xdc00) pos++;
  }
  return count;
}

/** JSON Schema equality (enum, const, uniqueItems): deep, key order ignored. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a !== a && b !== b;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const ob = b as Record<string, unknown>;
  return ka.length === Object.keys(ob).length && ka.every((k) => Object.prototype.hasOwnProperty.call(ob, k) && equal((a as Record<string, unknown>)[k], ob[k]));
}

/** Whether `value` is one of `allowed` (JSON Schema equality). */
export function oneOf(allowed: readonly unknown[], value: unknown): boolean {
  for (const a of allowed) if (a === value || (typeof a === 'object' && equal(a, value))) return true;
  return false;
}

/** Whether `value` has JSON Schema type `type` (a scalar one). */
function hasType(value: unknown, type: string): boolean {
  if (type === 'null') return value === null;
  if (type === 'integer') return Number.isInteger(value);
  return typeof value === type;
}

/**
 * uniqueItems: records the first duplicate pair found from the end, as Ajv does. With a
 * scalar item type, only items of that type are compared (the others fail `items`).
 */
export function unique(items: readonly unknown[], path: string, errors: SchemaError[], itemType?: string): void {
  if (itemType !== undefined) {
    const seen = new Map<unknown, number>();
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (!hasType(item, itemType)) continue;
      const j = seen.get(item);
      if (j !== undefined) return fail(errors, path, 'uniqueItems', { i, j });
      seen.set(item, i);
    }
    return;
  }
  for (let i = items.length - 1; i > 0; i--) {
    for (let j = i - 1; j >= 0; j--) {
      if (equal(items[i], items[j])) return fail(errors, path, 'uniqueItems', { i, j });
    }
  }
}

/** `dependentRequired` / `dependencies` (array form): present `property` needs every one of `deps`. */
export function dependent(object: Record<string, unknown>, path: string, errors: SchemaError[], keyword: string, property: string, deps: readonly string[]): void {
  if (object[property] === undefined) return;
  for (const missing of deps) {
    if (object[missing] === undefined) fail(errors, path, keyword, { property, missingProperty: missing, depsCount: deps.length, deps: deps.join(', ') });
  }
}

/** `required`: every missing property of `object`. */
export function required(object: Record<string, unknown>, path: string, names: readonly string[], errors: SchemaError[]): void {
  for (const name of names) if (object[name] === undefined) fail(errors, path, 'required', { missingProperty: name });
}

/**
 * A scalar schema as data: its type (`t`) and its keywords, minLength (`n`), maxLength
 * (`x`), pattern (`p`, source `ps`), format (`f`, name `fn`), minimum, maximum,
 * exclusiveMinimum, exclusiveMaximum, multipleOf and enum (`en`).
 */
export interface Leaf {
  t: string;
  n: number | undefined;
  x: number | undefined;
  p: RegExp | undefined;
  ps: string | undefined;
  f: RegExp | undefined;
  fn: string | undefined;
  min: number | undefined;
  max: number | undefined;
  emin: number | undefined;
  emax: number | undefined;
  mul: number | undefined;
  en: readonly unknown[] | undefined;
}

/** Builds a Leaf with every field present, so every rule has one shape (fast property reads). */
export function rule(r: Partial<Leaf> & { t: string }): Leaf {
  return { t: r.t, n: r.n, x: r.x, p: r.p, ps: r.ps, f: r.f, fn: r.fn, min: r.min, max: r.max, emin: r.emin, emax: r.emax, mul: r.mul, en: r.en };
}

/** Checks an optional property of a string schema; `base + suffix` is its path (built only on error). */
export function str(value: unknown, base: string, suffix: string, r: Leaf, errors: SchemaError[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string') {
    fail(errors, base + suffix, 'type', { type: 'string' });
  } else {
    if (r.n !== undefined || r.x !== undefined) {
      const n = length(value);
      if (r.x !== undefined && n > r.x) fail(errors, base + suffix, 'maxLength', { limit: r.x });
      if (r.n !== undefined && n < r.n) fail(errors, base + suffix, 'minLength', { limit: r.n });
    }
    if (r.p !== undefined && !r.p.test(value)) fail(errors, base + suffix, 'pattern', { pattern: r.ps });
    if (r.f !== undefined && !r.f.test(value)) fail(errors, base + suffix, 'format', { format: r.fn });
  }
  if (r.en !== undefined && !oneOf(r.en, value)) fail(errors, base + suffix, 'enum', { allowedValues: r.en });
}

/** Checks an optional property of a number or integer schema. */
export function num(value: unknown, base: string, suffix: string, r: Leaf, errors: SchemaError[]): void {
  if (value === undefined) return;
  if (typeof value !== 'number') {
    fail(errors, base + suffix, 'type', { type: r.t });
  } else {
    if (r.t === 'integer' ? !Number.isInteger(value) : !isFinite(value)) fail(errors, base + suffix, 'type', { type: r.t });
    if (r.max !== undefined && value > r.max) fail(errors, base + suffix, 'maximum', { comparison: '<=', limit: r.max });
    if (r.min !== undefined && value < r.min) fail(errors, base + suffix, 'minimum', { comparison: '>=', limit: r.min });
    if (r.emax !== undefined && value >= r.emax) fail(errors, base + suffix, 'exclusiveMaximum', { comparison: '<', limit: r.emax });
    if (r.emin !== undefined && value <= r.emin) fail(errors, base + suffix, 'exclusiveMinimum', { comparison: '>', limit: r.emin });
    if (r.mul !== undefined && (value / r.mul) % 1 !== 0) fail(errors, base + suffix, 'multipleOf', { multipleOf: r.mul });
  }
  if (r.en !== undefined && !oneOf(r.en, value)) fail(errors, base + suffix, 'enum', { allowedValues: r.en });
}

/** Checks an optional property with the function of the definition it refers to. */
export function ref(value: unknown, base: string, suffix: string, check: Check, errors: SchemaError[]): void {
  if (value !== undefined) check(value, base + suffix, errors);
}

/** Checks an optional property of a boolean or null schema. */
export function scalar(value: unknown, base: string, suffix: string, r: Leaf, errors: SchemaError[]): void {
  if (value === undefined) return;
  if (r.t === 'null' ? value !== null : typeof value !== 'boolean') fail(errors, base + suffix, 'type', { type: r.t });
  if (r.en !== undefined && !oneOf(r.en, value)) fail(errors, base + suffix, 'enum', { allowedValues: r.en });
}

/** JSON pointer segment of a property name. */
export function segment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Wraps a check as a standalone validate function (`validate(data)` + `validate.errors`, like Ajv's). */
export function validator(check: Check): StandaloneValidator {
  const validate: StandaloneValidator = (data: unknown): boolean => {
    const errors: SchemaError[] = [];
    check(data, '', errors);
    validate.errors = errors.length ? errors : null;
    return errors.length === 0;
  };
  return validate;
}
