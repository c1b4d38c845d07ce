// One field of a pattern: its list of values and operators, validated with the reasons
// AWS gives and compiled into a single predicate over the field's leaf values.
// About 300 lines on purpose: it is the operator table (prefix, suffix, wildcard, numeric,
// cidr, anything-but, equals-ignore-case, exists), each operator's validation next to its
// compiled test, so an operator is read and changed in one place.
import { cachedIpToHex, inCidr, ipToHex, looksLikeIp, parseCidr } from './cidr';
import { InvalidEventPatternError } from './errors';
import { compilePath, type CompiledPath } from './event-fields';
import { ignoreCaseMatcher } from './ignore-case';
import { inRange, parseNumeric, sameNumber } from './numeric';
import type { LeafValue } from './types';
import { matchWildcard, parseWildcard, type Wildcard } from './wildcard';

/** A test of one leaf value of the event. */
export type ValueTest = (value: LeafValue) => boolean;

/** A compiled field of a pattern: path, predicate and `exists: false`. */
export interface FieldCondition {
  readonly path: string;
  readonly field: CompiledPath;
  /** Matches one leaf value; undefined when the list holds only `{ exists: false }`. */
  readonly test: ValueTest | undefined;
  /** Set when the list is exactly one string: the test is `value === exactString`. */
  readonly exactString: string | undefined;
  /** The list holds `{ exists: false }`: the field matches when it is absent. */
  readonly absent: boolean;
  /** Set when the list holds only exact literals: an event must have one of them here. */
  readonly exactValues: readonly LeafValue[] | undefined;
  /** Set when the list holds only strings and `prefix`es: an event must have a string starting with one. */
  readonly prefixes: readonly string[] | undefined;
  /** Wildcard operands (plain and anything-but), for the complexity check. */
  readonly wildcards: readonly Wildcard[];
  /** The list as given in the pattern. */
  readonly list: readonly unknown[];
}

type Operand = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Operand => typeof v === 'object' && v !== null && !Array.isArray(v);

// Tests run per event and per rule: loops with static predicates, no closure per call.
function someOf<T, V>(items: readonly T[], value: V, test: (item: T, value: V) => boolean): boolean {
  for (let i = 0; i < items.length; i += 1) if (test(items[i] as T, value)) return true;
  return false;
}
const startsWith = (prefix: string, value: string): boolean => value.startsWith(prefix);
const endsWith = (suffix: string, value: string): boolean => value.endsWith(suffix);
const wildcardMatches = (wildcard: Wildcard, value: string): boolean => matchWildcard(wildcard, value);
const passes = (test: ValueTest, value: LeafValue): boolean => test(value);

class ConditionBuilder {
  readonly strings = new Set<string>();
  readonly numbers: number[] = [];
  readonly literals = new Set<boolean | null>();
  readonly addresses = new Set<string>();
  readonly tests: ValueTest[] = [];
  readonly wildcards: Wildcard[] = [];
  exactOnly = true;
  /** Strings and case-sensitive prefixes so far, or undefined once anything else came. */
  prefixes: string[] | undefined = [];
  absent = false;

  constructor(readonly path: string) {}

  fail(reason: string): never {
    throw new InvalidEventPatternError(reason, this.path);
  }

  /** A value with an operator: the field can no longer be filed under exact values (nor prefixes). */
  operator(test: ValueTest, prefix?: string): void {
    this.exactOnly = false;
    this.prefixes = prefix === undefined ? undefined : this.prefixes?.concat(prefix);
    this.tests.push(test);
  }

  wildcard(text: string): Wildcard {
    const parsed = parseWildcard(text);
    if ('error' in parsed) this.fail(parsed.error);
    this.wildcards.push(parsed);
    return parsed;
  }

  add(item: unknown): void {
    if (typeof item !== 'string' && !isObject(item)) this.prefixes = undefined;
    if (item === null || typeof item === 'boolean') this.literals.add(item);
    else if (typeof item === 'number' && Number.isFinite(item)) this.numbers.push(item);
    else if (typeof item === 'string') this.addString(item);
    else if (isObject(item)) this.addOperator(item);
    else this.fail('Match value must be String, number, true, false, or null');
  }

  // Like EventBridge, a string that is an IP literal matches that address however it is written.
  addString(text: string): void {
    const hex = looksLikeIp(text) ? ipToHex(text) : undefined;
    if (hex === undefined) {
      this.strings.add(text);
      this.prefixes?.push(text);
    } else {
      this.exactOnly = false;
      this.prefixes = undefined;
      this.addresses.add(hex);
    }
  }

  addOperator(item: Operand): void {
    const [name, ...extra] = Object.keys(item);
    if (name === undefined) this.fail('Match expression name not found');
    const operand = item[name];
    const onlyOneKey = (): void => {
      if (extra.length > 0) this.fail('Only one key allowed in match expression');
    };
    switch (name) {
      case 'prefix':
      case 'suffix': {
        const anchor = name;
        if (isObject(operand)) {
          const text = this.ignoreCaseOperand(operand, anchor);
          onlyOneKey();
          const matcher = ignoreCaseMatcher([text], anchor);
          this.operator((v) => typeof v === 'string' && matcher(v));
        } else {
          if (typeof operand !== 'string') this.fail(`${anchor} match pattern must be a string`);
          onlyOneKey();
          if (anchor === 'prefix') this.operator((v) => typeof v === 'string' && v.startsWith(operand), operand);
          else this.operator((v) => typeof v === 'string' && v.endsWith(operand));
        }
        return;
      }
      case 'equals-ignore-case': {
        if (typeof operand !== 'string') this.fail('equals-ignore-case match pattern must be a string');
        onlyOneKey();
        const matcher = ignoreCaseMatcher([operand], 'equals');
        this.operator((v) => typeof v === 'string' && matcher(v));
        return;
      }
      case 'wildcard': {
        if (typeof operand !== 'string') this.fail('wildcard match pattern must be a string');
        const wildcard = this.wildcard(operand);
        onlyOneKey();
        this.operator((v) => typeof v === 'string' && matchWildcard(wildcard, v));
        return;
      }
      case 'numeric': {
        const range = parseNumeric(operand);
        if ('error' in range) this.fail(range.error);
        if (extra.length > 0) this.fail('Too many elements in numeric expression');
        this.operator((v) => typeof v === 'number' && inRange(range, v));
        return;
      }
      case 'exists':
        if (typeof operand !== 'boolean') this.fail('exists match pattern must be either true or false.');
        onlyOneKey();
        if (operand) this.operator(() => true);
        else {
          this.exactOnly = false;
          this.prefixes = undefined;
          this.absent = true;
        }
        return;
      case 'cidr': {
        // AWS really names `prefix` here.
        if (typeof operand !== 'string') this.fail('prefix match pattern must be a string');
        const range = parseCidr(operand);
        if ('error' in range) this.fail(range.error);
        onlyOneKey();
        this.operator((v) => typeof v === 'string' && inCidr(range, v));
        return;
      }
      case 'anything-but':
        this.operator(this.anythingBut(operand));
        if (extra.length > 0) this.fail('Too many elements in numeric expression');
        return;
      default:
        this.fail(`Unrecognized match type ${name}`);
    }
  }

  ignoreCaseOperand(operand: Operand, anchor: 'prefix' | 'suffix'): string {
    const [name, ...extra] = Object.keys(operand);
    const Anchor = anchor === 'prefix' ? 'Prefix' : 'Suffix';
    if (name === undefined) this.fail(`${Anchor} expression name not found`);
    if (name !== 'equals-ignore-case') this.fail(`Unsupported ${anchor} pattern: ${name}`);
    const text = operand[name];
    if (typeof text !== 'string') this.fail('equals-ignore-case match pattern must be a string');
    if (extra.length > 0) this.fail('Only one key allowed in match expression');
    return text;
  }

  anythingBut(operand: unknown): ValueTest {
    if (isObject(operand)) return this.anythingButOperator(operand);
    if (Array.isArray(operand)) {
      const items: readonly unknown[] = operand;
      if (items.some((v) => typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)))) {
        this.fail('Inside anything but list, start|null|boolean is not supported.');
      }
      const strings = items.filter((v): v is string => typeof v === 'string');
      const numbers = items.filter((v): v is number => typeof v === 'number');
      if (strings.length > 0 === numbers.length > 0) {
        this.fail('Inside anything but list, either all values are number or string, mixed type is not supported');
      }
      return anythingButValues(strings, numbers);
    }
    if (typeof operand === 'string') return anythingButValues([operand], []);
    if (typeof operand === 'number' && Number.isFinite(operand)) return anythingButValues([], [operand]);
    return this.fail('Value of anything-but must be an array or single string/number value.');
  }

  anythingButOperator(operand: Operand): ValueTest {
    const [name, ...extra] = Object.keys(operand);
    if (name === undefined) this.fail('Anything-But expression name not found');
    if (name !== 'prefix' && name !== 'suffix' && name !== 'equals-ignore-case' && name !== 'wildcard') {
      this.fail(`Unsupported anything-but pattern: ${name}`);
    }
    const value = operand[name];
    const isNumber = typeof value === 'number';
    if (!Array.isArray(value) && typeof value !== 'string' && !isNumber) {
      this.fail('Value of anything-but must be an array or single string/number value.');
    }
    const items: readonly unknown[] = Array.isArray(value) ? value : [value];
    const texts = items.map((item) => {
      if (typeof item !== 'string') {
        this.fail(
          name === 'equals-ignore-case'
            ? 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'
            : name === 'wildcard'
              ? 'wildcard match pattern must be a string'
              : 'prefix/suffix match pattern must be a string',
        );
      }
      if (item === '' && (name === 'prefix' || name === 'suffix')) this.fail('Null prefix/suffix not allowed');
      return item;
    });
    if (extra.length > 0) this.fail('Too many elements in numeric expression');
    switch (name) {
      case 'prefix':
        return (v) => typeof v !== 'string' || !someOf(texts, v, startsWith);
      case 'suffix':
        return (v) => typeof v !== 'string' || !someOf(texts, v, endsWith);
      case 'equals-ignore-case': {
        const matcher = ignoreCaseMatcher(texts, 'equals');
        return (v) => typeof v !== 'string' || !matcher(v);
      }
      default: {
        const wildcards = texts.map((t) => this.wildcard(t));
        return (v) => typeof v !== 'string' || !someOf(wildcards, v, wildcardMatches);
      }
    }
  }

  build(list: readonly unknown[]): FieldCondition {
    const exactValues: LeafValue[] = [...this.strings, ...this.numbers, ...this.literals];
    const [first] = this.strings;
    const onlyOneString = this.exactOnly && exactValues.length === 1 && first !== undefined;
    return {
      path: this.path,
      field: compilePath(this.path),
      test: this.composeTest(),
      exactString: onlyOneString ? first : undefined,
      absent: this.absent,
      exactValues: this.exactOnly ? exactValues : undefined,
      prefixes: this.exactOnly ? undefined : this.prefixes,
      wildcards: this.wildcards,
      list,
    };
  }

  // One closure per field, specialised for the common shapes (one string, a set of strings).
  composeTest(): ValueTest | undefined {
    const { strings, numbers, literals, addresses, tests } = this;
    const parts: ValueTest[] = [];
    if (strings.size === 1) {
      const [only] = strings;
      parts.push((v) => v === only);
    } else if (strings.size > 1) {
      parts.push((v) => typeof v === 'string' && strings.has(v));
    }
    if (numbers.length > 0) parts.push((v) => typeof v === 'number' && someOf(numbers, v, sameNumber));
    if (literals.size > 0) parts.push((v) => typeof v !== 'string' && typeof v !== 'number' && literals.has(v));
    if (addresses.size > 0) {
      parts.push((v) => {
        const hex = typeof v === 'string' ? cachedIpToHex(v) : undefined;
        return hex !== undefined && addresses.has(hex);
      });
    }
    parts.push(...tests);
    if (parts.length === 0) return undefined;
    if (parts.length === 1) return parts[0];
    return (v) => someOf(parts, v, passes);
  }
}

function anythingButValues(strings: readonly string[], numbers: readonly number[]): ValueTest {
  if (numbers.length === 0) {
    const excluded = new Set(strings);
    return (v) => typeof v !== 'string' || !excluded.has(v);
  }
  return (v) => typeof v !== 'number' || !someOf(numbers, v, sameNumber);
}

/** Validates and compiles one field's list; throws InvalidEventPatternError. */
export function compileCondition(path: string, list: readonly unknown[]): FieldCondition {
  const builder = new ConditionBuilder(path);
  if (list.length === 0) builder.fail('Empty arrays are not allowed');
  for (const item of list) builder.add(item);
  return builder.build(list);
}
