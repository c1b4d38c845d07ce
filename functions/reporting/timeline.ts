// The reporting read model (seed 003's query side), as plain functions: which rows an
// event adds. One timeline row per event of an incident, one counter per detail-type.
import { incidentKey, timelineSortKey } from './keys';

export interface EnvelopeEvent {
  id: string;
  source: string;
  'detail-type': string;
  detail: { metadata: { eventId: string; correlationId: string; occurredAt: string; producer: string; aggregateId?: string; sequence?: number }; data: object };
}

export interface TimelineRow {
  pk: string;
  sk: string;
  incidentId: string;
  eventId: string;
  detailType: string;
  source: string;
  producer: string;
  correlationId: string;
  occurredAt: string;
  sequence?: number;
  /** A few data fields worth showing in a timeline (status, vendor, offer, price). */
  summary: Record<string, unknown>;
}

const SUMMARY_FIELDS = ['status', 'previousStatus', 'vendorId', 'vendorName', 'offerId', 'sagaId', 'paymentId', 'rank', 'etaMinutes', 'distanceRemainingKm', 'price', 'agreedPrice', 'amount', 'finalPrice', 'outcome', 'requiresApproval', 'approvedBy', 'failureCode', 'attempt', 'reason', 'cancelledBy', 'problemType'];

/** The incident an event belongs to: `data.incidentId`, else the envelope's aggregate. */
export function incidentOf(event: EnvelopeEvent): string | undefined {
  const id = (event.detail.data as { incidentId?: unknown }).incidentId;
  return typeof id === 'string' ? id : event.detail.metadata.aggregateId;
}

export function timelineRow(event: EnvelopeEvent): TimelineRow | undefined {
  const incidentId = incidentOf(event);
  if (!incidentId) return undefined;
  const m = event.detail.metadata;
  const data = event.detail.data as Record<string, unknown>;
  const summary = Object.fromEntries(SUMMARY_FIELDS.filter((f) => data[f] !== undefined).map((f) => [f, data[f]]));
  return {
    pk: incidentKey(incidentId),
    sk: timelineSortKey(m.occurredAt, m.eventId),
    incidentId,
    eventId: m.eventId,
    detailType: event['detail-type'],
    source: event.source,
    producer: m.producer,
    correlationId: m.correlationId,
    occurredAt: m.occurredAt,
    ...(m.sequence === undefined ? {} : { sequence: m.sequence }),
    summary,
  };
}
