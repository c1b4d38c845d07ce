/** Identifier helpers shared by every emitter, so a name is spelled one way everywhere. */
import { relative } from 'node:path';

const TS_RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with as implements interface ' +
    'let package private protected public static yield any boolean constructor declare get module require number set string ' +
    'symbol type from of unknown never object bigint undefined'
  ).split(' '),
);
// Globals a generated type must not shadow, since generated code uses them.
const SHADOWED_GLOBALS = new Set(['Array', 'Boolean', 'Date', 'Error', 'Function', 'JSON', 'Map', 'Math', 'Number', 'Object', 'Promise', 'Record', 'Set', 'String', 'Symbol', 'Partial', 'Readonly', 'Required', 'Pick', 'Omit']);

function words(input: string): string[] {
  return input
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

export function pascalCase(input: string): string {
  const out = words(input)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return out;
}

export function camelCase(input: string): string {
  const p = pascalCase(input);
  return p.charAt(0).toLowerCase() + p.slice(1);
}

export function kebabCase(input: string): string {
  return words(input)
    .map((w) => w.toLowerCase())
    .join('-');
}

/** A PascalCase type name that is a valid identifier and shadows nothing generated code needs. */
export function typeName(input: string, fallback = 'Schema'): string {
  let name = pascalCase(input) || fallback;
  if (/^[0-9]/.test(name)) name = `${fallback}${name}`;
  if (TS_RESERVED.has(name.toLowerCase()) || SHADOWED_GLOBALS.has(name)) name = `${name}Model`;
  return name;
}

/** A camelCase value identifier. */
export function valueName(input: string, fallback = 'value'): string {
  let name = camelCase(input) || fallback;
  if (/^[0-9]/.test(name)) name = `${fallback}${pascalCase(name)}`;
  if (TS_RESERVED.has(name)) name = `${name}Value`;
  return name;
}

/** Hands out unique names: the first asker gets the name, later ones get a numeric suffix. */
export class NameRegistry {
  private readonly used = new Set<string>();
  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.used.add(r);
  }
  claim(wanted: string): string {
    let name = wanted;
    for (let i = 2; this.used.has(name); i += 1) name = `${wanted}${i}`;
    this.used.add(name);
    return name;
  }
  has(name: string): boolean {
    return this.used.has(name);
  }
}

/**
 * A value as a TypeScript literal (string, number, boolean, null, array or object): the one
 * way every string from the spec is written into generated code. JSON escapes quotes,
 * backslashes, control characters and lone surrogates; U+2028 and U+2029 are escaped too,
 * so a literal never spans lines whatever the tool that reads it.
 */
export function lit(value: unknown, indent?: number): string {
  const json = JSON.stringify(value, null, indent) as string | undefined;
  if (json === undefined) return 'undefined';
  return json.replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}

/** A single-quoted string literal, as hand-written code in this repo spells them (escaped like `lit`). */
export function quoted(text: string): string {
  return `'${lit(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** Text from the spec inside a generated comment: on one line, and unable to close the comment. */
export function docText(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim();
}

/** Property key: bare when it is an identifier, quoted otherwise. */
export function propKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}

/** A relative import specifier from a file in `fromDir` to `to` (forward slashes, `./` when needed). */
export function importPath(fromDir: string, to: string): string {
  const path = relative(fromDir, to).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}
