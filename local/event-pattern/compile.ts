// Pattern -> alternatives ("sub-rules"), following aws/event-ruler's JsonRuleCompiler:
// nested objects become dotted paths, `$or` forks the alternatives built so far, and a
// path given twice in one alternative keeps its last list.
import { wildcardComplexity } from './complexity';
import { compileCondition, type FieldCondition } from './conditions';
import { InvalidEventPatternError } from './errors';
import { eventObject, matchesSubRule, viewOf, type SubRule } from './evaluate';
import type { EventPattern } from './types';
import type { Wildcard } from './wildcard';

/**
 * EventBridge rejects a rule whose wildcards on one field can leave more than this many
 * partial matches alive at once. AWS does not publish its limit. 10 separates the known
 * cases: AWS rejects `*:*:*:*:*:event-bus/*` (complexity 11, LocalStack's AWS-validated
 * template) and, per a public report, accepted three `*:stack/<name>/*` wildcards on one
 * field (9) but not four (12).
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

const OR = '$or';

// The same wildcards come back with every compile of a rule; the measure is not cheap.
const COMPLEXITY_CACHE_SIZE = 512;
const complexityCache = new Map<string, boolean>();

function tooComplex(wildcards: readonly Wildcard[]): boolean {
  const key = JSON.stringify(wildcards.map((w) => w.segments));
  let verdict = complexityCache.get(key);
  if (verdict === undefined) {
    verdict = wildcardComplexity(wildcards, MAX_WILDCARD_COMPLEXITY + 1) > MAX_WILDCARD_COMPLEXITY;
    if (complexityCache.size >= COMPLEXITY_CACHE_SIZE) complexityCache.delete(complexityCache.keys().next().value as string);
    complexityCache.set(key, verdict);
  }
  return verdict;
}

// event-ruler reserves these as field names inside `$or` (operators and future ones).
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case',
  'date-after', 'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range',
  'ip-address-in-range', 'ip-address-not-in-range',
]);

type Branch = Map<string, FieldCondition>;
type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

class PatternCompiler {
  private readonly wildcards = new Map<string, Map<string, Wildcard>>();

  compile(pattern: JsonObject): SubRule[] {
    const branches: Branch[] = [];
    this.object(pattern, '', branches, false);
    this.checkComplexity();
    return branches.map((branch) => ({
      conditions: [...branch.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    }));
  }

  private object(node: JsonObject, prefix: string, branches: Branch[], insideOr: boolean): void {
    const keys = Object.keys(node);
    if (keys.length === 0) throw new InvalidEventPatternError('Empty objects are not allowed', prefix);
    for (const key of keys) {
      const value = node[key];
      if (key === OR) {
        this.or(value, prefix, branches);
        continue;
      }
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (insideOr && RESERVED_IN_OR.has(key)) {
        throw new InvalidEventPatternError(`${key} is Ruler reserved fieldName which cannot be used inside ${OR}.`, path);
      }
      if (Array.isArray(value)) {
        const condition = compileCondition(path, value);
        this.collectWildcards(condition);
        if (branches.length === 0) branches.push(new Map());
        for (const branch of branches) branch.set(path, condition);
      } else if (isObject(value)) {
        this.object(value, path, branches, insideOr);
      } else {
        throw new InvalidEventPatternError(`"${key}" must be an object or an array`, path);
      }
    }
  }

  private or(value: unknown, prefix: string, branches: Branch[]): void {
    if (!Array.isArray(value)) throw new InvalidEventPatternError(`It must be an Array followed with ${OR}.`, prefix);
    const before = branches.map((b) => new Map(b));
    branches.length = 0;
    const alternatives: readonly unknown[] = value;
    for (const alternative of alternatives) {
      if (!isObject(alternative)) {
        throw new InvalidEventPatternError(`Only JSON object is allowed in array of ${OR} relationship.`, prefix);
      }
      const forked = before.length > 0 ? before.map((b) => new Map(b)) : [new Map<string, FieldCondition>()];
      this.object(alternative, prefix, forked, true);
      branches.push(...forked);
    }
    if (alternatives.length < 2) {
      throw new InvalidEventPatternError(`There must have at least 2 Objects in ${OR} relationship.`, prefix);
    }
  }

  private collectWildcards(condition: FieldCondition): void {
    if (condition.wildcards.length === 0) return;
    const byText = this.wildcards.get(condition.path) ?? new Map<string, Wildcard>();
    for (const w of condition.wildcards) byText.set(JSON.stringify(w.segments), w);
    this.wildcards.set(condition.path, byText);
  }

  private checkComplexity(): void {
    for (const [path, byText] of this.wildcards) {
      if (tooComplex([...byText.values()])) {
        throw new InvalidEventPatternError(
          'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
          path,
        );
      }
    }
  }
}

function parseSource(source: unknown): unknown {
  if (typeof source !== 'string') return source;
  try {
    return JSON.parse(source) as unknown;
  } catch (cause) {
    throw new InvalidEventPatternError('Filter is not valid JSON', '', { cause });
  }
}

/** A validated pattern, ready to match many events. */
export class CompiledPattern {
  /** The pattern as an object (parsed when it was given as JSON text). */
  readonly pattern: EventPattern;
  /** The pattern's alternatives (one per `$or` combination). Internal to this module. */
  readonly subRules: readonly SubRule[];

  constructor(source: unknown) {
    const pattern = parseSource(source);
    if (!isObject(pattern)) throw new InvalidEventPatternError('Filter is not an object');
    this.subRules = new PatternCompiler().compile(pattern);
    this.pattern = pattern as EventPattern;
  }

  /** Whether the event matches. Non-objects (and JSON text that is not an object) never match. */
  matches(event: unknown): boolean {
    const root = eventObject(event);
    if (root === undefined) return false;
    const view = viewOf(root);
    for (const subRule of this.subRules) if (matchesSubRule(view, subRule)) return true;
    return false;
  }
}
