import { median } from './report';

export interface Timing {
  /** Median duration of one iteration, in nanoseconds. */
  nsPerOp: number;
  opsPerSecond: number;
  runs: number;
}

/**
 * Runs `op` `iterations` times per run, `runs` times after a warm-up, and returns the
 * median per-iteration time. `op` returns something so the work cannot be optimised away.
 */
export async function timeIt(op: () => unknown, options: { iterations: number; runs: number; warmup: number }): Promise<Timing> {
  let sink = 0;
  const consume = (value: unknown): void => {
    sink += value ? 1 : 0;
  };
  for (let i = 0; i < options.warmup; i++) consume(await op());
  const perOp: number[] = [];
  for (let r = 0; r < options.runs; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < options.iterations; i++) consume(await op());
    perOp.push(Number(process.hrtime.bigint() - started) / options.iterations);
  }
  if (sink < 0) throw new Error('unreachable');
  const nsPerOp = median(perOp);
  return { nsPerOp, opsPerSecond: 1e9 / nsPerOp, runs: options.runs };
}

/** Same as timeIt for synchronous work, without an `await` per iteration (it would dominate). */
export function timeSync(op: () => unknown, options: { iterations: number; runs: number; warmup: number }): Timing {
  let sink = 0;
  for (let i = 0; i < options.warmup; i++) if (op()) sink++;
  const perOp: number[] = [];
  for (let r = 0; r < options.runs; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < options.iterations; i++) if (op()) sink++;
    perOp.push(Number(process.hrtime.bigint() - started) / options.iterations);
  }
  if (sink < 0) throw new Error('unreachable');
  const nsPerOp = median(perOp);
  return { nsPerOp, opsPerSecond: 1e9 / nsPerOp, runs: options.runs };
}
