import { errorText, OutboxRowInvalidError } from './errors';
import { compareForSending, OUTBOX_STATUS, parseOutboxRow, type OutboxRow } from './row';
import type { MarkResult, SendOutcome } from './send';

// The relay's pure steps: which rows to send, what a run's outcomes mean for each row.

/** A row to relay: its id, and the item as the caller has it (a stream image, an index item). */
export interface RelayInput {
  id: string;
  item?: Record<string, unknown>;
  /** Why the item could not be read (it is then given up as unsendable). */
  problem?: string;
}

/** Row ids by what happened to them in one run. */
export interface RelayReport {
  /** PutEvents accepted the event and the row is PUBLISHED (by this run, or by another one meanwhile). */
  published: string[];
  /** Not sent; the attempt is recorded and the row stays PENDING for a later run. */
  retrying: string[];
  /** Given up: the row is FAILED, the error event is sent (best effort) and `OutboxEventsFailed` counted. */
  failed: string[];
  /** The outcome could not be recorded (a table write failed): the row is still PENDING and will be sent again. */
  unconfirmed: string[];
  /** Not PENDING (any more) or not found when read: nothing to do. */
  skipped: string[];
}

/** A row that will not go out this run, and why. */
export interface Unsent {
  id: string;
  row?: OutboxRow;
  item?: Record<string, unknown>;
  outcome: { reason: string; permanent: boolean };
}

/** What to do with the inputs of one run. */
export interface Triage {
  /** PENDING rows, in sending order (per aggregate by sequence). */
  rows: OutboxRow[];
  /** The item each row was parsed from, by id (PUBLISHED images are written from them). */
  items: Map<string, Record<string, unknown>>;
  /** Rows that can never be sent (invalid, unreadable): given up at once. */
  unsendable: { id: string; item?: Record<string, unknown>; reason: string }[];
  /** Not PENDING, or gone: nothing to do. */
  skipped: string[];
}

export const emptyReport = (): RelayReport => ({ published: [], retrying: [], failed: [], unconfirmed: [], skipped: [] });

export function mergeInto(target: RelayReport, source: RelayReport): void {
  for (const key of ['published', 'retrying', 'failed', 'unconfirmed', 'skipped'] as const) target[key].push(...source[key]);
}

/** Counts of a report, for logs and the sweeper's answer. */
export function counts(report: RelayReport): Record<keyof RelayReport, number> {
  return { published: report.published.length, retrying: report.retrying.length, failed: report.failed.length, unconfirmed: report.unconfirmed.length, skipped: report.skipped.length };
}

/** One input per row id, a later one (a newer stream image) winning. */
export function latestById(inputs: readonly RelayInput[]): Map<string, RelayInput> {
  const byId = new Map<string, RelayInput>();
  for (const input of inputs) byId.set(input.id, input);
  return byId;
}

/**
 * Sorts the inputs of a run: PENDING rows to send (from `current`, the rows read again,
 * when given; else from the inputs' own items), rows that can never be sent, and the rest
 * to skip.
 */
export function triage(byId: ReadonlyMap<string, RelayInput>, current: ReadonlyMap<string, Record<string, unknown>> | undefined): Triage {
  const result: Triage = { rows: [], items: new Map(), unsendable: [], skipped: [] };
  for (const [id, input] of byId) {
    const item = current ? current.get(id) : input.item;
    if (!item) {
      if (!current && input.problem) result.unsendable.push({ id, reason: input.problem });
      else result.skipped.push(id); // gone (deleted) since the record was written
      continue;
    }
    if (item['status'] !== OUTBOX_STATUS.pending) {
      result.skipped.push(id);
      continue;
    }
    try {
      result.rows.push(parseOutboxRow(item));
      result.items.set(id, item);
    } catch (error) {
      result.unsendable.push({ id, item, reason: error instanceof OutboxRowInvalidError ? error.reason : errorText(error) });
    }
  }
  result.rows.sort(compareForSending);
  return result;
}

/** Rows sent and marked (published), and rows sent whose mark failed (unconfirmed: they stay PENDING). */
export function markedRows(rows: readonly OutboxRow[], marks: ReadonlyMap<string, MarkResult>): { published: string[]; unmarked: { row: OutboxRow; error: Error }[] } {
  const published: string[] = [];
  const unmarked: { row: OutboxRow; error: Error }[] = [];
  for (const row of rows) {
    const mark = marks.get(row.id);
    if (mark === undefined) continue;
    // 'not-pending': the sweeper or a retry marked it first; the event went out either way.
    if (mark instanceof Error) unmarked.push({ row, error: mark });
    else published.push(row.id);
  }
  return { published, unmarked };
}

/** Rows not sent this run (PutEvents refused or failed them, or they are unsendable), with why. */
export function unsentRows(rows: readonly OutboxRow[], outcomes: ReadonlyMap<string, SendOutcome>, unsendable: Triage['unsendable']): Unsent[] {
  return [
    ...rows.flatMap((row) => {
      const outcome = outcomes.get(row.id) ?? { sent: false as const, reason: 'not published', permanent: false };
      return outcome.sent ? [] : [{ id: row.id, row, outcome }];
    }),
    ...unsendable.map((u) => ({ id: u.id, ...(u.item ? { item: u.item } : {}), outcome: { reason: u.reason, permanent: true } })),
  ];
}

/**
 * Stream sequence numbers this container reported as batch item failures, the oldest
 * forgotten past `limit`: a batch holding one of them is a retry.
 */
export function createFailureMemory(limit: number): { remember(failures: { itemIdentifier: string }[]): { itemIdentifier: string }[]; has(sequenceNumber: string): boolean } {
  const reported = new Set<string>();
  return {
    remember(failures) {
      for (const f of failures) reported.add(f.itemIdentifier);
      for (const oldest of reported) {
        if (reported.size <= limit) break;
        reported.delete(oldest);
      }
      return failures;
    },
    has: (sequenceNumber) => reported.has(sequenceNumber),
  };
}
