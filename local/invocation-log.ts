/**
 * What the local functions did with the events they were given, for `GET /local/invocations`
 * (`npm run ops -- trace` reads it): a bounded in-memory log of invocations, each with the
 * event ids it carried (SQS records' EventBridge events, or an EventBridge event itself) and
 * the ones it reported failed (ReportBatchItemFailures) or all of them when it threw, its
 * start and duration (the span the trace and the console show) and its log lines.
 */

export interface LoggedInvocation {
  function: string;
  startedAt: number;
  durationMs: number;
  ok: boolean;
  error?: string;
  /** EventBridge event ids in the input, in order. */
  eventIds: string[];
  /** Of those, the ones the invocation did not process (all of them when it failed). */
  failedEventIds: string[];
  /** SQS message ids of the input records (what a DLQ message keeps). */
  messageIds: string[];
  /** DynamoDB stream records' item keys (their key attributes' values joined by '#'), in order: which rows a stream-fed invocation handled. */
  streamKeys: string[];
  /** Records reported failed (batchItemFailures), events or not (a poison message is none); all of them when it threw. */
  failedRecords: number;
  /** The Lambda request id. */
  requestId?: string;
  /** The invocation's log lines (stdout and stderr), bounded by the runner. */
  logs: string[];
}

const CAPACITY = 20_000;

interface SqsRecordShape {
  messageId?: unknown;
  body?: unknown;
  dynamodb?: { Keys?: Record<string, Record<string, unknown>> };
}

/** A stream record's item key: its key attributes' scalar values, joined by '#' ('id' alone: the value). */
function streamKeyOf(record: SqsRecordShape): string | undefined {
  const keys = record.dynamodb?.Keys;
  if (!keys || typeof keys !== 'object') return undefined;
  const values = Object.keys(keys)
    .sort()
    .map((name) => Object.values(keys[name] ?? {})[0])
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
  return values.length ? values.join('#') : undefined;
}

/** The EventBridge event id in an SQS body or an event, when it looks like one. */
function eventIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as { id?: unknown; 'detail-type'?: unknown; detail?: { metadata?: { eventId?: unknown } } };
  if (typeof e['detail-type'] !== 'string') return undefined;
  if (typeof e.detail?.metadata?.eventId === 'string') return e.detail.metadata.eventId;
  return typeof e.id === 'string' ? e.id : undefined;
}

function parse(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export class InvocationLog {
  private readonly entries: LoggedInvocation[] = [];

  record(e: { function: string; ok: boolean; durationMs: number; error?: string; startedAt?: number; event?: unknown; result?: unknown; requestId?: string; logs?: string[] }): void {
    const records = (e.event as { Records?: unknown } | undefined)?.Records;
    const byMessage = new Map<string, string>();
    const eventIds: string[] = [];
    const messageIds: string[] = [];
    const streamKeys: string[] = [];
    if (Array.isArray(records)) {
      for (const r of records as SqsRecordShape[]) {
        const key = streamKeyOf(r);
        if (key !== undefined) streamKeys.push(key);
        const id = eventIdOf(parse(r.body));
        if (typeof r.messageId === 'string') messageIds.push(r.messageId);
        if (!id) continue;
        eventIds.push(id);
        if (typeof r.messageId === 'string') byMessage.set(r.messageId, id);
      }
    } else {
      const id = eventIdOf(e.event);
      if (id) eventIds.push(id);
    }
    let failedEventIds: string[] = [];
    let failedRecords = 0;
    if (!e.ok) failedEventIds = [...eventIds];
    else {
      const failures = (e.result as { batchItemFailures?: { itemIdentifier?: unknown }[] } | undefined)?.batchItemFailures;
      if (Array.isArray(failures)) {
        failedRecords = failures.length;
        failedEventIds = failures.flatMap((f) => (typeof f.itemIdentifier === 'string' && byMessage.has(f.itemIdentifier) ? [byMessage.get(f.itemIdentifier) as string] : []));
      }
    }
    this.entries.push({
      function: e.function,
      startedAt: e.startedAt ?? Date.now() - e.durationMs,
      durationMs: e.durationMs,
      ok: e.ok && failedEventIds.length === 0,
      ...(e.error ? { error: e.error } : {}),
      eventIds,
      failedEventIds,
      messageIds,
      streamKeys,
      failedRecords: e.ok ? failedRecords : messageIds.length,
      ...(e.requestId ? { requestId: e.requestId } : {}),
      logs: e.logs ?? [],
    });
    if (this.entries.length > CAPACITY) this.entries.splice(0, this.entries.length - CAPACITY);
  }

  /** Invocations oldest first, optionally only those that carried one of `eventIds`, of one function, or after a time. */
  recent(filter: { eventIds?: ReadonlySet<string>; since?: number; function?: string } = {}): LoggedInvocation[] {
    return this.entries.filter(
      (e) => (filter.since === undefined || e.startedAt >= filter.since) && (!filter.function || e.function === filter.function) && (!filter.eventIds || e.eventIds.some((id) => filter.eventIds?.has(id))),
    );
  }
}
