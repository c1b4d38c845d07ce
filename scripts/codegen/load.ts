import { readFileSync } from 'node:fs';
import { relative, resolve, dirname } from 'node:path';
import type { AsyncAPIDocumentInterface, Diagnostic } from '@asyncapi/parser';
import { assembleSpec, partFiles } from './assemble';
import { CodegenSpecError, CodegenUnsupportedError, type SourceLocation, type SpecIssue } from './errors';
import { SpecLocator } from './locate';

const SUPPORTED_VERSIONS = /^3\.[01]\.\d+$/;
const DIAGNOSTIC_ERROR = 0;
const DIAGNOSTIC_WARNING = 1;

export interface LoadedSpec {
  document: AsyncAPIDocumentInterface;
  warnings: SpecIssue[];
}

function display(file: string, base: string): string {
  return relative(base, file) || file;
}

/** The parser reports a bad pointer inside a referenced file at 0:0; find the `$ref` line instead. */
function refineRefPosition(d: Diagnostic, file: string): { line: number; column: number } | undefined {
  const quoted = /'([^']+)' does not exist/.exec(d.message)?.[1];
  if (!quoted) return undefined;
  try {
    const lines = readFileSync(file, 'utf8').split('\n');
    const index = lines.findIndex((l) => l.includes('$ref') && l.includes(quoted));
    if (index < 0) return undefined;
    return { line: index + 1, column: (lines[index] as string).indexOf('$ref') + 1 };
  } catch {
    return undefined;
  }
}

/**
 * `joined`: the root was joined from parts in memory, so a diagnostic on the root has
 * positions in text nobody wrote; it is placed by its path in the written files instead.
 */
export function diagnosticToIssue(d: Diagnostic, rootFile: string, base: string, joined?: (pointer: string) => SourceLocation | undefined): SpecIssue {
  const file = d.source ?? rootFile;
  const pointer = d.path.length ? `/${d.path.map(String).join('/')}` : undefined;
  const message = `${d.message} [${String(d.code)}]`;
  if (joined && resolve(file) === rootFile) {
    const location = joined(pointer ?? '');
    return { message, ...(location ? { location } : {}), ...(pointer ? { pointer } : {}) };
  }
  let line = d.range.start.line + 1;
  let column = d.range.start.character + 1;
  if (d.range.start.line === 0 && d.range.start.character === 0 && d.range.end.line === 0) {
    const refined = refineRefPosition(d, file);
    if (refined) ({ line, column } = refined);
  }
  return { message, location: { file: display(file, base), line, column }, ...(pointer ? { pointer } : {}) };
}

/**
 * Parses and validates an AsyncAPI document with the official parser; a root cut into
 * service parts is joined first (./assemble). Relative `$ref`s resolve against the root's
 * folder. Throws CodegenSpecError with file and line for every error; warnings are returned.
 */
export async function loadSpec(specPath: string, base = process.cwd()): Promise<LoadedSpec> {
  const rootFile = resolve(specPath);
  let raw: string;
  try {
    raw = readFileSync(rootFile, 'utf8');
  } catch (cause) {
    throw new CodegenSpecError([{ message: `cannot read spec file: ${(cause as Error).message}`, location: { file: display(rootFile, base), line: 1, column: 1 } }]);
  }
  const version = /^\s*asyncapi\s*:\s*['"]?([0-9.]+)/m.exec(raw)?.[1];
  if (version && !SUPPORTED_VERSIONS.test(version)) {
    throw new CodegenUnsupportedError([
      { message: `AsyncAPI ${version} is not supported: use 3.0.x or 3.1.x (convert with \`asyncapi convert\`)`, location: { file: display(rootFile, base), line: 1, column: 1 } },
    ]);
  }
  const remote = remoteRefs(rootFile, base);
  if (remote.length) throw new CodegenUnsupportedError(remote);
  // Lazy: the parser costs ~0.5 s to load; the no-op path must not pay for it.
  const joined = assembleSpec(rootFile, base);
  const { Parser, fromFile } = await import('@asyncapi/parser');
  const parser = new Parser();
  const { document, diagnostics } = joined
    ? await parser.parse(JSON.stringify(joined.document), { source: rootFile })
    : await fromFile(parser, rootFile).parse();
  const locator = joined ? new SpecLocator(rootFile, base) : undefined;
  const place = locator ? (pointer: string): SourceLocation | undefined => locator.locate(pointer) : undefined;
  const errors = diagnostics.filter((d) => d.severity === DIAGNOSTIC_ERROR).map((d) => diagnosticToIssue(d, rootFile, base, place));
  const warnings = diagnostics.filter((d) => d.severity === DIAGNOSTIC_WARNING).map((d) => diagnosticToIssue(d, rootFile, base, place));
  if (errors.length || !document) {
    throw new CodegenSpecError(errors.length ? errors : [{ message: 'the parser returned no document', location: { file: display(rootFile, base), line: 1, column: 1 } }]);
  }
  return { document, warnings };
}

/** Every file of the spec: the root, its parts and each file reached through relative `$ref`s. */
export function collectSpecFiles(specPath: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    for (const match of text.matchAll(/\$ref['"]?\s*:\s*['"]?([^'"#\s}]+)?#?/g)) {
      const target = match[1];
      if (target && !/^[a-z]+:\/\//i.test(target)) visit(resolve(dirname(file), target));
    }
  };
  visit(resolve(specPath));
  for (const part of partFiles(resolve(specPath))) visit(part);
  return [...seen].sort();
}

/**
 * `$ref`s to http(s) URLs in any file of the spec. Codegen works offline and its output must
 * follow from the files in the repository, so it never fetches one: vendor the file and
 * `$ref` it by a relative path.
 */
export function remoteRefs(specPath: string, base = process.cwd()): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const file of collectSpecFiles(specPath)) {
    let lines: string[];
    try {
      lines = readFileSync(file, 'utf8').split('\n');
    } catch {
      continue;
    }
    lines.forEach((line, i) => {
      for (const match of line.matchAll(/\$ref['"]?\s*:\s*['"]?(https?:\/\/[^'"\s}]+)/gi)) {
        issues.push({
          message: `$ref "${match[1]}" is remote: codegen does not fetch over the network; save the file beside the spec and $ref it by a relative path`,
          location: { file: display(file, base), line: i + 1, column: (match.index ?? 0) + 1 },
        });
      }
    });
  }
  return issues;
}
