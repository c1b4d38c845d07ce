/**
 * `npm run spec:diff -- --base <git ref | file> [--project <dir>] [--spec <root.yaml>] [--format text|json|markdown]`
 *
 * The breaking-change gate (README "Changing the spec safely"): compares the spec with its
 * version at a git ref (or another copy of it) per message (payload, headers), per HTTP
 * command and at the spec level (routing, queues, producers), classifies every change for
 * BACKWARD and FORWARD readers, judges it under the message's x-compatibility mode and checks
 * the verdicts against the examples. Exit codes: 0 no change fails the gate, 1 a breaking
 * change fails it, 2 bad arguments or an unreadable spec.
 */
import { parseArgs } from 'node:util';
import { projectConfig, projectRoot, ProjectNotFoundError } from './project';
import { diffSpecs, schemasChanged } from './spec-diff/diff';
import { readBase, readSnapshot, SpecDiffError, SpecMissingAtBase, type SpecSnapshot } from './spec-diff/load';
import { FORMATS, render, type Format } from './spec-diff/report';

const USAGE = `usage: npm run spec:diff -- --base <git ref | file> [--project <dir>] [--spec <root.yaml>] [--format text|json|markdown]
  --project <dir>  the project whose spec is compared (e.g. examples/<name>); default the current one`;

async function main(): Promise<number> {
  const started = process.hrtime.bigint();
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        base: { type: 'string' },
        spec: { type: 'string' },
        project: { type: 'string' },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`spec:diff: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.base) {
    process.stderr.write(`spec:diff: --base is required\n${USAGE}\n`);
    return 2;
  }
  if (!(FORMATS as readonly string[]).includes(values.format)) {
    process.stderr.write(`spec:diff: --format must be one of ${FORMATS.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  let spec: string;
  try {
    spec = values.spec ?? projectConfig(projectRoot()).spec;
  } catch (error) {
    if (!(error instanceof ProjectNotFoundError)) throw error;
    process.stderr.write(`spec:diff: ${error.message}\n`);
    return 2;
  }
  try {
    let headSnapshot: SpecSnapshot | undefined;
    const readHead = (): SpecSnapshot => (headSnapshot ??= readSnapshot(spec, values.spec ?? 'work tree'));
    readHead(); // an unreadable work tree is reported before the base is looked up
    const base = readBase(values.base, spec, readHead);
    const head = readHead();
    const result = diffSpecs(base, head);
    // Ajv is loaded only when there are examples to cross-check: the no-change run stays cheap.
    if (schemasChanged(base, head)) (await import('./spec-diff/empirical')).checkExamples(result, base, head);
    const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
    process.stdout.write(render(result, values.format as Format, ms));
    return result.failed ? 1 : 0;
  } catch (error) {
    if (error instanceof SpecMissingAtBase) {
      process.stdout.write(`spec:diff: ${error.message}: the spec is new, nothing to compare\n`);
      return 0;
    }
    if (error instanceof SpecDiffError) {
      process.stderr.write(`spec:diff: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`spec:diff: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  },
);
