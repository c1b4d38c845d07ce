import type Ajv from 'ajv';
import type { JsonSchema } from './schemas';
import { lit } from './naming';

/**
 * Compiles the spec's JSON Schemas into small TypeScript validators (one function per
 * definition, shared by every message that refers to it) that call the helpers of
 * lib/envelope/schema-checks.ts. The keywords of the Ajv instance that judges the spec are
 * compiled with Ajv's semantics (allErrors); keywords Ajv does not know are ignored, as
 * Ajv does with `strict: false`. A message whose schemas use a keyword this compiler does
 * not handle is reported, and gets Ajv's standalone code instead.
 */

/** Keywords that never affect validation. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'definitions', '$defs', 'contentMediaType', 'contentEncoding']);
const STRING = ['minLength', 'maxLength', 'pattern', 'format'] as const;
const NUMBER = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'] as const;
const OBJECT = ['required', 'properties', 'additionalProperties', 'minProperties', 'maxProperties', 'dependentRequired', 'dependencies'] as const;
const ARRAY = ['items', 'minItems', 'maxItems', 'uniqueItems'] as const;
const HANDLED = new Set<string>(['type', '$ref', 'enum', 'const', ...STRING, ...NUMBER, ...OBJECT, ...ARRAY]);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);
const REF_PREFIX = '#/definitions/';

export class UnsupportedSchemaError extends Error {}

/** What compiled validators import from the kernel (lib/envelope/schema-checks.ts). */
const KERNEL_VALUES = ['dependent', 'equal', 'fail', 'isObject', 'length', 'num', 'oneOf', 'ref', 'required', 'rule', 'scalar', 'segment', 'str', 'unique', 'validator'];
const KERNEL_TYPES = ['Check', 'Leaf', 'SchemaError', 'StandaloneValidator'];

/**
 * The head of a compiled module: the kernel's helpers, imported from `kernelImport` (the
 * specifier of lib/envelope/schema-checks as seen from the module), and `length` re-exported
 * for the Ajv standalone fallbacks (`require("./compiled").length`).
 */
export function kernelHead(kernelImport: string): string {
  return [`import { ${KERNEL_VALUES.join(', ')}, ${KERNEL_TYPES.map((t) => `type ${t}`).join(', ')} } from '${kernelImport}';`, `export { length } from '${kernelImport}';`].join('\n');
}

/** A JSON pointer known partly at run time (`expr`, a JS expression) and partly now (`lit`). */
interface PathCode {
  expr: string;
  lit: string;
}

function pathCode(path: PathCode): string {
  if (!path.expr) return lit(path.lit);
  return path.lit ? `${path.expr} + ${lit(path.lit)}` : path.expr;
}

function child(path: PathCode, key: string): PathCode {
  return { expr: path.expr, lit: `${path.lit}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` };
}

export interface CompiledValidators {
  /** TypeScript source of generated/validators/compiled.ts. */
  code: string;
  /** Names (of `roots`) compiled here, in order. */
  compiled: string[];
  /** Names left to Ajv, with the reason. */
  unsupported: Map<string, string>;
}

export function definitionFunction(name: string): string {
  return `check${name.replace(/[^A-Za-z0-9_$]/g, '_')}`;
}

class Compiler {
  private readonly constants: string[] = [];
  private readonly constantIds = new Map<string, string>();
  private counter = 0;

  constructor(
    private readonly ajv: Ajv,
    private readonly definitions: Record<string, JsonSchema>,
  ) {}

  /** A hoisted module constant (deduplicated by its source). */
  private constant(prefix: string, source: string): string {
    const known = this.constantIds.get(source);
    if (known) return known;
    const id = `${prefix}${this.constantIds.size}`;
    this.constantIds.set(source, id);
    this.constants.push(`const ${id} = ${source};`);
    return id;
  }

  private variable(): string {
    this.counter += 1;
    return `v${this.counter}`;
  }

  /** Whether Ajv validates with keyword `k` (it ignores unknown keywords with `strict: false`). */
  private applies(k: string): boolean {
    return !ANNOTATIONS.has(k) && Boolean(this.ajv.getKeyword(k));
  }

  /** The definitions `name` refers to, itself included; throws on an unsupported keyword. */
  closure(name: string, seen = new Set<string>()): Set<string> {
    if (seen.has(name)) return seen;
    const schema = this.definitions[name];
    if (schema === undefined) throw new UnsupportedSchemaError(`$ref to unknown definition ${name}`);
    seen.add(name);
    const visit = (node: unknown, at: string): void => {
      if (node === true || node === undefined) return;
      if (typeof node !== 'object' || node === null || Array.isArray(node)) throw new UnsupportedSchemaError(`schema at ${at} is ${lit(node)}`);
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
        if (!this.applies(key)) continue;
        if (!HANDLED.has(key)) throw new UnsupportedSchemaError(`keyword "${key}" at ${at}`);
        if (key === '$ref') {
          if (typeof value !== 'string' || !value.startsWith(REF_PREFIX)) throw new UnsupportedSchemaError(`$ref ${String(value)} at ${at}`);
          if (Object.keys(node).some((k) => k !== '$ref' && this.applies(k))) throw new UnsupportedSchemaError(`keywords beside $ref at ${at}`);
          this.closure(value.slice(REF_PREFIX.length), seen);
        } else if (key === 'properties') {
          for (const [p, s] of Object.entries(value as Record<string, unknown>)) visit(s, `${at}/properties/${p}`);
        } else if (key === 'items') {
          if (Array.isArray(value)) throw new UnsupportedSchemaError(`tuple "items" at ${at}`);
          visit(value, `${at}/items`);
        } else if (key === 'type') {
          if (typeof value !== 'string' || !TYPES.has(value)) throw new UnsupportedSchemaError(`type ${lit(value)} at ${at}`);
        } else if (key === 'additionalProperties') {
          if (typeof value !== 'boolean') throw new UnsupportedSchemaError(`additionalProperties as a schema at ${at}`);
        } else if (key === 'dependencies' || key === 'dependentRequired') {
          if (Object.values(value as Record<string, unknown>).some((v) => !Array.isArray(v))) throw new UnsupportedSchemaError(`${key} with schemas at ${at}`);
        } else if (key === 'format') {
          this.format(String(value), at);
        } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
          if (typeof value !== 'number') throw new UnsupportedSchemaError(`boolean ${key} at ${at}`);
        }
      }
    };
    visit(schema, `#/definitions/${name}`);
    return seen;
  }

  /** The regular expression of a format Ajv knows (fast formats are regular expressions). */
  private format(name: string, at: string): string {
    const added = this.ajv.formats[name];
    const regex = added instanceof RegExp ? added : typeof added === 'object' && added !== null && 'validate' in added && added.validate instanceof RegExp ? added.validate : undefined;
    if (!regex) throw new UnsupportedSchemaError(`format "${name}" at ${at} is not a regular expression`);
    return this.constant('F', `/${regex.source}/${regex.flags}`);
  }

  /** `function checkX(v, p, e)` for one definition. */
  definition(name: string): string {
    const schema = this.definitions[name] as JsonSchema;
    const body = this.node(schema, 'v', { expr: 'p', lit: '' }, '  ');
    return `function ${definitionFunction(name)}(v: unknown, p: string, e: SchemaError[]): void {\n${body.join('\n')}\n}`;
  }

  private fail(indent: string, path: PathCode, keyword: string, params: string): string {
    return `${indent}fail(e, ${pathCode(path)}, ${lit(keyword)}, ${params});`;
  }

  /** Statements checking the value in variable `v` against `schema`. */
  private node(schema: JsonSchema | boolean, v: string, path: PathCode, indent: string): string[] {
    if (schema === true) return [];
    const s = schema as Record<string, unknown>;
    if (typeof s['$ref'] === 'string' && this.applies('$ref')) return [`${indent}${definitionFunction(s['$ref'].slice(REF_PREFIX.length))}(${v}, ${pathCode(path)}, e);`];
    const has = (k: string): boolean => s[k] !== undefined && this.applies(k);
    const out: string[] = [];
    const type = has('type') ? String(s['type']) : undefined;
    const groups: { kind: string; test: string; keys: readonly string[] }[] = [
      { kind: 'string', test: `typeof ${v} === "string"`, keys: STRING },
      { kind: 'number', test: `typeof ${v} === "number"`, keys: NUMBER },
      { kind: 'object', test: `isObject(${v})`, keys: OBJECT },
      { kind: 'array', test: `Array.isArray(${v})`, keys: ARRAY },
    ];
    // As Ajv: each keyword group applies when the value has the group's type, whatever
    // `type` says; the type error is the else branch of the matching group, or its own check.
    const typeTest = type === undefined ? undefined : {
      string: `typeof ${v} === "string"`,
      number: `typeof ${v} === "number" && isFinite(${v})`,
      integer: `typeof ${v} === "number" && Number.isInteger(${v})`,
      boolean: `typeof ${v} === "boolean"`,
      null: `${v} === null`,
      object: `isObject(${v})`,
      array: `Array.isArray(${v})`,
    }[type];
    const typeError = this.fail('', path, 'type', `{ type: ${lit(type)} }`);
    let typeChecked = type === undefined;
    for (const g of groups) {
      const inner = g.keys.some(has) ? this.group(g.kind, s, v, path, `${indent}  `, has) : [];
      if (g.kind === type) {
        typeChecked = true;
        if (inner.length) out.push(`${indent}if (${typeTest}) {`, ...inner, `${indent}} else ${typeError}`);
        else out.push(`${indent}if (!(${typeTest})) ${typeError}`);
      } else if (inner.length) {
        out.push(`${indent}if (${g.test}) {`, ...inner, `${indent}}`);
      }
    }
    if (!typeChecked) out.unshift(`${indent}if (!(${typeTest})) ${typeError}`);
    if (has('enum')) {
      const values = this.constant('E', lit(s['enum']));
      out.push(`${indent}if (!oneOf(${values}, ${v})) ${this.fail('', path, 'enum', `{ allowedValues: ${values} }`)}`);
    }
    if (has('const')) {
      const value = this.constant('K', lit(s['const']));
      out.push(`${indent}if (!equal(${value}, ${v})) ${this.fail('', path, 'const', `{ allowedValue: ${value} }`)}`);
    }
    return out;
  }

  /**
   * A schema of one scalar type whose keywords all belong to that type (or are enum), as a
   * shared `leaf` rule constant; undefined for anything else.
   */
  private leafRule(schema: JsonSchema | boolean): { check: 'str' | 'num' | 'scalar'; id: string } | undefined {
    if (typeof schema !== 'object' || schema === null) return undefined;
    const s = schema as Record<string, unknown>;
    const ref = s['$ref'];
    if (typeof ref === 'string' && this.applies('$ref')) return ref.startsWith(REF_PREFIX) ? this.leafRule(this.definitions[ref.slice(REF_PREFIX.length)] ?? false) : undefined;
    const type = s['type'];
    if (typeof type !== 'string' || !this.applies('type')) return undefined;
    const own: Record<string, readonly string[]> = { string: STRING, number: NUMBER, integer: NUMBER, boolean: [], null: [] };
    const allowed = own[type];
    if (!allowed) return undefined;
    const keys = Object.keys(s).filter((k) => this.applies(k));
    if (keys.some((k) => k !== 'type' && k !== 'enum' && !allowed.includes(k))) return undefined;
    const fields: string[] = [`t: ${lit(type)}`];
    const num = (k: string): number => s[k] as number;
    if (keys.includes('minLength')) fields.push(`n: ${num('minLength')}`);
    if (keys.includes('maxLength')) fields.push(`x: ${num('maxLength')}`);
    if (keys.includes('pattern')) fields.push(`p: ${this.constant('R', `/${new RegExp(String(s['pattern']), 'u').source}/u`)}`, `ps: ${lit(String(s['pattern']))}`);
    if (keys.includes('format')) fields.push(`f: ${this.format(String(s['format']), '')}`, `fn: ${lit(String(s['format']))}`);
    if (keys.includes('minimum')) fields.push(`min: ${num('minimum')}`);
    if (keys.includes('maximum')) fields.push(`max: ${num('maximum')}`);
    if (keys.includes('exclusiveMinimum')) fields.push(`emin: ${num('exclusiveMinimum')}`);
    if (keys.includes('exclusiveMaximum')) fields.push(`emax: ${num('exclusiveMaximum')}`);
    if (keys.includes('multipleOf')) fields.push(`mul: ${num('multipleOf')}`);
    if (keys.includes('enum')) fields.push(`en: ${this.constant('E', lit(s['enum']))}`);
    const check = type === 'string' ? 'str' : type === 'number' || type === 'integer' ? 'num' : 'scalar';
    return { check, id: this.constant('L', `/* @__PURE__ */ rule({ ${fields.join(', ')} })`) };
  }

  /** The keywords of one type group, with `v` already of that type. */
  private group(kind: string, s: Record<string, unknown>, v: string, path: PathCode, indent: string, has: (k: string) => boolean): string[] {
    const out: string[] = [];
    const num = (k: string): number => s[k] as number;
    if (kind === 'string') {
      if (has('minLength') || has('maxLength')) {
        const n = this.variable();
        out.push(`${indent}const ${n} = length(${v});`);
        if (has('maxLength')) out.push(`${indent}if (${n} > ${num('maxLength')}) ${this.fail('', path, 'maxLength', `{ limit: ${num('maxLength')} }`)}`);
        if (has('minLength')) out.push(`${indent}if (${n} < ${num('minLength')}) ${this.fail('', path, 'minLength', `{ limit: ${num('minLength')} }`)}`);
      }
      if (has('pattern')) {
        const source = String(s['pattern']);
        const regex = this.constant('R', `/${new RegExp(source, 'u').source}/u`);
        out.push(`${indent}if (!${regex}.test(${v})) ${this.fail('', path, 'pattern', `{ pattern: ${lit(source)} }`)}`);
      }
      if (has('format')) {
        const name = String(s['format']);
        out.push(`${indent}if (!${this.format(name, '')}.test(${v})) ${this.fail('', path, 'format', `{ format: ${lit(name)} }`)}`);
      }
    } else if (kind === 'number') {
      const bounds: [string, string, string][] = [
        ['maximum', '>', '<='],
        ['minimum', '<', '>='],
        ['exclusiveMaximum', '>=', '<'],
        ['exclusiveMinimum', '<=', '>'],
      ];
      for (const [k, failsWhen, comparison] of bounds) {
        if (has(k)) out.push(`${indent}if (${v} ${failsWhen} ${num(k)}) ${this.fail('', path, k, `{ comparison: ${lit(comparison)}, limit: ${num(k)} }`)}`);
      }
      if (has('multipleOf')) out.push(`${indent}if ((${v} / ${num('multipleOf')}) % 1 !== 0) ${this.fail('', path, 'multipleOf', `{ multipleOf: ${num('multipleOf')} }`)}`);
    } else if (kind === 'object') {
      const properties = (s['properties'] ?? {}) as Record<string, JsonSchema>;
      if (has('maxProperties')) out.push(`${indent}if (Object.keys(${v}).length > ${num('maxProperties')}) ${this.fail('', path, 'maxProperties', `{ limit: ${num('maxProperties')} }`)}`);
      if (has('minProperties')) out.push(`${indent}if (Object.keys(${v}).length < ${num('minProperties')}) ${this.fail('', path, 'minProperties', `{ limit: ${num('minProperties')} }`)}`);
      if (has('required') && (s['required'] as string[]).length) {
        // Inline test on the happy path; the helper names what is missing.
        const missing = (s['required'] as string[]).map((r) => `${v}[${lit(r)}] === undefined`).join(' || ');
        out.push(`${indent}if (${missing}) required(${v}, ${pathCode(path)}, ${this.constant('Q', lit(s['required']))}, e);`);
      }
      for (const k of ['dependencies', 'dependentRequired']) {
        if (!has(k)) continue;
        for (const [property, deps] of Object.entries(s[k] as Record<string, string[]>)) {
          out.push(`${indent}dependent(${v}, ${pathCode(path)}, e, ${lit(k)}, ${lit(property)}, ${lit(deps)});`);
        }
      }
      if (s['additionalProperties'] === false) {
        const names = Object.keys(properties);
        const key = this.variable();
        const known = names.length <= 8 ? names.map((n) => `${key} === ${lit(n)}`).join(' || ') || 'false' : `${this.constant('P', `/* @__PURE__ */ new Set(${lit(names)})`)}.has(${key})`;
        out.push(`${indent}for (const ${key} in ${v}) if (!(${known})) fail(e, ${pathCode(path)}, "additionalProperties", { additionalProperty: ${key} });`);
      }
      if (has('properties')) {
        for (const [k, sub] of Object.entries(properties)) {
          const rule = this.leafRule(sub);
          if (rule) {
            const at = child(path, k);
            out.push(`${indent}${rule.check}(${v}[${lit(k)}], ${at.expr ? at.expr : '""'}, ${lit(at.lit)}, ${rule.id}, e);`);
            continue;
          }
          const ref = typeof sub === 'object' && sub !== null ? (sub as Record<string, unknown>)['$ref'] : undefined;
          if (typeof ref === 'string' && this.applies('$ref')) {
            const at = child(path, k);
            out.push(`${indent}ref(${v}[${lit(k)}], ${at.expr ? at.expr : '""'}, ${lit(at.lit)}, ${definitionFunction(ref.slice(REF_PREFIX.length))}, e);`);
            continue;
          }
          const value = this.variable();
          const inner = this.node(sub, value, child(path, k), `${indent}  `);
          if (inner.length) out.push(`${indent}const ${value} = ${v}[${lit(k)}];`, `${indent}if (${value} !== undefined) {`, ...inner, `${indent}}`);
        }
      }
    } else if (kind === 'array') {
      if (has('maxItems')) out.push(`${indent}if (${v}.length > ${num('maxItems')}) ${this.fail('', path, 'maxItems', `{ limit: ${num('maxItems')} }`)}`);
      if (has('minItems')) out.push(`${indent}if (${v}.length < ${num('minItems')}) ${this.fail('', path, 'minItems', `{ limit: ${num('minItems')} }`)}`);
      if (has('items')) {
        const i = this.variable();
        const item = this.variable();
        const inner = this.node(s['items'] as JsonSchema, item, { expr: `${pathCode(path)} + "/" + ${i}`, lit: '' }, `${indent}  `);
        if (inner.length) out.push(`${indent}for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {`, `${indent}  const ${item}: unknown = ${v}[${i}];`, ...inner, `${indent}}`);
      }
      if (s['uniqueItems'] === true) {
        // Ajv compares only items of a scalar item type (others already fail `items`).
        const items = s['items'] as Record<string, unknown> | undefined;
        const itemType = items && typeof items['type'] === 'string' && !['object', 'array'].includes(items['type']) ? items['type'] : undefined;
        out.push(`${indent}unique(${v}, ${pathCode(path)}, e${itemType ? `, ${lit(itemType)}` : ''});`);
      }
    }
    return out;
  }

  /** The module: the kernel's import, then the constants, functions and exported validators. */
  module(kernel: string, functions: string[], roots: { exportName: string; definition: string }[]): string {
    const exports = roots.map((r) => `export const ${r.exportName}: StandaloneValidator = /* @__PURE__ */ validator(${definitionFunction(r.definition)});`);
    return [
      kernel.trim(),
      '',
      '// ---- compiled from the spec ----',
      '',
      ...this.constants,
      '',
      functions.join('\n\n'),
      '',
      exports.join('\n'),
      '',
    ].join('\n');
  }
}

/**
 * Compiles the validators of `roots` (export name -> definition). Those whose schemas use
 * something the compiler does not handle are returned in `unsupported`.
 */
export function compileValidators(ajv: Ajv, definitions: Record<string, JsonSchema>, roots: { exportName: string; name: string; definition: string }[], kernelImport: string): CompiledValidators {
  const compiler = new Compiler(ajv, definitions);
  const unsupported = new Map<string, string>();
  const needed = new Set<string>();
  const compiled: { exportName: string; name: string; definition: string }[] = [];
  for (const root of roots) {
    try {
      for (const d of compiler.closure(root.definition)) needed.add(d);
      compiled.push(root);
    } catch (error) {
      if (!(error instanceof UnsupportedSchemaError)) throw error;
      unsupported.set(root.name, error.message);
    }
  }
  const functions = shareShapes(new Map([...needed].sort().map((d) => [definitionFunction(d), compiler.definition(d)])));
  return { code: compiler.module(kernelHead(kernelImport), functions, compiled), compiled: compiled.map((r) => r.name), unsupported };
}

/**
 * Definitions whose checks differ only in the definitions they refer to (every event's
 * envelope: metadata + its own data) share one factory: `const checkX = shape0(checkA, checkB)`.
 * A function that refers to itself or to a shared one stays a declaration, so every factory
 * argument is hoisted when the module runs.
 */
function shareShapes(functions: Map<string, string>): string[] {
  const names = [...functions.keys()];
  const refs = new Map<string, string[]>();
  const templates = new Map<string, string>();
  for (const [name, source] of functions) {
    const body = source.slice(source.indexOf('{') + 1, source.lastIndexOf('}'));
    const found: string[] = [];
    const template = body.replace(/\bcheck[A-Za-z0-9_$]+\b/g, (ref) => {
      if (!functions.has(ref)) return ref;
      if (ref === name) return '$self';
      if (!found.includes(ref)) found.push(ref);
      return `r${found.indexOf(ref)}`;
    });
    refs.set(name, found);
    templates.set(name, template);
  }
  let shared = new Set<string>();
  for (;;) {
    const groups = new Map<string, string[]>();
    for (const name of names) {
      const template = templates.get(name) as string;
      if (template.includes('$self') || !(refs.get(name) as string[]).length || (refs.get(name) as string[]).some((r) => shared.has(r))) continue;
      groups.set(template, [...(groups.get(template) ?? []), name]);
    }
    const next = new Set([...groups.values()].filter((g) => g.length > 1).flat());
    if (next.size === shared.size && [...next].every((n) => shared.has(n))) break;
    shared = next;
  }
  const out: string[] = [];
  const factories = new Map<string, string>();
  for (const name of names) {
    if (!shared.has(name)) {
      out.push(functions.get(name) as string);
      continue;
    }
    const template = templates.get(name) as string;
    let factory = factories.get(template);
    if (!factory) {
      factory = `shape${factories.size}`;
      factories.set(template, factory);
      const params = (refs.get(name) as string[]).map((_, i) => `r${i}: Check`).join(', ');
      out.push(`function ${factory}(${params}): Check {\n  return (v: unknown, p: string, e: SchemaError[]): void => {${template.replace(/\n/g, '\n  ')}};\n}`);
    }
  }
  // Instances after every factory and declaration they use.
  for (const name of names) {
    if (shared.has(name)) out.push(`const ${name}: Check = /* @__PURE__ */ ${factories.get(templates.get(name) as string)}(${(refs.get(name) as string[]).join(', ')});`);
  }
  return out;
}
