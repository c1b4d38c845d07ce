import type { EtaResponseData, PriceQuoteResponseData, VendorAvailabilityCandidate } from '../../generated';
import { haversineKm, priceCents, rankOffers, SELECTION } from '../../functions/match/selection';

// Ranking the answers of a matching round, without AWS: order, limit, ties, the quote's
// price and tracking's ETA, and the fallbacks (marked) when either is missing.

const mission = { lat: 37.7793, lon: -122.4193 };
const vendor = (id: string, distanceKm: number, rating = 4.5): VendorAvailabilityCandidate => ({ vendorId: id, name: `Vendor ${id}`, distanceKm, rating, capabilities: ['flat_tire'] });
const usd = (amountCents: number) => ({ amountCents, currency: 'USD' });
const quote: PriceQuoteResponseData = { requestId: 'r', incidentId: 'i', quoteId: 'q', baseFee: usd(6_000), serviceFee: usd(1_000), perKmRate: usd(200), surcharges: [{ code: 'after_hours', amount: usd(2_500) }], validUntil: '2026-12-03T10:00:00Z' };
const etas = (...list: [string, number, number][]): EtaResponseData => ({ requestId: 'r', incidentId: 'i', computedAt: '2026-12-03T09:00:00Z', estimates: list.map(([vendorId, etaMinutes, distanceKm]) => ({ vendorId, etaMinutes, distanceKm, basis: 'depot' as const })) });

describe('ranking the answers of a matching round', () => {
  it('measures great-circle distances', () => {
    expect(haversineKm({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo(111.19, 1);
    expect(haversineKm(mission, mission)).toBe(0);
  });

  it('offers at most three vendors, best score first (short ETA, then rating: 0.1 star is worth 24 s), with the quote and the ETAs', () => {
    // Act
    const ranked = rankOffers({ vendors: [vendor('far', 20, 5), vendor('near', 2, 4), vendor('mid', 6, 4.9), vendor('near-poor', 2.5, 2)], quote, etas: etas(['far', 50, 26], ['near', 9, 2.6], ['mid', 14, 7.8], ['near-poor', 10, 3.2]) });

    // Assess
    expect(ranked.map((o) => [o.vendorId, o.rank])).toEqual([['near', 1], ['mid', 2], ['near-poor', 3]]);
    expect(ranked[1]).toMatchObject({ etaMinutes: 14, distanceKm: 7.8, etaBasis: 'tracking', priceBasis: 'quoted', priceCents: 6_000 + 1_000 + Math.round(7.8 * 200) + 2_500 });
  });

  it('falls back without a quote (match estimate) or an ETA (straight line at average speed), and says so', () => {
    // Act
    const [offer] = rankOffers({ vendors: [vendor('v1', 10)] });

    // Assess
    const roadKm = 10 * SELECTION.roadFactor;
    expect(offer).toMatchObject({ priceBasis: 'estimated', etaBasis: 'straight_line', distanceKm: 13, priceCents: priceCents(roadKm, undefined) });
    expect(offer?.etaMinutes).toBe(Math.round(SELECTION.dispatchMinutes + (roadKm / SELECTION.averageSpeedKmh) * 60));
    expect(priceCents(roadKm, undefined)).toBe(7_500 + 1_500 + Math.round(roadKm * 250));
  });

  it('breaks ties by distance, then vendor id, and offers nobody without vendors', () => {
    // Act
    const ranked = rankOffers({ vendors: [vendor('b', 4), vendor('a', 4), vendor('c', 4)] }, 2);

    // Assess
    expect(ranked.map((o) => o.vendorId)).toEqual(['a', 'b']);
    expect(rankOffers({ vendors: [] })).toEqual([]);
  });
});
