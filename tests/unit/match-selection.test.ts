import { vendors } from '../../functions/match/registry';
import { haversineKm, selectVendors, type Vendor } from '../../functions/match/selection';

// Vendor selection, without AWS: capability, availability, distance, rating, order, limit.

const mission = { lat: 37.7793, lon: -122.4193 };
const vendor = (id: string, over: Partial<Vendor>): Vendor => ({
  vendorId: id,
  name: id,
  location: mission,
  services: ['flat_tire'],
  rating: 4.5,
  available: true,
  baseFeeCents: 5000,
  perKmCents: 100,
  ...over,
});

describe('vendor selection', () => {
  it('measures great-circle distances', () => {
    expect(haversineKm({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo(111.19, 1);
    expect(haversineKm(mission, mission)).toBe(0);
  });

  it('picks at most three available vendors that offer the service and are in range, best first', () => {
    const pool = [
      vendor('near-good', { location: { lat: 37.78, lon: -122.42 }, rating: 4.9 }),
      vendor('near-busy', { available: false }),
      vendor('near-wrong-service', { services: ['tow'] }),
      vendor('mid', { location: { lat: 37.80, lon: -122.45 }, rating: 4.0 }),
      vendor('far-away', { location: { lat: 38.6, lon: -121.5 } }),
      vendor('near-ok', { location: { lat: 37.775, lon: -122.415 }, rating: 4.2 }),
      vendor('mid-2', { location: { lat: 37.75, lon: -122.40 }, rating: 4.9 }),
    ];
    const picked = selectVendors(pool, { location: mission, problemType: 'flat_tire' });
    expect(picked.map((c) => c.vendor.vendorId)).toEqual(['near-good', 'near-ok', 'mid-2']);
    expect(picked.map((c) => c.rank)).toEqual([1, 2, 3]);
    // Same fees: the farther vendor costs more and arrives later; nobody arrives before dispatch time.
    const [first, , third] = picked;
    expect(first?.priceCents).toBeLessThan(third?.priceCents as number);
    expect(first?.etaMinutes).toBeLessThan(third?.etaMinutes as number);
    for (const c of picked) expect(c.etaMinutes).toBeGreaterThanOrEqual(5);
  });

  it('prices by distance and ranks deterministically', () => {
    const a = vendor('b-vendor', { location: { lat: 37.79, lon: -122.42 } });
    const b = vendor('a-vendor', { location: { lat: 37.79, lon: -122.42 } });
    const picked = selectVendors([a, b], { location: mission, problemType: 'flat_tire' }, 2);
    expect(picked.map((c) => c.vendor.vendorId)).toEqual(['a-vendor', 'b-vendor']);
    expect(picked[0]?.priceCents).toBeGreaterThan(5000);
    expect(selectVendors([a, b], { location: mission, problemType: 'lockout' })).toEqual([]);
  });

  it('finds three flat-tire vendors for the spec example in the seed registry', () => {
    const picked = selectVendors(vendors, { location: mission, problemType: 'flat_tire' });
    expect(picked).toHaveLength(3);
    expect(picked.every((c) => c.vendor.available && c.vendor.services.includes('flat_tire'))).toBe(true);
  });
});
