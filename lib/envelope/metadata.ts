import type { EnvelopeMetadata, EventContext } from './build';

/**
 * The envelope fields found in a detail that may be anything (a rejected event): only
 * fields of the right primitive type are returned, nothing is trusted beyond that.
 */
export function readMetadata(detail: unknown): Partial<EnvelopeMetadata> {
  if (typeof detail !== 'object' || detail === null) return {};
  const metadata = (detail as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return {};
  const m = metadata as Record<string, unknown>;
  const result: Partial<EnvelopeMetadata> = {};
  for (const key of ['eventId', 'correlationId', 'causationId', 'eventVersion', 'occurredAt', 'aggregateId', 'producer'] as const) {
    const value = m[key];
    if (typeof value === 'string') result[key] = value;
  }
  if (typeof m['sequence'] === 'number') result.sequence = m['sequence'];
  return result;
}

/** An event whose envelope can cause others. */
export interface CausingEvent {
  detail: { metadata: { eventId: string; correlationId: string } };
}

/**
 * The EventContext for events caused by `event`: they inherit its correlationId, and its
 * eventId becomes their causationId (the generated builders apply `causedBy`).
 */
export function causedBy(event: CausingEvent, extra: Omit<EventContext, 'causedBy'> = {}): EventContext {
  return { ...extra, causedBy: { metadata: { eventId: event.detail.metadata.eventId, correlationId: event.detail.metadata.correlationId } } };
}

/** Milliseconds between `occurredAt` and `now`; undefined when occurredAt is not a date. */
export function eventAgeMs(occurredAt: unknown, now: number = Date.now()): number | undefined {
  if (typeof occurredAt !== 'string') return undefined;
  const at = Date.parse(occurredAt);
  return Number.isNaN(at) ? undefined : Math.max(0, now - at);
}
