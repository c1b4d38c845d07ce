/**
 * `npm run bench:bundle`: minified bundle size and cold module init time of every Lambda
 * function in serverless.yml, bundled with the esbuild options serverless.yml gives
 * serverless-esbuild (AWS SDK external, as the nodejs22.x runtime provides it), against
 * the same bundle with the AWS SDK included. Init = `require()` of the bundle in a fresh
 * node process; the SDK modules a function loads on first use (lib/clients/sdk.ts) are timed
 * separately, right after, in the same process.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { parse } from 'yaml';
import { median, writeBenchSection } from './bench/report';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, '.test-out', 'bench-bundle');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
const TARGET_KB = 150;
const TARGET_INIT_MS = 50;

type Json = Record<string, unknown>;

/** Function name -> handler module, from serverless.yml and the files it includes. */
function functionsOf(config: Json): Map<string, string> {
  const out = new Map<string, string>();
  const add = (block: unknown): void => {
    if (typeof block === 'string') {
      const file = /^\$\{file\(([^)]+)\)\}$/.exec(block)?.[1];
      if (!file) throw new Error(`serverless.yml functions: cannot read ${block}`);
      return add(parse(readFileSync(join(ROOT, file), 'utf8')));
    }
    if (Array.isArray(block)) return block.forEach(add);
    for (const [name, fn] of Object.entries((block ?? {}) as Record<string, Json>)) out.set(name, String(fn['handler']));
  };
  add(config['functions']);
  return out;
}

function esbuildOptions(config: Json): BuildOptions & { exclude: string[] } {
  const o = ((config['custom'] as Json)['esbuild'] ?? {}) as Json;
  return {
    bundle: true,
    minify: o['minify'] === true,
    keepNames: o['keepNames'] === true,
    platform: 'node',
    target: String(o['target'] ?? 'node22'),
    format: 'cjs',
    mainFields: (o['mainFields'] as string[] | undefined) ?? ['main', 'module'],
    exclude: (o['exclude'] as string[] | undefined) ?? [],
    logLevel: 'silent',
  };
}

async function bundle(entry: string, outfile: string, options: BuildOptions, external: string[]): Promise<number> {
  await build({ ...options, entryPoints: [join(ROOT, entry)], outfile, external });
  return statSync(outfile).size;
}

/** The external AWS SDK modules a bundle requires (loaded on first use, see lib/clients/sdk.ts). */
function sdkModules(file: string): string[] {
  return [...new Set([...readFileSync(file, 'utf8').matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1] as string))].sort();
}

/**
 * Cold `require` of a bundle in a fresh process, then (same process) the SDK modules it
 * loads on first use: both in ms, medians of RUNS.
 */
function initTime(file: string, sdk: string[] = []): { init: number; sdk: number } {
  const script =
    `const t=process.hrtime.bigint();require(${JSON.stringify(file)});const t1=process.hrtime.bigint();` +
    `for (const m of ${JSON.stringify(sdk)}) require(m);` +
    `process.stdout.write(JSON.stringify([Number(t1-t)/1e6, Number(process.hrtime.bigint()-t1)/1e6]));`;
  const init: number[] = [];
  const load: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, AWS_REGION: 'eu-west-1', POWERTOOLS_DEV: 'false' } });
    if (r.status !== 0) throw new Error(`require(${file}) failed:\n${r.stderr}`);
    const [a, b] = JSON.parse(r.stdout) as [number, number];
    init.push(a);
    load.push(b);
  }
  return { init: median(init), sdk: median(load) };
}

async function main(): Promise<void> {
  const config = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as Json;
  const { exclude, ...options } = esbuildOptions(config);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const rows: { name: string; size: number; init: number; sdk: string[]; sdkMs: number; fullSize: number; fullInit: number }[] = [];
  for (const [name, handler] of functionsOf(config)) {
    const entry = `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
    const slim = join(OUT, `${name}.js`);
    const full = join(OUT, `${name}.with-sdk.js`);
    const size = await bundle(entry, slim, options, exclude);
    const fullSize = await bundle(entry, full, options, []);
    const sdk = sdkModules(slim);
    const timing = initTime(slim, sdk);
    rows.push({ name, size, init: timing.init, sdk, sdkMs: timing.sdk, fullSize, fullInit: initTime(full).init });
    process.stdout.write(`${name}: ${(size / 1024).toFixed(1)} KB\n`);
  }
  const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`;
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  const short = (m: string): string => m.replace('@aws-sdk/', '');
  const maxSize = Math.max(...rows.map((r) => r.size));
  const maxInit = Math.max(...rows.map((r) => r.init));
  const table = [
    '| function | bundle (SDK external) | init | SDK modules it may require on first use | time to load them all | baseline: bundle with AWS SDK | baseline init | size ratio |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${kb(r.size)} | ${ms(r.init)} | ${r.sdk.length ? r.sdk.map(short).join(', ') : 'none'} | ${r.sdk.length ? ms(r.sdkMs) : '-'} | ${kb(r.fullSize)} | ${ms(r.fullInit)} | ${(r.size / r.fullSize).toFixed(2)}× |`),
  ].join('\n');
  const body = [
    '## Function bundles (`npm run bench:bundle`)',
    '',
    `Every function of serverless.yml bundled with its esbuild options (minified, \`@aws-sdk/*\` external because nodejs22.x provides it); the baseline bundles the AWS SDK in. Init is a cold \`require()\` of the bundle in a fresh node process, median of ${RUNS}. Functions load the SDK on first use (lib/clients/sdk.ts), not at init: the next columns name the SDK modules a bundle can require when it first calls AWS (every loader it contains, whether its code paths call it or not) and the time to load all of them from node_modules right after init, in the same process. That time moves from the init to the first invocation that calls AWS, it is not saved; a request that never calls AWS (a 4xx answer) never pays it.`,
    '',
    table,
    '',
    `Targets: at most ${TARGET_KB} KB per function (${maxSize / 1024 <= TARGET_KB ? 'met' : 'NOT met'}: largest ${kb(maxSize)}), init under ${TARGET_INIT_MS} ms (${maxInit <= TARGET_INIT_MS ? 'met' : 'NOT met'}: slowest ${ms(maxInit)}).`,
  ].join('\n');
  writeBenchSection(ROOT, 'bundle', body);
  process.stdout.write(`${body}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
