// Many rules on one bus. Like aws/event-ruler, the cost of matching an event should not
// grow with the number of rules: each alternative of each rule is filed under one field
// it compares exactly (usually detail-type or source) and the values it wants there, or
// failing that under the prefixes it wants there, so an event only evaluates the
// alternatives filed under its own values, plus the few with neither. Rules share
// identical fields (same path, same list), and each is judged once per event.
// Answers are those of `matches`, rule by rule.
// Longer than 300 lines on purpose: the index (filing), the per-event walk and the shared
// field slots are one data structure whose invariants hold together; split, each part would
// expose the others' internals, and the walk is the hot path `npm run bench:matcher` measures.
import { CompiledPattern } from './compile';
import type { FieldCondition } from './conditions';
import { eventObject, holdsAlone, matchesSubRule, viewOf, type SubRule } from './evaluate';
import type { CompiledPath, EventView } from './event-fields';
import { compilePattern } from './match';
import type { EventPatternSource, LeafValue } from './types';

interface Rule<T> {
  readonly id: string;
  readonly value: T;
  readonly order: number;
  readonly candidates: readonly Candidate<T>[];
  /** The matching call in which the rule last matched. */
  matchedIn: number;
}

interface Candidate<T> {
  readonly rule: Rule<T>;
  readonly subRule: SubRule;
  /** The shared slot of each of the alternative's fields, and its key (see RuleSet.slots). */
  readonly slots: readonly number[];
  readonly slotKeys: readonly string[];
  /** Where the alternative is filed; undefined when nowhere (evaluated for every event). */
  readonly filing: Filing | undefined;
  /** The field known to hold when the alternative is reached through its exact filing, or -1. */
  readonly filedField: number;
  /** The matching call in which the alternative was last evaluated. */
  checkedIn: number;
}

interface Filing {
  readonly field: FieldCondition;
  readonly by: 'value' | 'prefix';
}

/** Alternatives filed under one path, by exact value or by prefix. */
interface FieldIndex<T> {
  readonly path: CompiledPath;
  readonly byValue: Map<LeafValue, Candidate<T>[]>;
  readonly byPrefix: Map<string, Candidate<T>[]>;
  /** Distinct prefix lengths in byPrefix, with how many prefixes have each. */
  readonly prefixLengths: Map<number, number>;
}

/** Per matching call: which shared fields were judged, and how. */
interface Memo {
  readonly call: number;
  readonly judgedIn: number[];
  readonly holds: boolean[];
}

/** Equal for fields that test the same path with the same list: rules share their answer. */
const conditionKey = (condition: FieldCondition): string => JSON.stringify([condition.path, condition.list]);

// When two fields would file an alternative equally well, prefer the usual discriminators.
const PREFERRED_PATHS: readonly string[] = ['detail-type', 'source'];

const preference = (path: string): number => {
  const at = PREFERRED_PATHS.indexOf(path);
  return at < 0 ? PREFERRED_PATHS.length : at;
};

function holdsAll<T>(candidate: Candidate<T>, view: EventView, memo: Memo, viaFiling: boolean): boolean {
  const { conditions } = candidate.subRule;
  for (let i = 0; i < conditions.length; i += 1) {
    const condition = conditions[i] as FieldCondition;
    const leaves = view.get(condition.field);
    // Inside arrays of objects fields depend on each other: judge the alternative as a whole.
    if (!leaves.free) return matchesSubRule(view, candidate.subRule);
    // Reached through the event's own value for this field: it holds.
    if (viaFiling && i === candidate.filedField) continue;
    const slot = candidate.slots[i] as number;
    if (memo.judgedIn[slot] === memo.call) {
      if (!memo.holds[slot]) return false;
      continue;
    }
    const holds = holdsAlone(condition, leaves);
    memo.judgedIn[slot] = memo.call;
    memo.holds[slot] = holds;
    if (!holds) return false;
  }
  return true;
}

// Evaluates an alternative once per call, and not at all once its rule has matched.
function consider<T>(candidate: Candidate<T>, view: EventView, memo: Memo, matched: Rule<T>[], viaFiling: boolean): void {
  const { call } = memo;
  if (candidate.checkedIn === call || candidate.rule.matchedIn === call) return;
  candidate.checkedIn = call;
  if (holdsAll(candidate, view, memo, viaFiling)) {
    candidate.rule.matchedIn = call;
    matched.push(candidate.rule);
  }
}

function considerAll<T>(bucket: readonly Candidate<T>[] | undefined, view: EventView, memo: Memo, matched: Rule<T>[], viaFiling: boolean): void {
  if (bucket === undefined) return;
  for (let c = 0; c < bucket.length; c += 1) consider(bucket[c] as Candidate<T>, view, memo, matched, viaFiling);
}

// Insertion sort: a handful of matches, mostly in order already (cheaper than Array#sort here).
function sortByOrder<T>(rules: Rule<T>[]): Rule<T>[] {
  for (let i = 1; i < rules.length; i += 1) {
    const rule = rules[i] as Rule<T>;
    let j = i - 1;
    while (j >= 0 && (rules[j] as Rule<T>).order > rule.order) {
      rules[j + 1] = rules[j] as Rule<T>;
      j -= 1;
    }
    rules[j + 1] = rule;
  }
  return rules;
}

function fileIn<K, T>(map: Map<K, Candidate<T>[]>, key: K, candidate: Candidate<T>): void {
  const bucket = map.get(key);
  if (bucket === undefined) map.set(key, [candidate]);
  else bucket.push(candidate);
}

/** Removes the candidate from the bucket; true when the bucket is gone. */
function unfileFrom<K, T>(map: Map<K, Candidate<T>[]>, key: K, candidate: Candidate<T>): boolean {
  const bucket = map.get(key)?.filter((c) => c !== candidate);
  if (bucket !== undefined && bucket.length > 0) {
    map.set(key, bucket);
    return false;
  }
  map.delete(key);
  return true;
}

/**
 * The rules of one event bus, compiled together.
 * @example
 * const rules = new RuleSet<string>();
 * rules.add('to-billing', { source: ['app.orders'], 'detail-type': ['OrderPlaced'] }, 'billing-queue');
 * rules.matching(event); // ['billing-queue'] for an OrderPlaced event
 */
export class RuleSet<T = string> {
  private readonly rules = new Map<string, Rule<T>>();
  private readonly indexes = new Map<string, FieldIndex<T>>();
  /** The same indexes as a list, for the hot loop. */
  private indexList: FieldIndex<T>[] = [];
  private unfiled: Candidate<T>[] = [];
  private added = 0;
  private calls = 0;
  /** Fields shared by the rules, by key, with the number of alternatives using each. */
  private readonly slots = new Map<string, { readonly slot: number; users: number }>();
  private readonly freeSlots: number[] = [];
  private readonly judgedIn: number[] = [];
  private readonly holds: boolean[] = [];

  /** Number of rules. */
  get size(): number {
    return this.rules.size;
  }

  has(id: string): boolean {
    return this.rules.has(id);
  }

  /**
   * Adds a rule, or replaces the rule with that id.
   * @throws InvalidEventPatternError when EventBridge would reject the pattern (the set is then unchanged).
   */
  add(id: string, pattern: EventPatternSource | CompiledPattern, value: T): this {
    const compiled = pattern instanceof CompiledPattern ? pattern : compilePattern(pattern);
    this.remove(id);
    const candidates: Candidate<T>[] = [];
    const rule: Rule<T> = { id, value, order: this.added, candidates, matchedIn: 0 };
    this.added += 1;
    for (const subRule of compiled.subRules) {
      const filing = this.bestFiling(subRule);
      const slotKeys = subRule.conditions.map(conditionKey);
      const slots = slotKeys.map((key) => this.slotOf(key));
      const filedField = filing?.by === 'value' ? subRule.conditions.indexOf(filing.field) : -1;
      const candidate: Candidate<T> = { rule, subRule, slots, slotKeys, filing, filedField, checkedIn: 0 };
      candidates.push(candidate);
      this.file(candidate);
    }
    this.rules.set(id, rule);
    return this;
  }

  /** Removes a rule; false when there was none with that id. */
  remove(id: string): boolean {
    const rule = this.rules.get(id);
    if (rule === undefined) return false;
    this.rules.delete(id);
    for (const candidate of rule.candidates) {
      candidate.slotKeys.forEach((key) => this.releaseSlot(key));
      this.unfile(candidate);
    }
    return true;
  }

  /** The values of the rules the event matches, in the order the rules were added. */
  matching(event: unknown): T[] {
    const rules = this.matchingRules(event);
    const values: T[] = [];
    for (let i = 0; i < rules.length; i += 1) values.push((rules[i] as Rule<T>).value);
    return values;
  }

  /** The ids of the rules the event matches, in the order the rules were added. */
  matchingIds(event: unknown): string[] {
    const rules = this.matchingRules(event);
    const ids: string[] = [];
    for (let i = 0; i < rules.length; i += 1) ids.push((rules[i] as Rule<T>).id);
    return ids;
  }

  private matchingRules(event: unknown): Rule<T>[] {
    const root = eventObject(event);
    if (root === undefined) return [];
    const view = viewOf(root);
    this.calls += 1;
    const memo: Memo = { call: this.calls, judgedIn: this.judgedIn, holds: this.holds };
    const matched: Rule<T>[] = [];
    for (let x = 0; x < this.indexList.length; x += 1) {
      const index = this.indexList[x] as FieldIndex<T>;
      const leaves = view.get(index.path);
      for (let i = 0; i < leaves.count; i += 1) {
        const value = leaves.values[i] as LeafValue;
        // Map keys equate -0 and 0, EventBridge does not: then the field is checked after all.
        if (index.byValue.size > 0) considerAll(index.byValue.get(value), view, memo, matched, !Object.is(value, -0));
        if (index.prefixLengths.size > 0 && typeof value === 'string') {
          for (const length of index.prefixLengths.keys()) {
            if (length <= value.length) considerAll(index.byPrefix.get(value.slice(0, length)), view, memo, matched, false);
          }
        }
      }
    }
    for (let c = 0; c < this.unfiled.length; c += 1) consider(this.unfiled[c] as Candidate<T>, view, memo, matched, false);
    return sortByOrder(matched);
  }

  private indexFor(path: CompiledPath): FieldIndex<T> {
    let index = this.indexes.get(path.path);
    if (index === undefined) {
      index = { path, byValue: new Map(), byPrefix: new Map(), prefixLengths: new Map() };
      this.indexes.set(path.path, index);
      this.indexList = [...this.indexes.values()];
    }
    return index;
  }

  private file(candidate: Candidate<T>): void {
    const { filing } = candidate;
    if (filing === undefined) {
      this.unfiled.push(candidate);
      return;
    }
    const index = this.indexFor(filing.field.field);
    if (filing.by === 'value') {
      for (const value of new Set(filing.field.exactValues)) fileIn(index.byValue, value, candidate);
      return;
    }
    for (const prefix of new Set(filing.field.prefixes)) {
      if (!index.byPrefix.has(prefix)) index.prefixLengths.set(prefix.length, (index.prefixLengths.get(prefix.length) ?? 0) + 1);
      fileIn(index.byPrefix, prefix, candidate);
    }
  }

  private unfile(candidate: Candidate<T>): void {
    const { filing } = candidate;
    if (filing === undefined) {
      this.unfiled = this.unfiled.filter((c) => c !== candidate);
      return;
    }
    const index = this.indexFor(filing.field.field);
    if (filing.by === 'value') {
      for (const value of new Set(filing.field.exactValues)) unfileFrom(index.byValue, value, candidate);
    } else {
      for (const prefix of new Set(filing.field.prefixes)) {
        if (!unfileFrom(index.byPrefix, prefix, candidate)) continue;
        const left = (index.prefixLengths.get(prefix.length) ?? 1) - 1;
        if (left > 0) index.prefixLengths.set(prefix.length, left);
        else index.prefixLengths.delete(prefix.length);
      }
    }
    if (index.byValue.size === 0 && index.byPrefix.size === 0) {
      this.indexes.delete(index.path.path);
      this.indexList = [...this.indexes.values()];
    }
  }

  private slotOf(key: string): number {
    const known = this.slots.get(key);
    if (known !== undefined) {
      known.users += 1;
      return known.slot;
    }
    const slot = this.freeSlots.pop() ?? this.slots.size;
    this.slots.set(key, { slot, users: 1 });
    this.judgedIn[slot] = 0;
    return slot;
  }

  private releaseSlot(key: string): void {
    const known = this.slots.get(key);
    if (known === undefined) return;
    known.users -= 1;
    if (known.users === 0) {
      this.slots.delete(key);
      this.freeSlots.push(known.slot);
    }
  }

  // Filing an alternative under a field costs, per event, the chance that the event has one
  // of its values there. Estimate that as values / (distinct values already filed there + 1):
  // detail-type, with many distinct values, beats source. Ties go to the usual discriminators.
  // Prefixes are only used when no field is exact.
  private bestFiling(subRule: SubRule): Filing | undefined {
    let best: FieldCondition | undefined;
    let bestCost = Infinity;
    let byPrefix: FieldCondition | undefined;
    for (const condition of subRule.conditions) {
      if (condition.exactValues === undefined) {
        if (condition.prefixes !== undefined && (byPrefix === undefined || condition.prefixes.length < (byPrefix.prefixes?.length ?? 0))) {
          byPrefix = condition;
        }
        continue;
      }
      const distinct = this.indexes.get(condition.path)?.byValue.size ?? 0;
      const cost = condition.exactValues.length / (distinct + 1);
      if (cost < bestCost || (cost === bestCost && best !== undefined && preference(condition.path) < preference(best.path))) {
        best = condition;
        bestCost = cost;
      }
    }
    if (best !== undefined) return { field: best, by: 'value' };
    return byPrefix === undefined ? undefined : { field: byPrefix, by: 'prefix' };
  }
}
