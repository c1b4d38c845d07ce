import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { assembleSpec, type Origin } from './assemble';
import type { SourceLocation } from './errors';

/** JSON pointer -> its unescaped segments. */
const decode = (pointer: string): string[] =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

interface LoadedFile {
  doc: Document;
  lines: LineCounter;
}

/**
 * Finds where a JSON pointer of the *resolved* document is written in the spec files,
 * following relative `$ref`s across files. The parser reports its own diagnostics with
 * positions; this serves the checks the parser does not make (examples, conventions).
 */
export class SpecLocator {
  private readonly files = new Map<string, LoadedFile | null>();
  /** Where the nodes codegen derived when joining service parts are written; read once. */
  private origins: Map<string, Origin> | undefined;

  constructor(
    private readonly rootFile: string,
    private readonly displayBase: string = process.cwd(),
  ) {}

  locate(pointer: string): SourceLocation | undefined {
    const origin = this.originOf(pointer);
    if (origin) return this.walk(origin.file, origin.base, origin.rest, 0);
    return this.locateIn(this.rootFile, pointer);
  }

  /** The longest pointer prefix that a spec part wrote, and the segments below it. */
  private originOf(pointer: string): { file: string; base: string[]; rest: string[] } | undefined {
    if (!this.origins) {
      try {
        this.origins = assembleSpec(resolve(this.displayBase, this.rootFile), this.displayBase)?.origins ?? new Map();
      } catch {
        this.origins = new Map();
      }
    }
    if (!this.origins.size) return undefined;
    const segments = pointer.split('/');
    for (let n = segments.length; n > 1; n -= 1) {
      const origin = this.origins.get(segments.slice(0, n).join('/'));
      if (origin) return { file: origin.file, base: decode(origin.pointer), rest: decode(segments.slice(n).map((s) => `/${s}`).join('')) };
    }
    return undefined;
  }

  /** Like `locate`, starting from another file of the spec (a `$ref` written there). */
  locateIn(file: string, pointer: string): SourceLocation | undefined {
    return this.walk(resolve(this.displayBase, file), [], decode(pointer), 0);
  }

  private load(file: string): LoadedFile | null {
    if (!this.files.has(file)) {
      try {
        const lines = new LineCounter();
        const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, uniqueKeys: false });
        this.files.set(file, { doc, lines });
      } catch {
        this.files.set(file, null);
      }
    }
    return this.files.get(file) ?? null;
  }

  private position(file: string, loaded: LoadedFile, node: Node | null | undefined): SourceLocation {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = loaded.lines.linePos(offset);
    return { file: relative(this.displayBase, file) || file, line, column: col };
  }

  /** Walks `segments` from the node at `base` in `file`, hopping through `$ref`s. */
  private walk(file: string, base: string[], segments: string[], depth: number): SourceLocation | undefined {
    const loaded = this.load(file);
    if (!loaded || depth > 32) return undefined;
    let node = (base.length ? loaded.doc.getIn(base, true) : loaded.doc.contents) as Node | null | undefined;
    let lastGood = node;
    for (let i = 0; i <= segments.length; i += 1) {
      if (isMap(node)) {
        const ref = node.get('$ref');
        if (typeof ref === 'string') {
          const [refFile = '', refPointer = ''] = ref.split('#');
          const target = refFile ? resolve(dirname(file), refFile) : file;
          const refBase = decode(refPointer).filter(Boolean);
          const found = this.walk(target, refBase, segments.slice(i), depth + 1);
          return found ?? this.position(file, loaded, node);
        }
      }
      if (i === segments.length) break;
      const key = segments[i] as string;
      let next: unknown;
      if (isMap(node)) next = node.get(key, true);
      else if (isSeq(node)) next = node.get(Number(key), true);
      else next = undefined;
      if (next === undefined || next === null) return this.position(file, loaded, lastGood);
      node = isScalar(next) || isMap(next) || isSeq(next) ? (next as Node) : undefined;
      if (node) lastGood = node;
    }
    return this.position(file, loaded, node ?? lastGood);
  }
}
