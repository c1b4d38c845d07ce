import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as ts from 'typescript';
import { runCodegen, type CodegenResult } from '../../scripts/codegen/pipeline';

export const ROOT = resolve(__dirname, '..', '..');
/** Test output lives inside the project so generated validators resolve `ajv` from node_modules. */
export const TEST_OUT = join(ROOT, '.test-out');

export function freshDir(name: string): string {
  const dir = join(TEST_OUT, `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs codegen in-process into `<dir>/generated`, stubs into `<dir>/functions`. */
export async function generate(spec: string, dir: string, options: { check?: boolean; force?: boolean; stubs?: boolean } = {}): Promise<CodegenResult> {
  return runCodegen({
    spec: resolve(ROOT, spec),
    out: join(dir, 'generated'),
    functionsDir: options.stubs === false ? false : join(dir, 'functions'),
    cwd: ROOT,
    ...(options.check ? { check: true } : {}),
    ...(options.force ? { force: true } : {}),
  });
}

/** Runs the real CLI the way users do; returns exit code and output. */
export function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'codegen.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Type-checks files with the project's compiler options; returns diagnostics per file. */
export function typecheck(files: string[]): { file: string; line: number; code: number; message: string }[] {
  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: -1 };
    return { file: d.file?.fileName ?? '', line: pos.line + 1, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
}

/**
 * Where a test's screenshot goes: the README's images under docs/ only when asked
 * (`npm run screenshots`, UPDATE_SCREENSHOTS=1), else the same paths under .test-out/docs, so that
 * `npm test` leaves the work tree as it found it.
 */
export function screenshotPath(name: string): string {
  const dir = process.env['UPDATE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs') : join(TEST_OUT, 'docs');
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}
