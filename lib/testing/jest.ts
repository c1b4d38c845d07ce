// contract() for jest: a describe block per queue, one test per receive operation (named
// from the catalog, so a receive operation added to the spec is a new test without a line of
// test code), and the coverage report written after the file's last test.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeFailures, prepareContract, type ContractOptions, type OperationResult, type PreparedContract } from './contract';
import { ContractError, ContractFailedError, ContractTargetError } from './errors';
import { formatCoverage, recordCoverage, writeCoverage, type WrittenCoverage } from './coverage';
import { resolveQueue, type ContractCatalog } from './spec';

export interface JestContractOptions<C> extends ContractOptions<C> {
  /** Where the coverage report goes (default `<cwd>/.test-out`). */
  coverageDir?: string;
  /** Timeout of setup and of each operation's test (default 60 s). */
  timeoutMs?: number;
}

let reporting: { catalog: ContractCatalog; dir: string } | undefined;
let lastWritten: WrittenCoverage | undefined;

/** The test file being run (the key of its coverage part). */
function testPath(): string {
  return expect.getState().testPath ?? join(process.cwd(), 'unknown.test');
}

/** Writes this file's coverage part and the merged report now (the harness also does it after the file's last test). */
export function writeContractCoverage(): WrittenCoverage {
  if (!reporting) throw new ContractTargetError('writeContractCoverage: no contract() in this file');
  lastWritten = writeCoverage(reporting.catalog, { dir: reporting.dir, testPath: testPath() });
  return lastWritten;
}

/**
 * Contract-tests a queue (or a service with one queue): every spec example of every message
 * it receives through `setup()`'s handler map, in-process. Each receive operation is a test
 * that fails when a handler throws on an example, or sends an event that is not in the spec,
 * not declared by the service, invalid against its schema, or out of the example's
 * correlation. See lib/testing/README.md.
 */
export function contract<C>(target: string, options: JestContractOptions<C>): void {
  const queue = resolveQueue(options.spec.catalog, target);
  const timeout = options.timeoutMs ?? 60_000;
  if (!reporting) {
    reporting = { catalog: options.spec.catalog, dir: options.coverageDir ?? join(process.cwd(), '.test-out') };
    afterAll(() => {
      const written = writeContractCoverage();
      const [summary, ...rest] = formatCoverage(written.report).split('\n');
      const gaps = rest.filter((l) => /^ {2}(not exercised|failing|exercised but)/.test(l));
      console.log([summary, ...gaps, `  report: ${written.text} (JSON: ${written.json})`].join('\n'));
    });
  }
  describe(`contract of ${queue.name} (${queue.service})`, () => {
    let prepared: PreparedContract<C> | undefined;
    beforeAll(async () => {
      prepared = await prepareContract(target, options);
    }, timeout);
    for (const op of queue.messages) {
      it(`${op.operationId}: every ${op.message} example is accepted; what it sends is a declared, valid spec event`, async () => {
        if (!prepared) throw new ContractError('CONTRACT_SETUP_FAILED', `contract of ${queue.name}: setup failed (see the error above)`);
        await checkOperation(prepared, op.operationId);
      }, timeout);
    }
  });
}

/** One test's body: runs the operation, records it for the coverage report, throws every failure. */
export async function checkOperation<C>(prepared: PreparedContract<C>, operationId: string): Promise<OperationResult> {
  const result = await prepared.runOperation(operationId);
  recordCoverage(result);
  if (!result.ok) throw new ContractFailedError(result.operationId, result.examples.flatMap((e) => e.failures), describeFailures(result));
  return result;
}

/** The last coverage written by this file (undefined before its first write). */
export function lastContractCoverage(): WrittenCoverage | undefined {
  return lastWritten;
}
