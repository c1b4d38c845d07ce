// Live tracking sessions: plain functions, no AWS. One session per incident, opened by
// IncidentAssigned, moved by the vendor app's location pings, closed by WorkCompleted or
// IncidentCancelled. Each decision returns the next session and the events it causes; ids
// derive from the session (and the ping's recordedAt), so a retry or a duplicate lands on
// the same session and the same eventIds. README "Tracking sessions" explains the rules.
import type { EventContext, IncidentAssignedData, TrackLocationCommand } from '../../generated';
import * as trackingEvents from '../../generated/publishers/tracking';
import { nameUuid } from '../../lib/ids';
import { haversineKm } from '../../lib/geo';

export { haversineKm };

/** Namespace of the tracking service's derived ids (a fixed random UUID). */
export const TRACKING_NAMESPACE = '3d7f0c52-9b1e-4a6d-8e25-c4a9f1b07e63';

/** Road distance = straight line x this factor (the same factor as the ETA responder's). */
export const ROAD_FACTOR = 1.3;
/** Speed model of the remaining road: the last `cityKm` at `cityKph`, anything beyond at `openRoadKph`. */
export const SPEED_MODEL = { cityKm: 10, cityKph: 30, openRoadKph: 60 } as const;
/** The vendor has arrived once a ping is this close (straight line) to the incident. */
export const GEOFENCE_METERS = 150;
/** TrackingUpdated throttle: publish when one of these is reached since the last published update. */
export const THROTTLE = { etaMinutes: 1, distanceKm: 0.5, intervalMs: 30_000 } as const;
/** A ping recorded further in the future than this (device clock) is refused: it would hide every later ping. */
export const MAX_CLOCK_SKEW_MS = 2 * 60_000;

export type SessionStatus = 'ACTIVE' | 'STOPPED';
export type StopReason = trackingEvents.TrackingSends['TrackingStopped']['data']['reason'];

export interface Point {
  lat: number;
  lon: number;
}

/** A ping as kept on the session (the latest accepted one). */
export interface Ping extends Point {
  recordedAt: string;
  accuracyMeters?: number;
  speedKph?: number;
  heading?: number;
}

/** What the last published TrackingUpdated said: the throttle compares against it. */
export interface PublishedUpdate {
  recordedAt: string;
  etaMinutes: number;
  distanceRemainingKm: number;
}

export interface TrackingSession {
  sessionId: string;
  incidentId: string;
  driverId: string;
  vendorId: string;
  destination: Point;
  status: SessionStatus;
  /** The incident's flow: every event of the session carries it. */
  correlationId: string;
  /** When the vendor was assigned (IncidentAssigned.assignedAt): travel time counts from it. */
  assignedAt: string;
  startedAt: string;
  /** Writes of the session so far: the store replaces it only at the version it was read. */
  version: number;
  /** metadata.sequence of the session's last event (TrackingStarted is 1). */
  sequence: number;
  /** eventId of the session's last event: the causation of the next one. */
  lastEventId: string;
  /** Pings accepted (ignored ones are not counted). */
  pings: number;
  lastPing?: Ping;
  etaMinutes?: number;
  distanceRemainingKm?: number;
  /** Straight-line distance between consecutive accepted pings, summed. */
  travelledKm: number;
  lastUpdate?: PublishedUpdate;
  arrivedAt?: string;
  stoppedAt?: string;
  stopReason?: StopReason;
}

export type TrackingEvent = ReturnType<typeof trackingEvents.TrackingStarted> | ReturnType<typeof trackingEvents.TrackingUpdated> | ReturnType<typeof trackingEvents.VendorArrived> | ReturnType<typeof trackingEvents.TrackingStopped>;

/** Why a ping is refused; the HTTP layer maps the code to a status. */
export class TrackingRuleError extends Error {
  constructor(
    readonly code: 'SESSION_NOT_FOUND' | 'SESSION_STOPPED' | 'NOT_YOUR_SESSION' | 'PING_IN_FUTURE',
    message: string,
  ) {
    super(message);
    this.name = 'TrackingRuleError';
  }
}

/** The session of an incident: one per incident, the same id on every delivery. */
export const sessionIdOf = (incidentId: string): string => nameUuid(TRACKING_NAMESPACE, 'session', incidentId);

const eventIdOf = (kind: string, sessionId: string, ...rest: string[]): string => nameUuid(TRACKING_NAMESPACE, kind, sessionId, ...rest);



const round = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** Road distance from a point to the destination, to 10 m. */
export const roadKm = (from: Point, to: Point): number => round(haversineKm(from, to) * ROAD_FACTOR, 2);

/** Minutes to drive `km` of road: the last SPEED_MODEL.cityKm at city speed, the rest at open-road speed; rounded up. */
export function etaMinutesFor(km: number): number {
  const city = Math.min(km, SPEED_MODEL.cityKm);
  const open = Math.max(0, km - SPEED_MODEL.cityKm);
  const minutes = (city / SPEED_MODEL.cityKph + open / SPEED_MODEL.openRoadKph) * 60;
  return Math.max(0, Math.ceil(minutes - 1e-9));
}

/** Which threshold makes this ping publish a TrackingUpdated, if any (THROTTLE; the first ping always does). */
export function throttleReason(last: PublishedUpdate | undefined, next: PublishedUpdate): 'first' | 'eta' | 'distance' | 'interval' | undefined {
  if (!last) return 'first';
  if (Math.abs(next.etaMinutes - last.etaMinutes) >= THROTTLE.etaMinutes) return 'eta';
  if (Math.abs(next.distanceRemainingKm - last.distanceRemainingKm) > THROTTLE.distanceKm) return 'distance';
  if (Date.parse(next.recordedAt) - Date.parse(last.recordedAt) >= THROTTLE.intervalMs) return 'interval';
  return undefined;
}

/** Why an IncidentAssigned cannot open a session (undefined: it can). */
export function cannotStart(assigned: IncidentAssignedData): string | undefined {
  return assigned.destination ? undefined : `IncidentAssigned for incident ${assigned.incidentId} carries no destination: nowhere to track the vendor to`;
}

/** Opens the incident's session: the session (version 1) and its TrackingStarted. Call only when `cannotStart` is undefined. */
export function startSession(assigned: IncidentAssignedData, cause: EventContext, now: string): { session: TrackingSession; event: TrackingEvent } {
  if (!assigned.destination) throw new Error(cannotStart(assigned));
  const sessionId = sessionIdOf(assigned.incidentId);
  const eventId = eventIdOf('TrackingStarted', sessionId);
  const destination = { lat: assigned.destination.lat, lon: assigned.destination.lon };
  const event = trackingEvents.TrackingStarted(
    {
      trackingSessionId: sessionId,
      incidentId: assigned.incidentId,
      driverId: assigned.driverId,
      vendorId: assigned.vendorId,
      destination,
      // The ETA the accepted offer quoted, until the first ping gives a live one.
      ...(assigned.etaMinutes !== undefined ? { etaMinutes: assigned.etaMinutes } : {}),
      startedAt: now,
    },
    { ...cause, eventId, occurredAt: now, aggregateId: sessionId, sequence: 1 },
  );
  const session: TrackingSession = {
    sessionId,
    incidentId: assigned.incidentId,
    driverId: assigned.driverId,
    vendorId: assigned.vendorId,
    destination,
    status: 'ACTIVE',
    correlationId: event.detail.metadata.correlationId,
    assignedAt: assigned.assignedAt,
    startedAt: now,
    version: 1,
    sequence: 1,
    lastEventId: eventId,
    pings: 0,
    travelledKm: 0,
    ...(assigned.etaMinutes !== undefined ? { etaMinutes: assigned.etaMinutes } : {}),
  };
  return { session, event };
}

export type PingOutcome =
  | { kind: 'ignored'; reason: 'duplicate' | 'out_of_order'; session: TrackingSession }
  | { kind: 'accepted'; session: TrackingSession; events: TrackingEvent[]; published: { updated?: 'first' | 'eta' | 'distance' | 'interval'; arrived: boolean } };

/**
 * One location ping of the session's vendor. Refused (TrackingRuleError) for a stopped
 * session, another vendor, or a device clock far ahead; ignored when not newer than the
 * latest accepted ping (duplicate: the same recordedAt; out of order: older). Otherwise the
 * session moves and the ping publishes TrackingUpdated (throttled) and, on first entering
 * the geofence, VendorArrived.
 */
export function applyPing(session: TrackingSession, ping: TrackLocationCommand, now: Date): PingOutcome {
  if (session.status === 'STOPPED') throw new TrackingRuleError('SESSION_STOPPED', `tracking session ${session.sessionId} is stopped (${session.stopReason ?? 'stopped'}); no more locations are taken`);
  if (ping.vendorId !== session.vendorId) throw new TrackingRuleError('NOT_YOUR_SESSION', `tracking session ${session.sessionId} follows another vendor`);
  const at = Date.parse(ping.recordedAt);
  if (at - now.getTime() > MAX_CLOCK_SKEW_MS) throw new TrackingRuleError('PING_IN_FUTURE', `recordedAt ${ping.recordedAt} is more than ${MAX_CLOCK_SKEW_MS / 1000} s ahead of the server clock`);
  if (session.lastPing) {
    const last = Date.parse(session.lastPing.recordedAt);
    if (at === last) return { kind: 'ignored', reason: 'duplicate', session };
    if (at < last) return { kind: 'ignored', reason: 'out_of_order', session };
  }
  const recordedAt = new Date(at).toISOString();
  const position: Ping = {
    lat: ping.lat,
    lon: ping.lon,
    recordedAt,
    ...(ping.accuracyMeters !== undefined ? { accuracyMeters: ping.accuracyMeters } : {}),
    ...(ping.speedKph !== undefined ? { speedKph: ping.speedKph } : {}),
    ...(ping.heading !== undefined ? { heading: ping.heading } : {}),
  };
  const straightKm = haversineKm(position, session.destination);
  const inside = straightKm * 1000 <= GEOFENCE_METERS;
  const arrivesNow = inside && !session.arrivedAt;
  const distanceRemainingKm = inside ? 0 : roadKm(position, session.destination);
  const etaMinutes = inside || session.arrivedAt ? 0 : etaMinutesFor(distanceRemainingKm);
  const travelledKm = round(session.travelledKm + (session.lastPing ? haversineKm(session.lastPing, position) : 0), 3);
  const update: PublishedUpdate = { recordedAt, etaMinutes, distanceRemainingKm };
  const reason = throttleReason(session.lastUpdate, update);

  let next: TrackingSession = { ...session, version: session.version + 1, pings: session.pings + 1, lastPing: position, etaMinutes, distanceRemainingKm, travelledKm };
  const events: TrackingEvent[] = [];
  const location = { lat: position.lat, lon: position.lon, ...(position.accuracyMeters !== undefined ? { accuracyMeters: position.accuracyMeters } : {}) };
  const context = (eventId: string): EventContext => ({ correlationId: next.correlationId, causationId: next.lastEventId, eventId, occurredAt: now.toISOString(), aggregateId: next.sessionId, sequence: next.sequence + 1 });
  if (reason) {
    const eventId = eventIdOf('TrackingUpdated', session.sessionId, recordedAt);
    events.push(
      trackingEvents.TrackingUpdated(
        {
          trackingSessionId: session.sessionId,
          incidentId: session.incidentId,
          driverId: session.driverId,
          vendorId: session.vendorId,
          location,
          etaMinutes,
          distanceRemainingKm,
          ...(position.speedKph !== undefined ? { speedKph: position.speedKph } : {}),
          ...(position.heading !== undefined ? { heading: position.heading } : {}),
          recordedAt,
        },
        context(eventId),
      ),
    );
    next = { ...next, lastUpdate: update, sequence: next.sequence + 1, lastEventId: eventId };
  }
  if (arrivesNow) {
    const eventId = eventIdOf('VendorArrived', session.sessionId);
    events.push(
      trackingEvents.VendorArrived(
        {
          trackingSessionId: session.sessionId,
          incidentId: session.incidentId,
          driverId: session.driverId,
          vendorId: session.vendorId,
          location,
          distanceFromIncidentMeters: Math.round(straightKm * 1000),
          travelMinutes: Math.max(0, Math.round((at - Date.parse(session.assignedAt)) / 60_000)),
          arrivedAt: recordedAt,
        },
        context(eventId),
      ),
    );
    next = { ...next, arrivedAt: recordedAt, sequence: next.sequence + 1, lastEventId: eventId };
  }
  return { kind: 'accepted', session: next, events, published: { ...(reason ? { updated: reason } : {}), arrived: arrivesNow } };
}

/** Closes an active session: the stopped session and its TrackingStopped (undefined when it is stopped already). */
export function stopSession(session: TrackingSession, reason: StopReason, cause: EventContext, now: string): { session: TrackingSession; event: TrackingEvent } | undefined {
  if (session.status === 'STOPPED') return undefined;
  const eventId = eventIdOf('TrackingStopped', session.sessionId);
  const event = trackingEvents.TrackingStopped(
    { trackingSessionId: session.sessionId, incidentId: session.incidentId, vendorId: session.vendorId, reason, totalDistanceKm: round(session.travelledKm, 2), stoppedAt: now },
    { ...cause, eventId, occurredAt: now, aggregateId: session.sessionId, sequence: session.sequence + 1 },
  );
  return { session: { ...session, status: 'STOPPED', stopReason: reason, stoppedAt: now, version: session.version + 1, sequence: session.sequence + 1, lastEventId: eventId }, event };
}
