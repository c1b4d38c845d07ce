/**
 * `npm run chaos`: a seeded chaos run on the local cloud (scripts/chaos/run.ts). The flows
 * are the project's (package.json `config.chaosFlows`); faults at the rates of
 * scripts/chaos/run.ts `chaosFaults`. Exit code 0 only when every check of the verdict holds.
 *
 *   npm run chaos                                   # 1,000 instances, seed 1, 5 per second
 *   npm run chaos -- --incidents 50 --seed 7 --rate 10
 *
 * A run of 1,000 or more writes its report to BENCHMARKS.md (`--no-write`: not).
 */
import { resolve } from 'node:path';
import { flag, option } from './args';
import { writeBenchSection } from './bench/report';
import { formatChaosReport, runChaos } from './chaos/run';
import { projectConfig } from './project';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const ROOT = resolve(__dirname, '..');

async function main(): Promise<number> {
  const flows = projectConfig(ROOT).chaosFlows;
  if (!flows.length) throw new Error('package.json config.chaosFlows names no flow module');
  const incidents = Number(option('incidents', '1000'));
  const seed = Number(option('seed', '1'));
  const report = await runChaos({ root: ROOT, flows, incidents, seed, rate: Number(option('rate', '5')), log: (line) => process.stdout.write(`${line}\n`) });
  const text = formatChaosReport(report, { incidents, seed });
  process.stdout.write(`\n${text}\n`);
  if (incidents >= 1000 && !flag('no-write')) {
    writeBenchSection(ROOT, 'chaos', ['## Chaos run (`npm run chaos`)', '', `\`npm run chaos -- --incidents ${incidents} --seed ${seed}\`: every fault on at once (README "Chaos run"), then quiet, then the verdict.`, '', '```', text, '```'].join('\n'));
  }
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
