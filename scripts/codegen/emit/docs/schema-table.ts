import type { JsonSchema, JsonSchemaObject } from '../../schemas';

/** One row of an event's payload table. */
export interface FieldRow {
  /** Dotted path from the payload root; `[]` marks array items (`data.lines[].sku`). */
  path: string;
  type: string;
  required: boolean;
  constraints: string[];
  enum: string[];
  description?: string;
  pii: boolean;
}

const isObj = (v: unknown): v is JsonSchemaObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const DEF = '#/definitions/';
/** Deep enough for any real payload, shallow enough that a pathological one stays small. */
const MAX_DEPTH = 12;

const CONSTRAINT_KEYS = ['format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'const', 'default'] as const;

const refName = (s: JsonSchemaObject): string | undefined => (typeof s['$ref'] === 'string' && s['$ref'].startsWith(DEF) ? s['$ref'].slice(DEF.length) : undefined);

/** The short type label of a schema: `string`, `array<Money>`, `Circle | Square`. */
function typeLabel(schema: JsonSchema, definitions: Record<string, JsonSchema>, depth = 0): string {
  if (schema === true) return 'any';
  if (schema === false) return 'never';
  const name = refName(schema);
  if (name) {
    const target = definitions[name];
    // Named objects read better by name; a named scalar (an enum, a string) by its type.
    return isObj(target) && (target['type'] === 'object' || target['properties'] || target['oneOf'] || target['anyOf']) ? name : depth > 4 || target === undefined ? name : typeLabel(target, definitions, depth + 1);
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const members = schema[key];
    if (Array.isArray(members)) return members.map((m) => typeLabel(m as JsonSchema, definitions, depth + 1)).join(' | ');
  }
  const type = schema['type'];
  if (type === 'array') return `array<${isObj(schema['items']) ? typeLabel(schema['items'], definitions, depth + 1) : 'any'}>`;
  if (Array.isArray(type)) return type.join(' | ');
  if (typeof type === 'string') return type;
  if (schema['enum']) return 'enum';
  if (schema['properties']) return 'object';
  return 'any';
}

/** Follows `$ref`s to the schema they name; a name already in `seen` is a recursion. */
function resolve(schema: JsonSchema, definitions: Record<string, JsonSchema>, seen: Set<string>): { schema: JsonSchema; recursive?: string; seen: Set<string> } {
  const names = new Set(seen);
  let current = schema;
  for (let hops = 0; isObj(current) && hops < 16; hops += 1) {
    const name = refName(current);
    if (!name) break;
    if (names.has(name)) return { schema: current, recursive: name, seen: names };
    names.add(name);
    const target = definitions[name];
    if (target === undefined) break;
    current = target;
  }
  return { schema: current, seen: names };
}

function constraintsOf(schema: JsonSchemaObject): string[] {
  const out: string[] = [];
  for (const key of CONSTRAINT_KEYS) if (schema[key] !== undefined) out.push(`${key}: ${typeof schema[key] === 'string' ? String(schema[key]) : JSON.stringify(schema[key])}`);
  if (schema['additionalProperties'] === false) out.push('no extra properties');
  return out;
}

/**
 * Flattens a payload schema into rows, one per property at any depth, through `$ref`,
 * `allOf` (merged at the same path), `oneOf`/`anyOf` (members' properties under the same
 * path, marked) and array items. A recursive reference is one row naming its target.
 */
export function schemaRows(root: JsonSchema | undefined, definitions: Record<string, JsonSchema>): FieldRow[] {
  const rows: FieldRow[] = [];
  const byPath = new Map<string, FieldRow>();
  const add = (row: FieldRow): void => {
    const existing = byPath.get(row.path);
    if (existing) {
      // The same path from two allOf / oneOf members: keep one row, union what they say.
      existing.required ||= row.required;
      existing.pii ||= row.pii;
      for (const c of row.constraints) if (!existing.constraints.includes(c)) existing.constraints.push(c);
      for (const e of row.enum) if (!existing.enum.includes(e)) existing.enum.push(e);
      existing.description ??= row.description;
      return;
    }
    byPath.set(row.path, row);
    rows.push(row);
  };
  const walk = (schema: JsonSchema, path: string, required: boolean, depth: number, seen: Set<string>, note?: string): void => {
    if (depth > MAX_DEPTH) return;
    const { schema: s, recursive, seen: nextSeen } = resolve(schema, definitions, seen);
    if (path) {
      const obj = isObj(s) ? s : {};
      const described = isObj(schema) && typeof schema['description'] === 'string' ? schema['description'] : typeof obj['description'] === 'string' ? obj['description'] : undefined;
      add({
        path,
        type: recursive ? `${recursive} (recursive)` : typeLabel(schema, definitions),
        required,
        constraints: [...(note ? [note] : []), ...constraintsOf(obj)],
        enum: Array.isArray(obj['enum']) ? obj['enum'].map((e) => (typeof e === 'string' ? e : JSON.stringify(e))) : [],
        ...(described ? { description: described } : {}),
        pii: obj['x-pii'] === true || (isObj(schema) && schema['x-pii'] === true),
      });
    }
    if (recursive || !isObj(s)) return;
    const requiredKeys = Array.isArray(s['required']) ? s['required'].filter((k): k is string => typeof k === 'string') : [];
    const props = s['properties'];
    if (isObj(props)) for (const [key, child] of Object.entries(props)) walk(child as JsonSchema, path ? `${path}.${key}` : key, requiredKeys.includes(key), depth + 1, nextSeen);
    if (isObj(s['items'])) walk(s['items'], `${path}[]`, false, depth + 1, nextSeen);
    if (Array.isArray(s['allOf'])) for (const m of s['allOf']) walkMembers(m as JsonSchema, path, depth, nextSeen);
    for (const key of ['oneOf', 'anyOf'] as const) {
      const members = s[key];
      if (Array.isArray(members)) members.forEach((m, i) => walkMembers(m as JsonSchema, path, depth, nextSeen, `${key} #${i + 1}: ${typeLabel(m as JsonSchema, definitions)}`));
    }
  };
  // A composition member's properties sit at the parent's path, not as a row of their own.
  const walkMembers = (member: JsonSchema, path: string, depth: number, seen: Set<string>, note?: string): void => {
    const { schema: s, recursive, seen: nextSeen } = resolve(member, definitions, seen);
    if (recursive || !isObj(s)) return;
    const requiredKeys = Array.isArray(s['required']) ? s['required'].filter((k): k is string => typeof k === 'string') : [];
    const props = s['properties'];
    if (isObj(props)) for (const [key, child] of Object.entries(props)) walk(child as JsonSchema, path ? `${path}.${key}` : key, requiredKeys.includes(key), depth + 1, nextSeen, note);
    if (Array.isArray(s['allOf'])) for (const m of s['allOf']) walkMembers(m as JsonSchema, path, depth + 1, nextSeen, note);
  };
  if (root !== undefined) walk(root, '', true, 0, new Set());
  return rows;
}
