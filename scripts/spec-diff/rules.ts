/**
 * JSON Schema compatibility rules, after Confluent Schema Registry's rules for JSON Schema.
 *
 * Directions (Confluent's definitions):
 *   BACKWARD: a reader on the NEW schema accepts every instance valid under the OLD one
 *             (consumers upgrade first; old events in flight, archives, DLQs still read).
 *   FORWARD:  a reader on the OLD schema accepts every instance valid under the NEW one
 *             (producers upgrade first; consumers not yet upgraded still read).
 *   FULL:     both.
 *
 * Every rule has a fixed verdict per direction. A change that widens what is valid is
 * BACKWARD compatible and FORWARD breaking; a change that narrows it is the reverse; a
 * change that does neither is breaking both ways. Content models: an object is open when
 * `additionalProperties` is absent or true, closed when it is false, partially open when it
 * is a schema. In an open model, data written before a property existed may already carry a
 * value of any type under that name, so adding a property there is not backward compatible
 * (the open-model trap); in a closed model it is.
 */

export interface RuleInfo {
  /** true: compatible in that direction. */
  backward: boolean;
  forward: boolean;
  /** What the rule detects, for docs and reports. */
  summary: string;
  /** Confluent's Difference.Type this rule follows, when there is one. */
  confluent?: string;
}

const widen = (summary: string, confluent?: string): RuleInfo => ({ backward: true, forward: false, summary, ...(confluent ? { confluent } : {}) });
const narrow = (summary: string, confluent?: string): RuleInfo => ({ backward: false, forward: true, summary, ...(confluent ? { confluent } : {}) });
const both = (summary: string, confluent?: string): RuleInfo => ({ backward: true, forward: true, summary, ...(confluent ? { confluent } : {}) });
const neither = (summary: string, confluent?: string): RuleInfo => ({ backward: false, forward: false, summary, ...(confluent ? { confluent } : {}) });

export const SCHEMA_RULES = {
  'type-extended': widen('a type was added to the accepted types (or integer became number)', 'TYPE_EXTENDED'),
  'type-narrowed': narrow('a type was removed from the accepted types (or number became integer, or a type was set where any was accepted)', 'TYPE_NARROWED'),
  'type-changed': neither('the accepted types changed to unrelated ones', 'TYPE_CHANGED'),
  'enum-added': narrow('an enum was set where any value was accepted', 'ENUM_ARRAY_NARROWED'),
  'enum-removed': widen('the enum was dropped: any value is accepted', 'ENUM_ARRAY_EXTENDED'),
  'enum-extended': widen('values were added to the enum', 'ENUM_ARRAY_EXTENDED'),
  'enum-narrowed': narrow('values were removed from the enum', 'ENUM_ARRAY_NARROWED'),
  'enum-changed': neither('enum values were both added and removed', 'ENUM_ARRAY_CHANGED'),
  'const-added': narrow('a const was set'),
  'const-removed': widen('the const was dropped'),
  'const-changed': neither('the const value changed'),
  'max-length-added': narrow('maxLength was set', 'MAX_LENGTH_ADDED'),
  'max-length-removed': widen('maxLength was dropped', 'MAX_LENGTH_REMOVED'),
  'max-length-decreased': narrow('maxLength was lowered', 'MAX_LENGTH_DECREASED'),
  'max-length-increased': widen('maxLength was raised', 'MAX_LENGTH_INCREASED'),
  'min-length-added': narrow('minLength was set', 'MIN_LENGTH_ADDED'),
  'min-length-removed': widen('minLength was dropped', 'MIN_LENGTH_REMOVED'),
  'min-length-increased': narrow('minLength was raised', 'MIN_LENGTH_INCREASED'),
  'min-length-decreased': widen('minLength was lowered', 'MIN_LENGTH_DECREASED'),
  'pattern-added': narrow('a pattern was set', 'PATTERN_ADDED'),
  'pattern-removed': widen('the pattern was dropped', 'PATTERN_REMOVED'),
  'pattern-changed': neither('the pattern changed', 'PATTERN_CHANGED'),
  'format-added': narrow('a format was set'),
  'format-removed': widen('the format was dropped'),
  'format-changed': neither('the format changed'),
  'maximum-added': narrow('maximum was set', 'MAXIMUM_ADDED'),
  'maximum-removed': widen('maximum was dropped', 'MAXIMUM_REMOVED'),
  'maximum-decreased': narrow('maximum was lowered', 'MAXIMUM_DECREASED'),
  'maximum-increased': widen('maximum was raised', 'MAXIMUM_INCREASED'),
  'minimum-added': narrow('minimum was set', 'MINIMUM_ADDED'),
  'minimum-removed': widen('minimum was dropped', 'MINIMUM_REMOVED'),
  'minimum-increased': narrow('minimum was raised', 'MINIMUM_INCREASED'),
  'minimum-decreased': widen('minimum was lowered', 'MINIMUM_DECREASED'),
  'exclusive-maximum-added': narrow('exclusiveMaximum was set', 'EXCLUSIVE_MAXIMUM_ADDED'),
  'exclusive-maximum-removed': widen('exclusiveMaximum was dropped', 'EXCLUSIVE_MAXIMUM_REMOVED'),
  'exclusive-maximum-decreased': narrow('exclusiveMaximum was lowered', 'EXCLUSIVE_MAXIMUM_DECREASED'),
  'exclusive-maximum-increased': widen('exclusiveMaximum was raised', 'EXCLUSIVE_MAXIMUM_INCREASED'),
  'exclusive-minimum-added': narrow('exclusiveMinimum was set', 'EXCLUSIVE_MINIMUM_ADDED'),
  'exclusive-minimum-removed': widen('exclusiveMinimum was dropped', 'EXCLUSIVE_MINIMUM_REMOVED'),
  'exclusive-minimum-increased': narrow('exclusiveMinimum was raised', 'EXCLUSIVE_MINIMUM_INCREASED'),
  'exclusive-minimum-decreased': widen('exclusiveMinimum was lowered', 'EXCLUSIVE_MINIMUM_DECREASED'),
  'multiple-of-added': narrow('multipleOf was set', 'MULTIPLE_OF_ADDED'),
  'multiple-of-removed': widen('multipleOf was dropped', 'MULTIPLE_OF_REMOVED'),
  'multiple-of-expanded': narrow('multipleOf became a multiple of the old one (fewer values)', 'MULTIPLE_OF_EXPANDED'),
  'multiple-of-reduced': widen('multipleOf became a divisor of the old one (more values)', 'MULTIPLE_OF_REDUCED'),
  'multiple-of-changed': neither('multipleOf changed to an unrelated value', 'MULTIPLE_OF_CHANGED'),
  'max-items-added': narrow('maxItems was set', 'MAX_ITEMS_ADDED'),
  'max-items-removed': widen('maxItems was dropped', 'MAX_ITEMS_REMOVED'),
  'max-items-decreased': narrow('maxItems was lowered', 'MAX_ITEMS_DECREASED'),
  'max-items-increased': widen('maxItems was raised', 'MAX_ITEMS_INCREASED'),
  'min-items-added': narrow('minItems was set', 'MIN_ITEMS_ADDED'),
  'min-items-removed': widen('minItems was dropped', 'MIN_ITEMS_REMOVED'),
  'min-items-increased': narrow('minItems was raised', 'MIN_ITEMS_INCREASED'),
  'min-items-decreased': widen('minItems was lowered', 'MIN_ITEMS_DECREASED'),
  'unique-items-added': narrow('uniqueItems was set', 'UNIQUE_ITEMS_ADDED'),
  'unique-items-removed': widen('uniqueItems was dropped', 'UNIQUE_ITEMS_REMOVED'),
  'item-added-to-open-content-model': narrow('a tuple item was added where extra items were open', 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL'),
  'item-added-to-closed-content-model': widen('a tuple item was added where extra items were closed', 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL'),
  'item-removed-from-open-content-model': widen('a tuple item was removed; extra items are open', 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL'),
  'item-removed-from-closed-content-model': narrow('a tuple item was removed; extra items are closed', 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL'),
  'item-with-empty-schema-added-to-open-content-model': both('a tuple item accepting anything was added where extra items were open', 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL'),
  'item-with-empty-schema-removed-from-open-content-model': both('a tuple item accepting anything was removed; extra items are open'),
  'item-added-covered-by-partially-open-content-model': both('a tuple item was added with the schema extra items already had', 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'),
  'item-removed-covered-by-partially-open-content-model': both('a tuple item was removed; the extra items schema gives it the same schema', 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'),
  'additional-items-removed': narrow('extra tuple items were closed (additionalItems: false)', 'ADDITIONAL_ITEMS_REMOVED'),
  'additional-items-added': widen('extra tuple items were opened', 'ADDITIONAL_ITEMS_ADDED'),
  'contains-added': narrow('contains was set'),
  'contains-removed': widen('contains was dropped'),
  'max-properties-added': narrow('maxProperties was set', 'MAX_PROPERTIES_ADDED'),
  'max-properties-removed': widen('maxProperties was dropped', 'MAX_PROPERTIES_REMOVED'),
  'max-properties-decreased': narrow('maxProperties was lowered', 'MAX_PROPERTIES_DECREASED'),
  'max-properties-increased': widen('maxProperties was raised', 'MAX_PROPERTIES_INCREASED'),
  'min-properties-added': narrow('minProperties was set', 'MIN_PROPERTIES_ADDED'),
  'min-properties-removed': widen('minProperties was dropped', 'MIN_PROPERTIES_REMOVED'),
  'min-properties-increased': narrow('minProperties was raised', 'MIN_PROPERTIES_INCREASED'),
  'min-properties-decreased': widen('minProperties was lowered', 'MIN_PROPERTIES_DECREASED'),
  'required-property-added': narrow('a property became required (data written before may lack it)', 'REQUIRED_ATTRIBUTE_ADDED'),
  'required-property-removed': widen('a property is no longer required', 'REQUIRED_ATTRIBUTE_REMOVED'),
  'property-added-to-open-content-model': narrow('a property was declared in an open model: old data may already carry that name with any value (the open-model trap)', 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'),
  'property-with-empty-schema-added-to-open-content-model': both('a property accepting anything was declared in an open model', 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL'),
  'property-added-to-closed-content-model': widen('an optional property was added to a closed model', 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'),
  'property-with-false-added-to-closed-content-model': both('a property forbidden by `false` was declared in a closed model', 'PROPERTY_WITH_FALSE_ADDED_TO_CLOSED_CONTENT_MODEL'),
  'property-added-covered-by-partially-open-content-model': both('a property was declared with the schema additionalProperties already gave it', 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'),
  'property-removed-from-open-content-model': widen('a property was removed from an open model: any value is now accepted under that name', 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL'),
  'property-with-empty-schema-removed-from-open-content-model': both('a property accepting anything was removed from an open model'),
  'property-removed-from-closed-content-model': narrow('a property was removed from a closed model: data carrying it is now rejected', 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'),
  'property-removed-covered-by-partially-open-content-model': both('a property was removed; additionalProperties gives it the same schema', 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'),
  'additional-properties-removed': narrow('the model was closed (additionalProperties: false)', 'ADDITIONAL_PROPERTIES_REMOVED'),
  'additional-properties-added': widen('the model was opened (additionalProperties no longer false)', 'ADDITIONAL_PROPERTIES_ADDED'),
  'additional-properties-narrowed': narrow('an open model became partially open (additionalProperties: <schema>)', 'ADDITIONAL_PROPERTIES_NARROWED'),
  'additional-properties-extended': widen('a partially open model became open', 'ADDITIONAL_PROPERTIES_EXTENDED'),
  'pattern-property-added': narrow('a patternProperties entry was added to an open model'),
  'pattern-property-added-to-closed-content-model': widen('a patternProperties entry was added to a closed model'),
  'pattern-property-removed': widen('a patternProperties entry was removed from an open model'),
  'pattern-property-removed-from-closed-content-model': narrow('a patternProperties entry was removed from a closed model'),
  'property-names-added': narrow('propertyNames was set'),
  'property-names-removed': widen('propertyNames was dropped'),
  'dependency-array-added': narrow('a dependentRequired entry was added', 'DEPENDENCY_ARRAY_ADDED'),
  'dependency-array-removed': widen('a dependentRequired entry was dropped', 'DEPENDENCY_ARRAY_REMOVED'),
  'dependency-array-extended': narrow('a dependentRequired entry requires more properties', 'DEPENDENCY_ARRAY_EXTENDED'),
  'dependency-array-narrowed': widen('a dependentRequired entry requires fewer properties', 'DEPENDENCY_ARRAY_NARROWED'),
  'dependency-array-changed': neither('a dependentRequired entry changed', 'DEPENDENCY_ARRAY_CHANGED'),
  'dependency-schema-added': narrow('a dependentSchemas entry was added', 'DEPENDENCY_SCHEMA_ADDED'),
  'dependency-schema-removed': widen('a dependentSchemas entry was dropped', 'DEPENDENCY_SCHEMA_REMOVED'),
  'sum-type-extended': widen('a oneOf/anyOf branch was added', 'SUM_TYPE_EXTENDED'),
  'sum-type-narrowed': narrow('a oneOf/anyOf branch was removed', 'SUM_TYPE_NARROWED'),
  'product-type-extended': narrow('an allOf branch was added', 'PRODUCT_TYPE_EXTENDED'),
  'product-type-narrowed': widen('an allOf branch was removed', 'PRODUCT_TYPE_NARROWED'),
  'combined-type-extended': widen('a schema became one branch of a oneOf/anyOf', 'COMBINED_TYPE_EXTENDED'),
  'combined-type-narrowed': narrow('a oneOf/anyOf was reduced to one of its branches'),
  'combined-type-oneof-to-anyof': widen('oneOf became anyOf (data matching several branches now accepted)'),
  'combined-type-anyof-to-oneof': narrow('anyOf became oneOf (data matching several branches now rejected)'),
  'combined-type-changed': neither('the combination changed kind (allOf vs oneOf/anyOf) or its branches changed beyond matching', 'COMBINED_TYPE_CHANGED'),
  'not-type-added': narrow('a `not` was set', 'NOT_TYPE_EXTENDED'),
  'not-type-removed': widen('the `not` was dropped', 'NOT_TYPE_NARROWED'),
  'conditional-changed': neither('if/then/else changed (judged breaking, not analysed)'),
  'schema-became-false': narrow('the schema now rejects everything'),
  'schema-was-false': widen('the schema rejected everything and now accepts values'),
  'ref-unresolved': neither('a $ref could not be resolved; the schema cannot be compared'),
} as const satisfies Record<string, RuleInfo>;

export type SchemaRuleId = keyof typeof SCHEMA_RULES;

/** One difference between two schemas, at a JSON pointer into the (new, or old when removed) schema. */
export interface SchemaChange {
  path: string;
  rule: SchemaRuleId;
  backward: boolean;
  forward: boolean;
  detail: string;
}

type Json = Record<string, unknown>;
type Schema = boolean | Json;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
const show = (v: unknown): string => {
  const text = JSON.stringify(v);
  return text === undefined ? 'undefined' : text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** Keywords that do not change what validates. */
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', 'example', '$comment', 'deprecated', 'readOnly', 'writeOnly', '$id', '$schema', '$anchor', 'contentMediaType', 'contentEncoding', 'discriminator', 'externalDocs', 'xml']);

function stripAnnotations(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripAnnotations);
  if (!isObj(v)) return v;
  const out: Json = {};
  for (const key of Object.keys(v).sort()) {
    if (ANNOTATIONS.has(key) || key.startsWith('x-')) continue;
    out[key] = stripAnnotations(v[key]);
  }
  return out;
}

const canonical = new WeakMap<object, string>();
/** A key equal for two schemas that validate the same way textually (annotations ignored). */
export function schemaKey(s: unknown): string {
  if (isObj(s) || Array.isArray(s)) {
    const hit = canonical.get(s);
    if (hit !== undefined) return hit;
    const key = JSON.stringify(stripAnnotations(s)) ?? 'undefined';
    canonical.set(s, key);
    return key;
  }
  return JSON.stringify(s) ?? 'undefined';
}

const valueKey = (v: unknown): string => JSON.stringify(sortKeys(v)) ?? 'undefined';
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
}

/** true / {} (after annotations): accepts anything. */
function acceptsAll(s: unknown): boolean {
  return s === true || s === undefined || (isObj(s) && schemaKey(s) === '{}');
}

const ALL_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];
function typesOf(s: Json): string[] | undefined {
  const t = s['type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return undefined;
}
/** Every type of `a` is accepted by `b` (integer is accepted by number). */
function typesCovered(a: string[], b: string[]): boolean {
  return a.every((t) => b.includes(t) || (t === 'integer' && b.includes('number')));
}

const OBJECT_KEYWORDS = ['properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'maxProperties', 'dependentRequired', 'dependencies', 'dependentSchemas', 'propertyNames'];
const ARRAY_KEYWORDS = ['items', 'prefixItems', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains'];

type Model = 'open' | 'closed' | 'partial';
function contentModel(extra: unknown): Model {
  if (extra === false) return 'closed';
  if (extra === undefined || extra === true || acceptsAll(extra)) return 'open';
  return 'partial';
}

/** Bound keywords; the rule table knows which way narrows (a lower max*, a higher min*). */
const BOUNDS: { key: string; rule: string }[] = [
  { key: 'maxLength', rule: 'max-length' },
  { key: 'minLength', rule: 'min-length' },
  { key: 'maximum', rule: 'maximum' },
  { key: 'minimum', rule: 'minimum' },
  { key: 'exclusiveMaximum', rule: 'exclusive-maximum' },
  { key: 'exclusiveMinimum', rule: 'exclusive-minimum' },
  { key: 'maxItems', rule: 'max-items' },
  { key: 'minItems', rule: 'min-items' },
  { key: 'maxProperties', rule: 'max-properties' },
  { key: 'minProperties', rule: 'min-properties' },
];

class Comparer {
  readonly changes: SchemaChange[] = [];
  private readonly active = new WeakMap<object, WeakSet<object>>();

  /** `flip`: inside a `not`, where widening and narrowing trade places. */
  constructor(private readonly flip = false) {}

  add(path: string, rule: SchemaRuleId, detail: string): void {
    const info: RuleInfo = SCHEMA_RULES[rule];
    const backward = this.flip ? info.forward : info.backward;
    const forward = this.flip ? info.backward : info.forward;
    this.changes.push({ path: path || '/', rule, backward, forward, detail });
  }

  compare(oldS: unknown, newS: unknown, path: string): void {
    if (oldS === undefined && newS === undefined) return;
    if (schemaKey(oldS) === schemaKey(newS)) return;
    if (!isObj(oldS) || !isObj(newS)) return this.compareNodes(oldS, newS, path);
    // Cycle guard: a pair of nodes already being compared further up (a recursive schema)
    // is not compared again inside itself. A node shared at two paths is compared at both.
    let set = this.active.get(oldS);
    if (!set) this.active.set(oldS, (set = new WeakSet()));
    if (set.has(newS)) return;
    set.add(newS);
    try {
      this.compareNodes(oldS, newS, path);
    } finally {
      set.delete(newS);
    }
  }

  private compareNodes(oldS: unknown, newS: unknown, path: string): void {
    if (newS === false) return this.add(path, 'schema-became-false', 'the schema is now `false`');
    if (oldS === false) return this.add(path, 'schema-was-false', 'the schema was `false`');
    const o: Json = isObj(oldS) ? oldS : {};
    const n: Json = isObj(newS) ? newS : {};
    if (o['x-unresolved-ref'] !== undefined || n['x-unresolved-ref'] !== undefined) {
      return this.add(path, 'ref-unresolved', `unresolved $ref ${show(o['x-unresolved-ref'] ?? n['x-unresolved-ref'])}`);
    }
    const handledCombination = this.combinations(o, n, path);
    if (handledCombination) return;
    this.not(o, n, path);
    this.types(o, n, path);
    this.enums(o, n, path);
    this.scalars(o, n, path);
    if (OBJECT_KEYWORDS.some((k) => k in o || k in n)) this.objects(o, n, path);
    if (ARRAY_KEYWORDS.some((k) => k in o || k in n)) this.arrays(o, n, path);
    for (const key of ['if', 'then', 'else']) {
      if (schemaKey(o[key]) !== schemaKey(n[key])) {
        this.add(`${path}/${key}`, 'conditional-changed', `${key} changed`);
        break;
      }
    }
  }

  /** Returns true when the whole comparison was settled here (a schema wrapped into or out of a union). */
  private combinations(o: Json, n: Json, path: string): boolean {
    const kindOf = (s: Json): 'oneOf' | 'anyOf' | 'allOf' | undefined =>
      Array.isArray(s['oneOf']) ? 'oneOf' : Array.isArray(s['anyOf']) ? 'anyOf' : Array.isArray(s['allOf']) ? 'allOf' : undefined;
    const ko = kindOf(o);
    const kn = kindOf(n);
    if (!ko && !kn) return false;
    const rest = (s: Json, kind: string): Json => {
      const { [kind]: _drop, ...others } = s;
      return others;
    };
    if (!ko && kn) {
      const branches = n[kn] as unknown[];
      const index = branches.findIndex((b) => schemaKey(b) === schemaKey(o));
      if (kn !== 'allOf' && index >= 0 && acceptsAll(rest(n, kn))) {
        this.add(`${path}/${kn}`, 'combined-type-extended', `the schema became branch ${index} of a ${kn} with ${branches.length} branches`);
        return true;
      }
      if (kn === 'allOf' && index >= 0 && acceptsAll(rest(n, kn))) {
        if (branches.length > 1) this.add(`${path}/allOf`, 'product-type-extended', `the schema became one of ${branches.length} allOf branches`);
        return true;
      }
      this.add(`${path}/${kn}`, 'combined-type-changed', `the schema was replaced by a ${kn}`);
      return true;
    }
    if (ko && !kn) {
      const branches = o[ko] as unknown[];
      const index = branches.findIndex((b) => schemaKey(b) === schemaKey(n));
      if (index >= 0 && acceptsAll(rest(o, ko))) {
        if (ko === 'allOf') this.add(`${path}/allOf`, 'product-type-narrowed', `the allOf was reduced to its branch ${index}`);
        else this.add(`${path}/${ko}`, 'combined-type-narrowed', `the ${ko} was reduced to its branch ${index}`);
        return true;
      }
      this.add(`${path}/${ko}`, 'combined-type-changed', `the ${ko} was replaced by a plain schema`);
      return true;
    }
    const oldKind = ko as 'oneOf' | 'anyOf' | 'allOf';
    const newKind = kn as 'oneOf' | 'anyOf' | 'allOf';
    if (oldKind !== newKind) {
      if (oldKind === 'allOf' || newKind === 'allOf') {
        this.add(`${path}/${newKind}`, 'combined-type-changed', `${oldKind} became ${newKind}`);
        return true;
      }
      this.add(`${path}/${newKind}`, oldKind === 'oneOf' ? 'combined-type-oneof-to-anyof' : 'combined-type-anyof-to-oneof', `${oldKind} became ${newKind}`);
    }
    this.branches(o[oldKind] as unknown[], n[newKind] as unknown[], `${path}/${newKind}`, newKind === 'allOf');
    // The keywords beside the combination are compared as usual.
    this.compareRest(rest(o, oldKind), rest(n, newKind), path);
    return true;
  }

  private compareRest(o: Json, n: Json, path: string): void {
    if (schemaKey(o) === schemaKey(n)) return;
    this.not(o, n, path);
    this.types(o, n, path);
    this.enums(o, n, path);
    this.scalars(o, n, path);
    if (OBJECT_KEYWORDS.some((k) => k in o || k in n)) this.objects(o, n, path);
    if (ARRAY_KEYWORDS.some((k) => k in o || k in n)) this.arrays(o, n, path);
  }

  /** Pairs equal branches, then changed ones by fewest differences; the rest were added or removed. */
  private branches(oldB: unknown[], newB: unknown[], path: string, product: boolean): void {
    const oldLeft = oldB.map((b, i) => ({ b, i }));
    const newLeft = newB.map((b, i) => ({ b, i }));
    for (let k = newLeft.length - 1; k >= 0; k--) {
      const nb = newLeft[k] as { b: unknown; i: number };
      const j = oldLeft.findIndex((ob) => schemaKey(ob.b) === schemaKey(nb.b));
      if (j >= 0) {
        oldLeft.splice(j, 1);
        newLeft.splice(k, 1);
      }
    }
    while (oldLeft.length && newLeft.length) {
      let best: { oi: number; ni: number; changes: SchemaChange[] } | undefined;
      oldLeft.forEach((ob, oi) =>
        newLeft.forEach((nb, ni) => {
          const c = new Comparer(this.flip);
          c.compare(ob.b, nb.b, `${path}/${nb.i}`);
          const breaking = c.changes.filter((x) => !x.backward || !x.forward).length;
          if (!best || breaking < best.changes.filter((x) => !x.backward || !x.forward).length) best = { oi, ni, changes: c.changes };
        }),
      );
      const pick = best as { oi: number; ni: number; changes: SchemaChange[] };
      // Branches of unrelated types are an added branch plus a removed one, not one changed branch.
      const oldB0 = (oldLeft[pick.oi] as { b: unknown }).b;
      const newB0 = (newLeft[pick.ni] as { b: unknown }).b;
      const ot = isObj(oldB0) ? typesOf(oldB0) : undefined;
      const nt = isObj(newB0) ? typesOf(newB0) : undefined;
      if (ot && nt && !ot.some((t) => nt.includes(t))) break;
      this.changes.push(...pick.changes);
      oldLeft.splice(pick.oi, 1);
      newLeft.splice(pick.ni, 1);
    }
    for (const nb of newLeft) this.add(`${path}/${nb.i}`, product ? 'product-type-extended' : 'sum-type-extended', `branch ${nb.i} was added`);
    for (const ob of oldLeft) this.add(`${path}/${ob.i}`, product ? 'product-type-narrowed' : 'sum-type-narrowed', `old branch ${ob.i} was removed`);
  }

  /** Compares a schema with the one a partially open model gives the same place; none differs: `rule`. */
  private covered(oldS: unknown, newS: unknown, path: string, rule: SchemaRuleId, detail: string): void {
    const inner = new Comparer(this.flip);
    inner.compare(oldS, newS, path);
    if (inner.changes.length) this.changes.push(...inner.changes);
    else this.add(path, rule, detail);
  }

  private not(o: Json, n: Json, path: string): void {
    const on = o['not'];
    const nn = n['not'];
    if (on === undefined && nn === undefined) return;
    if (on === undefined) return this.add(`${path}/not`, 'not-type-added', '`not` was set');
    if (nn === undefined) return this.add(`${path}/not`, 'not-type-removed', '`not` was dropped');
    const inner = new Comparer(!this.flip);
    inner.compare(on, nn, `${path}/not`);
    this.changes.push(...inner.changes);
  }

  private types(o: Json, n: Json, path: string): void {
    const to = typesOf(o) ?? ALL_TYPES;
    const tn = typesOf(n) ?? ALL_TYPES;
    const a = [...to].sort().join(',');
    const b = [...tn].sort().join(',');
    if (a === b) return;
    const describe = (t: string[]): string => (t === ALL_TYPES ? 'any type' : t.join('|'));
    const detail = `type ${describe(to)} -> ${describe(tn)}`;
    if (typesCovered(to, tn)) this.add(`${path}/type`, 'type-extended', detail);
    else if (typesCovered(tn, to)) this.add(`${path}/type`, 'type-narrowed', detail);
    else this.add(`${path}/type`, 'type-changed', detail);
  }

  private enums(o0: Json, n0: Json, path: string): void {
    // A const facing an enum is a one-value enum: const x -> enum [x, y] extends it.
    const asEnum = (s: Json, other: Json): Json => {
      if (!('const' in s) || 'enum' in s || !Array.isArray(other['enum']) || 'const' in other) return s;
      const { const: value, ...rest } = s;
      return { ...rest, enum: [value] };
    };
    const o = asEnum(o0, n0);
    const n = asEnum(n0, o0);
    const eo = Array.isArray(o['enum']) ? (o['enum'] as unknown[]) : undefined;
    const en = Array.isArray(n['enum']) ? (n['enum'] as unknown[]) : undefined;
    if (eo || en) {
      if (!eo) this.add(`${path}/enum`, 'enum-added', `enum ${show(en)} was set`);
      else if (!en) this.add(`${path}/enum`, 'enum-removed', `enum ${show(eo)} was dropped`);
      else {
        const so = new Set(eo.map(valueKey));
        const sn = new Set(en.map(valueKey));
        const added = [...sn].filter((v) => !so.has(v));
        const removed = [...so].filter((v) => !sn.has(v));
        const detail = `${added.length ? `added ${added.join(', ')}` : ''}${added.length && removed.length ? '; ' : ''}${removed.length ? `removed ${removed.join(', ')}` : ''}`;
        if (added.length && removed.length) this.add(`${path}/enum`, 'enum-changed', detail);
        else if (added.length) this.add(`${path}/enum`, 'enum-extended', detail);
        else if (removed.length) this.add(`${path}/enum`, 'enum-narrowed', detail);
      }
    }
    if ('const' in o || 'const' in n) {
      if (!('const' in o)) this.add(`${path}/const`, 'const-added', `const ${show(n['const'])} was set`);
      else if (!('const' in n)) this.add(`${path}/const`, 'const-removed', `const ${show(o['const'])} was dropped`);
      else if (valueKey(o['const']) !== valueKey(n['const'])) this.add(`${path}/const`, 'const-changed', `const ${show(o['const'])} -> ${show(n['const'])}`);
    }
  }

  private scalars(o: Json, n: Json, path: string): void {
    for (const { key, rule } of BOUNDS) {
      // Draft-04 boolean exclusiveMaximum/Minimum modifies maximum/minimum; compared as a flag below.
      const ov = typeof o[key] === 'number' ? (o[key] as number) : undefined;
      const nv = typeof n[key] === 'number' ? (n[key] as number) : undefined;
      if (ov === nv) continue;
      const at = `${path}/${key}`;
      if (ov === undefined) this.add(at, `${rule}-added` as SchemaRuleId, `${key} ${nv} was set`);
      else if (nv === undefined) this.add(at, `${rule}-removed` as SchemaRuleId, `${key} ${ov} was dropped`);
      else this.add(at, `${rule}-${nv > ov ? 'increased' : 'decreased'}` as SchemaRuleId, `${key} ${ov} -> ${nv}`);
    }
    for (const key of ['exclusiveMaximum', 'exclusiveMinimum']) {
      const ob = o[key] === true;
      const nb = n[key] === true;
      if (ob === nb || (typeof o[key] === 'number' || typeof n[key] === 'number')) continue;
      const rule = key === 'exclusiveMaximum' ? 'exclusive-maximum' : 'exclusive-minimum';
      this.add(`${path}/${key}`, `${rule}-${nb ? 'added' : 'removed'}` as SchemaRuleId, `${key} ${ob} -> ${nb}`);
    }
    const mo = typeof o['multipleOf'] === 'number' ? (o['multipleOf'] as number) : undefined;
    const mn = typeof n['multipleOf'] === 'number' ? (n['multipleOf'] as number) : undefined;
    if (mo !== mn) {
      const at = `${path}/multipleOf`;
      const divides = (a: number, b: number): boolean => Math.abs(b / a - Math.round(b / a)) < 1e-9;
      if (mo === undefined) this.add(at, 'multiple-of-added', `multipleOf ${mn} was set`);
      else if (mn === undefined) this.add(at, 'multiple-of-removed', `multipleOf ${mo} was dropped`);
      else if (divides(mo, mn)) this.add(at, 'multiple-of-expanded', `multipleOf ${mo} -> ${mn}`);
      else if (divides(mn, mo)) this.add(at, 'multiple-of-reduced', `multipleOf ${mo} -> ${mn}`);
      else this.add(at, 'multiple-of-changed', `multipleOf ${mo} -> ${mn}`);
    }
    for (const [key, rule] of [['pattern', 'pattern'], ['format', 'format']] as const) {
      const ov = typeof o[key] === 'string' ? o[key] : undefined;
      const nv = typeof n[key] === 'string' ? n[key] : undefined;
      if (ov === nv) continue;
      const at = `${path}/${key}`;
      if (ov === undefined) this.add(at, `${rule}-added`, `${key} ${show(nv)} was set`);
      else if (nv === undefined) this.add(at, `${rule}-removed`, `${key} ${show(ov)} was dropped`);
      else this.add(at, `${rule}-changed`, `${key} ${show(ov)} -> ${show(nv)}`);
    }
    const uo = o['uniqueItems'] === true;
    const un = n['uniqueItems'] === true;
    if (uo !== un) this.add(`${path}/uniqueItems`, un ? 'unique-items-added' : 'unique-items-removed', `uniqueItems ${uo} -> ${un}`);
  }

  private objects(o: Json, n: Json, path: string): void {
    const po = isObj(o['properties']) ? o['properties'] : {};
    const pn = isObj(n['properties']) ? n['properties'] : {};
    const ppo = isObj(o['patternProperties']) ? o['patternProperties'] : {};
    const ppn = isObj(n['patternProperties']) ? n['patternProperties'] : {};
    const ao = o['additionalProperties'];
    const an = n['additionalProperties'];
    const mo = contentModel(ao);
    const mn = contentModel(an);
    const patternFor = (patterns: Json, name: string): unknown => {
      for (const [re, schema] of Object.entries(patterns)) {
        try {
          if (new RegExp(re, 'u').test(name)) return schema;
        } catch {
          // An invalid pattern matches nothing here; the codegen reports it.
        }
      }
      return undefined;
    };

    for (const name of new Set([...Object.keys(po), ...Object.keys(pn)])) {
      const at = `${path}/properties/${esc(name)}`;
      const inOld = name in po;
      const inNew = name in pn;
      if (inOld && inNew) {
        this.compare(po[name], pn[name], at);
        continue;
      }
      if (inNew) {
        const schema = pn[name];
        const covering = patternFor(ppo, name);
        if (covering !== undefined) {
          this.compare(covering, schema, at);
          continue;
        }
        if (mo === 'open') {
          if (acceptsAll(schema)) this.add(at, 'property-with-empty-schema-added-to-open-content-model', `property ${name} (any value) was declared`);
          else this.add(at, 'property-added-to-open-content-model', `property ${name} was added to an open model (additionalProperties absent or true): data written before may carry "${name}" with another type`);
        } else if (mo === 'closed') {
          if (schema === false) this.add(at, 'property-with-false-added-to-closed-content-model', `property ${name}: false was declared`);
          else this.add(at, 'property-added-to-closed-content-model', `property ${name} was added to a closed model`);
        } else this.covered(ao, schema, at, 'property-added-covered-by-partially-open-content-model', `property ${name} was declared with the additionalProperties schema`);
        continue;
      }
      const schema = po[name];
      const covering = patternFor(ppn, name);
      if (covering !== undefined) {
        this.compare(schema, covering, at);
        continue;
      }
      if (mn === 'open') {
        if (acceptsAll(schema)) this.add(at, 'property-with-empty-schema-removed-from-open-content-model', `property ${name} (any value) was removed`);
        else this.add(at, 'property-removed-from-open-content-model', `property ${name} was removed; the open model now accepts any value under that name`);
      } else if (mn === 'closed') {
        this.add(at, 'property-removed-from-closed-content-model', `property ${name} was removed from a closed model`);
      } else this.covered(schema, an, at, 'property-removed-covered-by-partially-open-content-model', `property ${name} was removed; additionalProperties covers it`);
    }

    const ro = new Set(Array.isArray(o['required']) ? (o['required'] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
    const rn = new Set(Array.isArray(n['required']) ? (n['required'] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
    for (const name of rn) if (!ro.has(name)) this.add(`${path}/required`, 'required-property-added', `${name} became required`);
    for (const name of ro) if (!rn.has(name)) this.add(`${path}/required`, 'required-property-removed', `${name} is no longer required`);

    if (mo !== mn) {
      const at = `${path}/additionalProperties`;
      const detail = `additionalProperties ${show(ao ?? true)} -> ${show(an ?? true)}`;
      if (mn === 'closed') this.add(at, 'additional-properties-removed', detail);
      else if (mo === 'closed') this.add(at, 'additional-properties-added', detail);
      else if (mn === 'partial') this.add(at, 'additional-properties-narrowed', detail);
      else this.add(at, 'additional-properties-extended', detail);
    } else if (mo === 'partial') {
      this.compare(ao, an, `${path}/additionalProperties`);
    }

    for (const re of new Set([...Object.keys(ppo), ...Object.keys(ppn)])) {
      const at = `${path}/patternProperties/${esc(re)}`;
      if (re in ppo && re in ppn) this.compare(ppo[re], ppn[re], at);
      else if (re in ppn) this.add(at, mo === 'closed' ? 'pattern-property-added-to-closed-content-model' : 'pattern-property-added', `patternProperties ${show(re)} was added`);
      else this.add(at, mn === 'closed' ? 'pattern-property-removed-from-closed-content-model' : 'pattern-property-removed', `patternProperties ${show(re)} was removed`);
    }

    const pno = o['propertyNames'];
    const pnn = n['propertyNames'];
    if (pno !== undefined || pnn !== undefined) {
      if (pno === undefined) this.add(`${path}/propertyNames`, 'property-names-added', 'propertyNames was set');
      else if (pnn === undefined) this.add(`${path}/propertyNames`, 'property-names-removed', 'propertyNames was dropped');
      else this.compare(pno, pnn, `${path}/propertyNames`);
    }

    this.dependencies(o, n, path);
  }

  private dependencies(o: Json, n: Json, path: string): void {
    // dependentRequired (2019-09) and draft-07 `dependencies` arrays express the same rule;
    // a spec may write both (one for each validator): they are merged.
    const arrays = (s: Json): Map<string, Set<string>> => {
      const out = new Map<string, Set<string>>();
      for (const key of ['dependentRequired', 'dependencies']) {
        const d = s[key];
        if (!isObj(d)) continue;
        for (const [prop, v] of Object.entries(d)) {
          if (!Array.isArray(v)) continue;
          const set = out.get(prop) ?? new Set<string>();
          for (const x of v) if (typeof x === 'string') set.add(x);
          out.set(prop, set);
        }
      }
      return out;
    };
    const schemas = (s: Json): Map<string, unknown> => {
      const out = new Map<string, unknown>();
      for (const key of ['dependentSchemas', 'dependencies']) {
        const d = s[key];
        if (!isObj(d)) continue;
        for (const [prop, v] of Object.entries(d)) if (!Array.isArray(v)) out.set(prop, v);
      }
      return out;
    };
    const ao = arrays(o);
    const an = arrays(n);
    for (const prop of new Set([...ao.keys(), ...an.keys()])) {
      const at = `${path}/dependentRequired/${esc(prop)}`;
      const so = ao.get(prop);
      const sn = an.get(prop);
      if (!so) this.add(at, 'dependency-array-added', `${prop} now requires ${[...(sn ?? [])].join(', ')}`);
      else if (!sn) this.add(at, 'dependency-array-removed', `${prop} no longer requires ${[...so].join(', ')}`);
      else {
        const added = [...sn].filter((x) => !so.has(x));
        const removed = [...so].filter((x) => !sn.has(x));
        if (added.length && removed.length) this.add(at, 'dependency-array-changed', `${prop}: +${added.join(',')} -${removed.join(',')}`);
        else if (added.length) this.add(at, 'dependency-array-extended', `${prop} also requires ${added.join(', ')}`);
        else if (removed.length) this.add(at, 'dependency-array-narrowed', `${prop} no longer requires ${removed.join(', ')}`);
      }
    }
    const so = schemas(o);
    const sn = schemas(n);
    for (const prop of new Set([...so.keys(), ...sn.keys()])) {
      const at = `${path}/dependentSchemas/${esc(prop)}`;
      if (!so.has(prop)) this.add(at, 'dependency-schema-added', `a schema depends on ${prop}`);
      else if (!sn.has(prop)) this.add(at, 'dependency-schema-removed', `no schema depends on ${prop} any more`);
      else this.compare(so.get(prop), sn.get(prop), at);
    }
  }

  private arrays(o: Json, n: Json, path: string): void {
    // Tuples: draft 2020-12 prefixItems + items, or draft-07 items: [...] + additionalItems.
    const tuple = (s: Json): { prefix: unknown[]; rest: unknown } | undefined => {
      if (Array.isArray(s['prefixItems'])) return { prefix: s['prefixItems'] as unknown[], rest: s['items'] };
      if (Array.isArray(s['items'])) return { prefix: s['items'] as unknown[], rest: s['additionalItems'] };
      return undefined;
    };
    const to = tuple(o);
    const tn = tuple(n);
    if (to || tn) {
      const prefixO = to?.prefix ?? [];
      const prefixN = tn?.prefix ?? [];
      const restO = to ? to.rest : o['items'];
      const restN = tn ? tn.rest : n['items'];
      const key = Array.isArray(n['prefixItems']) || Array.isArray(o['prefixItems']) ? 'prefixItems' : 'items';
      for (let i = 0; i < Math.max(prefixO.length, prefixN.length); i++) {
        const at = `${path}/${key}/${i}`;
        if (i < prefixO.length && i < prefixN.length) this.compare(prefixO[i], prefixN[i], at);
        else if (i < prefixN.length) {
          const m = contentModel(restO);
          const item = prefixN[i];
          if (m === 'closed') this.add(at, 'item-added-to-closed-content-model', `tuple item ${i} was added`);
          else if (m === 'open') {
            if (acceptsAll(item)) this.add(at, 'item-with-empty-schema-added-to-open-content-model', `tuple item ${i} (any value) was added`);
            else this.add(at, 'item-added-to-open-content-model', `tuple item ${i} was added; extra items were open`);
          } else this.covered(restO, item, at, 'item-added-covered-by-partially-open-content-model', `tuple item ${i} was added with the extra items' schema`);
        } else {
          const m = contentModel(restN);
          const item = prefixO[i];
          if (m === 'closed') this.add(at, 'item-removed-from-closed-content-model', `tuple item ${i} was removed; extra items are closed`);
          else if (m === 'open') {
            if (acceptsAll(item)) this.add(at, 'item-with-empty-schema-removed-from-open-content-model', `tuple item ${i} (any value) was removed`);
            else this.add(at, 'item-removed-from-open-content-model', `tuple item ${i} was removed`);
          } else this.covered(item, restN, at, 'item-removed-covered-by-partially-open-content-model', `tuple item ${i} was removed; the extra items' schema covers it`);
        }
      }
      const mo = contentModel(restO);
      const mn = contentModel(restN);
      const at = `${path}/${key === 'prefixItems' ? 'items' : 'additionalItems'}`;
      if (mo !== mn && (mo === 'closed' || mn === 'closed')) this.add(at, mn === 'closed' ? 'additional-items-removed' : 'additional-items-added', `extra items ${mo} -> ${mn}`);
      else if (mo !== mn || mo === 'partial') this.compare(restO, restN, at);
    } else if (o['items'] !== undefined || n['items'] !== undefined) {
      this.compare(o['items'] ?? true, n['items'] ?? true, `${path}/items`);
    }
    const co = o['contains'];
    const cn = n['contains'];
    if (co !== undefined || cn !== undefined) {
      if (co === undefined) this.add(`${path}/contains`, 'contains-added', 'contains was set');
      else if (cn === undefined) this.add(`${path}/contains`, 'contains-removed', 'contains was dropped');
      else this.compare(co, cn, `${path}/contains`);
    }
  }
}

/**
 * Every difference between `oldSchema` and `newSchema` that changes what validates, each
 * classified for BACKWARD and FORWARD. Both schemas must have their `$ref`s resolved
 * (see ./load inlineRefs); equal schemas give no change.
 */
export function compareSchemas(oldSchema: unknown, newSchema: unknown, path = ''): SchemaChange[] {
  const c = new Comparer();
  c.compare(oldSchema as Schema | undefined, newSchema as Schema | undefined, path);
  return c.changes;
}
