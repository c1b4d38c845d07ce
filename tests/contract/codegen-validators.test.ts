import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type Ajv from 'ajv';
import { standaloneValidators, type StandaloneValidator } from '../../generated';
import { createAjv, compileDefinition } from '../../scripts/codegen/ajv';
import { loadSpec } from '../../scripts/codegen/load';
import { SpecLocator } from '../../scripts/codegen/locate';
import { buildModel, type SpecModel } from '../../scripts/codegen/model';
import type { JsonSchema } from '../../scripts/codegen/schemas';
import { compileValidators } from '../../scripts/codegen/validator-code';
import { freshDir, ROOT } from '../helpers/codegen';

// The generated validators are compiled from the spec by scripts/codegen/validator-code.ts;
// Ajv judges the same schemas at codegen time. These tests hold them to Ajv's verdicts and
// errors (path, keyword, params) on every example of the spec and on thousands of
// variations of them, so the two can never disagree on what the spec means.

type Json = unknown;

/** Variations of `value`: each property removed, retyped, stretched; extra properties; array edits. */
function mutations(value: Json): Json[] {
  const out: Json[] = [];
  const replacements = (v: Json): Json[] => {
    const base: Json[] = [null, true, 0, -1, 1.5, 1e12, '', 'x', 'x'.repeat(300), '\u{1F697}'.repeat(200), '\u{1F697}'.repeat(201), [], {}, 'not-a-uuid', '2026-13-45T99:00:00Z', 'a@b', 'AB', '+4912345678'];
    if (typeof v === 'string') base.push(`${v}x`, v.slice(1), v.toUpperCase(), v.toLowerCase(), ` ${v}`);
    if (typeof v === 'number') base.push(v + 1, v - 1, -v, v + 0.5, 0);
    if (Array.isArray(v)) base.push([...v, ...v], v.slice(1), [v[0], v[0]]);
    return base;
  };
  const walk = (node: Json, rebuild: (replacement: Json) => Json): void => {
    for (const r of replacements(node)) out.push(rebuild(r));
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, (r) => rebuild(node.map((x, j) => (j === i ? r : x)))));
    } else if (node !== null && typeof node === 'object') {
      const o = node as Record<string, Json>;
      out.push(rebuild({ ...o, zzExtra: 1 }));
      for (const key of Object.keys(o)) {
        const { [key]: _removed, ...rest } = o;
        out.push(rebuild(rest));
        walk(o[key], (r) => rebuild({ ...o, [key]: r }));
      }
    }
  };
  walk(value, (r) => r);
  return out;
}

const errorKey = (e: { instancePath: string; keyword: string; params: Record<string, unknown> }): string =>
  `${e.instancePath} ${e.keyword} ${e.keyword === 'uniqueItems' ? '' : JSON.stringify(e.params)}`;

/** Ajv's verdict and errors next to ours, for every sample; returns the disagreements. */
function disagreements(reference: StandaloneValidator, ours: StandaloneValidator, samples: Json[]): string[] {
  const out: string[] = [];
  for (const sample of samples) {
    const expected = reference(sample);
    const actual = ours(sample);
    const a = (reference.errors ?? []).map(errorKey).sort();
    const b = (ours.errors ?? []).map(errorKey).sort();
    if (expected !== actual || JSON.stringify(a) !== JSON.stringify(b)) out.push(`${JSON.stringify(sample).slice(0, 300)}\n  ajv: ${expected} ${a.join('; ')}\n  ours: ${actual} ${b.join('; ')}`);
  }
  return out;
}

describe('validators of the Roadcall spec', () => {
  let model: SpecModel;
  let ajv: Ajv;

  beforeAll(async () => {
    const spec = join(ROOT, 'asyncapi/asyncapi.yaml');
    const { document } = await loadSpec(spec, ROOT);
    model = buildModel(document, new SpecLocator(spec, ROOT));
    ajv = createAjv(model.definitions, { standalone: false });
  });

  it('compiles every message and command (no Ajv fallback) and agrees with Ajv on every example and its variations', () => {
    const validators = standaloneValidators as Record<string, StandaloneValidator>;
    const checked: string[] = [];
    let samples = 0;
    for (const message of model.messages.filter((m) => m.typeName)) {
      const ours = validators[message.name];
      expect(ours).toBeDefined();
      expect(existsSync(join(ROOT, 'generated/validators', `${message.name}.cjs`))).toBe(false); // no Ajv standalone fallback
      const examples = message.examples.map((e) => e.payload);
      expect(examples.length).toBeGreaterThan(0);
      const all = [...examples, ...examples.flatMap(mutations)];
      samples += all.length;
      expect(disagreements(compileDefinition(ajv, message.typeName as string), ours as StandaloneValidator, all)).toEqual([]);
      checked.push(message.name);
    }
    expect(checked.length).toBe(model.messages.filter((m) => m.typeName).length);
    expect(samples).toBeGreaterThan(5000);
  });

  it('agrees with Ajv on the commands: the demo request and its variations', () => {
    const validators = standaloneValidators as Record<string, StandaloneValidator>;
    const demo = (JSON.parse(readFileSync(join(ROOT, 'functions/incident/demo-request.json'), 'utf8')) as { body: unknown }).body;
    const samples = [demo, ...mutations(demo)];
    for (const command of model.commands) {
      expect(disagreements(compileDefinition(ajv, command.typeName), validators[command.name] as StandaloneValidator, samples)).toEqual([]);
    }
    expect(model.commands.map((c) => c.name)).toContain('CreateIncidentCommand');
  });

  it('rejects bad payloads with the paths and keywords Ajv names', () => {
    const validators = standaloneValidators as Record<string, StandaloneValidator>;
    const command = validators['CreateIncidentCommand'] as StandaloneValidator;
    expect(command({})).toBe(false);
    expect((command.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`)).toContain(' required');
    expect(command('not an object')).toBe(false);
    expect(command.errors).toEqual([{ instancePath: '', keyword: 'type', params: { type: 'object' }, message: 'must be object' }]);
  });
});

describe('the validator compiler on schemas the spec does not use', () => {
  const definitions: Record<string, JsonSchema> = {
    Tags: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: 3, uniqueItems: true },
    Wide: {
      type: 'object',
      additionalProperties: false,
      required: ['a'],
      minProperties: 1,
      maxProperties: 9,
      properties: Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'toString'].map((k) => [k, { type: 'integer', minimum: 0, exclusiveMaximum: 10, multipleOf: 2 }])),
    },
    Loose: { properties: { kind: { const: { x: [1, 2] } }, level: { enum: [1, 'two', { three: 3 }, null] }, 'we/ird~key': { type: 'number', exclusiveMinimum: 0, maximum: 5 } }, minLength: 2, items: { type: 'boolean' } },
    Tree: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^\\p{Lu}' }, children: { type: 'array', items: { $ref: '#/definitions/Tree' } }, tags: { $ref: '#/definitions/Tags' } } },
    Choice: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    Nullable: { type: ['string', 'null'] },
  };
  const roots = Object.keys(definitions).map((name) => ({ exportName: `${name}Validator`, name, definition: name }));

  let ajv: Ajv;
  let compiled: Record<string, StandaloneValidator>;
  let unsupported: Map<string, string>;

  beforeAll(() => {
    ajv = createAjv(definitions, { standalone: false });
    const dir = join(freshDir('validator-compiler'), 'validators');
    const result = compileValidators(createAjv(definitions, { standalone: true }), definitions, roots, relative(dir, join(ROOT, 'lib', 'envelope', 'schema-checks')));
    unsupported = result.unsupported;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'compiled.ts'), result.code);
    compiled = require(join(dir, 'compiled.ts')) as Record<string, StandaloneValidator>;
  });

  it('leaves schemas with keywords it does not handle to Ajv, naming the keyword and where', () => {
    expect(unsupported.get('Choice')).toBe('keyword "oneOf" at #/definitions/Choice');
    expect(unsupported.get('Nullable')).toBe('type ["string","null"] at #/definitions/Nullable');
    expect(compiled['ChoiceValidator']).toBeUndefined();
    expect([...unsupported.keys()].sort()).toEqual(['Choice', 'Nullable']);
  });

  it.each([
    ['Tags', [['a', 'b'], ['a', 'a'], [], ['a', 'b', 'c', 'd'], ['', 1], 'a', [['x'], ['x']]]],
    ['Wide', [{ a: 2 }, { a: 2, b: 4, c: 6, d: 8, e: 0, f: 2, g: 2, h: 2, i: 2 }, { a: 2, b: 4, c: 6, d: 8, e: 0, f: 2, g: 2, h: 2, i: 2, toString: 2 }, { a: 3 }, { a: 10 }, { a: -2 }, { a: 2.5 }, { b: 2, zz: 1 }, {}, { a: 2, constructor: 1 }]],
    ['Loose', [{ kind: { x: [1, 2] } }, { kind: { x: [2, 1] } }, { level: { three: 3 } }, { level: null }, { level: 'three' }, { 'we/ird~key': 0 }, { 'we/ird~key': 6 }, 'a', 'ab', [true, 1], 5]],
    ['Tree', [{ name: 'Root', children: [{ name: 'Leaf' }, { name: 'leaf', children: [{}] }], tags: ['a', 'a'] }, { name: 'Ä' }, { name: 'ä', tags: [] }]],
  ])('agrees with Ajv on %s and its variations', (name, samples) => {
    const ours = compiled[`${name}Validator`] as StandaloneValidator;
    const all = [...samples, ...samples.flatMap(mutations)];
    expect(disagreements(compileDefinition(ajv, name), ours, all)).toEqual([]);
  });
});
