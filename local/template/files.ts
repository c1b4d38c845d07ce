import { existsSync, readFileSync, rmSync } from 'node:fs';

/** Reads the packaged template, or fails with what to run. */
export function readTemplate(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new Error(`${path} not found: run \`npm run package -- --stage local\` first`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

export function resetDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
