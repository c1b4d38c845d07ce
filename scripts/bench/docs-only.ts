/**
 * For bench:codegen: the docs site's own build time (site model, pages, search index,
 * schema downloads, the raw AsyncAPI view) for a spec, in process, after one warm-up build.
 * Prints the median milliseconds and the number of files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { emitDocs } from '../codegen/emit/docs';
import { generateFiles } from '../codegen/pipeline';
import { median } from './report';

async function main(): Promise<void> {
  const spec = process.argv[2];
  if (!spec) throw new Error('usage: docs-only <spec>');
  const out = mkdtempSync(join(tmpdir(), 'bench-docs-'));
  try {
    const { ctx } = await generateFiles(resolve(spec), out, process.cwd());
    const times: number[] = [];
    let files = 0;
    for (let i = 0; i < 5; i += 1) {
      const started = process.hrtime.bigint();
      files = (await emitDocs(ctx)).length;
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    process.stdout.write(`${median(times.slice(1)).toFixed(1)} ${files}\n`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
