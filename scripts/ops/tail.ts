/**
 * `ops tail [--detail-type X] [--correlation-id Y]`: events as they cross the buses.
 * Locally from the local cloud's event log (GET /local/events, polled); on AWS a temporary
 * rule per bus sends what matches to a temporary queue, read until the command stops
 * (Ctrl-C), when rule and queue are removed.
 */
import { openCapture, MATCH_ALL, type Capture } from './capture';
import { filterPattern, type ReplayFilter } from './replay';
import { compilePattern } from '../../local/event-pattern';
import { allBuses, type OpsTarget } from './target';

export interface TailedEvent {
  at: number;
  bus: string;
  event: { id: string; source: string; 'detail-type': string; time?: string; detail?: unknown; 'replay-name'?: string };
  rules?: string[];
}

export interface TailOptions extends ReplayFilter {
  signal: AbortSignal;
  /** Called for each event (the CLI prints it). */
  onEvent?: (e: TailedEvent) => void;
  pollMs?: number;
  /** `log`: the local cloud's event log (the default locally); `rule`: temporary rule + queue per bus (the default on AWS; works locally too). */
  via?: 'log' | 'rule';
}

export function formatTailed(e: TailedEvent): string {
  const metadata = (e.event.detail as { metadata?: { correlationId?: string; eventId?: string } } | null)?.metadata;
  return [
    new Date(e.at).toISOString().slice(11, 23),
    e.bus.padEnd(24),
    e.event.source.padEnd(20),
    e.event['detail-type'].padEnd(28),
    metadata?.eventId ?? e.event.id,
    metadata?.correlationId ? `corr ${metadata.correlationId}` : '',
    e.event['replay-name'] ? `(replay ${e.event['replay-name']})` : '',
    e.rules ? `-> ${e.rules.join(', ') || '(no rule)'}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}

/** Follows the buses until `signal` aborts; returns how many events were shown. */
export async function tail(target: OpsTarget, options: TailOptions): Promise<number> {
  const pattern = filterPattern(options);
  const show = options.onEvent ?? ((e: TailedEvent) => target.out(formatTailed(e)));
  let count = 0;
  const emit = (e: TailedEvent): void => {
    count += 1;
    show(e);
  };
  const stopped = new Promise<void>((resolve) => (options.signal.aborted ? resolve() : options.signal.addEventListener('abort', () => resolve(), { once: true })));
  if ((options.via ?? (target.local ? 'log' : 'rule')) === 'log' && target.endpoint) {
    const matcher = pattern ? compilePattern(pattern) : undefined;
    let since = Date.now();
    const seen = new Set<string>();
    target.out(`tailing the local cloud's buses${pattern ? ` (${JSON.stringify(pattern)})` : ''}; Ctrl-C stops`);
    while (!options.signal.aborted) {
      const response = await fetch(`${target.endpoint}/local/events?since=${since}`).catch(() => undefined);
      if (response?.ok) {
        const { events } = (await response.json()) as { events: TailedEvent[] };
        for (const e of events) {
          const key = `${e.event.id}/${e.event['replay-name'] ?? ''}/${e.at}`;
          if (seen.has(key)) continue;
          seen.add(key);
          since = Math.max(since, e.at);
          if (!matcher || matcher.matches(e.event)) emit(e);
        }
      }
      await Promise.race([stopped, new Promise((r) => setTimeout(r, options.pollMs ?? 200))]);
    }
    return count;
  }
  const captures: Capture[] = [];
  try {
    for (const bus of allBuses(target)) captures.push(await openCapture(target, bus, pattern ?? MATCH_ALL, 'tail'));
    target.out(`tailing ${captures.map((c) => c.bus).join(', ')} through temporary rules ${captures.map((c) => c.ruleName).join(', ')}; Ctrl-C stops and removes them`);
    await Promise.all(
      captures.map(async (c) => {
        while (!options.signal.aborted) {
          const got = await Promise.race([c.receive(5), stopped.then(() => [])]);
          for (const event of got) emit({ at: Date.parse(event.time) || Date.now(), bus: c.bus, event });
        }
      }),
    );
  } finally {
    await Promise.all(captures.map((c) => c.close()));
  }
  return count;
}
