// `wildcard` operands: `*` matches any run of characters (also none), `\*` is a literal
// star and `\\` a literal backslash; any other backslash, and `**`, are rejected.

/** A parsed wildcard: the literal text between the stars. */
export interface Wildcard {
  /** Literal segments; a star sits between each two, so n segments mean n - 1 stars. */
  readonly segments: readonly string[];
}

const encoder = new TextEncoder();

// AWS reports positions as UTF-8 byte offsets into the value with its opening quote.
function bytePos(text: string, index: number): number {
  return encoder.encode(text.slice(0, index)).length + 1;
}

/** Parses a wildcard operand; returns the reason AWS gives when it is malformed. */
export function parseWildcard(text: string): Wildcard | { readonly error: string } {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '*') {
      if (text[i + 1] === '*') return { error: `Consecutive wildcard characters at pos ${bytePos(text, i)}` };
      segments.push(current);
      current = '';
    } else if (c === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') return { error: `Invalid escape character at pos ${bytePos(text, i)}` };
      current += next;
      i += 1;
    } else {
      current += c;
    }
  }
  segments.push(current);
  return { segments };
}

/** Whether `value` matches the wildcard. Linear in practice: each middle segment is found leftmost. */
export function matchWildcard(wildcard: Wildcard, value: string): boolean {
  const { segments } = wildcard;
  const first = segments[0] ?? '';
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1] ?? '';
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let from = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < segments.length - 1; i += 1) {
    const segment = segments[i] ?? '';
    const at = value.indexOf(segment, from);
    if (at < 0 || at + segment.length > end) return false;
    from = at + segment.length;
  }
  return true;
}
