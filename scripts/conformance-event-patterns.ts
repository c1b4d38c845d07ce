/**
 * `npm run conformance:patterns`: runs the shared EventBridge event-pattern corpus
 * (1105 cases: LocalStack's AWS-validated templates and aws/event-ruler's own test pairs)
 * against local/event-pattern. The corpus lives outside the project and is not copied in:
 *
 *   --corpus <dir>  or  EVENT_PATTERN_CONFORMANCE=<dir>  (default ../shared/conformance/event-patterns)
 *
 * Other arguments go to the corpus runner (e.g. --source localstack, --quiet, --show -1).
 * Exits with the runner's code; without a corpus it says so and exits 0, so CI can call it
 * on machines that do not have one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = resolve(__dirname, '..');
const ENTRY = join(ROOT, 'local', 'event-pattern', 'index.ts');

function parseArgs(argv: readonly string[]): { corpus: string; passThrough: string[] } {
  let corpus = process.env['EVENT_PATTERN_CONFORMANCE'] || resolve(ROOT, '..', 'shared', 'conformance', 'event-patterns');
  const passThrough: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--corpus') {
      const dir = argv[i + 1];
      if (dir === undefined) throw new Error('--corpus needs a directory');
      corpus = dir;
      i += 1;
    } else {
      passThrough.push(arg);
    }
  }
  return { corpus: resolve(corpus), passThrough };
}

function main(): number {
  const { corpus, passThrough } = parseArgs(process.argv.slice(2));
  const runner = join(corpus, 'run.mjs');
  if (!existsSync(runner) || !existsSync(join(corpus, 'cases.json'))) {
    process.stdout.write(
      `event-pattern conformance: no corpus at ${corpus} (run.mjs and cases.json); skipped.\n` +
        'Point --corpus or EVENT_PATTERN_CONFORMANCE at the corpus folder to run it.\n',
    );
    return 0;
  }
  // The runner imports a plain JS module; bundle the TypeScript matcher into one.
  const work = mkdtempSync(join(tmpdir(), 'event-pattern-conformance-'));
  try {
    const bundle = join(work, 'event-pattern.mjs');
    buildSync({ entryPoints: [ENTRY], outfile: bundle, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
    const result = spawnSync(process.execPath, [runner, bundle, 'matches', 'validatePattern', ...passThrough], { stdio: 'inherit' });
    if (result.error) throw result.error;
    return result.status ?? 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
