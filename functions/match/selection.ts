// Vendor ranking for a new incident: plain functions, no AWS. From the answers of the
// matching round (vendor availability, the pricing service's rate card, tracking's ETAs),
// which vendors get an offer, in which order, at what price and ETA. A missing rate card
// or ETA falls back to match's own estimate, and the offer says so.
import type { EtaResponseData, PriceQuoteResponseData, VendorAvailabilityCandidate } from '../../generated';
import { haversineKm } from '../../lib/geo';

export { haversineKm };

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface RankedOffer {
  vendorId: string;
  name: string;
  rank: number;
  /** Road distance to the incident. */
  distanceKm: number;
  etaMinutes: number;
  etaBasis: 'tracking' | 'straight_line';
  priceCents: number;
  priceBasis: 'quoted' | 'estimated';
}

export const SELECTION = {
  /** Offers per incident. */
  maxOffers: 3,
  /** Vendors farther than this (straight line) are not asked. */
  radiusKm: 40,
  /** The fallback ETA: city driving with a fixed dispatch delay. */
  averageSpeedKmh: 30,
  dispatchMinutes: 5,
  /** Straight-line to road distance. */
  roadFactor: 1.3,
  /** The fallback price when pricing did not answer (USD cents). */
  estimate: { baseFeeCents: 7_500, serviceFeeCents: 1_500, perKmCents: 250 },
  /** Minutes of ETA one rating star is worth in the score. */
  minutesPerStar: 4,
} as const;



/** The price of a job `roadKm` away on a rate card (the quote's, or match's estimate). */
export function priceCents(roadKm: number, quote: PriceQuoteResponseData | undefined): number {
  if (!quote) return SELECTION.estimate.baseFeeCents + SELECTION.estimate.serviceFeeCents + Math.round(roadKm * SELECTION.estimate.perKmCents);
  const surcharges = (quote.surcharges ?? []).reduce((sum, s) => sum + s.amount.amountCents, 0);
  return quote.baseFee.amountCents + quote.serviceFee.amountCents + Math.round(roadKm * quote.perKmRate.amountCents) + surcharges;
}

/**
 * Up to `maxOffers` of the available vendors, best first: a score that favours a short ETA
 * and a good rating; ties go to the nearer vendor, then the vendor id, so the choice is
 * deterministic. Each vendor's ETA and road distance come from tracking when it has one
 * for it, else from the straight-line distance; its price from the quote, else the estimate.
 */
export function rankOffers(answers: { vendors: readonly VendorAvailabilityCandidate[]; quote?: PriceQuoteResponseData; etas?: EtaResponseData }, limit: number = SELECTION.maxOffers): RankedOffer[] {
  const etas = new Map((answers.etas?.estimates ?? []).map((e) => [e.vendorId, e]));
  const scored = answers.vendors.map((v) => {
    const eta = etas.get(v.vendorId);
    const roadKm = eta ? eta.distanceKm : v.distanceKm * SELECTION.roadFactor;
    const etaMinutes = eta ? eta.etaMinutes : Math.round(SELECTION.dispatchMinutes + (roadKm / SELECTION.averageSpeedKmh) * 60);
    return {
      vendorId: v.vendorId,
      name: v.name,
      distanceKm: Math.round(roadKm * 10) / 10,
      etaMinutes,
      etaBasis: eta ? ('tracking' as const) : ('straight_line' as const),
      priceCents: priceCents(roadKm, answers.quote),
      priceBasis: answers.quote ? ('quoted' as const) : ('estimated' as const),
      score: etaMinutes - (v.rating ?? 3) * SELECTION.minutesPerStar,
    };
  });
  scored.sort((a, b) => a.score - b.score || a.distanceKm - b.distanceKm || a.vendorId.localeCompare(b.vendorId));
  return scored.slice(0, Math.max(0, limit)).map(({ score: _score, ...c }, i) => ({ ...c, rank: i + 1 }));
}
