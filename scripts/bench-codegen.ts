/**
 * `npm run bench:codegen`: full and no-op codegen for the project's spec (package.json
 * config.spec, or `--spec <file>`) and for a synthetic 200-message spec, against Modelina alone (parse + models) on the same file,
 * each a fresh process as users run it. Writes its section of BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { option } from './args';
import { writeSyntheticSpec } from './bench/synth-spec';
import { median, writeBenchSection } from './bench/report';
import { projectConfig } from './project';

const ROOT = resolve(__dirname, '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const WORK = join(ROOT, '.test-out', 'bench-codegen');

function timed(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [TSX, ...args], { cwd: ROOT, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed:\n${result.stderr}`);
  return ms;
}

/** The docs emitter alone, in process (scripts/bench/docs-only.ts): milliseconds and files. */
function docsBuild(spec: string): { ms: number; files: number } {
  const result = spawnSync(process.execPath, [TSX, 'scripts/bench/docs-only.ts', spec], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`docs-only ${spec} failed:\n${result.stderr}`);
  const [ms, files] = result.stdout.trim().split(' ').map(Number);
  return { ms: ms ?? NaN, files: files ?? 0 };
}

function measure(label: string, spec: string): { label: string; full: number; noop: number; modelina: number; docs: { ms: number; files: number } } {
  const out = join(WORK, label, 'generated');
  const codegen = ['scripts/codegen.ts', '--spec', spec, '--out', out, '--no-stubs', '--quiet'];
  const full: number[] = [];
  const noop: number[] = [];
  const modelina: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    rmSync(join(WORK, label), { recursive: true, force: true });
    full.push(timed(codegen));
    noop.push(timed(codegen));
    modelina.push(timed(['scripts/bench/modelina-only.ts', spec]));
  }
  return { label, full: median(full), noop: median(noop), modelina: median(modelina), docs: docsBuild(spec) };
}

/** The spec's first word of info.title ("Shop Events" -> "Shop"), else its file name: the row label. */
function specTitle(spec: string): string {
  const title = /^\s+title:\s*['"]?([^'"\n]+)/m.exec(readFileSync(spec, 'utf8'))?.[1]?.trim();
  return title?.split(/\s+/)[0] ?? basename(spec);
}

function main(): void {
  rmSync(WORK, { recursive: true, force: true });
  const synthetic = writeSyntheticSpec(join(WORK, 'spec-200'), 200);
  const spec = resolve(option('spec', '') || projectConfig(ROOT).spec);
  const rows = [measure(`${specTitle(spec)} (${relative(ROOT, dirname(spec))}/)`, spec), measure('synthetic, 200 messages', synthetic)];
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const table = [
    '| spec | full codegen | no-op run | Modelina alone (parse + models) | full / Modelina | docs site build (in full) |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.label} | ${s(r.full)} | ${s(r.noop)} | ${s(r.modelina)} | ${(r.full / r.modelina).toFixed(2)}× | ${r.docs.ms.toFixed(0)} ms, ${r.docs.files} files |`),
  ].join('\n');
  const big = rows[1] as (typeof rows)[number];
  const verdict = `Targets: 200 messages fully generated in under 10 s (${big.full < 10_000 ? 'met' : 'MISSED'}: ${s(big.full)}), a no-op run under 1 s (${big.noop < 1000 ? 'met' : 'MISSED'}: ${s(big.noop)}).`;
  const body = `## Codegen (\`npm run bench:codegen\`)\n\nWall time of a fresh \`node\` process per run (tsx start-up included), median of ${RUNS}. "Full" writes models, validators, publishers, consumers, catalog and docs; "no-op" is the same command on unchanged input; the baseline runs the AsyncAPI parser and Modelina's TypeScript generator on the same file, nothing else. "Docs site build" is the docs emitter alone (site model, pages, search index, schemas, raw AsyncAPI view), in process, median of 4 after a warm-up; it is part of "full" and never runs on a no-op.\n\n${table}\n\n${verdict}`;
  writeBenchSection(ROOT, 'codegen', body);
  process.stdout.write(`${table}\n${verdict}\n`);
}

main();
