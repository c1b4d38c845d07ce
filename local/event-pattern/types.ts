/** A literal compared with an event value (strings exactly, numbers numerically). */
export type EventPatternLiteral = string | number | boolean | null;

type OneOrMany<T> = T | readonly T[];
type IgnoreCase = { readonly 'equals-ignore-case': string };

/** The content-filter operators of the EventBridge documentation. */
export type EventPatternOperator =
  | { readonly prefix: string | IgnoreCase }
  | { readonly suffix: string | IgnoreCase }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly exists: boolean }
  | { readonly cidr: string }
  | {
      readonly 'anything-but':
        | string
        | number
        | readonly string[]
        | readonly number[]
        | { readonly prefix: OneOrMany<string> }
        | { readonly suffix: OneOrMany<string> }
        | { readonly 'equals-ignore-case': OneOrMany<string> }
        | { readonly wildcard: OneOrMany<string> };
    };

/** One entry of a field's list in a pattern. */
export type EventPatternLeaf = EventPatternLiteral | EventPatternOperator;

/**
 * An EventBridge event pattern: nested objects mirror the event, every leaf is a
 * non-empty list, `$or` holds two or more alternative sub-patterns.
 */
export interface EventPattern {
  readonly [field: string]: EventPattern | readonly EventPatternLeaf[] | readonly EventPattern[];
}

/** What the API accepts as a pattern: a typed pattern, any JSON object, or JSON text. */
export type EventPatternSource = EventPattern | Readonly<Record<string, unknown>> | string;

/** A value at the end of a path in an event (EventBridge only matches leaves). */
export type LeafValue = string | number | boolean | null;
