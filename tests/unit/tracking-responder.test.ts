import { validateEtaError, validateEtaRequested, validateEtaResponse, type EtaRequestedData } from '../../generated';
import * as pricing from '../../functions/pricing/rates';
import { makeHandlers } from '../../functions/tracking/consumer';
import { depots, etaAnswerId, haversineKm, testZones, travelMinutes, type Depot } from '../../functions/tracking/eta';
import * as tracking from '../../functions/tracking/eta';
import * as vendor from '../../functions/vendor/availability';
import { vendors as directory } from '../../functions/vendor/directory';
import { consumerContext, delivered } from '../helpers/handlers';
import { inMemorySessionStore } from '../helpers/tracking-session-store';
import { inMemoryReplies } from '../helpers/responder-stores';

// The tracking service as a scatter-gather responder: EtaRequested answered with an ETA per
// vendor depot within the radius (road distance = straight line x 1.3, 30 km/h for the first
// 10 km, 60 km/h beyond, 5 min dispatch), fastest first, through the outbox, once per request
// event; its test zones; and the test zones of the three responders together.

const REQUEST = 'cf1d7554-58b1-4d33-ac04-e8b0f1f5ad8f';
const INCIDENT = '3600e936-9901-49b3-ba7b-1d5fa897373f';
const EVT_1 = 'e3000000-0000-4000-8000-000000000001';
const EVT_2 = 'e3000000-0000-4000-8000-000000000002';
const HERE = { lat: 37.7793, lon: -122.4193 };
const NOW = '2025-03-14T09:12:05.437Z';

// Depots due north of HERE (0.01 deg of latitude ~ 1.11 km).
const north = (km: number) => ({ lat: HERE.lat + km / 111.19, lon: HERE.lon });
const depot = (vendorId: string, km: number): Depot => ({ vendorId, name: vendorId.slice(0, 4), depot: north(km) });
const TWO_KM = 'b0000000-0000-4000-8000-000000000002';
const TWO_KM_TOO = 'b0000000-0000-4000-8000-000000000001';
const TEN_KM = 'b0000000-0000-4000-8000-000000000010';
const THIRTY_KM = 'b0000000-0000-4000-8000-000000000030';
const list = [depot(TEN_KM, 10), depot(THIRTY_KM, 30), depot(TWO_KM, 2), depot(TWO_KM_TOO, 2)];

const requested = (over: Partial<EtaRequestedData> = {}, eventId = EVT_1) =>
  delivered('EtaRequested', 'roadcall.match', { requestId: REQUEST, incidentId: INCIDENT, destination: HERE, radiusKm: 25, ...over } satisfies EtaRequestedData, { eventId, correlationId: 'corr-gather' });

function setup(depotList: readonly Depot[] = list) {
  const replies = inMemoryReplies();
  return { replies, handlers: makeHandlers({ replies, sessions: inMemorySessionStore(), depots: depotList, now: () => NOW }) };
}

describe('EtaRequested', () => {
  it('answers an ETA from the depot of every vendor within the radius, fastest first (ties by vendor id), basis depot', async () => {
    // Prepare
    const { replies, handlers } = setup();
    const request = requested();

    // Act
    await handlers.EtaRequested(request, consumerContext(request));

    // Assess
    expect(replies.sent).toHaveLength(1);
    expect(replies.sent[0]).toMatchObject({
      detailType: 'EtaResponse',
      detail: { metadata: { eventId: etaAnswerId(REQUEST, EVT_1), correlationId: 'corr-gather', causationId: EVT_1, producer: 'tracking', occurredAt: NOW }, data: { requestId: REQUEST, incidentId: INCIDENT, computedAt: NOW } },
    });
    expect(replies.sent[0]?.detail.metadata).not.toHaveProperty('aggregateId');
    // 2 km: 2.6 road km at 30 km/h = 5.2 min + 5 dispatch -> 11; 10 km: 13 road km = 20 + 3 + 5 -> 28.
    expect(replies.sent[0]?.detail.data['estimates']).toEqual([
      { vendorId: TWO_KM_TOO, etaMinutes: 11, distanceKm: 2.6, basis: 'depot' },
      { vendorId: TWO_KM, etaMinutes: 11, distanceKm: 2.6, basis: 'depot' },
      { vendorId: TEN_KM, etaMinutes: 28, distanceKm: 13, basis: 'depot' },
    ]);
  });

  it('answers EtaResponse with no estimates when no depot is within the radius', async () => {
    // Prepare
    const { replies, handlers } = setup();
    const request = requested({ radiusKm: 1 });

    // Act
    await handlers.EtaRequested(request, consumerContext(request));

    // Assess
    expect(replies.sent).toHaveLength(1);
    expect(replies.sent[0]).toMatchObject({ detailType: 'EtaResponse', detail: { data: { estimates: [] } } });
  });

  it('answers a redelivered request once; a new request event gets its own answer', async () => {
    // Prepare
    const { replies, handlers } = setup();
    const request = requested();
    const resent = requested({}, EVT_2);

    // Act
    await handlers.EtaRequested(request, consumerContext(request));
    await handlers.EtaRequested(request, consumerContext(request));
    await handlers.EtaRequested(resent, consumerContext(resent));

    // Assess
    expect(replies.sent.map((e) => [e.detail.metadata['eventId'], e.detail.metadata['causationId']])).toEqual([
      [etaAnswerId(REQUEST, EVT_1), EVT_1],
      [etaAnswerId(REQUEST, EVT_2), EVT_2],
    ]);
  });

  it.each([
    [0, 5],
    [2.6, 11],
    [10, 25],
    [13, 28],
    [40, 55],
  ])('the speed model takes %f road km in %i minutes (dispatch, city band, highway band)', (roadKm, minutes) => {
    expect(travelMinutes(roadKm)).toBe(minutes);
  });
});

describe('test zones (depots.json)', () => {
  const centre = (name: string) => {
    const zone = testZones.find((z) => z.name === name);
    if (!zone) throw new Error(`no test zone ${name}`);
    return { lat: (zone.box.minLat + zone.box.maxLat) / 2, lon: (zone.box.minLon + zone.box.maxLon) / 2 };
  };

  it('answers EtaError TRACKING_UNAVAILABLE, retryable, in the Alameda error zone, though depots are in range', async () => {
    // Prepare
    const { replies, handlers } = setup(depots);
    const request = requested({ destination: centre('Alameda'), radiusKm: 40 });

    // Act
    await handlers.EtaRequested(request, consumerContext(request));

    // Assess
    expect(replies.sent).toHaveLength(1);
    expect(replies.sent[0]).toMatchObject({ detailType: 'EtaError', detail: { metadata: { eventId: etaAnswerId(REQUEST, EVT_1) }, data: { errorCode: 'TRACKING_UNAVAILABLE', canRetry: true } } });
  });

  it('consumes the request and answers nothing in the Sausalito silent zone', async () => {
    // Prepare
    const { replies, handlers } = setup(depots);
    const request = requested({ destination: centre('Sausalito'), radiusKm: 40 });

    // Act
    await handlers.EtaRequested(request, consumerContext(request));

    // Assess
    expect(replies.sent).toEqual([]);
  });
});

describe("tracking's copy of the vendors", () => {
  it('has a depot for every vendor of the vendor directory, at its location', () => {
    expect(depots.map((d) => ({ vendorId: d.vendorId, location: d.depot })).sort((a, b) => a.vendorId.localeCompare(b.vendorId))).toEqual(
      directory.map((v) => ({ vendorId: v.vendorId, location: v.location })).sort((a, b) => a.vendorId.localeCompare(b.vendorId)),
    );
  });
});

describe('answers against the spec', () => {
  it('builds a spec-valid EtaResponse from the real depots near the demo point, fastest first', async () => {
    // Prepare
    const { replies, handlers } = setup(depots);
    const request = requested({ radiusKm: 40 });
    expect(validateEtaRequested(request.detail).ok).toBe(true);

    // Act
    await handlers.EtaRequested(request, consumerContext(request));

    // Assess
    const result = validateEtaResponse(replies.sent[0]?.detail);
    expect(result.ok).toBe(true);
    const estimates = result.ok ? result.value.data.estimates : [];
    expect(estimates).toHaveLength(depots.length);
    expect(estimates.map((e) => e.etaMinutes)).toEqual([...estimates.map((e) => e.etaMinutes)].sort((a, b) => a - b));
  });

  it('builds a spec-valid EtaError in the error zone', async () => {
    // Prepare
    const { replies, handlers } = setup(depots);
    const zone = testZones.find((z) => z.behaviour === 'error');
    const request = requested({ destination: { lat: zone?.box.minLat ?? 0, lon: zone?.box.minLon ?? 0 } });

    // Act
    await handlers.EtaRequested(request, consumerContext(request));

    // Assess
    expect(validateEtaError(replies.sent[0]?.detail).ok).toBe(true);
  });
});

describe('the test zones of the three responders', () => {
  const zones = [
    ...vendor.testZones.map((zone) => ({ owner: 'vendor', zone })),
    ...pricing.rates.testZones.map((zone) => ({ owner: 'pricing', zone })),
    ...tracking.testZones.map((zone) => ({ owner: 'tracking', zone })),
  ];
  const centreOf = ({ box }: tracking.TestZone) => ({ lat: (box.minLat + box.maxLat) / 2, lon: (box.minLon + box.maxLon) / 2 });

  it('give each responder one error and one silent zone', () => {
    expect(zones.map(({ owner, zone }) => `${owner}:${zone.behaviour}`).sort()).toEqual(['pricing:error', 'pricing:silent', 'tracking:error', 'tracking:silent', 'vendor:error', 'vendor:silent']);
  });

  it('make exactly one responder fail or go silent at each zone centre, where the other two answer normally', () => {
    for (const { owner, zone } of zones) {
      const at = centreOf(zone);
      expect({ owner, vendor: vendor.testZoneAt(at)?.name, pricing: pricing.testZoneAt(at)?.name, tracking: tracking.testZoneAt(at)?.name }).toEqual({ owner, vendor: undefined, pricing: undefined, tracking: undefined, [owner]: zone.name });
      // The others: vendors within the 40 km match asks about, a quote, and depots in range.
      expect(vendor.vendorsInRange({ problemType: 'flat_tire', location: at, radiusKm: 40 }, directory).filter((n) => n.vendor.available).length).toBeGreaterThan(0);
      expect(pricing.quote({ problemType: 'flat_tire', location: at }, '2025-03-14T19:00:00.000Z', NOW)).toMatchObject({ ok: true, surcharges: [] });
      expect(tracking.estimatesFor({ destination: at, radiusKm: 40 }).length).toBeGreaterThan(0);
    }
  });

  it('leave out the Bay Area points the e2e tests and the demo use', () => {
    const points = [HERE, { lat: 37.77, lon: -122.42 }, { lat: 37.7749, lon: -122.4194 }, { lat: 37.8, lon: -122.27 }, { lat: 37.8044, lon: -122.2712 }, { lat: 37.97, lon: -122.53 }, { lat: 37.9735, lon: -122.5311 }];
    for (const { zone } of zones) for (const point of points) expect(haversineKm(centreOf(zone), point)).toBeGreaterThan(3);
  });
});
