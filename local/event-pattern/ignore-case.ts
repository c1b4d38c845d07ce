// `equals-ignore-case`, as aws/event-ruler does it: each character of the operand matches
// its lower-case or its upper-case form (Unicode simple and special casing, no locale),
// so 'ß' matches 'ß' and 'SS', but no wider case folding (the Kelvin sign is not 'k').

/** A compiled case-insensitive comparison. */
export type IgnoreCaseMatcher = (value: string) => boolean;

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function characterAlternatives(char: string): string {
  const lower = char.toLowerCase();
  const upper = char.toUpperCase();
  if (lower === upper) return escapeRegExp(lower);
  if (lower.length === 1 && upper.length === 1) return `[${escapeRegExp(lower)}${escapeRegExp(upper)}]`;
  return `(?:${escapeRegExp(lower)}|${escapeRegExp(upper)})`;
}

function source(operand: string): string {
  let out = '';
  for (const char of operand) out += characterAlternatives(char);
  return out;
}

/** Builds a matcher for whole values (`equals`), their start (`prefix`) or their end (`suffix`). */
export function ignoreCaseMatcher(operands: readonly string[], anchor: 'equals' | 'prefix' | 'suffix'): IgnoreCaseMatcher {
  if (operands.length === 0) return () => false;
  const body = operands.map(source).join('|');
  const regExp = new RegExp(`${anchor === 'suffix' ? '' : '^'}(?:${body})${anchor === 'prefix' ? '' : '$'}`);
  return (value) => regExp.test(value);
}
