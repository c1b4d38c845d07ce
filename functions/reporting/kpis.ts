// The KPI read model, as plain functions: which fact an event adds (one row per event that
// marks a milestone of an incident, in the partition of the day it happened), and the KPIs
// of a day computed from the facts (GET /reports/kpis).
//
// An incident counts on the day (UTC) it was reported; its later milestones are looked up to
// the end of the next day, so an incident reported before midnight still counts its arrival.
// Durations come from the events' own occurredAt, so a late or redelivered event gives the
// same figures (facts are keyed by eventId and written once).
import { joinKey, keyPrefix } from '../../lib/read-model';
import { incidentOf, type EnvelopeEvent } from './timeline';

/** What happened to an incident, as far as the KPIs care. */
export type Fact = 'reported' | 'offered' | 'answered' | 'assigned' | 'arrived' | 'completed' | 'escalated' | 'cancelled' | 'paid' | 'paymentFailed';

/** The fact each detail-type stands for; other events add none. */
const FACT_OF: Readonly<Record<string, Fact>> = {
  IncidentCreated: 'reported',
  OfferCreated: 'offered',
  OfferAccepted: 'answered',
  OfferDeclined: 'answered',
  IncidentAssigned: 'assigned',
  VendorArrived: 'arrived',
  WorkCompleted: 'completed',
  IncidentEscalated: 'escalated',
  IncidentCancelled: 'cancelled',
  PaymentCompleted: 'paid',
  PaymentFailed: 'paymentFailed',
};

export interface KpiFactRow {
  pk: string;
  sk: string;
  incidentId: string;
  fact: Fact;
  eventId: string;
  at: string;
  /** The offer an offered/answered fact is about (vendor response time pairs them). */
  offerId?: string;
  /** The payment a paid/paymentFailed fact is about. */
  paymentId?: string;
}

/** The day (UTC, YYYY-MM-DD) of an ISO timestamp. */
export const dayOf = (iso: string): string => new Date(iso).toISOString().slice(0, 10);
/** The partition of one day's facts. */
export const kpiDayKey = (day: string): string => joinKey('KPI', day);
export const FACT_PREFIX = keyPrefix('FACT');

/** The KPI fact an event adds, if it marks a milestone of an incident. */
export function kpiFact(event: EnvelopeEvent): KpiFactRow | undefined {
  const fact = FACT_OF[event['detail-type']];
  const incidentId = incidentOf(event);
  if (!fact || !incidentId) return undefined;
  const { eventId, occurredAt } = event.detail.metadata;
  const data = event.detail.data as { offerId?: unknown; paymentId?: unknown };
  return {
    pk: kpiDayKey(dayOf(occurredAt)),
    sk: joinKey('FACT', incidentId, eventId),
    incidentId,
    fact,
    eventId,
    at: occurredAt,
    ...(typeof data.offerId === 'string' ? { offerId: data.offerId } : {}),
    ...(typeof data.paymentId === 'string' ? { paymentId: data.paymentId } : {}),
  };
}

/** A duration's distribution over a day: how many, median and 95th percentile (nearest rank), in ms. */
export interface Distribution {
  count: number;
  p50: number | null;
  p95: number | null;
}

export interface DayKpis {
  day: string;
  /** Incidents reported that day. */
  incidents: number;
  completed: number;
  escalated: number;
  cancelled: number;
  /** completed / incidents (null without incidents). */
  completionRate: number | null;
  /** escalated / incidents. */
  escalationRate: number | null;
  payments: { completed: number; failed: number };
  /** Completed payments / payments that ended (completed or failed). */
  paymentSuccessRate: number | null;
  /** Report to the first offer. */
  timeToFirstOfferMs: Distribution;
  /** Report to the assignment. */
  timeToAssignmentMs: Distribution;
  /** An offer to its vendor's answer (accept or decline), per answered offer. */
  vendorResponseMs: Distribution;
  /** Report to the vendor's arrival. */
  timeToArrivalMs: Distribution;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

const rate = (part: number, whole: number): number | null => (whole ? Math.round((part / whole) * 10_000) / 10_000 : null);

/**
 * The KPIs of `day` from the facts of that day and the next (any extra facts are ignored):
 * only incidents reported on `day` count, each milestone at its first occurrence.
 */
export function kpisOfDay(day: string, facts: readonly Pick<KpiFactRow, 'incidentId' | 'fact' | 'at' | 'offerId' | 'paymentId'>[]): DayKpis {
  const byIncident = new Map<string, typeof facts[number][]>();
  for (const f of facts) byIncident.set(f.incidentId, [...(byIncident.get(f.incidentId) ?? []), f]);
  const firstOffer: number[] = [];
  const assignment: number[] = [];
  const response: number[] = [];
  const arrival: number[] = [];
  let incidents = 0;
  let completed = 0;
  let escalated = 0;
  let cancelled = 0;
  const paid = new Set<string>();
  const failed = new Set<string>();
  for (const list of byIncident.values()) {
    const reported = first(list, 'reported');
    if (reported === undefined || dayOf(new Date(reported).toISOString()) !== day) continue;
    incidents += 1;
    const since = (fact: Fact, into: number[]): void => {
      const at = first(list, fact);
      if (at !== undefined) into.push(Math.max(0, at - reported));
    };
    since('offered', firstOffer);
    since('assigned', assignment);
    since('arrived', arrival);
    if (list.some((f) => f.fact === 'completed')) completed += 1;
    if (list.some((f) => f.fact === 'escalated')) escalated += 1;
    if (list.some((f) => f.fact === 'cancelled')) cancelled += 1;
    const offered = new Map<string, number>();
    for (const f of list) if (f.fact === 'offered' && f.offerId) offered.set(f.offerId, Math.min(offered.get(f.offerId) ?? Infinity, Date.parse(f.at)));
    const answered = new Map<string, number>();
    for (const f of list) if (f.fact === 'answered' && f.offerId) answered.set(f.offerId, Math.min(answered.get(f.offerId) ?? Infinity, Date.parse(f.at)));
    for (const [offerId, at] of answered) {
      const sent = offered.get(offerId);
      if (sent !== undefined) response.push(Math.max(0, at - sent));
    }
    for (const f of list) {
      if (f.fact === 'paid' && f.paymentId) paid.add(f.paymentId);
      if (f.fact === 'paymentFailed' && f.paymentId) failed.add(f.paymentId);
    }
  }
  // A payment that failed once and was then paid counts as paid.
  for (const p of paid) failed.delete(p);
  return {
    day,
    incidents,
    completed,
    escalated,
    cancelled,
    completionRate: rate(completed, incidents),
    escalationRate: rate(escalated, incidents),
    payments: { completed: paid.size, failed: failed.size },
    paymentSuccessRate: rate(paid.size, paid.size + failed.size),
    timeToFirstOfferMs: distribution(firstOffer),
    timeToAssignmentMs: distribution(assignment),
    vendorResponseMs: distribution(response),
    timeToArrivalMs: distribution(arrival),
  };
}

function first(list: readonly { fact: Fact; at: string }[], fact: Fact): number | undefined {
  let min: number | undefined;
  for (const f of list) if (f.fact === fact) min = Math.min(min ?? Infinity, Date.parse(f.at));
  return min;
}

/** The days from `from` to `to` (inclusive, YYYY-MM-DD), in order. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** The day after `day`. */
export const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
