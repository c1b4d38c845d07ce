// Vendor selection for a new incident: plain functions, no AWS. Which vendors get an
// offer, in which order, at what price and ETA.

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface Vendor {
  vendorId: string;
  name: string;
  location: GeoPoint;
  services: string[];
  rating: number;
  available: boolean;
  baseFeeCents: number;
  perKmCents: number;
}

export interface Candidate {
  vendor: Vendor;
  rank: number;
  distanceKm: number;
  etaMinutes: number;
  priceCents: number;
}

export const SELECTION = {
  /** Offers per incident. */
  maxOffers: 3,
  /** Vendors farther than this (straight line) are not asked. */
  maxDistanceKm: 40,
  /** City driving, with a fixed dispatch delay. */
  averageSpeedKmh: 30,
  dispatchMinutes: 5,
  /** Straight-line to road distance. */
  roadFactor: 1.3,
} as const;

const EARTH_RADIUS_KM = 6371;
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in km. */
export function haversineKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Up to `maxOffers` vendors that are available, offer the service and are within range,
 * best first: a score that favours nearness (ETA) and rating; ties go to the nearer
 * vendor, then the vendor id, so the choice is deterministic.
 */
export function selectVendors(vendors: readonly Vendor[], incident: { location: GeoPoint; problemType: string }, limit: number = SELECTION.maxOffers): Candidate[] {
  const scored = vendors
    .filter((v) => v.available && v.services.includes(incident.problemType))
    .map((vendor) => {
      const roadKm = haversineKm(vendor.location, incident.location) * SELECTION.roadFactor;
      const etaMinutes = Math.round(SELECTION.dispatchMinutes + (roadKm / SELECTION.averageSpeedKmh) * 60);
      return { vendor, distanceKm: Math.round(roadKm * 10) / 10, etaMinutes, priceCents: vendor.baseFeeCents + Math.round(roadKm * vendor.perKmCents), score: etaMinutes - vendor.rating * 4 };
    })
    .filter((c) => c.distanceKm / SELECTION.roadFactor <= SELECTION.maxDistanceKm)
    .sort((a, b) => a.score - b.score || a.distanceKm - b.distanceKm || a.vendor.vendorId.localeCompare(b.vendor.vendorId));
  return scored.slice(0, Math.max(0, limit)).map(({ score: _score, ...c }, i) => ({ ...c, rank: i + 1 }));
}
