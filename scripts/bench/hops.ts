/**
 * Per-hop latency from what the local cloud records (domain-free; `npm run bench:flow` reads
 * it): for every event a consumer function handled, when its outbox row was written (the
 * command or handler that caused it committed), when it crossed the bus, when the consumer's
 * invocation that handled it started and ended. A hop is "event put -> consumer done"; through
 * the outbox it starts at the row's commit. The split shows where the time goes: the outbox
 * path (stream + relay + PutEvents), the queue path (rule -> SQS -> poller -> worker), and the
 * handler itself.
 */
import type { LoggedEvent } from '../../local/event-log';
import type { LoggedInvocation } from '../../local/invocation-log';
import { percentile } from './saga';

export interface Hop {
  eventId: string;
  detailType: string;
  consumer: string;
  /** The outbox row's createdAt (ms), when the event went through the outbox. */
  committedAt: number | undefined;
  putAt: number;
  startedAt: number;
  doneAt: number;
}

/**
 * The first successful handling of each event by each consumer (a function fed by a queue:
 * its invocations carry SQS records), joined with the bus log and the outbox rows' times.
 */
export function hopsOf(events: readonly LoggedEvent[], invocations: readonly LoggedInvocation[], committed: ReadonlyMap<string, number>): Hop[] {
  const put = new Map<string, { at: number; detailType: string }>();
  for (const e of events) {
    const detail = e.event.detail as { metadata?: { eventId?: unknown } } | null;
    const id = typeof detail?.metadata?.eventId === 'string' ? detail.metadata.eventId : e.event.id;
    if (!put.has(id)) put.set(id, { at: e.at, detailType: e.event['detail-type'] });
  }
  const seen = new Set<string>();
  const hops: Hop[] = [];
  for (const inv of invocations) {
    if (!inv.messageIds.length) continue;
    const failed = new Set(inv.failedEventIds);
    for (const eventId of inv.eventIds) {
      const key = `${inv.function} ${eventId}`;
      const onBus = put.get(eventId);
      if (failed.has(eventId) || seen.has(key) || !onBus) continue;
      seen.add(key);
      hops.push({ eventId, detailType: onBus.detailType, consumer: inv.function, committedAt: committed.get(eventId), putAt: onBus.at, startedAt: inv.startedAt, doneAt: inv.startedAt + inv.durationMs });
    }
  }
  return hops;
}

export interface HopFigures {
  hops: number;
  /** Row committed -> consumer done (outbox events only). */
  outboxHop: { p50: number; p95: number };
  /** Event put -> consumer done: the bare hop (no outbox). */
  bareHop: { p50: number; p95: number };
  /** Where an outbox hop's time goes, p50 each: commit -> put, put -> invocation start, the invocation. */
  split: { outbox: number; queue: number; handler: number };
}

export function hopFigures(hops: readonly Hop[]): HopFigures {
  const through = hops.filter((h) => h.committedAt !== undefined);
  const both = (values: number[]) => ({ p50: percentile(values, 50), p95: percentile(values, 95) });
  return {
    hops: hops.length,
    outboxHop: both(through.map((h) => h.doneAt - (h.committedAt as number))),
    bareHop: both(hops.map((h) => h.doneAt - h.putAt)),
    split: {
      outbox: percentile(through.map((h) => h.putAt - (h.committedAt as number)), 50),
      queue: percentile(hops.map((h) => h.startedAt - h.putAt), 50),
      handler: percentile(hops.map((h) => h.doneAt - h.startedAt), 50),
    },
  };
}
