/**
 * `npm run codegen [-- --project <dir>] [--spec <path>] [--out <dir>] [--functions <dir> | --no-stubs] [--check] [--force] [--allow-invalid-examples]`
 *
 * `--project <dir>` (default: the working directory) is the project generated: its spec is
 * its package.json `config.spec` (default asyncapi/asyncapi.yaml), and relative --spec, --out
 * and --functions are read from its folder (`npm run codegen -- --project examples/<name>`).
 *
 * Turns an AsyncAPI 3.0/3.1 document into typed models, validators, publishers,
 * consumer maps, a catalog, offline docs and handler stubs. Exit codes: 0 done,
 * 1 spec invalid or (with --check) generated code stale, 2 bad arguments. Examples that do
 * not validate refuse the spec unless --allow-invalid-examples (then each is a warning).
 * Messages whose payload is not JSON Schema (Avro, Protobuf...) are skipped with a warning.
 */
import { dirname, join, normalize, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CodegenError, CodegenSpecError } from './codegen/errors';
import { runCodegen } from './codegen/pipeline';
import { projectConfig, projectRoot, ProjectNotFoundError } from './project';

const USAGE = `usage: npm run codegen -- [--project <dir>] [--spec asyncapi/asyncapi.yaml] [--out generated] [--functions functions | --no-stubs] [--check] [--force] [--allow-invalid-examples] [--quiet]`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        project: { type: 'string' },
        spec: { type: 'string' },
        out: { type: 'string', default: 'generated' },
        functions: { type: 'string' },
        'no-stubs': { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        'allow-invalid-examples': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`codegen: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let root: string;
  try {
    root = projectRoot();
  } catch (error) {
    if (!(error instanceof ProjectNotFoundError)) throw error;
    process.stderr.write(`codegen: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  const configured = projectConfig(root).spec;
  const spec = values.spec ?? (relative(root, configured) || configured);
  const started = process.hrtime.bigint();
  const out = normalize(values.out);
  // Stubs go beside the output folder: generated/ -> functions/, /tmp/x/gen -> /tmp/x/functions.
  const functionsDir = values['no-stubs'] ? false : (values.functions ?? join(dirname(out), 'functions'));
  try {
    const result = await runCodegen({ spec, out, functionsDir, cwd: root, check: values.check, force: values.force, allowInvalidExamples: values['allow-invalid-examples'] });
    const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
    for (const w of result.warnings) {
      const where = w.location ? `${w.location.file}:${w.location.line}:${w.location.column}` : (w.pointer ?? '');
      process.stderr.write(`codegen: warning ${where}: ${w.message}\n`);
    }
    // Outside the working directory (--project), outputs are named from the working directory.
    const outLabel = relative(process.cwd(), resolve(root, out)) || out;
    if (!values.quiet) {
      if (result.status === 'up-to-date') process.stdout.write(`codegen: ${outLabel}/ is up to date (${result.files} files, ${ms} ms)\n`);
      else if (result.status === 'checked') process.stdout.write(`codegen: ${outLabel}/ matches ${spec} (${result.files} files, ${ms} ms)\n`);
      else {
        process.stdout.write(`codegen: ${result.messages} messages -> ${result.files} files in ${outLabel}/, ${result.written.length} written, ${result.removed.length} removed (${ms} ms)\n`);
      }
      if (result.status !== 'checked') process.stdout.write(`codegen: event docs: open ${outLabel}/docs/index.html\n`);
      for (const s of result.stubs) process.stdout.write(`codegen: created handler stub ${relative(process.cwd(), resolve(root, s)) || s}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof CodegenError) {
      process.stderr.write(`codegen: ${error.message}\n`);
      if (error instanceof CodegenSpecError) process.stderr.write(`codegen: nothing was written.\n`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`codegen: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  },
);
