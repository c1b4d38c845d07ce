/**
 * `npm start`: the whole platform on this machine (see local/runtime.ts). Packages the
 * template with the real CLI (`osls package --stage local`), then runs what it declares.
 *
 *   npm start                       # state kept in .local-data/ across restarts
 *   npm start -- --project examples/<name>   # another project on the same kit (its .local-data/)
 *   npm start -- --in-memory        # fresh state, nothing written
 *   npm start -- --reset            # wipe .local-data/ first
 *   npm start -- --template <file>  # run an already packaged template
 *   npm start -- --faults faults.json  # seeded fault injection (README "Fault injection"); live: POST /local/faults
 *   ports: --aws-port 4566 --http-port 3000 --dynamodb-port 8000; --no-watch
 *   web console: http://127.0.0.1:<http port>/_console (scripts/console)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFaultSettings } from '../local/faults';
import { LocalCloud, readTemplate, resetDataDir } from '../local/runtime';
import { watchLaunchers } from '../local/process-guard';
import { formatSummary } from '../local/summary';
import { flag, option } from './args';
import { CONSOLE_PATH, createConsole } from './console/server';
import { withPackagingLock } from './packaging-lock';
import { KIT_ROOT, projectRoot, ProjectNotFoundError, tryIt } from './project';

// The project run (--project <dir>, default the working directory) and the kit that runs it:
// the osls CLI and every package come from the kit's node_modules.
let ROOT: string;
try {
  ROOT = projectRoot();
} catch (error) {
  if (!(error instanceof ProjectNotFoundError)) throw error;
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(2);
}
// Lambda runs Node 22; the AWS SDK's warning about this machine's Node 20 is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';


function packageTemplate(stage: string, outDir: string): Promise<Record<string, unknown>> {
  return withPackagingLock(ROOT, () => new Promise((resolvePromise, reject) => {
    const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
    const child = spawn(process.execPath, [join(KIT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), 'package', '--stage', stage, '--package', outDir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise(readTemplate(join(outDir, 'cloudformation-template-update-stack.json'))) : reject(new Error(`osls package --stage ${stage} failed:\n${output}`))));
  }));
}

async function main(): Promise<void> {
  const started = Date.now();
  const stage = option('stage', 'local');
  const inMemory = flag('in-memory');
  const dataDir = inMemory ? undefined : resolve(ROOT, option('data-dir', '.local-data'));
  if (dataDir && flag('reset')) resetDataDir(dataDir);
  const work = join(ROOT, '.local-data', inMemory ? `.run-${process.pid}` : '');
  const templateFile = option('template', '');
  const faultsFile = option('faults', '');
  const faults = faultsFile ? parseFaultSettings(JSON.parse(readFileSync(resolve(faultsFile), 'utf8')) as unknown) : undefined;
  const cloud = new LocalCloud({
    root: ROOT,
    template: templateFile ? async () => readTemplate(resolve(templateFile)) : () => packageTemplate(stage, join(work, 'package')),
    ports: { aws: Number(option('aws-port', '4566')), http: Number(option('http-port', '3000')), dynamodb: Number(option('dynamodb-port', '8000')) },
    dataDir,
    buildDir: join(work, 'build'),
    region: option('region', 'us-east-1'),
    watch: !flag('no-watch'),
    log: (line) => process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`),
    ...(faults ? { faults } : {}),
  });
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping...\n`);
    await cloud.stop().catch((e: unknown) => process.stderr.write(`${String(e)}\n`));
    if (inMemory) resetDataDir(work);
    process.exit(0);
  };
  // A rejection nobody awaited must not take the whole platform down with it.
  process.on('unhandledRejection', (reason) => cloud.unhandledRejection(reason));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Killed from above (npm, its shell or tsx SIGKILLed): stop too, children included, rather
  // than live on unseen holding the ports and DynamoDB Local.
  watchLaunchers((gone) => void stop(`the process that started the local cloud (${gone.name}, pid ${gone.pid}) is gone`));
  try {
    await cloud.start();
  } catch (error) {
    process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await cloud.stop().catch(() => undefined);
    process.exit(1);
  }
  // The web console (scripts/console): on the HTTP port, next to the API; never deployed.
  cloud.mount(CONSOLE_PATH, createConsole({ cloud, root: ROOT }));
  process.stdout.write(formatSummary(cloud, { stage, dataDir, ms: Date.now() - started }));
  process.stdout.write(`Console: ${cloud.urls.http}${CONSOLE_PATH}\n`);
  process.stdout.write(tryIt(ROOT, process.cwd()));
}

void main();
