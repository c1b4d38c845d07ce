/** Separator of the parts of a composite key (`ORDER#42`, `TIMELINE#2025-01-01T00:00:00Z#e1`). */
export const KEY_SEPARATOR = '#';

/**
 * A composite key from its parts: `joinKey('ORDER', id)` = `ORDER#<id>`. Services build their
 * own key formats from it, one helper per format, so a format is written in one place.
 */
export function joinKey(...parts: readonly (string | number)[]): string {
  return parts.join(KEY_SEPARATOR);
}

/** The prefix shared by every key that starts with these parts: `keyPrefix('TIMELINE')` = `TIMELINE#`. */
export function keyPrefix(...parts: readonly (string | number)[]): string {
  return `${joinKey(...parts)}${KEY_SEPARATOR}`;
}
