/**
 * Optional fields kept absent rather than `undefined` (the tree compiles with
 * exactOptionalPropertyTypes-style checks, and AWS answers leave unset fields out).
 */

/** `{ [key]: value }` when value is defined, else `{}`: spread it into an object literal. */
export function optional<K extends string, V>(key: K, value: V | undefined | null): { [P in K]?: V } {
  return (value === undefined || value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The fields of `fields` that are defined. */
export function defined<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
