import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CodegenDriftError, type SpecIssue } from './errors';
import type { GeneratedFile, Emitter, EmitContext } from './emit/types';
import { collectSpecFiles } from './load';

const MANIFEST = '.codegen-manifest.json';
/**
 * The kit's lib/, which generated code and stubs import: beside this codegen, not under the
 * project (`cwd`), so a project in another folder (examples/<name>) imports the one lib/.
 */
export const KIT_LIB_DIR = resolve(__dirname, '..', '..', 'lib');

export interface CodegenOptions {
  spec: string;
  out: string;
  /** Folder for handler stubs; false for none. */
  functionsDir: string | false;
  /** Compare instead of writing; throws CodegenDriftError listing every difference. */
  check?: boolean;
  /** Regenerate even when inputs are unchanged. */
  force?: boolean;
  /** Generate even when message examples do not validate; each invalid example becomes a warning. */
  allowInvalidExamples?: boolean;
  cwd?: string;
}

export interface CodegenResult {
  status: 'up-to-date' | 'generated' | 'checked';
  files: number;
  written: string[];
  removed: string[];
  stubs: string[];
  warnings: SpecIssue[];
  messages: number;
}

interface Manifest {
  generator: string;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const posix = (p: string): string => p.split('\\').join('/');

/** Hash of the codegen itself and the libraries whose output it embeds. */
function generatorHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|js|json)$/.test(entry)) hash.update(path.slice(__dirname.length)).update(readFileSync(path));
    }
  };
  walk(__dirname);
  for (const pkg of ['@asyncapi/modelina', '@asyncapi/parser', 'ajv', 'ajv-formats', '@asyncapi/react-component']) {
    try {
      hash.update(pkg).update((JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version);
    } catch {
      hash.update(`${pkg}@?`);
    }
  }
  return hash.digest('hex');
}

function readManifest(outDir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(join(outDir, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? listFiles(path, base) : [posix(relative(base, path))];
    })
    .filter((p) => p !== MANIFEST)
    .sort();
}

function inputHashes(spec: string, outDir: string): Record<string, string> {
  return Object.fromEntries(collectSpecFiles(spec).map((f) => [posix(relative(outDir, f)), sha(readFileSync(f))]));
}

/** True when the manifest proves the output is what these inputs and this generator make. */
function upToDate(manifest: Manifest | undefined, generator: string, outDir: string): boolean {
  if (!manifest || manifest.generator !== generator) return false;
  for (const [rel, hash] of Object.entries(manifest.inputs)) {
    const file = resolve(outDir, rel);
    if (!existsSync(file) || sha(readFileSync(file)) !== hash) return false;
  }
  // A spec file may now $ref a file it did not before; the root's hash covers that.
  const onDisk = listFiles(outDir);
  const expected = Object.keys(manifest.outputs).sort();
  if (onDisk.length !== expected.length || onDisk.some((p, i) => p !== expected[i])) return false;
  return expected.every((p) => sha(readFileSync(join(outDir, p))) === manifest.outputs[p]);
}

/** How generated headers name the spec: relative to the project when inside it, else as given. */
export function specLabelOf(spec: string, cwd: string, given: string = spec): string {
  const rel = relative(cwd, resolve(cwd, spec));
  return posix(rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : given);
}

export interface GenerateOptions {
  allowInvalidExamples?: boolean;
  /** The spec path as the user gave it, for headers when the spec lies outside the project. */
  given?: string;
}

/** Parses, models and runs every emitter: the whole generated tree, in memory. */
export async function generateFiles(spec: string, outDir: string, cwd: string, options: GenerateOptions = {}): Promise<{ files: GeneratedFile[]; warnings: SpecIssue[]; ctx: EmitContext }> {
  const [{ loadSpec }, { SpecLocator }, { buildModel }, { createAjv }, { checkExamples }, emitters] = await Promise.all([
    import('./load'),
    import('./locate'),
    import('./model'),
    import('./ajv'),
    import('./check-examples'),
    import('./emitters'),
  ]);
  const { document, warnings: parserWarnings } = await loadSpec(spec, cwd);
  const locator = new SpecLocator(spec, cwd);
  const model = buildModel(document, locator);
  const exampleIssues = checkExamples(model, createAjv(model.definitions, { standalone: false }), locator, { allowInvalid: options.allowInvalidExamples === true });
  const warnings = [...parserWarnings, ...model.warnings, ...exampleIssues];
  const ctx: EmitContext = {
    model,
    ajv: createAjv(model.definitions, { standalone: true }),
    document,
    specLabel: specLabelOf(spec, cwd, options.given),
    modelNames: new Set(),
    outDir: resolve(outDir),
    libDir: KIT_LIB_DIR,
  };
  const files: GeneratedFile[] = [];
  const run = async (emit: Emitter): Promise<void> => {
    files.push(...(await emit(ctx)));
  };
  // Models first: the other emitters need to know which type names exist.
  await run(emitters.emitModels);
  for (const emit of emitters.pipeline(model.eventbridge)) await run(emit);
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, warnings, ctx };
}

/** Runs codegen: no-op when nothing changed, else writes (or, with `check`, compares). */
export async function runCodegen(options: CodegenOptions): Promise<CodegenResult> {
  const cwd = options.cwd ?? process.cwd();
  const outDir = resolve(cwd, options.out);
  const spec = resolve(cwd, options.spec);
  // The option changes what a run accepts, so output made with it is not up to date without it.
  const generator = `${generatorHash()}${options.allowInvalidExamples ? ':allow-invalid-examples' : ''}`;
  const manifest = readManifest(outDir);
  const base = { written: [], removed: [], stubs: [], warnings: [], messages: 0 };

  if (!options.force && upToDate(manifest, generator, outDir)) {
    // Inputs are unchanged, but a stub may still be missing (a deleted handler file).
    const stubs = options.check || options.functionsDir === false ? [] : await writeStubs(spec, outDir, cwd, options.functionsDir, manifest, { given: options.spec, ...(options.allowInvalidExamples ? { allowInvalidExamples: true } : {}) });
    return { ...base, status: options.check ? 'checked' : 'up-to-date', files: Object.keys(manifest?.outputs ?? {}).length, stubs };
  }

  const generateOptions: GenerateOptions = { given: options.spec, ...(options.allowInvalidExamples ? { allowInvalidExamples: true } : {}) };
  const { files, warnings, ctx } = await generateFiles(spec, outDir, cwd, generateOptions);
  const result = { ...base, files: files.length, warnings, messages: ctx.model.messages.length };
  const onDisk = listFiles(outDir);
  const generated = new Set(files.map((f) => f.path));

  if (options.check) {
    const drift: { path: string; status: 'changed' | 'missing' | 'extra' }[] = [];
    for (const f of files) {
      const path = join(outDir, f.path);
      if (!existsSync(path)) drift.push({ path: posix(join(options.out, f.path)), status: 'missing' });
      else if (readFileSync(path, 'utf8') !== f.content) drift.push({ path: posix(join(options.out, f.path)), status: 'changed' });
    }
    for (const p of onDisk) if (!generated.has(p)) drift.push({ path: posix(join(options.out, p)), status: 'extra' });
    if (drift.length) throw new CodegenDriftError(drift);
    return { ...result, status: 'checked' };
  }

  const written: string[] = [];
  for (const f of files) {
    const path = join(outDir, f.path);
    if (existsSync(path) && readFileSync(path, 'utf8') === f.content) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    written.push(f.path);
  }
  // Remove only what an earlier run generated: never files codegen does not own.
  const removed = Object.keys(manifest?.outputs ?? {}).filter((p) => !generated.has(p) && existsSync(join(outDir, p)));
  for (const p of removed) rmSync(join(outDir, p));
  const next: Manifest = {
    generator,
    inputs: inputHashes(spec, outDir),
    outputs: Object.fromEntries(files.map((f) => [f.path, sha(f.content)])),
  };
  writeFileSync(join(outDir, MANIFEST), `${JSON.stringify(next, null, 2)}\n`);
  const stubs = options.functionsDir === false ? [] : writeStubFiles(ctx, outDir, cwd, options.functionsDir);
  return { ...result, status: 'generated', written, removed, stubs };
}

async function writeStubs(spec: string, outDir: string, cwd: string, functionsDir: string, manifest: Manifest | undefined, generateOptions: GenerateOptions): Promise<string[]> {
  // Cheap check first: the catalog lists the queues, so only parse when a stub is missing.
  const catalogPath = join(outDir, 'catalog.json');
  if (!manifest || !existsSync(catalogPath)) return [];
  const catalog = JSON.parse(readFileSync(catalogPath, 'utf8')) as { queues?: { service: string; name: string }[]; commands?: { http?: { service: string } }[] };
  const queues = catalog.queues ?? [];
  const { stubPath } = await import('./emit/stubs');
  const { commandStubPath } = await import('./emit/command-stubs');
  const count = (service: string): number => queues.filter((q) => q.service === service).length;
  const expected = [
    ...queues.map((q) => stubPath(q.service, q.name, count(q.service))),
    ...(catalog.commands ?? []).flatMap((c) => (c.http ? [commandStubPath(c.http.service)] : [])),
  ];
  if (expected.every((p) => existsSync(resolve(cwd, functionsDir, p)))) return [];
  const { ctx } = await generateFiles(spec, outDir, cwd, generateOptions);
  return writeStubFiles(ctx, outDir, cwd, functionsDir);
}

function writeStubFiles(ctx: EmitContext, outDir: string, cwd: string, functionsDir: string): string[] {
  const { stubFiles } = require('./emit/stubs') as typeof import('./emit/stubs');
  const { commandStubFiles } = require('./emit/command-stubs') as typeof import('./emit/command-stubs');
  const dir = resolve(cwd, functionsDir);
  const created: string[] = [];
  for (const f of [...stubFiles(ctx.model, dir, outDir, KIT_LIB_DIR), ...commandStubFiles(ctx.model, dir, outDir, KIT_LIB_DIR)]) {
    const path = join(dir, f.path);
    if (existsSync(path)) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    created.push(posix(relative(cwd, path)));
  }
  return created;
}
