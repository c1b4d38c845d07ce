// Reading a field of an event the way EventBridge flattens events: only leaves count
// (strings, numbers, booleans, null), arrays contribute each element, dotted keys and
// nested objects name the same path, and every leaf remembers which element of which
// array it sits in ("array membership"), so a rule cannot combine fields taken from
// different elements of the same array.
import type { LeafValue } from './types';

/**
 * The array elements a leaf belongs to, as [array, index, array, index, ...]; null when
 * it is in no array of objects. Arrays are told apart by identity.
 */
export type Membership = readonly unknown[] | null;

/** Collects the leaves below `node` into `out`. */
type Collector = (node: unknown, membership: Membership, out: Leaves) => void;

/** A path compiled for lookups (see `compilePath`). */
export interface CompiledPath {
  /** Small integer naming the path, for per-event caches. */
  readonly id: number;
  readonly path: string;
  /** Collects the path's leaves of an event. */
  readonly collect: Collector;
}

// Compiled once per distinct path and shared (the ids index per-event caches); the paths
// of a bus's rules are few, so this is never pruned.
const compiledPaths = new Map<string, CompiledPath>();

function enter(membership: Membership, array: readonly unknown[], index: number): Membership {
  return membership === null ? [array, index] : [...membership, array, index];
}

/**
 * One step of a path: from an object, every key that continues the path ("b", "b.c", ...)
 * leads to the step after it; an array passes each of its objects on to this same step.
 * Generated with the keys as literals (JSON.stringify) so property reads get V8's inline
 * caches; a computed `node[key]` is several times slower on the hot path.
 */
function stepCollector(keys: readonly string[], nexts: readonly Collector[]): Collector {
  const reads = keys.map((key, n) => {
    const literal = JSON.stringify(key);
    const read = key in Object.prototype ? `(hasOwn.call(node, ${literal}) ? node[${literal}] : undefined)` : `node[${literal}]`;
    return `v = ${read}; if (v !== undefined) next${n}(v, membership, out);`;
  });
  const body = `
    const step = function (node, membership, out) {
      if (typeof node !== 'object' || node === null) return;
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i += 1) {
          const element = node[i];
          if (typeof element === 'object' && element !== null) step(element, enter(membership, node, i), out);
        }
        return;
      }
      let v;
      ${reads.join('\n      ')}
    };
    return step;`;
  const names = nexts.map((_, n) => `next${n}`);
  const factory = new Function('hasOwn', 'enter', ...names, body) as (...args: unknown[]) => Collector;
  return factory(Object.prototype.hasOwnProperty, enter, ...nexts);
}

/**
 * Events are flattened into dotted paths, so {"a":{"b.c":1}} and {"a.b":{"c":1}} both
 * have the field "a.b.c": after each segment the path can continue with "b", "b.c", ...
 */
export function compilePath(path: string): CompiledPath {
  const known = compiledPaths.get(path);
  if (known !== undefined) return known;
  const segments = path.split('.');
  // Built from the leaves back: steps[k] reads the path from segment (segments.length - k) on.
  const steps: Collector[] = [addLeaves];
  for (let from = segments.length - 1; from >= 0; from -= 1) {
    const keys = segments.slice(from).map((_, n) => segments.slice(from, from + n + 1).join('.'));
    const nexts = keys.map((_, n) => steps[steps.length - 1 - n] as Collector);
    steps.push(stepCollector(keys, nexts));
  }
  const compiled = { id: compiledPaths.size, path, collect: steps[steps.length - 1] as Collector };
  compiledPaths.set(path, compiled);
  return compiled;
}

/** Adds a leaf's membership to the one gathered so far; undefined when they conflict. */
export function mergeMembership(soFar: Membership, leaf: Membership): Membership | undefined {
  if (leaf === null) return soFar;
  if (soFar === null) return leaf;
  let merged: unknown[] | undefined;
  for (let i = 0; i < leaf.length; i += 2) {
    const at = soFar.indexOf(leaf[i]);
    if (at >= 0) {
      if (soFar[at + 1] !== leaf[i + 1]) return undefined;
    } else {
      merged ??= [...soFar];
      merged.push(leaf[i], leaf[i + 1]);
    }
  }
  return merged ?? soFar;
}

/** The leaves of one path in one event; arrays are reused from event to event. */
export class Leaves {
  /** The view generation (event) these leaves were read for. */
  generation = -1;
  count = 0;
  /** No leaf is inside an array of objects (the common case: no membership checks). */
  free = true;
  readonly values: LeafValue[] = [];
  readonly memberships: Membership[] = [];

  add(value: LeafValue, membership: Membership): void {
    this.values[this.count] = value;
    this.memberships[this.count] = membership;
    this.count += 1;
    if (membership !== null) this.free = false;
  }
}


function addLeaves(node: unknown, membership: Membership, out: Leaves): void {
  switch (typeof node) {
    case 'string':
    case 'number':
    case 'boolean':
      out.add(node, membership);
      return;
    case 'object':
      if (node === null) out.add(null, membership);
      else if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i += 1) {
          const element: unknown = node[i];
          // Objects have no leaf at this path (only below it); nested arrays are elements too.
          if (Array.isArray(element)) addLeaves(element, enter(membership, node, i), out);
          else if (typeof element !== 'object' || element === null) addLeaves(element, membership, out);
        }
      }
      return;
    default:
      return; // undefined, functions, symbols, bigints are not JSON
  }
}

/**
 * One event being matched: each path is read once and its leaves are shared by every
 * rule that reads it. Views are reused; `reset` points one at the next event.
 */
export class EventView {
  root: object = {};
  private generation = 0;
  private readonly leaves: Leaves[] = [];

  reset(root: object): this {
    this.root = root;
    this.generation += 1;
    return this;
  }

  get(path: CompiledPath): Leaves {
    let leaves = this.leaves[path.id];
    if (leaves === undefined) {
      leaves = new Leaves();
      this.leaves[path.id] = leaves;
    }
    if (leaves.generation !== this.generation) {
      leaves.generation = this.generation;
      leaves.count = 0;
      leaves.free = true;
      path.collect(this.root, null, leaves);
    }
    return leaves;
  }
}
