import type { Logger } from '@aws-lambda-powertools/logger';
import { PublishFailedError, PublishRefusedError, type BusPublisher } from '../bus';
import { laneOf } from './concurrency';
import { toOutgoingEvent, type OutboxRow } from './row';
import type { OutboxTable } from './table';

/** What publishing did with a row. `permanent`: PutEvents can never take it as it is. */
export type SendOutcome = { sent: true } | { sent: false; reason: string; permanent: boolean };
/** A sent row's mark: 'not-pending' = another run marked it first; an Error = not marked (it stays PENDING). */
export type MarkResult = 'published' | 'not-pending' | Error;

export interface SenderOptions {
  publisher: BusPublisher;
  table: OutboxTable;
  /** Publish calls in flight at once (one aggregate always in the same lane). */
  lanes: number;
  /** Rows per conditional marking transaction. */
  markBatchSize: number;
  logger: Logger;
  now: () => number;
}

const errorText = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * The publishing half of the relay: rows (already sorted for sending) out to their buses
 * with the bus publisher, each sent row marked PUBLISHED right after its call.
 */
export function createSender(options: SenderOptions): (rows: readonly OutboxRow[]) => Promise<{ outcomes: Map<string, SendOutcome>; marks: Map<string, MarkResult> }> {
  const { publisher, table, lanes, markBatchSize, logger, now } = options;

  /** Publishes rows of one bus, in order; every row gets an outcome. */
  async function publishGroup(rows: readonly OutboxRow[], outcomes: Map<string, SendOutcome>): Promise<void> {
    if (!rows.length) return;
    try {
      await publisher.publish(rows.map(toOutgoingEvent));
      for (const row of rows) outcomes.set(row.id, { sent: true });
    } catch (error) {
      if (error instanceof PublishRefusedError) {
        // Invalid or too large: PutEvents can never take it. Give those up, send the others.
        const refused = new Map(error.refused.map((r) => [r.index, r.reason]));
        rows.forEach((row, i) => {
          const reason = refused.get(i);
          if (reason !== undefined) outcomes.set(row.id, { sent: false, reason, permanent: true });
        });
        return publishGroup(rows.filter((_, i) => !refused.has(i)), outcomes);
      }
      if (error instanceof PublishFailedError) {
        for (const p of error.published) outcomes.set((rows[p.index] as OutboxRow).id, { sent: true });
        for (const u of error.unsent) outcomes.set((rows[u.index] as OutboxRow).id, { sent: false, reason: `${u.errorCode}: ${u.errorMessage} (${u.attempts} PutEvents attempt(s))`, permanent: false });
        return;
      }
      // Nothing was sent (e.g. EVENT_BUS_<KEY> missing): an attempt of each row.
      logger.error('publishing outbox rows failed before any PutEvents call', { bus: rows[0]?.bus, rows: rows.length, error: error as Error });
      for (const row of rows) outcomes.set(row.id, { sent: false, reason: errorText(error), permanent: false });
    }
  }

  /**
   * Spreads rows over lanes (by aggregate); each lane publishes its rows bus by bus, in
   * order, and marks what went out right away, so one lane's marking overlaps the other
   * lanes' PutEvents calls. Returns each row's send outcome and, for sent rows, its mark.
   */
  async function sendAndMark(rows: readonly OutboxRow[]): Promise<{ outcomes: Map<string, SendOutcome>; marks: Map<string, MarkResult> }> {
    const outcomes = new Map<string, SendOutcome>();
    const marks = new Map<string, MarkResult>();
    const byLane: OutboxRow[][] = Array.from({ length: lanes }, () => []);
    for (const row of rows) byLane[laneOf(row.aggregateId ?? row.id, lanes)]?.push(row);
    await Promise.all(
      byLane.map(async (laneRows) => {
        const byBus = new Map<string, OutboxRow[]>();
        for (const row of laneRows) {
          const group = byBus.get(row.bus);
          if (group) group.push(row);
          else byBus.set(row.bus, [row]);
        }
        for (const group of byBus.values()) {
          await publishGroup(group, outcomes);
          const sent = group.filter((row) => outcomes.get(row.id)?.sent).map((row) => row.id);
          for (let i = 0; i < sent.length; i += markBatchSize) {
            const chunk = sent.slice(i, i + markBatchSize);
            for (const [id, result] of await table.markPublishedAll(chunk, now())) marks.set(id, result);
          }
        }
      }),
    );
    return { outcomes, marks };
  }

  return sendAndMark;
}
