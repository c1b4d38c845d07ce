/**
 * `npm run package` / `npm run deploy`: the osls CLI on a project of this kit.
 *
 *   npm run package -- --stage dev                                  # the repository root's project
 *   npm run package -- --project examples/<name> --stage prod  # another project (its .serverless/)
 *   npm run deploy -- --project examples/<name> --stage dev    # needs AWS credentials
 *
 * Everything but `--project` goes to osls unchanged; osls runs in the project's folder (where
 * its serverless.yml is), from the kit's node_modules, holding the project's packaging lock
 * (serverless-esbuild builds in the project's .esbuild/). The exit code is osls's.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withPackagingLock } from './packaging-lock';
import { KIT_ROOT, projectRoot, ProjectNotFoundError, withoutProject } from './project';

const COMMANDS = new Set(['package', 'deploy', 'remove', 'info', 'print']);

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || !COMMANDS.has(command)) {
    process.stderr.write(`usage: tsx scripts/sls.ts <${[...COMMANDS].join('|')}> [--project <dir>] [osls options]\n`);
    return 2;
  }
  let root: string;
  try {
    root = projectRoot(rest);
  } catch (error) {
    if (!(error instanceof ProjectNotFoundError)) throw error;
    process.stderr.write(`${command}: ${error.message}\n`);
    return 2;
  }
  if (!existsSync(join(root, 'serverless.yml'))) {
    process.stderr.write(`${command}: ${root} has no serverless.yml\n`);
    return 2;
  }
  const run = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(KIT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), command, ...withoutProject(rest)], { cwd: root, stdio: 'inherit', env: { SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', ...process.env } });
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  return command === 'package' || command === 'deploy' ? withPackagingLock(root, run) : run();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
