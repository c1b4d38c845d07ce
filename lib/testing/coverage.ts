// Which receive operations the contracts exercised, against what the catalog declares. Each
// test file keeps its own registry (jest gives every file its own modules) and writes it as a
// part under <dir>/contract-coverage/; the report merges every part whose test file still
// exists, so it covers all contract() calls of a jest run, in one worker or many.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OperationResult } from './contract';
import { receiveOperations, type ContractCatalog, type ReceiveOperation } from './spec';

/** What ran of one operation. */
export interface OperationRun {
  operationId: string;
  /** Examples run, and those accepted with everything they sent in order. */
  examples: number;
  passed: number;
  /** Detail-types its examples sent (each once). */
  sent?: string[];
  acceptance?: string;
}

export interface CoveredOperation extends ReceiveOperation {
  examples: number;
  passed: number;
  status: 'covered' | 'failing' | 'uncovered';
  sent: string[];
  acceptance?: string;
}

export interface CoverageReport {
  spec: { title?: string; version?: string };
  declared: number;
  covered: number;
  /** Operations no contract ran. */
  uncovered: string[];
  /** Operations that ran with at least one example not accepted. */
  failing: string[];
  /** Operations that ran but are not in the catalog (a stale part, or a test of another spec). */
  unknown: string[];
  operations: CoveredOperation[];
}

const registry = new Map<string, OperationRun>();

/** Records an operation's run (again: the latest run wins). */
export function recordCoverage(result: OperationResult): void {
  registry.set(result.operationId, {
    operationId: result.operationId,
    examples: result.examples.filter((e) => e.example >= 0).length,
    passed: result.examples.filter((e) => e.example >= 0 && e.ok).length,
    sent: [...new Set(result.examples.flatMap((e) => e.sent.map((x) => x.detailType)))],
    ...(result.acceptance ? { acceptance: result.acceptance } : {}),
  });
}

/** This file's runs so far. */
export function recordedRuns(): OperationRun[] {
  return [...registry.values()];
}

/** Forgets this file's runs (tests of the harness itself). */
export function resetCoverage(): void {
  registry.clear();
}

/** The coverage of the catalog's receive operations by `runs` (default: this file's). */
export function coverageReport(catalog: ContractCatalog, runs: readonly OperationRun[] = recordedRuns()): CoverageReport {
  const byId = new Map<string, OperationRun>();
  for (const r of runs) {
    const before = byId.get(r.operationId);
    // Two files ran it: covered if either ran every example and all passed.
    if (!before || r.passed === r.examples) byId.set(r.operationId, r);
  }
  const operations: CoveredOperation[] = receiveOperations(catalog).map((op) => {
    const run = byId.get(op.operationId);
    const status = !run ? 'uncovered' : run.examples > 0 && run.passed === run.examples ? 'covered' : 'failing';
    return { ...op, examples: run?.examples ?? 0, passed: run?.passed ?? 0, status, sent: run?.sent ?? [], ...(run?.acceptance ? { acceptance: run.acceptance } : {}) };
  });
  const declared = new Set(operations.map((o) => o.operationId));
  return {
    spec: { ...(catalog.spec?.title ? { title: catalog.spec.title } : {}), ...(catalog.spec?.version ? { version: catalog.spec.version } : {}) },
    declared: operations.length,
    covered: operations.filter((o) => o.status === 'covered').length,
    uncovered: operations.filter((o) => o.status === 'uncovered').map((o) => o.operationId),
    failing: operations.filter((o) => o.status === 'failing').map((o) => o.operationId),
    unknown: [...byId.keys()].filter((id) => !declared.has(id)),
    operations,
  };
}

/** The report for people: a summary line, then the operations not covered, then every service. */
export function formatCoverage(report: CoverageReport): string {
  const title = [report.spec.title, report.spec.version].filter(Boolean).join(' ');
  const lines = [`Contract coverage${title ? ` of ${title}` : ''}: ${report.covered}/${report.declared} receive operations exercised with every example accepted`];
  if (report.uncovered.length) lines.push(`  not exercised by any contract (${report.uncovered.length}): ${report.uncovered.join(', ')}`);
  if (report.failing.length) lines.push(`  failing (${report.failing.length}): ${report.failing.join(', ')}`);
  if (report.unknown.length) lines.push(`  exercised but not in the catalog: ${report.unknown.join(', ')}`);
  const services = [...new Set(report.operations.map((o) => o.service))];
  for (const service of services) {
    const ops = report.operations.filter((o) => o.service === service);
    lines.push(`  ${service}: ${ops.filter((o) => o.status === 'covered').length}/${ops.length}`);
    for (const o of ops) lines.push(`    ${o.status === 'covered' ? 'ok  ' : o.status === 'failing' ? 'FAIL' : 'none'} ${o.operationId} (${o.passed}/${o.examples} examples)${o.sent.length ? ` -> ${o.sent.join(', ')}` : ''}${o.acceptance ? `\n           accepts: ${o.acceptance}` : ''}`);
  }
  return lines.join('\n');
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export interface WrittenCoverage {
  /** The merged report of every part (this file's and the other files' of the run). */
  report: CoverageReport;
  json: string;
  text: string;
}

/**
 * Writes this file's runs as a part (keyed by `testPath`), then the report merged over all
 * parts to `<dir>/contract-coverage.json` and `.txt`. Parts of test files that no longer
 * exist are left out.
 */
export function writeCoverage(catalog: ContractCatalog, options: { dir: string; testPath: string }): WrittenCoverage {
  const partsDir = join(options.dir, 'contract-coverage');
  mkdirSync(partsDir, { recursive: true });
  const name = createHash('sha1').update(options.testPath).digest('hex').slice(0, 16);
  writeAtomic(join(partsDir, `${name}.json`), `${JSON.stringify({ testPath: options.testPath, runs: recordedRuns() }, null, 2)}\n`);
  const runs: OperationRun[] = [];
  for (const file of readdirSync(partsDir).filter((f) => f.endsWith('.json'))) {
    try {
      const part = JSON.parse(readFileSync(join(partsDir, file), 'utf8')) as { testPath?: unknown; runs?: unknown };
      if (typeof part.testPath !== 'string' || !existsSync(part.testPath) || !Array.isArray(part.runs)) continue;
      runs.push(...(part.runs as OperationRun[]));
    } catch {
      // a part being written by another worker: its next write merges it
    }
  }
  const report = coverageReport(catalog, runs);
  const json = join(options.dir, 'contract-coverage.json');
  const text = join(options.dir, 'contract-coverage.txt');
  writeAtomic(json, `${JSON.stringify(report, null, 2)}\n`);
  writeAtomic(text, `${formatCoverage(report)}\n`);
  return { report, json, text };
}
