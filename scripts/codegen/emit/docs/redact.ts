/** What the docs show in place of an x-pii value, in the AsyncAPI view and on event pages. */
export const REDACTED = '«redacted: x-pii»';

/** Sets the value at a dotted path (`a.b`, `items[].c`) to REDACTED, through arrays. */
export function redact(value: unknown, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || value === null || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  const key = head.endsWith('[]') ? head.slice(0, -2) : head;
  if (!(key in obj)) return;
  if (head.endsWith('[]')) {
    const list = obj[key];
    if (Array.isArray(list) && rest.length) for (const item of list) redact(item, rest);
  } else if (rest.length === 0) obj[key] = REDACTED;
  else redact(obj[key], rest);
}

/** A copy of an example payload with every x-pii path (`a.b`, `items[].c`) redacted. */
export function redactedCopy(payload: unknown, piiPaths: string[]): unknown {
  const copy = payload === undefined ? undefined : (JSON.parse(JSON.stringify(payload)) as unknown);
  for (const p of piiPaths) redact(copy, p.split('.'));
  return copy;
}
