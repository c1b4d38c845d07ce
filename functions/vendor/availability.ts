// Vendor availability for the scatter-gather round (VendorAvailabilityRequested): plain
// functions, no AWS. Which directory vendors can take the incident, nearest first, and the
// answer (VendorAvailabilityResponse or VendorAvailabilityError). The answer's eventId
// derives from the request event, so a redelivered request finds its answer in the outbox.
import type { EventContext, GeoLocation, ProblemType, VendorAvailabilityCandidate, VendorAvailabilityRequestedData } from '../../generated';
import * as vendorEvents from '../../generated/publishers/vendor';
import { nameUuid } from '../../lib/ids';
import directory from './directory.json';
import type { DirectoryVendor } from './directory';
import { VENDOR_NAMESPACE } from './reservations';
import { haversineKm } from '../../lib/geo';

export { haversineKm };

/** `maxVendors` when the request gives none (the spec's default). */
export const DEFAULT_MAX_VENDORS = 10;



/** A box where the responder deterministically fails ('error': its Error event) or answers nothing ('silent'). */
export interface TestZone {
  name: string;
  behaviour: 'error' | 'silent';
  /** The Error event's errorCode in an 'error' zone. */
  errorCode?: string;
  box: { minLat: number; maxLat: number; minLon: number; maxLon: number };
}

/** The test zones of directory.json, checked once on load (a typo there must not make a zone silently inert). */
export const testZones: readonly TestZone[] = directory.testZones.map((zone) => {
  if (zone.behaviour !== 'error' && zone.behaviour !== 'silent') throw new Error(`directory.json test zone ${zone.name}: behaviour must be error or silent`);
  const { minLat, maxLat, minLon, maxLon } = zone.box;
  if (!(minLat < maxLat && minLon < maxLon)) throw new Error(`directory.json test zone ${zone.name}: empty box`);
  return { ...zone, behaviour: zone.behaviour };
});

/** The test zone holding `at` (bounds included), if any. */
export function testZoneAt(at: GeoLocation, zones: readonly TestZone[] = testZones): TestZone | undefined {
  return zones.find(({ box }) => at.lat >= box.minLat && at.lat <= box.maxLat && at.lon >= box.minLon && at.lon <= box.maxLon);
}

const PROBLEM_TYPES: Record<ProblemType, true> = { flat_tire: true, battery: true, lockout: true, fuel: true, tow: true, accident: true, other: true };
const isProblemType = (s: string): s is ProblemType => Object.hasOwn(PROBLEM_TYPES, s);

/** A directory vendor that handles the problem type within the radius, with its straight-line distance. */
export interface NearbyVendor {
  vendor: DirectoryVendor;
  distanceKm: number;
}

/** Vendors handling `problemType` within `radiusKm` of the incident (open or not, full or not), nearest first, then by id. */
export function vendorsInRange(request: Pick<VendorAvailabilityRequestedData, 'problemType' | 'location' | 'radiusKm'>, vendors: readonly DirectoryVendor[]): NearbyVendor[] {
  return vendors
    .filter((vendor) => vendor.services.includes(request.problemType))
    .map((vendor) => ({ vendor, distanceKm: haversineKm(vendor.location, request.location) }))
    .filter((n) => n.distanceKm <= request.radiusKm)
    .sort((a, b) => a.distanceKm - b.distanceKm || a.vendor.vendorId.localeCompare(b.vendor.vendorId));
}

export type AvailabilityAnswer =
  | { ok: true; vendors: VendorAvailabilityCandidate[] }
  | { ok: false; errorCode: string; errorMessage: string; canRetry: boolean };

/**
 * The answer from the vendors in range and their active jobs (capacity counters; a vendor
 * with no counter has none): open vendors with a free slot, nearest first, up to maxVendors.
 * None in range: NO_VENDOR_IN_RANGE (asking again changes nothing); in range but all closed
 * or full: NO_VENDOR_AVAILABLE (capacity frees up, so it may be asked again).
 */
export function decideAvailability(request: Pick<VendorAvailabilityRequestedData, 'problemType' | 'radiusKm' | 'maxVendors'>, nearby: readonly NearbyVendor[], activeJobs: ReadonlyMap<string, number>): AvailabilityAnswer {
  if (!nearby.length) return { ok: false, errorCode: 'NO_VENDOR_IN_RANGE', errorMessage: `No vendor handles ${request.problemType} within ${request.radiusKm} km of the incident.`, canRetry: false };
  const open = nearby
    .map((n) => ({ ...n, active: activeJobs.get(n.vendor.vendorId) ?? 0 }))
    .filter((n) => n.vendor.available && n.active < n.vendor.capacity)
    .slice(0, request.maxVendors ?? DEFAULT_MAX_VENDORS);
  if (!open.length) return { ok: false, errorCode: 'NO_VENDOR_AVAILABLE', errorMessage: `All ${nearby.length} vendor(s) handling ${request.problemType} within ${request.radiusKm} km are closed or at full capacity.`, canRetry: true };
  return {
    ok: true,
    vendors: open.map(({ vendor, distanceKm, active }) => ({
      vendorId: vendor.vendorId,
      name: vendor.name,
      distanceKm: Math.round(distanceKm * 100) / 100,
      rating: vendor.rating,
      activeJobs: active,
      capabilities: [...new Set(vendor.services.filter(isProblemType))],
    })),
  };
}

/** The answer's eventId: one per request event, whichever answer it is (a redelivery cannot send a second, different one). */
export const availabilityAnswerId = (requestId: string, requestEventId: string): string => nameUuid(VENDOR_NAMESPACE, 'availability-answer', requestId, requestEventId);

export type AvailabilityReply = ReturnType<typeof vendorEvents.VendorAvailabilityResponse> | ReturnType<typeof vendorEvents.VendorAvailabilityError>;

/** The event answering the request (no aggregate: the answer is about the gather round). Validated against the spec when built. */
export function availabilityReply(request: Pick<VendorAvailabilityRequestedData, 'requestId' | 'incidentId'>, answer: AvailabilityAnswer, requestEventId: string, cause: EventContext, now: string): AvailabilityReply {
  const context: EventContext = { ...cause, eventId: availabilityAnswerId(request.requestId, requestEventId), occurredAt: now };
  const { requestId, incidentId } = request;
  if (answer.ok) return vendorEvents.VendorAvailabilityResponse({ requestId, incidentId, vendors: answer.vendors, respondedAt: now }, context);
  return vendorEvents.VendorAvailabilityError({ requestId, incidentId, errorCode: answer.errorCode, errorMessage: answer.errorMessage, canRetry: answer.canRetry }, context);
}

/** The answer in an 'error' test zone. */
export function testZoneError(zone: TestZone): AvailabilityAnswer {
  return { ok: false, errorCode: zone.errorCode ?? 'VENDOR_DIRECTORY_UNAVAILABLE', errorMessage: `Test zone ${zone.name}: the vendor directory is unavailable here by design (functions/vendor/README.md).`, canRetry: true };
}
