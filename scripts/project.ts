import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

/**
 * The project's own files, read from the `config` block of its package.json so that no
 * script names a file of one project:
 *
 *   "config": { "spec": "asyncapi/asyncapi.yaml", "demoRequest": "functions/<service>/demo-request.json", "demoDay": "tests/flows/<name>-day.ts" }
 *
 * Paths are relative to the project root; a missing `spec` falls back to the codegen's
 * default (asyncapi/asyncapi.yaml), a missing `demoRequest` or `demoDay` stays undefined.
 */
export interface ProjectConfig {
  root: string;
  /** Absolute path of the root AsyncAPI file. */
  spec: string;
  /** Absolute path of the JSON request `npm run demo` sends, if the project has one. */
  demoRequest?: string;
  /** Absolute path of the scenario module `npm run demo -- --day` plays, if the project has one. */
  demoDay?: string;
  /** Absolute paths of the chaos flow modules `npm run chaos` starts (scripts/chaos/flow.ts). */
  chaosFlows: string[];
}

export const DEFAULT_SPEC = 'asyncapi/asyncapi.yaml';

/** Reads `<root>/package.json` (the npm package root; `npm run` starts scripts there). */
export function projectConfig(root: string = process.cwd()): ProjectConfig {
  let config: Record<string, unknown> = {};
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { config?: unknown };
    if (typeof pkg.config === 'object' && pkg.config !== null) config = pkg.config as Record<string, unknown>;
  } catch {
    // No package.json: only the defaults apply.
  }
  const path = (value: unknown): string | undefined => (typeof value === 'string' && value ? (isAbsolute(value) ? value : join(root, value)) : undefined);
  const demoRequest = path(config['demoRequest']);
  const demoDay = path(config['demoDay']);
  const chaosFlows = (Array.isArray(config['chaosFlows']) ? (config['chaosFlows'] as unknown[]) : []).flatMap((f) => path(f) ?? []);
  return { root, spec: path(config['spec']) ?? join(root, DEFAULT_SPEC), ...(demoRequest ? { demoRequest } : {}), ...(demoDay ? { demoDay } : {}), chaosFlows };
}

/** The kit: the folder holding lib/, local/, scripts/ and the one node_modules every project uses. */
export const KIT_ROOT = resolve(__dirname, '..');

/** A `--project` that names no project folder. */
export class ProjectNotFoundError extends Error {
  override readonly name = 'ProjectNotFoundError';
  readonly code = 'PROJECT_NOT_FOUND';
}

/**
 * The project a root command works on: `--project <dir>` (relative to the working directory,
 * which `npm run` sets to the package's folder), else the working directory itself. So
 * `npm start -- --project examples/<name>` from the repository root and `npm start` from
 * an example's own folder (its package.json calls the kit's scripts) mean the same project.
 * A project is a folder with a serverless.yml or an AsyncAPI spec where its package.json
 * `config.spec` (default asyncapi/asyncapi.yaml) says; anything else is refused by name.
 */
export function projectRoot(argv: readonly string[] = process.argv, cwd: string = process.cwd()): string {
  const i = argv.indexOf('--project');
  const inline = argv.find((a) => a.startsWith('--project='));
  let given: string | undefined;
  if (i >= 0) {
    given = argv[i + 1];
    if (given === undefined || given.startsWith('--')) throw new ProjectNotFoundError('--project needs a folder: --project <dir> (e.g. --project examples/<name>)');
  } else if (inline !== undefined) given = inline.slice('--project='.length);
  if (given === undefined) return cwd;
  const root = resolve(cwd, given);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new ProjectNotFoundError(`--project ${given}: no folder ${root}`);
  const spec = projectConfig(root).spec;
  if (!existsSync(join(root, 'serverless.yml')) && !existsSync(spec)) throw new ProjectNotFoundError(`--project ${given}: ${root} is not a project (no serverless.yml and no ${spec})`);
  return root;
}

/** argv without `--project <dir>` / `--project=<dir>`, for commands that forward the rest (osls). */
export function withoutProject(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    if (a === '--project') i += 1;
    else if (!a.startsWith('--project=')) out.push(a);
  }
  return out;
}

/**
 * What `npm start` suggests running next in another terminal (from `cwd`, where npm runs
 * scripts): the project's demo request and its whole scenario, those it has.
 */
export function tryIt(root: string, cwd: string): string {
  const config = projectConfig(root);
  const here = relative(cwd, root);
  const args = (...more: string[]): string => {
    const all = [...(here ? ['--project', here] : []), ...more];
    return all.length ? ` -- ${all.join(' ')}` : '';
  };
  const lines: string[] = [];
  if (config.demoRequest) lines.push(`npm run demo${args()}`.padEnd(50) + '# one request, and every event it causes');
  if (config.demoDay) lines.push(`npm run demo${args('--day')}`.padEnd(50) + '# a whole scenario');
  return lines.length ? `Try it in another terminal:\n${lines.map((l) => `  ${l}\n`).join('')}` : '';
}
