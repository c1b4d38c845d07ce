// ETAs for the scatter-gather round (EtaRequested): plain functions, no AWS. From the vendors'
// depots (depots.json, tracking's own copy), the road distance and a speed model give each
// vendor in range an ETA; the answer is EtaResponse (fastest first, possibly empty) or EtaError
// in a test zone. The answer's eventId derives from the request event, so a redelivered request
// finds its answer in the outbox.
import type { EtaEstimate, EtaRequestedData, EventContext, GeoLocation } from '../../generated';
import * as trackingEvents from '../../generated/publishers/tracking';
import { nameUuid } from '../../lib/ids';
import depotsFile from './depots.json';
import { haversineKm } from '../../lib/geo';

export { haversineKm };

/** Namespace of the tracking service's derived ids (a fixed random UUID). */
export const TRACKING_NAMESPACE = '5e8a1c3f-7b2d-4f6e-a9c0-3d5b7e9f1a24';

/**
 * The speed model: road distance = straight line x roadFactor; the first cityKm of road at
 * cityKmh, the rest at highwayKmh; plus dispatchMinutes before the vendor leaves. Rounded up
 * to whole minutes.
 */
export const SPEED_MODEL = { roadFactor: 1.3, dispatchMinutes: 5, cityKm: 10, cityKmh: 30, highwayKmh: 60 } as const;

export interface Depot {
  vendorId: string;
  name: string;
  depot: { lat: number; lon: number };
}

/** A box where the responder deterministically fails ('error': its Error event) or answers nothing ('silent'). */
export interface TestZone {
  name: string;
  behaviour: 'error' | 'silent';
  /** The Error event's errorCode in an 'error' zone. */
  errorCode?: string;
  box: { minLat: number; maxLat: number; minLon: number; maxLon: number };
}

export const depots: readonly Depot[] = depotsFile.depots;

/** The test zones of depots.json, checked once on load (a typo there must not make a zone silently inert). */
export const testZones: readonly TestZone[] = depotsFile.testZones.map((zone) => {
  if (zone.behaviour !== 'error' && zone.behaviour !== 'silent') throw new Error(`depots.json test zone ${zone.name}: behaviour must be error or silent`);
  const { minLat, maxLat, minLon, maxLon } = zone.box;
  if (!(minLat < maxLat && minLon < maxLon)) throw new Error(`depots.json test zone ${zone.name}: empty box`);
  return { ...zone, behaviour: zone.behaviour };
});



/** The test zone holding `at` (bounds included), if any. */
export function testZoneAt(at: GeoLocation, zones: readonly TestZone[] = testZones): TestZone | undefined {
  return zones.find(({ box }) => at.lat >= box.minLat && at.lat <= box.maxLat && at.lon >= box.minLon && at.lon <= box.maxLon);
}

/** Minutes from dispatch to arrival over `roadKm` of road, with the speed model. */
export function travelMinutes(roadKm: number, model = SPEED_MODEL): number {
  const city = Math.min(roadKm, model.cityKm);
  const highway = Math.max(0, roadKm - model.cityKm);
  const minutes = model.dispatchMinutes + (city / model.cityKmh) * 60 + (highway / model.highwayKmh) * 60;
  // Up to the next whole minute, but 28.000000000000004 (float noise) is 28.
  return Math.ceil(minutes - 1e-9);
}

/** One estimate per depot within `radiusKm` (straight line) of the destination, fastest first, then nearest, then by vendor id. */
export function estimatesFor(request: Pick<EtaRequestedData, 'destination' | 'radiusKm'>, list: readonly Depot[] = depots): EtaEstimate[] {
  return list
    .map((d) => ({ vendorId: d.vendorId, straightKm: haversineKm(d.depot, request.destination) }))
    .filter((d) => d.straightKm <= request.radiusKm)
    .map(({ vendorId, straightKm }) => {
      // The ETA is computed from the distance as reported (to 10 m), so the two agree.
      const roadKm = Math.round(straightKm * SPEED_MODEL.roadFactor * 100) / 100;
      return { vendorId, etaMinutes: travelMinutes(roadKm), distanceKm: roadKm, basis: 'depot' as const };
    })
    .sort((a, b) => a.etaMinutes - b.etaMinutes || a.distanceKm - b.distanceKm || a.vendorId.localeCompare(b.vendorId));
}

export type EtaAnswer = { ok: true; estimates: EtaEstimate[] } | { ok: false; errorCode: string; errorMessage: string; canRetry: boolean };

/** The answer in an 'error' test zone. */
export function testZoneError(zone: TestZone): EtaAnswer {
  return { ok: false, errorCode: zone.errorCode ?? 'TRACKING_UNAVAILABLE', errorMessage: `Test zone ${zone.name}: tracking is unavailable here by design (functions/tracking/README.md).`, canRetry: true };
}

/** The answer's eventId: one per request event, whichever answer it is (a redelivery cannot send a second, different one). */
export const etaAnswerId = (requestId: string, requestEventId: string): string => nameUuid(TRACKING_NAMESPACE, 'eta-answer', requestId, requestEventId);

export type EtaReply = ReturnType<typeof trackingEvents.EtaResponse> | ReturnType<typeof trackingEvents.EtaError>;

/** The event answering the request (no aggregate: the answer is about the gather round). Validated against the spec when built. */
export function etaReply(request: Pick<EtaRequestedData, 'requestId' | 'incidentId'>, answer: EtaAnswer, requestEventId: string, cause: EventContext, now: string): EtaReply {
  const context: EventContext = { ...cause, eventId: etaAnswerId(request.requestId, requestEventId), occurredAt: now };
  const { requestId, incidentId } = request;
  if (answer.ok) return trackingEvents.EtaResponse({ requestId, incidentId, estimates: answer.estimates, computedAt: now }, context);
  return trackingEvents.EtaError({ requestId, incidentId, errorCode: answer.errorCode, errorMessage: answer.errorMessage, canRetry: answer.canRetry }, context);
}
