import { NameRegistry, pascalCase, typeName } from './naming';

/** A JSON Schema (draft-07 superset, as AsyncAPI schemas are). */
export type JsonSchema = boolean | JsonSchemaObject;
export interface JsonSchemaObject {
  [keyword: string]: unknown;
}

export interface SchemaRoot {
  /** The schema object as the parser resolved it (object identity shared across refs). */
  schema: JsonSchema;
  /** The name this root should get when it is not already named by its component key. */
  preferredName: string;
  /** Named on purpose: a component key or a message payload, never renamed by its title. */
  authoritative: boolean;
  /** JSON pointer of the root in the resolved document. */
  pointer: string;
}

/**
 * The parser leaves recursive `$ref`s unresolved (`{ $ref: '#/Node' }`, relative to the
 * file they are written in). This finds which enclosing schema such a ref points to.
 */
export type CircularRefResolver = (ref: string, pointer: string, ancestors: { schema: JsonSchemaObject; pointer: string }[]) => JsonSchemaObject | undefined;

export class UnresolvedRefError extends Error {
  constructor(readonly ref: string, readonly pointer: string) {
    super(`cannot resolve $ref "${ref}"`);
    this.name = 'UnresolvedRefError';
  }
}

export interface SchemaBundle {
  /** Every named schema, keyed by its final type name, `$ref`s as `#/definitions/Name`. */
  definitions: Record<string, JsonSchema>;
  /** The final name of each root, in the order the roots were given. */
  rootNames: string[];
}

const ANONYMOUS = /^<anonymous-schema-\d+>$/;
const SUBSCHEMA_MAP_KEYS = ['properties', 'patternProperties', 'dependentSchemas'];
// The parser has already resolved every $ref, so local definitions are dead weight.
const DROPPED_KEYS = new Set(['definitions', '$defs', '$id', '$schema']);
const SUBSCHEMA_KEYS = ['additionalProperties', 'items', 'additionalItems', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'];
const SUBSCHEMA_ARRAY_KEYS = ['allOf', 'anyOf', 'oneOf', 'items', 'prefixItems'];

function isObject(value: unknown): value is JsonSchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const esc = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Calls `visit` for each direct subschema with its JSON-pointer suffix. */
function forEachSubschema(schema: JsonSchemaObject, visit: (child: JsonSchemaObject, suffix: string) => void): void {
  for (const key of SUBSCHEMA_MAP_KEYS) {
    const map = schema[key];
    if (isObject(map)) for (const [prop, child] of Object.entries(map)) if (isObject(child)) visit(child, `/${key}/${esc(prop)}`);
  }
  for (const key of SUBSCHEMA_KEYS) {
    const child = schema[key];
    if (isObject(child)) visit(child, `/${key}`);
  }
  for (const key of SUBSCHEMA_ARRAY_KEYS) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((child, i) => isObject(child) && visit(child, `/${key}/${i}`));
  }
  const deps = schema['dependencies'];
  if (isObject(deps)) for (const [prop, child] of Object.entries(deps)) if (isObject(child)) visit(child, `/dependencies/${esc(prop)}`);
}

/** Structural equality of two schema graphs, ignoring parser annotations; cycle-safe. */
function sameSchema(a: unknown, b: unknown, seen = new Map<object, Set<object>>()): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const pairs = seen.get(a) ?? new Set<object>();
  if (pairs.has(b)) return true;
  pairs.add(b);
  seen.set(a, pairs);
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => sameSchema(v, (b as unknown[])[i], seen));
  const keys = (o: object): string[] => Object.keys(o).filter((k) => !k.startsWith('x-parser-')).sort();
  const ka = keys(a);
  const kb = keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameSchema((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], seen));
}

/**
 * Makes structurally equal schemas with the same title one object. The parser may hand
 * out separate copies of a schema reached through different $ref paths (depending on the
 * order its async file reads finish), which would otherwise yield `Foo` and `Foo2`.
 * Rewrites parent slots in place; returns the canonical object for each root.
 */
function canonicalizeCopies(roots: JsonSchema[]): JsonSchema[] {
  const byTitle = new Map<string, JsonSchemaObject[]>();
  const visited = new Set<JsonSchemaObject>();
  const canonical = (schema: JsonSchemaObject): JsonSchemaObject => {
    const title = schema['title'];
    if (typeof title !== 'string') return schema;
    const candidates = byTitle.get(title) ?? [];
    const found = candidates.find((c) => c === schema || sameSchema(c, schema));
    if (found) return found;
    candidates.push(schema);
    byTitle.set(title, candidates);
    return schema;
  };
  const walk = (schema: JsonSchemaObject): void => {
    if (visited.has(schema)) return;
    visited.add(schema);
    const replace = (container: Record<string, unknown> | unknown[], key: string | number, child: JsonSchemaObject): void => {
      const c = canonical(child);
      if (c !== child) (container as Record<string | number, unknown>)[key] = c;
      walk(c);
    };
    for (const key of SUBSCHEMA_MAP_KEYS) {
      const map = schema[key];
      if (isObject(map)) for (const [prop, child] of Object.entries(map)) if (isObject(child)) replace(map, prop, child);
    }
    for (const key of SUBSCHEMA_KEYS) {
      const child = schema[key];
      if (isObject(child)) replace(schema, key, child);
    }
    for (const key of SUBSCHEMA_ARRAY_KEYS) {
      const list = schema[key];
      if (Array.isArray(list)) list.forEach((child, i) => isObject(child) && replace(list, i, child));
    }
    const deps = schema['dependencies'];
    if (isObject(deps)) for (const [prop, child] of Object.entries(deps)) if (isObject(child)) replace(deps, prop, child);
  };
  return roots.map((root) => {
    if (!isObject(root)) return root;
    const c = canonical(root);
    walk(c);
    return c;
  });
}

/** Whether modelina turns this schema into a model of its own, so it needs a good name. */
function needsTitle(schema: JsonSchemaObject): boolean {
  return (
    schema['type'] === 'object' ||
    isObject(schema['properties']) ||
    Array.isArray(schema['enum']) ||
    Array.isArray(schema['oneOf']) ||
    Array.isArray(schema['anyOf']) ||
    Array.isArray(schema['allOf']) ||
    (Array.isArray(schema['type']) && (schema['type'] as unknown[]).includes('object'))
  );
}

/**
 * Turns the resolved schema graph into one bundle of named definitions:
 * - a schema is hoisted to a definition when it is a root (message payload, component),
 *   has a component name from the parser, or is reached twice (shared or recursive);
 * - every other object, enum or union gets a `title` derived from where it sits, so the
 *   model generator never falls back to names like `AnonymousSchema_9`;
 * - parser annotations (`x-parser-*`) and nested `$id`/`$schema` are dropped.
 * Deterministic: names depend only on the order of roots and keys.
 */
export function bundleSchemas(roots: SchemaRoot[], resolveCircular: CircularRefResolver = () => undefined, reservedNames: Iterable<string> = []): SchemaBundle {
  const registry = new NameRegistry(reservedNames);
  const canonicalRoots = canonicalizeCopies(roots.map((r) => r.schema));
  roots = roots.map((r, i) => ({ ...r, schema: canonicalRoots[i] as JsonSchema }));
  const seenCount = new Map<JsonSchemaObject, number>();
  const stack: { schema: JsonSchemaObject; pointer: string }[] = [];
  const recursive = new Set<JsonSchemaObject>();
  const circularTargets = new Map<JsonSchemaObject, JsonSchemaObject>();

  const count = (schema: JsonSchemaObject, pointer: string): void => {
    const ref = schema['$ref'];
    if (typeof ref === 'string') {
      const target = resolveCircular(ref, pointer, [...stack]);
      if (!target) throw new UnresolvedRefError(ref, pointer);
      circularTargets.set(schema, target);
      recursive.add(target);
      return;
    }
    const n = (seenCount.get(schema) ?? 0) + 1;
    seenCount.set(schema, n);
    if (stack.some((s) => s.schema === schema)) {
      recursive.add(schema);
      return;
    }
    if (n > 1) return;
    stack.push({ schema, pointer });
    forEachSubschema(schema, (child, suffix) => count(child, `${pointer}${suffix}`));
    stack.pop();
  };
  for (const root of roots) if (isObject(root.schema)) count(root.schema, root.pointer);

  const names = new Map<JsonSchemaObject, string>();
  const definitions: Record<string, JsonSchema> = {};
  const pending: [JsonSchemaObject, string][] = [];

  const componentName = (schema: JsonSchemaObject): string | undefined => {
    const id = schema['x-parser-schema-id'];
    return typeof id === 'string' && !ANONYMOUS.test(id) ? id : undefined;
  };
  const nameFor = (schema: JsonSchemaObject, derived: string): string => {
    const existing = names.get(schema);
    if (existing) return existing;
    const title = typeof schema['title'] === 'string' ? typeName(schema['title']) : undefined;
    const name = registry.claim(typeName(componentName(schema) ?? title ?? derived));
    names.set(schema, name);
    pending.push([schema, name]);
    return name;
  };
  const isHoisted = (schema: JsonSchemaObject): boolean =>
    names.has(schema) || componentName(schema) !== undefined || (seenCount.get(schema) ?? 0) > 1 || recursive.has(schema);

  const rootNames = roots.map((root) => {
    if (!isObject(root.schema)) {
      const name = registry.claim(typeName(root.preferredName));
      definitions[name] = root.schema;
      return name;
    }
    const existing = names.get(root.schema);
    if (existing) return existing;
    const fromComponent = componentName(root.schema);
    const name = registry.claim(typeName(root.authoritative ? root.preferredName : fromComponent ?? root.preferredName));
    names.set(root.schema, name);
    pending.push([root.schema, name]);
    return name;
  });

  const copy = (node: JsonSchemaObject, contextName: string, isDefinitionRoot: boolean, mergedIntoParent = false): JsonSchema => {
    const schema = circularTargets.get(node) ?? node;
    if (!isDefinitionRoot && isHoisted(schema)) return { $ref: `#/definitions/${nameFor(schema, contextName)}` };
    const out: JsonSchemaObject = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key.startsWith('x-parser-') || DROPPED_KEYS.has(key)) continue;
      out[key] = value;
    }
    if (isDefinitionRoot) out['title'] = contextName;
    else if (mergedIntoParent) delete out['title'];
    else if (needsTitle(schema)) out['title'] = registry.claim(typeName(typeof schema['title'] === 'string' ? schema['title'] : contextName));
    const ownName = out['title'] as string | undefined ?? contextName;
    for (const key of SUBSCHEMA_MAP_KEYS) {
      const map = schema[key];
      if (!isObject(map)) continue;
      const next: JsonSchemaObject = {};
      for (const [prop, child] of Object.entries(map)) next[prop] = isObject(child) ? copy(child, `${ownName}${pascalCase(prop) || 'Field'}`, false) : child;
      out[key] = next;
    }
    for (const key of SUBSCHEMA_KEYS) {
      const child = schema[key];
      if (isObject(child)) out[key] = copy(child, `${ownName}${key === 'items' ? 'Item' : key === 'additionalProperties' ? 'Value' : pascalCase(key)}`, false);
    }
    for (const key of SUBSCHEMA_ARRAY_KEYS) {
      const list = schema[key];
      if (!Array.isArray(list)) continue;
      // allOf members merge into the parent type, so their parts are named after the parent.
      out[key] = list.map((child, i) =>
        !isObject(child) ? child : key === 'allOf' ? copy(child, ownName, false, true) : copy(child, `${ownName}${key === 'items' || key === 'prefixItems' ? 'Item' : 'Option'}${i + 1}`, false),
      );
    }
    const deps = schema['dependencies'];
    if (isObject(deps)) {
      const next: JsonSchemaObject = {};
      for (const [prop, child] of Object.entries(deps)) next[prop] = isObject(child) ? copy(child, `${ownName}${pascalCase(prop)}Dependency`, false) : child;
      out['dependencies'] = next;
    }
    return out;
  };

  while (pending.length) {
    const [schema, name] = pending.shift() as [JsonSchemaObject, string];
    definitions[name] = copy(schema, name, true);
  }
  return { definitions, rootNames };
}

/** JSON paths (dotted, `[]` for array items) of properties marked `x-pii: true`. */
export function piiPaths(schema: JsonSchema, definitions: Record<string, JsonSchema>, prefix = '', depth = 0): string[] {
  if (!isObject(schema) || depth > 16) return [];
  const ref = schema['$ref'];
  if (typeof ref === 'string' && ref.startsWith('#/definitions/')) {
    const target = definitions[ref.slice('#/definitions/'.length)];
    return target === undefined ? [] : piiPaths(target, definitions, prefix, depth + 1);
  }
  const out: string[] = [];
  if (schema['x-pii'] === true && prefix) out.push(prefix);
  const props = schema['properties'];
  if (isObject(props)) for (const [k, v] of Object.entries(props)) out.push(...piiPaths(v as JsonSchema, definitions, prefix ? `${prefix}.${k}` : k, depth + 1));
  const items = schema['items'];
  if (isObject(items)) out.push(...piiPaths(items, definitions, `${prefix}[]`, depth + 1));
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[key];
    if (Array.isArray(list)) for (const member of list) out.push(...piiPaths(member as JsonSchema, definitions, prefix, depth + 1));
  }
  return [...new Set(out)];
}
