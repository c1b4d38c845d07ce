import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { describeValidationError } from '../../lib/envelope';
import { schemaKey } from './rules';
import { advise, sortFindings, verdictUnder, type DiffResult, type Finding } from './diff';
import type { SpecSnapshot } from './load';

// The rules predict; the examples test. Every base example must validate against the new
// schema (BACKWARD: new readers, old data) and every new example against the old schema
// (FORWARD: old readers, new data). A failure confirms the breaking findings of that
// direction, or, when no rule predicted it, becomes a finding of its own: the data wins.

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy without `$id`/`$schema` (inlined schemas may repeat an id) and with cycles cut. */
function forAjv(schema: unknown, seen: Set<object> = new Set()): unknown {
  if (Array.isArray(schema)) return schema.map((s) => forAjv(s, seen));
  if (!isObj(schema)) return schema;
  if (seen.has(schema)) return {};
  seen.add(schema);
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$id' || k === '$schema' || k === 'x-unresolved-ref') continue;
    out[k] = k === 'examples' || k === 'enum' || k === 'const' || k === 'default' ? v : forAjv(v, seen);
  }
  seen.delete(schema);
  return out;
}

class Validators {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  private readonly cache = new Map<string, ValidateFunction | null>();
  constructor() {
    addFormats(this.ajv, { mode: 'fast' });
  }
  get(schema: unknown): ValidateFunction | undefined {
    if (schema === undefined) return undefined;
    const key = schemaKey(schema);
    if (!this.cache.has(key)) {
      try {
        this.cache.set(key, this.ajv.compile(forAjv(schema) as Json | boolean));
      } catch {
        this.cache.set(key, null);
      }
    }
    return this.cache.get(key) ?? undefined;
  }
}

interface Pair {
  kind: Finding['kind'];
  subject: string;
  mode: Finding['mode'];
  /** [label, schema in base, schema in head, base examples, head examples] per validated part. */
  parts: { part: string; oldSchema: unknown; newSchema: unknown; oldExamples: { name: string; value: unknown }[]; newExamples: { name: string; value: unknown }[] }[];
}

function pairs(base: SpecSnapshot, head: SpecSnapshot): Pair[] {
  const out: Pair[] = [];
  const named = <T>(list: T[], pick: (x: T) => unknown, name: (x: T, i: number) => string): { name: string; value: unknown }[] =>
    list.flatMap((x, i) => (pick(x) === undefined ? [] : [{ name: name(x, i), value: pick(x) }]));
  for (const m of head.messages.values()) {
    const old = base.messages.get(m.name);
    if (!old) continue;
    const exName = (e: { name?: string }, i: number): string => (e.name ? `"${e.name}"` : `#${i + 1}`);
    const parts: Pair['parts'] = [];
    for (const part of ['payload', 'headers'] as const) {
      if (schemaKey(old[part]) === schemaKey(m[part])) continue;
      parts.push({ part, oldSchema: old[part], newSchema: m[part], oldExamples: named(old.examples, (e) => e[part], exName), newExamples: named(m.examples, (e) => e[part], exName) });
    }
    if (parts.length) out.push({ kind: 'message', subject: m.name, mode: m.compatibility, parts });
  }
  for (const cmd of head.commands.values()) {
    const old = base.commands.get(cmd.name);
    if (!old || schemaKey(old.schema) === schemaKey(cmd.schema)) continue;
    const exName = (_: unknown, i: number): string => `#${i + 1}`;
    out.push({ kind: 'command', subject: cmd.name, mode: cmd.compatibility, parts: [{ part: 'body', oldSchema: old.schema, newSchema: cmd.schema, oldExamples: named(old.examples, (e) => e, exName), newExamples: named(cmd.examples, (e) => e, exName) }] });
  }
  return out;
}

/** Adds evidence to `result`'s findings, and findings for breaks only the examples show. Returns how many examples were run. */
export function checkExamples(result: DiffResult, base: SpecSnapshot, head: SpecSnapshot): number {
  const validators = new Validators();
  let runs = 0;
  for (const pair of pairs(base, head)) {
    const own = result.findings.filter((f) => f.kind === pair.kind && f.subject === pair.subject && !f.against);
    for (const { part, oldSchema, newSchema, oldExamples, newExamples } of pair.parts) {
      const oldV = validators.get(oldSchema);
      const newV = validators.get(newSchema);
      if (!oldV || !newV) continue;
      const directions = [
        { dir: 'backward' as const, examples: oldExamples, own: oldV, other: newV, label: `base example`, against: 'the new schema' },
        { dir: 'forward' as const, examples: newExamples, own: newV, other: oldV, label: `new example`, against: 'the base schema' },
      ];
      for (const d of directions) {
        const failures: string[] = [];
        let tried = 0;
        for (const ex of d.examples) {
          if (!d.own(ex.value)) continue; // an example its own schema rejects proves nothing here
          tried++;
          runs++;
          if (d.other(ex.value)) continue;
          const first = d.other.errors?.[0];
          failures.push(`${d.label} ${ex.name} fails ${d.against}${first ? ` at ${part}${first.instancePath || ''}: ${describeValidationError(first)}` : ''}`);
        }
        const predicted = own.filter((f) => f[d.dir] === 'breaking' && (f.path.startsWith(`/${part}`) || part === 'body'));
        if (failures.length) {
          if (predicted.length) for (const f of predicted) f.evidence = `confirmed: ${failures.join('; ')}`;
          else {
            const backward = d.dir !== 'backward';
            const forward = d.dir !== 'forward';
            const verdict = verdictUnder(pair.mode, backward, forward);
            result.findings.push({
              kind: pair.kind,
              subject: pair.subject,
              path: `/${part === 'body' ? '' : part}`,
              rule: 'example-contradicts-rules',
              backward: backward ? 'compatible' : 'breaking',
              forward: forward ? 'compatible' : 'breaking',
              mode: pair.mode,
              verdict,
              gating: verdict === 'breaking',
              detail: `no rule predicted a ${d.dir.toUpperCase()} break, but the data contradicts that: ${failures.join('; ')}`,
              evidence: 'contradicts the rules',
            });
          }
        } else if (tried) {
          for (const f of predicted) f.evidence ??= `not shown by the ${tried} ${d.label}(s), which ${d.against} accepts`;
        }
      }
    }
  }
  sortFindings(result.findings);
  result.failed = result.findings.some((f) => f.gating);
  result.advice = advise(result.findings, base, head);
  return runs;
}
