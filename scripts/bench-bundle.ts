/**
 * `npm run bench:bundle`: minified bundle size and cold module init time of every Lambda
 * function in serverless.yml, bundled as `osls package` bundles it (scripts/function-bundles.ts:
 * the esbuild options of `custom.esbuild`, its `exclude` list external: the AWS SDK, which the
 * nodejs22.x runtime provides, and Powertools with the X-Ray SDK, which the Powertools layer
 * provides). Against it: the bundle as it was before the layer (Powertools bundled, only the
 * SDK external) and with nothing external. Init = `require()` of the bundle in a fresh node
 * process, its external modules loaded from node_modules (the layer's at the same Powertools
 * version, as from /opt/nodejs/node_modules on AWS); the SDK modules a function loads on first
 * use (lib/clients/sdk.ts) are timed separately, right after, in the same process.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { median, writeBenchSection } from './bench/report';
import { bundleOptions, functionEntries, layerPackages, powertoolsLayer, providerOfPattern, readServerlessConfig } from './function-bundles';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, '.test-out', 'bench-bundle');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
const TARGET_KB = 150;
const TARGET_INIT_MS = 50;

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
  const config = readServerlessConfig(ROOT);
  const { external, ...options } = bundleOptions(config);
  const layer = powertoolsLayer(config);
  const inLayer = layerPackages(ROOT, layer);
  // Why each external is left out; one nobody provides on AWS would fail there at the first require.
  const providers = external.map((pattern) => ({ pattern, provider: providerOfPattern(pattern, inLayer) }));
  const unprovided = providers.filter((p) => p.provider === undefined).map((p) => p.pattern);
  if (unprovided.length) throw new Error(`serverless.yml custom.esbuild.exclude: ${unprovided.join(', ')} neither in the runtime's AWS SDK nor in the Powertools layer (${[...inLayer].join(', ')})`);
  const reasons = providers.map(({ pattern, provider }) => `\`${pattern}\` (${provider === 'runtime' ? 'the nodejs22.x runtime provides the AWS SDK v3' : 'the Powertools layer'})`);
  const sdkOnly = providers.filter((p) => p.provider === 'runtime').map((p) => p.pattern);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const rows: { name: string; size: number; init: number; sdk: string[]; sdkMs: number; bundledSize: number; bundledInit: number; fullSize: number; fullInit: number }[] = [];
  for (const [name, entry] of functionEntries(ROOT, config)) {
    const slim = join(OUT, `${name}.js`);
    const bundled = join(OUT, `${name}.powertools-bundled.js`);
    const full = join(OUT, `${name}.all-bundled.js`);
    const size = await bundle(entry, slim, options, external);
    const bundledSize = await bundle(entry, bundled, options, sdkOnly);
    const fullSize = await bundle(entry, full, options, []);
    const sdk = sdkModules(slim);
    const timing = initTime(slim, sdk);
    rows.push({ name, size, init: timing.init, sdk, sdkMs: timing.sdk, bundledSize, bundledInit: initTime(bundled).init, fullSize, fullInit: initTime(full).init });
    process.stdout.write(`${name}: ${(size / 1024).toFixed(1)} KB\n`);
  }
  const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`;
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  const short = (m: string): string => m.replace('@aws-sdk/', '');
  const maxSize = Math.max(...rows.map((r) => r.size));
  const maxInit = Math.max(...rows.map((r) => r.init));
  const table = [
    '| function | bundle as deployed | init | SDK modules it may require on first use | time to load them all | before the layer: Powertools bundled | its init | baseline: nothing external | baseline init | size ratio to baseline |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${kb(r.size)} | ${ms(r.init)} | ${r.sdk.length ? r.sdk.map(short).join(', ') : 'none'} | ${r.sdk.length ? ms(r.sdkMs) : '-'} | ${kb(r.bundledSize)} | ${ms(r.bundledInit)} | ${kb(r.fullSize)} | ${ms(r.fullInit)} | ${(r.size / r.fullSize).toFixed(2)}× |`),
  ].join('\n');
  const body = [
    '## Function bundles (`npm run bench:bundle`)',
    '',
    `Every function of serverless.yml bundled with its esbuild options (minified), its \`exclude\` list external, as \`osls package\` ships it: ${reasons.join(', ')}. The layer is the official Powertools for AWS Lambda (TypeScript) layer, version ${layer.version} (Powertools ${layer.powertools}, the version package.json pins), attached to every function (\`provider.layers\`); it holds Powertools and Tracer's X-Ray SDK, so Tracer stays on for AWS without being in any bundle. Init is a cold \`require()\` of the bundle in a fresh node process, median of ${RUNS}; it includes loading the layer's modules a function imports at the top (logger, metrics, batch, idempotency), from node_modules at the same version, as Lambda loads them from /opt/nodejs/node_modules. Tracer is loaded only where tracing is on (inside Lambda), not here. Functions load the SDK on first use (lib/clients/sdk.ts), not at init: the next columns name the SDK modules a bundle can require when it first calls AWS (every loader it contains, whether its code paths call it or not) and the time to load all of them right after init, in the same process. That time moves from the init to the first invocation that calls AWS, it is not saved; a request that never calls AWS (a 4xx answer) never pays it. For comparison: the same function with Powertools bundled and only the SDK external (as before the layer), and with nothing external.`,
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
