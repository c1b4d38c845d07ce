import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * The project's own files, read from the `config` block of its package.json so that no
 * script names a file of one project:
 *
 *   "config": { "spec": "asyncapi/asyncapi.yaml", "demoRequest": "functions/<service>/demo-request.json" }
 *
 * Paths are relative to the project root; a missing `spec` falls back to the codegen's
 * default (asyncapi/asyncapi.yaml), a missing `demoRequest` stays undefined.
 */
export interface ProjectConfig {
  root: string;
  /** Absolute path of the root AsyncAPI file. */
  spec: string;
  /** Absolute path of the JSON request `npm run demo` sends, if the project has one. */
  demoRequest?: string;
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
  const chaosFlows = (Array.isArray(config['chaosFlows']) ? (config['chaosFlows'] as unknown[]) : []).flatMap((f) => path(f) ?? []);
  return { root, spec: path(config['spec']) ?? join(root, DEFAULT_SPEC), ...(demoRequest ? { demoRequest } : {}), chaosFlows };
}
