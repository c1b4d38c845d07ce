// The incident aggregate: event-sourced state and the decisions of the incident service.
// Plain functions, no AWS: state = fold(events); decide(state, command) = new events' data.
import type {
  AssignIncidentData,
  GeoLocation,
  CancelIncidentCommand,
  CompleteWorkCommand,
  CreateIncidentCommand,
  IncidentAssignedData,
  IncidentAssignmentRejectedData,
  IncidentCancelledData,
  IncidentCreatedData,
  IncidentEscalatedData,
  IncidentStatus,
  IncidentStatusChangedData,
  Money,
  StartWorkCommand,
  TrackingStartedData,
  VendorArrivedData,
  WorkCompletedData,
  WorkStartedData,
} from '../../generated';

/** The aggregate's events as stored: detail-type and data (the envelope lives beside). */
export type IncidentEvent =
  | { type: 'IncidentCreated'; data: IncidentCreatedData }
  | { type: 'IncidentStatusChanged'; data: IncidentStatusChangedData }
  | { type: 'IncidentAssigned'; data: IncidentAssignedData }
  | { type: 'IncidentAssignmentRejected'; data: IncidentAssignmentRejectedData }
  | { type: 'IncidentCancelled'; data: IncidentCancelledData }
  | { type: 'IncidentEscalated'; data: IncidentEscalatedData }
  | { type: 'WorkStarted'; data: WorkStartedData }
  | { type: 'WorkCompleted'; data: WorkCompletedData };

export interface Incident {
  incidentId: string;
  driverId: string;
  status: IncidentStatus;
  problemType: string;
  createdAt: string;
  vendorId?: string;
  offerId?: string;
  /** The accepted offer's price (IncidentAssigned): the base of the final price. */
  agreedPrice?: Money;
  /** When the technician started (WorkStarted). */
  workStartedAt?: string;
  technicianId?: string;
  /** Where the driver is (IncidentCreated's coordinates): IncidentAssigned carries it as the destination tracking follows the vendor to. */
  location?: GeoLocation;
  /** Saga ids already answered, so a duplicate AssignIncident gets the same answer. */
  answeredSagas: string[];
  /** Number of events applied = the aggregate version. */
  version: number;
}

/** Why a command was refused; the HTTP layer maps it to a status code. */
export class IncidentRuleError extends Error {
  constructor(
    readonly code: 'INCIDENT_NOT_FOUND' | 'INCIDENT_FINAL' | 'INCIDENT_EXISTS' | 'INVALID_TRANSITION' | 'NOT_ASSIGNED_VENDOR',
    message: string,
  ) {
    super(message);
    this.name = 'IncidentRuleError';
  }
}

export const FINAL_STATUSES: readonly IncidentStatus[] = ['completed', 'cancelled', 'escalated'];

/** The main path of seed 004's lifecycle, in order. */
export const LIFECYCLE: readonly IncidentStatus[] = ['new', 'matching', 'offered', 'assigned', 'en_route', 'arrived', 'in_progress', 'completed'];

/**
 * Allowed transitions: forward along the main path only (a step may be skipped when its
 * event comes late or never: an incident is assigned straight from new when the offers'
 * events are still queued), never back. Cancel and escalate from any non-final status.
 * Because no status leads back, an event that arrives after the incident moved past the
 * status it stands for (a late OfferCreated after assigned) changes nothing.
 */
const NEXT: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  new: ['matching', 'offered', 'assigned'],
  matching: ['offered', 'assigned'],
  offered: ['assigned'],
  assigned: ['en_route', 'arrived'],
  en_route: ['arrived'],
  arrived: ['in_progress'],
  in_progress: ['completed'],
  completed: [],
  cancelled: [],
  escalated: [],
};

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  if (FINAL_STATUSES.includes(from)) return false;
  if (to === 'cancelled' || to === 'escalated') return true;
  return NEXT[from].includes(to);
}

export function apply(state: Incident | undefined, event: IncidentEvent): Incident {
  if (event.type === 'IncidentCreated') {
    const d = event.data;
    return { incidentId: d.incidentId, driverId: d.driverId, status: d.status, problemType: d.problemType, createdAt: d.createdAt, location: d.location.coordinates, answeredSagas: [], version: 1 };
  }
  if (!state) throw new Error(`${event.type} before IncidentCreated`);
  const next = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'IncidentStatusChanged':
      return { ...next, status: event.data.status };
    case 'IncidentAssigned':
      return { ...next, status: 'assigned', vendorId: event.data.vendorId, agreedPrice: event.data.agreedPrice, ...(event.data.offerId ? { offerId: event.data.offerId } : {}), answeredSagas: event.data.sagaId ? [...state.answeredSagas, event.data.sagaId] : state.answeredSagas };
    case 'IncidentAssignmentRejected':
      return { ...next, answeredSagas: [...state.answeredSagas, event.data.sagaId] };
    case 'IncidentCancelled':
      return { ...next, status: 'cancelled' };
    case 'IncidentEscalated':
      return { ...next, status: 'escalated' };
    case 'WorkStarted':
      return { ...next, workStartedAt: event.data.startedAt, ...(event.data.technicianId ? { technicianId: event.data.technicianId } : {}) };
    case 'WorkCompleted':
      return next;
  }
}

export const fold = (events: readonly IncidentEvent[]): Incident | undefined => events.reduce<Incident | undefined>(apply, undefined);

const statusChange = (state: Incident, status: IncidentStatus, changedBy: IncidentStatusChangedData['changedBy'], at: string, reason?: string): IncidentEvent => ({
  type: 'IncidentStatusChanged',
  data: { incidentId: state.incidentId, driverId: state.driverId, previousStatus: state.status, status, changedBy, changedAt: at, ...(reason ? { reason } : {}) },
});

/** A driver reports an incident: the first event of the aggregate. */
export function createIncident(command: CreateIncidentCommand, incidentId: string, now: string): IncidentEvent[] {
  return [
    {
      type: 'IncidentCreated',
      data: {
        incidentId,
        driverId: command.driverId,
        driverContact: command.contact,
        vehicle: command.vehicle,
        location: command.location,
        problemType: command.problemType,
        ...(command.description ? { description: command.description } : {}),
        status: 'new',
        channel: 'driver_app',
        createdAt: now,
      },
    },
  ];
}

/** Cancels a non-final incident; a final one is refused. */
export function cancelIncident(state: Incident | undefined, incidentId: string, command: CancelIncidentCommand, now: string): IncidentEvent[] {
  if (!state) throw new IncidentRuleError('INCIDENT_NOT_FOUND', `incident ${incidentId} does not exist`);
  if (!canTransition(state.status, 'cancelled')) throw new IncidentRuleError('INCIDENT_FINAL', `incident ${incidentId} is ${state.status} and cannot be cancelled`);
  return [
    {
      type: 'IncidentCancelled',
      data: {
        incidentId: state.incidentId,
        driverId: state.driverId,
        ...(state.vendorId ? { vendorId: state.vendorId } : {}),
        previousStatus: state.status,
        cancelledBy: command.cancelledBy,
        ...(command.reason ? { reason: command.reason } : {}),
        ...(command.comment ? { comment: command.comment } : {}),
        cancelledAt: now,
      },
    },
    statusChange(state, 'cancelled', command.cancelledBy, now, command.reason),
  ];
}

/**
 * The assignment saga asks to assign a vendor: assigned (with the status change) or a
 * rejection with its reason. A saga already answered gets no new events (duplicate).
 */
export function assignIncident(state: Incident | undefined, command: AssignIncidentData, now: string): IncidentEvent[] {
  const reject = (reason: IncidentAssignmentRejectedData['reason']): IncidentEvent[] => [
    { type: 'IncidentAssignmentRejected', data: { sagaId: command.sagaId, incidentId: command.incidentId, vendorId: command.vendorId, offerId: command.offerId, reason, rejectedAt: now } },
  ];
  if (!state) return reject('incident_not_found');
  if (state.answeredSagas.includes(command.sagaId)) return [];
  if (state.status === 'cancelled') return reject('incident_cancelled');
  if (state.vendorId) return reject('incident_already_assigned');
  if (!canTransition(state.status, 'assigned')) return reject('invalid_status');
  return [
    {
      type: 'IncidentAssigned',
      data: {
        sagaId: command.sagaId,
        incidentId: state.incidentId,
        driverId: state.driverId,
        vendorId: command.vendorId,
        ...(command.vendorName ? { vendorName: command.vendorName } : {}),
        offerId: command.offerId,
        agreedPrice: command.agreedPrice,
        ...(state.location ? { destination: state.location } : {}),
        status: 'assigned',
        assignedAt: now,
      },
    },
    statusChange(state, 'assigned', 'system', now),
  ];
}

/**
 * Another service's event says the incident reached `to` (matching started, an offer went
 * out, the vendor set out or arrived): one IncidentStatusChanged when that is a step
 * forward, nothing otherwise. So a duplicate, or an event overtaken by a later one (a late
 * OfferCreated after assigned, TrackingStarted after VendorArrived), changes nothing.
 */
export function advance(state: Incident | undefined, to: IncidentStatus, changedBy: IncidentStatusChangedData['changedBy'], at: string, reason?: string): IncidentEvent[] {
  if (!state || !canTransition(state.status, to)) return [];
  return [statusChange(state, to, changedBy, at, reason)];
}

/** The vendors answer the match service's round about the incident (VendorAvailabilityResponse): matching. */
export function matchingStarted(state: Incident | undefined, at: string): IncidentEvent[] {
  return advance(state, 'matching', 'system', at);
}

/** An offer went out to a vendor (OfferCreated): offered. */
export function offerCreated(state: Incident | undefined, at: string): IncidentEvent[] {
  return advance(state, 'offered', 'system', at);
}

/** Only the assigned vendor's tracking moves the incident: a session of another vendor (none assigned yet, or an old one) is ignored. */
const ofAssignedVendor = (state: Incident | undefined, vendorId: string): state is Incident => state?.vendorId === vendorId;

/** The assigned vendor set out (TrackingStarted): en route. */
export function trackingStarted(state: Incident | undefined, session: TrackingStartedData, now: string): IncidentEvent[] {
  if (!ofAssignedVendor(state, session.vendorId)) return [];
  return advance(state, 'en_route', 'vendor', session.startedAt ?? now);
}

/** The technician reached the driver (VendorArrived): arrived, once. */
export function vendorArrived(state: Incident | undefined, arrival: VendorArrivedData, now: string): IncidentEvent[] {
  if (!ofAssignedVendor(state, arrival.vendorId)) return [];
  return advance(state, 'arrived', 'vendor', arrival.arrivedAt ?? now);
}

/** An offer that closed without a vendor: it expired, or its vendor declined it. */
export interface OfferClosed {
  offerId: string;
  remainingActiveOffers: number;
  how: 'expired' | 'declined';
  at: string;
}

/**
 * An offer expired or was declined: when it was the last open offer and no vendor is
 * assigned, a person has to find one (escalation to the dispatcher queue). Otherwise
 * nothing changes.
 */
export function offerClosed(state: Incident | undefined, closed: OfferClosed, now: string): IncidentEvent[] {
  if (!state || closed.remainingActiveOffers > 0 || state.vendorId || !canTransition(state.status, 'escalated')) return [];
  return [
    { type: 'IncidentEscalated', data: { incidentId: state.incidentId, driverId: state.driverId, previousStatus: state.status, reason: 'no_vendor_accepted', escalationLevel: 1, details: `last offer ${closed.offerId} ${closed.how} at ${closed.at}`, escalatedAt: now } },
    statusChange(state, 'escalated', 'system', now, 'no vendor accepted'),
  ];
}

/** Matching found no vendor to offer the job to (MatchingFailed): a person has to find one. */
export function matchingFailed(state: Incident | undefined, failure: { requestId: string; reason: string; details?: string }, now: string): IncidentEvent[] {
  if (!state || state.vendorId || !canTransition(state.status, 'escalated')) return [];
  const details = `matching round ${failure.requestId}: ${failure.reason}${failure.details ? ` (${failure.details})` : ''}`;
  return [
    { type: 'IncidentEscalated', data: { incidentId: state.incidentId, driverId: state.driverId, previousStatus: state.status, reason: 'no_vendor_available', escalationLevel: 1, details: details.slice(0, 500), escalatedAt: now } },
    statusChange(state, 'escalated', 'system', now, 'no vendor available'),
  ];
}

/** The work commands are the assigned vendor's, and move the status one step of the machine: refused otherwise, naming why. */
function workAllowed(state: Incident | undefined, incidentId: string, vendorId: string, to: IncidentStatus, what: string): Incident {
  if (!state) throw new IncidentRuleError('INCIDENT_NOT_FOUND', `incident ${incidentId} does not exist`);
  if (state.vendorId !== vendorId) throw new IncidentRuleError('NOT_ASSIGNED_VENDOR', `vendor ${vendorId} is not the vendor assigned to incident ${incidentId}`);
  if (!canTransition(state.status, to)) throw new IncidentRuleError('INVALID_TRANSITION', `incident ${incidentId} is ${state.status}: ${what}`);
  return state;
}

/** The technician starts the work on site (the vendor arrived): WorkStarted, status in_progress. */
export function startWork(state: Incident | undefined, incidentId: string, command: StartWorkCommand, now: string): IncidentEvent[] {
  const s = workAllowed(state, incidentId, command.vendorId, 'in_progress', 'work starts once the vendor has arrived');
  return [
    { type: 'WorkStarted', data: { incidentId, driverId: s.driverId, vendorId: command.vendorId, ...(command.technicianId ? { technicianId: command.technicianId } : {}), startedAt: now } },
    statusChange(s, 'in_progress', 'vendor', now),
  ];
}

/** The final price: the accepted offer's price plus what the technician billed on top. */
export function finalPrice(agreed: Money | undefined, items: readonly { amount: Money }[]): Money {
  const currency = agreed?.currency ?? items[0]?.amount.currency ?? 'USD';
  const foreign = items.find((i) => i.amount.currency !== currency);
  if (foreign) throw new IncidentRuleError('INVALID_TRANSITION', `billed items must be in ${currency}, got ${foreign.amount.currency}`);
  return { amountCents: (agreed?.amountCents ?? 0) + items.reduce((sum, i) => sum + i.amount.amountCents, 0), currency };
}

/** The technician finishes: WorkCompleted with the final price and time on site, status completed. */
export function completeWork(state: Incident | undefined, incidentId: string, command: CompleteWorkCommand, now: string): IncidentEvent[] {
  const s = workAllowed(state, incidentId, command.vendorId, 'completed', 'work completes once it has started');
  const startedAt = s.workStartedAt ?? now;
  const lineItems = (command.lineItems ?? []).map((i) => ({ code: i.code, description: i.description, amount: i.amount }));
  return [
    {
      type: 'WorkCompleted',
      data: {
        incidentId,
        driverId: s.driverId,
        vendorId: command.vendorId,
        ...(command.technicianId ?? s.technicianId ? { technicianId: (command.technicianId ?? s.technicianId) as string } : {}),
        outcome: command.outcome,
        ...(lineItems.length ? { lineItems } : {}),
        finalPrice: finalPrice(s.agreedPrice, lineItems),
        durationMinutes: Math.max(0, Math.round((Date.parse(now) - Date.parse(startedAt)) / 60_000)),
        ...(command.notes ? { notes: command.notes } : {}),
        startedAt,
        completedAt: now,
      },
    },
    statusChange(s, 'completed', 'vendor', now),
  ];
}
