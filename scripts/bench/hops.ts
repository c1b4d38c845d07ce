/**
 * Per-hop latency from what the local cloud records (domain-free; `npm run bench:flow` reads
 * it): for every event a consumer function handled, when its outbox row was built (its
 * createdAt) and committed (DynamoDB answered the producer's write: LocalCloud
 * `recordCommits`), when a stream-fed function (the relay) was invoked with the row, when
 * the event crossed the bus, when the consumer's invocation that handled it started and ended.
 *
 * The hop is delivery: row committed -> the consumer invoked with the event, against the bare
 * hop, the event on the bus -> the consumer invoked (what `bench:local` measures with a no-op
 * function). What the consumer then does is its handler's own work, reported apart (the
 * same on AWS), as is the hop to the consumer done. The split shows where a hop's time goes:
 * the stream (row committed -> relay invoked), the relay (-> PutEvents on the bus), the queue
 * (rule -> SQS -> poller -> worker); and before the hop, the producer's write (row built ->
 * committed: its own DynamoDB call, and whatever it did between building and writing).
 */
import type { LoggedEvent } from '../../local/event-log';
import type { LoggedInvocation } from '../../local/invocation-log';
import { percentile } from './saga';

export interface Hop {
  eventId: string;
  detailType: string;
  consumer: string;
  /** The outbox row's createdAt (ms), when the event went through the outbox. */
  builtAt: number | undefined;
  /** When DynamoDB answered the write of the event's outbox row. */
  committedAt: number | undefined;
  /** When a stream-fed function was first invoked with the event's row (its key is the event id). */
  relayedAt: number | undefined;
  putAt: number;
  startedAt: number;
  doneAt: number;
}

/**
 * The first successful handling of each event by each consumer (a function fed by a queue:
 * its invocations carry SQS records), joined with the bus log and the outbox rows' times.
 */
export function hopsOf(events: readonly LoggedEvent[], invocations: readonly LoggedInvocation[], outbox: { built: ReadonlyMap<string, number>; committed: ReadonlyMap<string, number> }): Hop[] {
  const put = new Map<string, { at: number; detailType: string }>();
  for (const e of events) {
    const detail = e.event.detail as { metadata?: { eventId?: unknown } } | null;
    const id = typeof detail?.metadata?.eventId === 'string' ? detail.metadata.eventId : e.event.id;
    if (!put.has(id)) put.set(id, { at: e.at, detailType: e.event['detail-type'] });
  }
  const relayed = new Map<string, number>();
  for (const inv of invocations) for (const key of inv.streamKeys) if (!relayed.has(key)) relayed.set(key, inv.startedAt);
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
      hops.push({ eventId, detailType: onBus.detailType, consumer: inv.function, builtAt: outbox.built.get(eventId), committedAt: outbox.committed.get(eventId), relayedAt: relayed.get(eventId), putAt: onBus.at, startedAt: inv.startedAt, doneAt: inv.startedAt + inv.durationMs });
    }
  }
  return hops;
}

interface Spread {
  p50: number;
  p95: number;
}

export interface HopFigures {
  hops: number;
  /** Row committed -> consumer invoked (outbox events only): the hop. */
  outboxHop: Spread;
  /** Event on the bus -> consumer invoked, same events: the bare hop. */
  bareHop: Spread;
  /** Row committed -> consumer done, and bus -> consumer done: the hops with the handler's work. */
  outboxToDone: Spread;
  bareToDone: Spread;
  /** Where an outbox hop's time goes, p50 / p95 each: stream (row committed -> relay invoked), relay (-> on the bus), queue (-> consumer invoked); then the handler; and before the hop, the producer's write (row built -> committed). */
  split: { write: Spread; stream: Spread; relay: Spread; queue: Spread; handler: Spread };
}

export function hopFigures(hops: readonly Hop[]): HopFigures {
  const through = hops.filter((h): h is Hop & { committedAt: number } => h.committedAt !== undefined);
  const relayed = through.filter((h): h is Hop & { committedAt: number; relayedAt: number } => h.relayedAt !== undefined);
  const spread = (values: number[]): Spread => ({ p50: percentile(values, 50), p95: percentile(values, 95) });
  return {
    hops: hops.length,
    outboxHop: spread(through.map((h) => h.startedAt - h.committedAt)),
    bareHop: spread(hops.map((h) => h.startedAt - h.putAt)),
    outboxToDone: spread(through.map((h) => h.doneAt - h.committedAt)),
    bareToDone: spread(hops.map((h) => h.doneAt - h.putAt)),
    split: {
      write: spread(through.flatMap((h) => (h.builtAt === undefined ? [] : [h.committedAt - h.builtAt]))),
      stream: spread(relayed.map((h) => h.relayedAt - h.committedAt)),
      relay: spread(relayed.map((h) => h.putAt - h.relayedAt)),
      queue: spread(hops.map((h) => h.startedAt - h.putAt)),
      handler: spread(hops.map((h) => h.doneAt - h.startedAt)),
    },
  };
}
