// Matching one alternative of a compiled pattern against an event. Fields are taken in
// sorted path order, as aws/event-ruler walks them: `exists: false` is judged against the
// array elements chosen for the fields before it, which keeps results identical to it.
import type { FieldCondition } from './conditions';
import { EventView, mergeMembership, type Leaves, type Membership } from './event-fields';
import type { LeafValue } from './types';

/** One alternative of a pattern (the pattern has several when it uses `$or`). */
export interface SubRule {
  /** Sorted by path. */
  readonly conditions: readonly FieldCondition[];
}

function accepts(condition: FieldCondition, value: LeafValue): boolean {
  // The usual routing field (one exact string) without a function call.
  if (condition.exactString !== undefined) return value === condition.exactString;
  return condition.test !== undefined && condition.test(value);
}

function matchFrom(view: EventView, conditions: readonly FieldCondition[], index: number, soFar: Membership): boolean {
  const condition = conditions[index];
  if (condition === undefined) return true;
  const leaves = view.get(condition.field);
  const { values, memberships, count } = leaves;
  if (condition.test !== undefined) {
    for (let i = 0; i < count; i += 1) {
      if (!accepts(condition, values[i] as LeafValue)) continue;
      const merged = leaves.free ? soFar : mergeMembership(soFar, memberships[i] as Membership);
      if (merged !== undefined && matchFrom(view, conditions, index + 1, merged)) return true;
    }
  }
  if (condition.absent) {
    for (let i = 0; i < count; i += 1) {
      if (leaves.free || mergeMembership(soFar, memberships[i] as Membership) !== undefined) return false;
    }
    return matchFrom(view, conditions, index + 1, soFar);
  }
  return false;
}

/**
 * Whether a field holds, given leaves that sit in no array of objects (then a field does
 * not depend on the others, and its answer can be shared by every rule that has it).
 */
export function holdsAlone(condition: FieldCondition, leaves: Leaves): boolean {
  if (condition.test !== undefined) {
    for (let i = 0; i < leaves.count; i += 1) if (accepts(condition, leaves.values[i] as LeafValue)) return true;
  }
  return condition.absent && leaves.count === 0;
}

/** Whether the event behind the view satisfies every field of the alternative. */
export function matchesSubRule(view: EventView, subRule: SubRule): boolean {
  const { conditions } = subRule;
  for (let index = 0; index < conditions.length; index += 1) {
    const condition = conditions[index] as FieldCondition;
    const leaves = view.get(condition.field);
    // Array membership: fields must be chosen together from here on.
    if (!leaves.free) return matchFrom(view, conditions, index, null);
    if (!holdsAlone(condition, leaves)) return false;
  }
  return true;
}

/**
 * The event as an object to match, or undefined: EventBridge only matches JSON objects.
 * JSON text is parsed (as TestEventPattern receives it); anything else never matches.
 */
export function eventObject(event: unknown): object | undefined {
  let value = event;
  if (typeof event === 'string') {
    try {
      value = JSON.parse(event) as unknown;
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

// Matching never calls user code, so one view serves every call in turn.
const sharedView = new EventView();

/** The shared view, pointed at `root`. Valid until the next call. */
export function viewOf(root: object): EventView {
  return sharedView.reset(root);
}
