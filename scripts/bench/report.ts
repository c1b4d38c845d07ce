import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';

/** Replaces (or appends) the section between `<!-- bench:NAME -->` markers in BENCHMARKS.md. */
export function writeBenchSection(root: string, name: string, body: string): void {
  const file = join(root, 'BENCHMARKS.md');
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const machine = `_Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}._`;
  const section = `${start}\n${body.trim()}\n\n${machine}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nFigures written by `npm run bench` (each `bench:*` script rewrites its own section). Ratios compare against a baseline measured in the same run on the same machine.\n';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  text = a >= 0 && b > a ? `${text.slice(0, a)}${section}${text.slice(b + end.length)}` : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs `task` over `items`, at most `limit` at a time; results in the items' order. */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i] as T, i);
      }
    }),
  );
  return out;
}
