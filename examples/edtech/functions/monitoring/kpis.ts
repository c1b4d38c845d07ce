// The seed's KPIs (seed 002 "Performance Acceptance Criteria"), computed from what the
// monitoring consumer recorded of each integration event it received (pure):
//   event processing latency   p95 < 1 s        (occurredAt at the producer -> received here)
//   throughput                 1000+ events/min (the busiest minute of the window)
//   saga completion time       < 30 s           (booking requested -> lesson.scheduled)

export interface EventRecord {
  eventId: string;
  detailType: string;
  occurredAt: string;
  receivedAt: string;
  latencyMs: number;
  /** lesson.scheduled only: from the booking request to the lesson on the calendar. */
  sagaCompletionMs?: number;
}

export const TARGETS = { latencyP95Ms: 1000, eventsPerMinute: 1000, sagaCompletionMs: 30_000 } as const;

/** Nearest-rank percentile of the values (undefined when there are none). */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (p <= 0 || p > 100) throw new RangeError(`percentile ${p} is not in (0, 100]`);
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

export interface Distribution {
  count: number;
  p50?: number;
  p95?: number;
  max?: number;
}

export function distribution(values: readonly number[]): Distribution {
  const p50 = percentile(values, 50);
  const p95 = percentile(values, 95);
  const max = percentile(values, 100);
  return { count: values.length, ...(p50 !== undefined ? { p50 } : {}), ...(p95 !== undefined ? { p95 } : {}), ...(max !== undefined ? { max } : {}) };
}

export interface Kpis {
  window: { from: string; to: string; minutes: number };
  events: number;
  byType: Record<string, number>;
  eventsPerMinute: { average: number; peak: number };
  latencyMs: Distribution;
  sagaCompletionMs: Distribution;
  targets: typeof TARGETS;
  /** Whether each target is met in this window; null when nothing was measured. */
  met: { latencyP95: boolean | null; eventsPerMinute: boolean | null; sagaCompletion: boolean | null };
}

/** The KPIs of the records that occurred in [from, to). */
export function computeKpis(records: readonly EventRecord[], from: number, to: number): Kpis {
  if (!(to > from)) throw new RangeError(`the window must end after it starts (${new Date(from).toISOString()} .. ${new Date(to).toISOString()})`);
  const inWindow = records.filter((r) => {
    const t = Date.parse(r.occurredAt);
    return t >= from && t < to;
  });
  const minutes = (to - from) / 60_000;
  const perMinute = new Map<number, number>();
  const byType: Record<string, number> = {};
  for (const r of inWindow) {
    const minute = Math.floor(Date.parse(r.occurredAt) / 60_000);
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    byType[r.detailType] = (byType[r.detailType] ?? 0) + 1;
  }
  const latencyMs = distribution(inWindow.map((r) => r.latencyMs));
  const sagaCompletionMs = distribution(inWindow.flatMap((r) => (r.sagaCompletionMs === undefined ? [] : [r.sagaCompletionMs])));
  const peak = Math.max(0, ...perMinute.values());
  return {
    window: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), minutes },
    events: inWindow.length,
    byType,
    eventsPerMinute: { average: Math.round((inWindow.length / minutes) * 100) / 100, peak },
    latencyMs,
    sagaCompletionMs,
    targets: TARGETS,
    met: {
      latencyP95: latencyMs.p95 === undefined ? null : latencyMs.p95 < TARGETS.latencyP95Ms,
      eventsPerMinute: inWindow.length ? peak >= TARGETS.eventsPerMinute : null,
      sagaCompletion: sagaCompletionMs.p95 === undefined ? null : sagaCompletionMs.p95 < TARGETS.sagaCompletionMs,
    },
  };
}

/** What is recorded of one received event. */
export function eventRecord(event: { 'detail-type': string; detail: { metadata: { eventId: string; occurredAt: string }; data: object } }, receivedAt: number): EventRecord {
  const { eventId, occurredAt } = event.detail.metadata;
  const occurred = Date.parse(occurredAt);
  const requestedAt = (event.detail.data as { bookingRequestedAt?: unknown }).bookingRequestedAt;
  const requested = typeof requestedAt === 'string' ? Date.parse(requestedAt) : NaN;
  return {
    eventId,
    detailType: event['detail-type'],
    occurredAt,
    receivedAt: new Date(receivedAt).toISOString(),
    latencyMs: Math.max(0, receivedAt - occurred),
    ...(Number.isNaN(requested) ? {} : { sagaCompletionMs: Math.max(0, occurred - requested) }),
  };
}

/** The hour buckets (partition keys) a window touches. */
export function hourBuckets(from: number, to: number): string[] {
  const out: string[] = [];
  for (let h = Math.floor(from / 3_600_000); h * 3_600_000 < to; h++) out.push(new Date(h * 3_600_000).toISOString().slice(0, 13));
  return out;
}
