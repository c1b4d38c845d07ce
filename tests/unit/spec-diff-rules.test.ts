import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { inlineRefs } from '../../scripts/spec-diff/load';
import { compareSchemas, SCHEMA_RULES, type SchemaRuleId } from '../../scripts/spec-diff/rules';

// Schema pairs with known verdicts, one or more per rule; every Confluent compatible change
// type that applies to JSON Schema is here, and the open-model trap. A verdict is checked
// twice: against the rules, and, for each breaking direction, against Ajv with a witness
// instance (valid under the writer's schema, rejected by the reader's), so a wrong table entry
// in the rules cannot hide behind a wrong expectation here.

type Json = Record<string, unknown>;
interface Pair {
  name: string;
  old: unknown;
  new: unknown;
  rules: SchemaRuleId[];
  backward: boolean;
  forward: boolean;
  /** Valid under old, rejected by new: proves BACKWARD breaking. */
  bw?: unknown;
  /** Valid under new, rejected by old: proves FORWARD breaking. */
  fw?: unknown;
}

const str = { type: 'string' };
const obj = (properties: Json, extra: Json = {}): Json => ({ type: 'object', properties, ...extra });

const PAIRS: Pair[] = [
  // types
  { name: 'nullable added (type extended)', old: str, new: { type: ['string', 'null'] }, rules: ['type-extended'], backward: true, forward: false, fw: null },
  { name: 'nullable removed (type narrowed)', old: { type: ['string', 'null'] }, new: str, rules: ['type-narrowed'], backward: false, forward: true, bw: null },
  { name: 'integer -> number (type extended)', old: { type: 'integer' }, new: { type: 'number' }, rules: ['type-extended'], backward: true, forward: false, fw: 1.5 },
  { name: 'number -> integer (type narrowed)', old: { type: 'number' }, new: { type: 'integer' }, rules: ['type-narrowed'], backward: false, forward: true, bw: 1.5 },
  { name: 'string -> integer (type changed)', old: str, new: { type: 'integer' }, rules: ['type-changed'], backward: false, forward: false, bw: 'a', fw: 1 },
  { name: 'any -> string (type set)', old: {}, new: str, rules: ['type-narrowed'], backward: false, forward: true, bw: 1 },
  // enums and const
  { name: 'enum extended', old: { type: 'string', enum: ['a', 'b'] }, new: { type: 'string', enum: ['a', 'b', 'c'] }, rules: ['enum-extended'], backward: true, forward: false, fw: 'c' },
  { name: 'enum narrowed', old: { type: 'string', enum: ['a', 'b', 'c'] }, new: { type: 'string', enum: ['a', 'b'] }, rules: ['enum-narrowed'], backward: false, forward: true, bw: 'c' },
  { name: 'enum changed', old: { enum: ['a', 'b'] }, new: { enum: ['a', 'c'] }, rules: ['enum-changed'], backward: false, forward: false, bw: 'b', fw: 'c' },
  { name: 'enum added', old: str, new: { type: 'string', enum: ['a'] }, rules: ['enum-added'], backward: false, forward: true, bw: 'z' },
  { name: 'enum removed', old: { type: 'string', enum: ['a'] }, new: str, rules: ['enum-removed'], backward: true, forward: false, fw: 'z' },
  { name: 'enum reordered only', old: { enum: ['a', 'b'] }, new: { enum: ['b', 'a'] }, rules: [], backward: true, forward: true },
  { name: 'const added', old: str, new: { type: 'string', const: 'x' }, rules: ['const-added'], backward: false, forward: true, bw: 'y' },
  { name: 'const changed', old: { const: 'x' }, new: { const: 'y' }, rules: ['const-changed'], backward: false, forward: false, bw: 'x', fw: 'y' },
  // strings
  { name: 'maxLength added', old: str, new: { type: 'string', maxLength: 3 }, rules: ['max-length-added'], backward: false, forward: true, bw: 'abcd' },
  { name: 'maxLength decreased', old: { type: 'string', maxLength: 10 }, new: { type: 'string', maxLength: 5 }, rules: ['max-length-decreased'], backward: false, forward: true, bw: 'abcdefgh' },
  { name: 'maxLength increased', old: { type: 'string', maxLength: 5 }, new: { type: 'string', maxLength: 10 }, rules: ['max-length-increased'], backward: true, forward: false, fw: 'abcdefgh' },
  { name: 'maxLength removed', old: { type: 'string', maxLength: 5 }, new: str, rules: ['max-length-removed'], backward: true, forward: false, fw: 'abcdefgh' },
  { name: 'minLength added', old: str, new: { type: 'string', minLength: 1 }, rules: ['min-length-added'], backward: false, forward: true, bw: '' },
  { name: 'minLength increased', old: { type: 'string', minLength: 1 }, new: { type: 'string', minLength: 3 }, rules: ['min-length-increased'], backward: false, forward: true, bw: 'a' },
  { name: 'minLength decreased', old: { type: 'string', minLength: 3 }, new: { type: 'string', minLength: 1 }, rules: ['min-length-decreased'], backward: true, forward: false, fw: 'a' },
  { name: 'minLength removed', old: { type: 'string', minLength: 1 }, new: str, rules: ['min-length-removed'], backward: true, forward: false, fw: '' },
  { name: 'pattern added', old: str, new: { type: 'string', pattern: '^[a-z]+$' }, rules: ['pattern-added'], backward: false, forward: true, bw: 'A1' },
  { name: 'pattern removed', old: { type: 'string', pattern: '^[a-z]+$' }, new: str, rules: ['pattern-removed'], backward: true, forward: false, fw: 'A1' },
  { name: 'pattern changed', old: { type: 'string', pattern: '^[a-z]+$' }, new: { type: 'string', pattern: '^[0-9]+$' }, rules: ['pattern-changed'], backward: false, forward: false, bw: 'ab', fw: '12' },
  { name: 'format added', old: str, new: { type: 'string', format: 'date-time' }, rules: ['format-added'], backward: false, forward: true, bw: 'yesterday' },
  { name: 'format removed', old: { type: 'string', format: 'uuid' }, new: str, rules: ['format-removed'], backward: true, forward: false, fw: 'not-a-uuid' },
  { name: 'format changed', old: { type: 'string', format: 'uuid' }, new: { type: 'string', format: 'email' }, rules: ['format-changed'], backward: false, forward: false, bw: '653018e1-43dd-4f3a-9315-65653b87475b', fw: 'a@example.com' },
  // numbers
  { name: 'maximum added', old: { type: 'number' }, new: { type: 'number', maximum: 10 }, rules: ['maximum-added'], backward: false, forward: true, bw: 11 },
  { name: 'maximum decreased', old: { type: 'number', maximum: 10 }, new: { type: 'number', maximum: 5 }, rules: ['maximum-decreased'], backward: false, forward: true, bw: 7 },
  { name: 'maximum increased', old: { type: 'number', maximum: 5 }, new: { type: 'number', maximum: 10 }, rules: ['maximum-increased'], backward: true, forward: false, fw: 7 },
  { name: 'minimum increased', old: { type: 'number', minimum: 0 }, new: { type: 'number', minimum: 1 }, rules: ['minimum-increased'], backward: false, forward: true, bw: 0.5 },
  { name: 'minimum decreased', old: { type: 'number', minimum: 1 }, new: { type: 'number', minimum: 0 }, rules: ['minimum-decreased'], backward: true, forward: false, fw: 0.5 },
  { name: 'minimum removed', old: { type: 'number', minimum: 0 }, new: { type: 'number' }, rules: ['minimum-removed'], backward: true, forward: false, fw: -1 },
  { name: 'exclusiveMinimum added', old: { type: 'number' }, new: { type: 'number', exclusiveMinimum: 0 }, rules: ['exclusive-minimum-added'], backward: false, forward: true, bw: 0 },
  { name: 'exclusiveMaximum increased', old: { type: 'number', exclusiveMaximum: 5 }, new: { type: 'number', exclusiveMaximum: 10 }, rules: ['exclusive-maximum-increased'], backward: true, forward: false, fw: 7 },
  { name: 'multipleOf added', old: { type: 'number' }, new: { type: 'number', multipleOf: 2 }, rules: ['multiple-of-added'], backward: false, forward: true, bw: 3 },
  { name: 'multipleOf expanded (2 -> 4)', old: { type: 'integer', multipleOf: 2 }, new: { type: 'integer', multipleOf: 4 }, rules: ['multiple-of-expanded'], backward: false, forward: true, bw: 2 },
  { name: 'multipleOf reduced (4 -> 2)', old: { type: 'integer', multipleOf: 4 }, new: { type: 'integer', multipleOf: 2 }, rules: ['multiple-of-reduced'], backward: true, forward: false, fw: 2 },
  { name: 'multipleOf changed (2 -> 3)', old: { type: 'integer', multipleOf: 2 }, new: { type: 'integer', multipleOf: 3 }, rules: ['multiple-of-changed'], backward: false, forward: false, bw: 2, fw: 3 },
  // arrays
  { name: 'minItems added', old: { type: 'array' }, new: { type: 'array', minItems: 1 }, rules: ['min-items-added'], backward: false, forward: true, bw: [] },
  { name: 'maxItems increased', old: { type: 'array', maxItems: 1 }, new: { type: 'array', maxItems: 3 }, rules: ['max-items-increased'], backward: true, forward: false, fw: [1, 2] },
  { name: 'maxItems removed', old: { type: 'array', maxItems: 1 }, new: { type: 'array' }, rules: ['max-items-removed'], backward: true, forward: false, fw: [1, 2] },
  { name: 'uniqueItems added', old: { type: 'array' }, new: { type: 'array', uniqueItems: true }, rules: ['unique-items-added'], backward: false, forward: true, bw: [1, 1] },
  { name: 'uniqueItems removed', old: { type: 'array', uniqueItems: true }, new: { type: 'array' }, rules: ['unique-items-removed'], backward: true, forward: false, fw: [1, 1] },
  { name: 'items type narrowed', old: { type: 'array', items: { type: ['string', 'number'] } }, new: { type: 'array', items: str }, rules: ['type-narrowed'], backward: false, forward: true, bw: [1] },
  { name: 'items enum extended', old: { type: 'array', items: { enum: ['a'] } }, new: { type: 'array', items: { enum: ['a', 'b'] } }, rules: ['enum-extended'], backward: true, forward: false, fw: ['b'] },
  { name: 'tuple item added to closed content model', old: { type: 'array', items: [str], additionalItems: false }, new: { type: 'array', items: [str, { type: 'integer' }], additionalItems: false }, rules: ['item-added-to-closed-content-model'], backward: true, forward: false, fw: ['a', 1] },
  { name: 'tuple item added to open content model', old: { type: 'array', items: [str] }, new: { type: 'array', items: [str, { type: 'integer' }] }, rules: ['item-added-to-open-content-model'], backward: false, forward: true, bw: ['a', 'b'] },
  { name: 'tuple item removed from open content model', old: { type: 'array', items: [str, { type: 'integer' }] }, new: { type: 'array', items: [str] }, rules: ['item-removed-from-open-content-model'], backward: true, forward: false, fw: ['a', 'b'] },
  { name: 'tuple item removed from closed content model', old: { type: 'array', items: [str, { type: 'integer' }], additionalItems: false }, new: { type: 'array', items: [str], additionalItems: false }, rules: ['item-removed-from-closed-content-model'], backward: false, forward: true, bw: ['a', 1] },
  // objects: required
  { name: 'required added', old: obj({ a: str }), new: obj({ a: str }, { required: ['a'] }), rules: ['required-property-added'], backward: false, forward: true, bw: {} },
  { name: 'required removed', old: obj({ a: str }, { required: ['a'] }), new: obj({ a: str }), rules: ['required-property-removed'], backward: true, forward: false, fw: {} },
  // objects: content models
  { name: 'THE OPEN-MODEL TRAP: optional property added to an open model', old: obj({ a: str }), new: obj({ a: str, b: str }), rules: ['property-added-to-open-content-model'], backward: false, forward: true, bw: { a: 'x', b: 1 } },
  { name: 'optional property added to a closed model', old: obj({ a: str }, { additionalProperties: false }), new: obj({ a: str, b: str }, { additionalProperties: false }), rules: ['property-added-to-closed-content-model'], backward: true, forward: false, fw: { b: 'x' } },
  { name: 'required property added to a closed model', old: obj({ a: str }, { additionalProperties: false }), new: obj({ a: str, b: str }, { additionalProperties: false, required: ['b'] }), rules: ['property-added-to-closed-content-model', 'required-property-added'], backward: false, forward: false, bw: {}, fw: { b: 'x' } },
  { name: 'required property added to an open model', old: obj({ a: str }), new: obj({ a: str, b: str }, { required: ['b'] }), rules: ['property-added-to-open-content-model', 'required-property-added'], backward: false, forward: true, bw: {} },
  { name: 'property with empty schema added to an open model', old: obj({ a: str }), new: obj({ a: str, b: {} }), rules: ['property-with-empty-schema-added-to-open-content-model'], backward: true, forward: true },
  { name: 'property with false added to a closed model', old: obj({ a: str }, { additionalProperties: false }), new: obj({ a: str, b: false }, { additionalProperties: false }), rules: ['property-with-false-added-to-closed-content-model'], backward: true, forward: true },
  { name: 'property removed from an open model', old: obj({ a: str, b: str }), new: obj({ a: str }), rules: ['property-removed-from-open-content-model'], backward: true, forward: false, fw: { b: 1 } },
  { name: 'property removed from a closed model', old: obj({ a: str, b: str }, { additionalProperties: false }), new: obj({ a: str }, { additionalProperties: false }), rules: ['property-removed-from-closed-content-model'], backward: false, forward: true, bw: { b: 'x' } },
  { name: 'model closed (additionalProperties: false added)', old: obj({ a: str }), new: obj({ a: str }, { additionalProperties: false }), rules: ['additional-properties-removed'], backward: false, forward: true, bw: { z: 1 } },
  { name: 'model opened (additionalProperties: false dropped)', old: obj({ a: str }, { additionalProperties: false }), new: obj({ a: str }), rules: ['additional-properties-added'], backward: true, forward: false, fw: { z: 1 } },
  { name: 'open model made partially open', old: obj({ a: str }), new: obj({ a: str }, { additionalProperties: str }), rules: ['additional-properties-narrowed'], backward: false, forward: true, bw: { z: 1 } },
  { name: 'partially open model made open', old: obj({ a: str }, { additionalProperties: str }), new: obj({ a: str }), rules: ['additional-properties-extended'], backward: true, forward: false, fw: { z: 1 } },
  { name: 'partially open model: additionalProperties extended', old: obj({}, { additionalProperties: str }), new: obj({}, { additionalProperties: { type: ['string', 'integer'] } }), rules: ['type-extended'], backward: true, forward: false, fw: { z: 1 } },
  { name: 'property added, covered by the partially open model', old: obj({ a: str }, { additionalProperties: str }), new: obj({ a: str, b: str }, { additionalProperties: str }), rules: ['property-added-covered-by-partially-open-content-model'], backward: true, forward: true },
  { name: 'property added, not covered by the partially open model', old: obj({ a: str }, { additionalProperties: str }), new: obj({ a: str, b: { type: 'integer' } }, { additionalProperties: str }), rules: ['type-changed'], backward: false, forward: false, bw: { b: 'x' }, fw: { b: 1 } },
  { name: 'property removed, covered by the partially open model', old: obj({ a: str, b: str }, { additionalProperties: str }), new: obj({ a: str }, { additionalProperties: str }), rules: ['property-removed-covered-by-partially-open-content-model'], backward: true, forward: true },
  { name: 'nested property type narrowed', old: obj({ a: obj({ b: { type: 'number' } }) }), new: obj({ a: obj({ b: { type: 'integer' } }) }), rules: ['type-narrowed'], backward: false, forward: true, bw: { a: { b: 1.5 } } },
  { name: 'open-model trap inside array items', old: { type: 'array', items: obj({ a: str }) }, new: { type: 'array', items: obj({ a: str, b: { type: 'integer' } }) }, rules: ['property-added-to-open-content-model'], backward: false, forward: true, bw: [{ b: 'x' }] },
  { name: 'minProperties added', old: { type: 'object' }, new: { type: 'object', minProperties: 1 }, rules: ['min-properties-added'], backward: false, forward: true, bw: {} },
  { name: 'maxProperties decreased', old: { type: 'object', maxProperties: 3 }, new: { type: 'object', maxProperties: 1 }, rules: ['max-properties-decreased'], backward: false, forward: true, bw: { a: 1, b: 2 } },
  { name: 'dependency added', old: obj({ a: str, b: str }), new: obj({ a: str, b: str }, { dependencies: { a: ['b'] } }), rules: ['dependency-array-added'], backward: false, forward: true, bw: { a: 'x' } },
  { name: 'dependency removed', old: obj({ a: str, b: str }, { dependencies: { a: ['b'] } }), new: obj({ a: str, b: str }), rules: ['dependency-array-removed'], backward: true, forward: false, fw: { a: 'x' } },
  { name: 'pattern property added to an open model', old: { type: 'object' }, new: { type: 'object', patternProperties: { '^x-': str } }, rules: ['pattern-property-added'], backward: false, forward: true, bw: { 'x-a': 1 } },
  { name: 'pattern property added to a closed model', old: { type: 'object', additionalProperties: false }, new: { type: 'object', patternProperties: { '^x-': str }, additionalProperties: false }, rules: ['pattern-property-added-to-closed-content-model'], backward: true, forward: false, fw: { 'x-a': 'v' } },
  // combinations
  { name: 'oneOf branch added (sum type extended)', old: { oneOf: [str, { type: 'integer' }] }, new: { oneOf: [str, { type: 'integer' }, { type: 'boolean' }] }, rules: ['sum-type-extended'], backward: true, forward: false, fw: true },
  { name: 'anyOf branch removed (sum type narrowed)', old: { anyOf: [str, { type: 'integer' }] }, new: { anyOf: [str] }, rules: ['sum-type-narrowed'], backward: false, forward: true, bw: 1 },
  { name: 'allOf branch added (product type extended)', old: { allOf: [{ type: 'object' }] }, new: { allOf: [{ type: 'object' }, { required: ['a'] }] }, rules: ['product-type-extended'], backward: false, forward: true, bw: {} },
  { name: 'allOf branch removed (product type narrowed)', old: { allOf: [{ type: 'object' }, { required: ['a'] }] }, new: { allOf: [{ type: 'object' }] }, rules: ['product-type-narrowed'], backward: true, forward: false, fw: {} },
  { name: 'schema became a oneOf branch (combined type extended)', old: str, new: { oneOf: [str, { type: 'integer' }] }, rules: ['combined-type-extended'], backward: true, forward: false, fw: 1 },
  { name: 'oneOf reduced to one branch', old: { oneOf: [str, { type: 'integer' }] }, new: str, rules: ['combined-type-narrowed'], backward: false, forward: true, bw: 1 },
  { name: 'oneOf branch changed inside', old: { oneOf: [obj({ a: str }, { required: ['a'] }), { type: 'integer' }] }, new: { oneOf: [obj({ a: str }, { required: ['a', 'b'] }), { type: 'integer' }] }, rules: ['required-property-added'], backward: false, forward: true, bw: { a: 'x' } },
  { name: 'allOf became oneOf (combined type changed)', old: { allOf: [{ type: 'object' }] }, new: { oneOf: [{ type: 'object' }] }, rules: ['combined-type-changed'], backward: false, forward: false },
  { name: 'not added', old: str, new: { type: 'string', not: { const: 'x' } }, rules: ['not-type-added'], backward: false, forward: true, bw: 'x' },
  { name: 'not widened inside (narrows the schema)', old: { type: 'string', not: { const: 'x' } }, new: { type: 'string', not: { enum: ['x', 'y'] } }, rules: ['enum-extended'], backward: false, forward: true, bw: 'y' },
  { name: 'const became an enum holding it', old: { const: 'x' }, new: { enum: ['x', 'y'] }, rules: ['enum-extended'], backward: true, forward: false, fw: 'y' },
  // the rest of Confluent's compatible change types
  { name: 'maximum removed', old: { type: 'number', maximum: 5 }, new: { type: 'number' }, rules: ['maximum-removed'], backward: true, forward: false, fw: 7 },
  { name: 'exclusiveMaximum removed', old: { type: 'number', exclusiveMaximum: 5 }, new: { type: 'number' }, rules: ['exclusive-maximum-removed'], backward: true, forward: false, fw: 5 },
  { name: 'exclusiveMinimum decreased', old: { type: 'number', exclusiveMinimum: 5 }, new: { type: 'number', exclusiveMinimum: 0 }, rules: ['exclusive-minimum-decreased'], backward: true, forward: false, fw: 3 },
  { name: 'exclusiveMinimum removed', old: { type: 'number', exclusiveMinimum: 0 }, new: { type: 'number' }, rules: ['exclusive-minimum-removed'], backward: true, forward: false, fw: 0 },
  { name: 'multipleOf removed', old: { type: 'integer', multipleOf: 2 }, new: { type: 'integer' }, rules: ['multiple-of-removed'], backward: true, forward: false, fw: 3 },
  { name: 'minItems decreased', old: { type: 'array', minItems: 2 }, new: { type: 'array', minItems: 1 }, rules: ['min-items-decreased'], backward: true, forward: false, fw: [1] },
  { name: 'minItems removed', old: { type: 'array', minItems: 1 }, new: { type: 'array' }, rules: ['min-items-removed'], backward: true, forward: false, fw: [] },
  { name: 'maxProperties increased', old: { type: 'object', maxProperties: 1 }, new: { type: 'object', maxProperties: 3 }, rules: ['max-properties-increased'], backward: true, forward: false, fw: { a: 1, b: 2 } },
  { name: 'maxProperties removed', old: { type: 'object', maxProperties: 1 }, new: { type: 'object' }, rules: ['max-properties-removed'], backward: true, forward: false, fw: { a: 1, b: 2 } },
  { name: 'minProperties decreased', old: { type: 'object', minProperties: 2 }, new: { type: 'object', minProperties: 1 }, rules: ['min-properties-decreased'], backward: true, forward: false, fw: { a: 1 } },
  { name: 'minProperties removed', old: { type: 'object', minProperties: 1 }, new: { type: 'object' }, rules: ['min-properties-removed'], backward: true, forward: false, fw: {} },
  { name: 'dependency narrowed', old: obj({}, { dependencies: { a: ['b', 'c'] } }), new: obj({}, { dependencies: { a: ['b'] } }), rules: ['dependency-array-narrowed'], backward: true, forward: false, fw: { a: 1, b: 2 } },
  { name: 'dependency schema removed', old: obj({}, { dependencies: { a: { required: ['b'] } } }), new: obj({}), rules: ['dependency-schema-removed'], backward: true, forward: false, fw: { a: 1 } },
  { name: 'extra tuple items opened (additional items added)', old: { type: 'array', items: [str], additionalItems: false }, new: { type: 'array', items: [str] }, rules: ['additional-items-added'], backward: true, forward: false, fw: ['a', 1] },
  { name: 'tuple item with empty schema added to open content model', old: { type: 'array', items: [str] }, new: { type: 'array', items: [str, {}] }, rules: ['item-with-empty-schema-added-to-open-content-model'], backward: true, forward: true },
  { name: 'tuple item added, covered by the partially open model', old: { type: 'array', items: [str], additionalItems: str }, new: { type: 'array', items: [str, str], additionalItems: str }, rules: ['item-added-covered-by-partially-open-content-model'], backward: true, forward: true },
  { name: 'tuple item removed, covered by the partially open model', old: { type: 'array', items: [str, str], additionalItems: str }, new: { type: 'array', items: [str], additionalItems: str }, rules: ['item-removed-covered-by-partially-open-content-model'], backward: true, forward: true },
  { name: 'not dropped (not type narrowed)', old: { type: 'string', not: { const: 'x' } }, new: str, rules: ['not-type-removed'], backward: true, forward: false, fw: 'x' },
  { name: 'not narrowed inside (widens the schema)', old: { type: 'string', not: { enum: ['x', 'y'] } }, new: { type: 'string', not: { enum: ['x'] } }, rules: ['enum-narrowed'], backward: true, forward: false, fw: 'y' },
  // A departure from Confluent, backed by the data: the generated validators do not fill defaults.
  { name: 'required property with a default added (breaking here)', old: obj({ a: { type: 'string', default: 'x' } }), new: obj({ a: { type: 'string', default: 'x' } }, { required: ['a'] }), rules: ['required-property-added'], backward: false, forward: true, bw: {} },
  // $ref resolution and annotations
  {
    name: '$ref target tightened (maxLength through a definition)',
    old: { type: 'object', properties: { a: { $ref: '#/definitions/S' } }, definitions: { S: str } },
    new: { type: 'object', properties: { a: { $ref: '#/definitions/S' } }, definitions: { S: { type: 'string', maxLength: 2 } } },
    rules: ['max-length-added'],
    backward: false,
    forward: true,
    bw: { a: 'abc' },
  },
  { name: 'inline schema replaced by an equal $ref', old: obj({ a: str }), new: { type: 'object', properties: { a: { $ref: '#/definitions/S' } }, definitions: { S: str } }, rules: [], backward: true, forward: true },
  { name: '$id, description, title, default and x- changes only', old: obj({ a: { type: 'string', description: 'old' } }, { $id: 'urn:example:a' }), new: obj({ a: { type: 'string', description: 'new', title: 'A', default: 'x', 'x-pii': true } }, { $id: 'urn:example:b' }), rules: [], backward: true, forward: true },
  { name: 'items schema removed (schema removed: anything accepted)', old: { type: 'array', items: str }, new: { type: 'array' }, rules: ['type-extended'], backward: true, forward: false, fw: [1] },
];

function ajv(): Ajv {
  const a = new Ajv({ allErrors: true, strict: false });
  addFormats(a, { mode: 'fast' });
  return a;
}

describe('spec:diff schema rules', () => {
  it('has at least 40 pairs, and every rule the pairs name exists', () => {
    expect(PAIRS.length).toBeGreaterThanOrEqual(40);
    for (const p of PAIRS) for (const r of p.rules) expect(SCHEMA_RULES).toHaveProperty(r);
  });

  it.each(PAIRS.map((p) => [p.name, p] as const))('%s', (_name, pair) => {
    const changes = compareSchemas(inlineRefs(pair.old), inlineRefs(pair.new));
    expect([...new Set(changes.map((c) => c.rule))].sort()).toEqual([...pair.rules].sort());
    expect({ backward: changes.every((c) => c.backward), forward: changes.every((c) => c.forward) }).toEqual({ backward: pair.backward, forward: pair.forward });

    // The data agrees with the verdict: a witness of each breaking direction.
    const a = ajv();
    const oldV = a.compile(pair.old as Json);
    const newV = a.compile(pair.new as Json);
    if ('bw' in pair) {
      expect(pair.backward).toBe(false);
      expect(oldV(pair.bw)).toBe(true);
      expect(newV(pair.bw)).toBe(false);
    }
    if ('fw' in pair) {
      expect(pair.forward).toBe(false);
      expect(newV(pair.fw)).toBe(true);
      expect(oldV(pair.fw)).toBe(false);
    }
  });

  it("covers every Confluent change type that is BACKWARD compatible, with at least one pair", () => {
    const named = new Set(PAIRS.flatMap((p) => p.rules));
    const compatible = Object.entries(SCHEMA_RULES).filter(([, info]) => 'confluent' in info && info.backward).map(([id]) => id);
    expect(compatible.length).toBeGreaterThan(40);
    expect(compatible.filter((id) => !named.has(id as SchemaRuleId))).toEqual([]);
  });

  it('gives no change for equal schemas and names the JSON path of a nested change', () => {
    const schema = obj({ data: obj({ status: { type: 'string', enum: ['a', 'b'] } }) });
    expect(compareSchemas(schema, JSON.parse(JSON.stringify(schema)))).toEqual([]);
    const changed = obj({ data: obj({ status: { type: 'string', enum: ['a'] } }) });
    expect(compareSchemas(schema, changed, '/payload')).toEqual([{ path: '/payload/properties/data/properties/status/enum', rule: 'enum-narrowed', backward: false, forward: true, detail: 'removed "b"' }]);
  });

  it('reports a change to a shared definition at every path that uses it', () => {
    const doc = (status: Json): unknown => ({ type: 'object', properties: { status: { $ref: '#/definitions/S' }, previous: { $ref: '#/definitions/S' } }, definitions: { S: status } });
    const changes = compareSchemas(inlineRefs(doc({ enum: ['a', 'b'] })), inlineRefs(doc({ enum: ['a'] })));
    expect(changes.map((c) => [c.path, c.rule])).toEqual([
      ['/properties/status/enum', 'enum-narrowed'],
      ['/properties/previous/enum', 'enum-narrowed'],
    ]);
  });

  it('compares a recursive schema without looping, and finds a change inside the recursion', () => {
    const tree = (leaf: Json): unknown => ({ definitions: { Node: { type: 'object', properties: { value: leaf, children: { type: 'array', items: { $ref: '#/definitions/Node' } } } } }, $ref: '#/definitions/Node' });
    const changes = compareSchemas(inlineRefs(tree(str)), inlineRefs(tree({ type: 'string', maxLength: 4 })));
    expect(changes.map((c) => [c.path, c.rule])).toContainEqual(['/properties/value/maxLength', 'max-length-added']);
  });

  it('follows the rule table for every rule: a widening rule is backward-only, a narrowing one forward-only', () => {
    for (const [id, info] of Object.entries(SCHEMA_RULES)) {
      if (id.endsWith('-added') && (id.startsWith('max-') || id.startsWith('min-') || id.startsWith('minimum') || id.startsWith('maximum'))) expect([id, info.backward, info.forward]).toEqual([id, false, true]);
      if (id.endsWith('-removed') && (id.startsWith('max-') || id.startsWith('min-'))) expect([id, info.backward, info.forward]).toEqual([id, true, false]);
    }
  });
});
