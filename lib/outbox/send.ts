import type { Logger } from '@aws-lambda-powertools/logger';
import { PublishFailedError, PublishRefusedError, type BusPublisher } from '../bus';
import { laneOf } from './concurrency';
import { errorText } from './errors';
import { toOutgoingEvent, type OutboxRow } from './row';
import { BATCH_WRITE_MAX_ITEMS, type OutboxTable } from './table';

/** What publishing did with a row. `permanent`: PutEvents can never take it as it is. */
export type SendOutcome = { sent: true } | { sent: false; reason: string; permanent: boolean };
/** A sent row's mark: 'not-pending' = another run marked it first; an Error = not marked (it stays PENDING). */
export type MarkResult = 'published' | 'not-pending' | Error;
/**
 * `images`: the sent rows' PUBLISHED images, BatchWriteItem, 25 per call (rows without an
 * image fall back to `conditional`); `conditional`: updates conditioned on PENDING, in
 * transactions of `markBatchSize`. See OutboxTable.writePublishedImages.
 */
export type MarkingMode = 'images' | 'conditional';

export interface SenderOptions {
  publisher: BusPublisher;
  table: OutboxTable;
  /** Publish calls in flight at once (one aggregate always in the same lane). */
  lanes: number;
  /** Rows per conditional marking transaction. */
  markBatchSize: number;
  /** How sent rows become PUBLISHED: their images written back in batches (default), or conditional updates. */
  marking: MarkingMode;
  logger: Logger;
  now: () => number;
}

/**
 * The publishing half of the relay: rows (already sorted for sending) out to their buses
 * with the bus publisher, each sent row marked PUBLISHED right after its call.
 */
export type SendAndMark = (rows: readonly OutboxRow[], items: ReadonlyMap<string, Record<string, unknown>>) => Promise<{ outcomes: Map<string, SendOutcome>; marks: Map<string, MarkResult> }>;

/** Rows spread over lanes by aggregate (one aggregate always in the same lane), each lane's rows grouped by bus, in order. */
export function laneGroups(rows: readonly OutboxRow[], lanes: number): OutboxRow[][][] {
  const byLane: OutboxRow[][] = Array.from({ length: lanes }, () => []);
  for (const row of rows) byLane[laneOf(row.aggregateId ?? row.id, lanes)]?.push(row);
  return byLane.map((laneRows) => {
    const byBus = new Map<string, OutboxRow[]>();
    for (const row of laneRows) {
      const group = byBus.get(row.bus);
      if (group) group.push(row);
      else byBus.set(row.bus, [row]);
    }
    return [...byBus.values()];
  });
}

/** Marks the sent rows of one chunk PUBLISHED: their images, else (no image, or `conditional`) conditional updates. */
async function mark(options: SenderOptions, ids: readonly string[], items: ReadonlyMap<string, Record<string, unknown>>, marks: Map<string, MarkResult>): Promise<void> {
  const { table, marking, markBatchSize, now } = options;
  const images = marking === 'images' ? ids.flatMap((id): Record<string, unknown>[] => { const item = items.get(id); return item ? [item] : []; }) : [];
  if (images.length) for (const [id, result] of await table.writePublishedImages(images, now())) marks.set(id, result);
  const rest = ids.filter((id) => !marks.has(id));
  for (let i = 0; i < rest.length; i += markBatchSize) {
    for (const [id, result] of await table.markPublishedAll(rest.slice(i, i + markBatchSize), now())) marks.set(id, result);
  }
}

/** Publishes rows of one bus, in order; every row gets an outcome. */
async function publishGroup(options: SenderOptions, rows: readonly OutboxRow[], outcomes: Map<string, SendOutcome>): Promise<void> {
  if (!rows.length) return;
  try {
    await options.publisher.publish(rows.map(toOutgoingEvent));
    for (const row of rows) outcomes.set(row.id, { sent: true });
  } catch (error) {
    if (error instanceof PublishRefusedError) {
      // Invalid or too large: PutEvents can never take it. Give those up, send the others.
      const refused = new Map(error.refused.map((r) => [r.index, r.reason]));
      rows.forEach((row, i) => {
        const reason = refused.get(i);
        if (reason !== undefined) outcomes.set(row.id, { sent: false, reason, permanent: true });
      });
      return publishGroup(options, rows.filter((_, i) => !refused.has(i)), outcomes);
    }
    if (error instanceof PublishFailedError) {
      for (const p of error.published) outcomes.set((rows[p.index] as OutboxRow).id, { sent: true });
      for (const u of error.unsent) outcomes.set((rows[u.index] as OutboxRow).id, { sent: false, reason: `${u.errorCode}: ${u.errorMessage} (${u.attempts} PutEvents attempt(s))`, permanent: false });
      return;
    }
    // Nothing was sent (e.g. EVENT_BUS_<KEY> missing): an attempt of each row.
    options.logger.error('publishing outbox rows failed before any PutEvents call', { bus: rows[0]?.bus, rows: rows.length, error: error as Error });
    for (const row of rows) outcomes.set(row.id, { sent: false, reason: errorText(error), permanent: false });
  }
}

/**
 * Spreads rows over lanes (by aggregate); each lane publishes its rows bus by bus, in
 * order, a chunk at a time, and starts marking each chunk as soon as it went out, so
 * marking overlaps the lane's next PutEvents calls and the other lanes'. Returns each
 * row's send outcome and, for sent rows, its mark.
 */
export function createSender(options: SenderOptions): SendAndMark {
  /** Rows published before their marking starts: one BatchWriteItem, or one transaction. */
  const chunkSize = options.marking === 'images' ? BATCH_WRITE_MAX_ITEMS : options.markBatchSize;
  return async (rows, items) => {
    const outcomes = new Map<string, SendOutcome>();
    const marks = new Map<string, MarkResult>();
    await Promise.all(
      laneGroups(rows, options.lanes).map(async (groups) => {
        // In chunks of one mark call: a chunk's marking overlaps the next chunk's PutEvents.
        const marking: Promise<void>[] = [];
        for (const group of groups) {
          for (let i = 0; i < group.length; i += chunkSize) {
            const chunk = group.slice(i, i + chunkSize);
            await publishGroup(options, chunk, outcomes);
            marking.push(mark(options, chunk.filter((row) => outcomes.get(row.id)?.sent).map((row) => row.id), items, marks));
          }
        }
        await Promise.all(marking);
      }),
    );
    return { outcomes, marks };
  };
}
