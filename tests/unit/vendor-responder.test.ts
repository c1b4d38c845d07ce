import { validateVendorAvailabilityError, validateVendorAvailabilityRequested, validateVendorAvailabilityResponse, type ProblemType, type VendorAvailabilityRequestedData } from '../../generated';
import { availabilityAnswerId, haversineKm, testZones, type TestZone } from '../../functions/vendor/availability';
import { makeHandlers } from '../../functions/vendor/consumer';
import { inMemoryVendorDirectory } from '../../functions/vendor/directory-store';
import { vendors as directory, type DirectoryVendor } from '../../functions/vendor/directory';
import { consumerContext, delivered } from '../helpers/handlers';
import { inMemoryReservationStore } from '../helpers/participant-stores';
import { inMemoryAvailabilityStore } from '../helpers/responder-stores';

// The vendor service as a scatter-gather responder: VendorAvailabilityRequested answered from
// its own directory and capacity counters, through the outbox, once per request event; and
// its test zones, where it fails or stays silent on purpose.

const REQUEST = 'cf1d7554-58b1-4d33-ac04-e8b0f1f5ad8f';
const INCIDENT = '3600e936-9901-49b3-ba7b-1d5fa897373f';
const EVT_1 = 'e1000000-0000-4000-8000-000000000001';
const EVT_2 = 'e1000000-0000-4000-8000-000000000002';
const EVT_SILENT = 'e1000000-0000-4000-8000-000000000003';
const EVT_OUTSIDE = 'e1000000-0000-4000-8000-000000000004';
const HERE = { lat: 37.7793, lon: -122.4193 };
const now = () => '2025-03-14T09:12:05.437Z';

// A small directory around HERE: distances grow with the latitude offset (0.01 deg ~ 1.11 km).
const north = (km: number) => ({ lat: HERE.lat + km / 111.19, lon: HERE.lon });
const vendor = (vendorId: string, km: number, over: Partial<DirectoryVendor> = {}): DirectoryVendor => ({ vendorId, name: `Vendor ${vendorId.slice(0, 4)}`, location: north(km), services: ['tow'], rating: 4.5, available: true, capacity: 2, ...over });
const NEAR = 'a0000000-0000-4000-8000-000000000001';
const FULL = 'a0000000-0000-4000-8000-000000000002';
const FAR = 'a0000000-0000-4000-8000-000000000003';
const CLOSED = 'a0000000-0000-4000-8000-000000000004';
const LOCKOUT_ONLY = 'a0000000-0000-4000-8000-000000000005';
const OUT_OF_RANGE = 'a0000000-0000-4000-8000-000000000006';
const vendors = [
  vendor(FAR, 8, { rating: 4.1, services: ['tow', 'battery', 'tow'] }),
  vendor(NEAR, 0.5, { rating: 4.9 }),
  vendor(FULL, 3, { capacity: 1 }),
  vendor(CLOSED, 1, { available: false }),
  vendor(LOCKOUT_ONLY, 0.2, { services: ['lockout'] }),
  vendor(OUT_OF_RANGE, 60),
];

const requested = (over: Partial<VendorAvailabilityRequestedData> = {}, eventId = EVT_1) =>
  delivered('VendorAvailabilityRequested', 'roadcall.match', { requestId: REQUEST, incidentId: INCIDENT, problemType: 'tow', location: HERE, radiusKm: 25, ...over } satisfies VendorAvailabilityRequestedData, { eventId, correlationId: 'corr-gather' });

function setup(list: readonly DirectoryVendor[] = vendors, zones?: readonly TestZone[]) {
  const store = inMemoryAvailabilityStore(new Map([[NEAR, 1], [FULL, 1]]));
  return { store, handlers: makeHandlers({ reservations: inMemoryReservationStore(), availability: store, directory: inMemoryVendorDirectory(list), now, ...(zones ? { testZones: zones } : {}) }) };
}

describe('VendorAvailabilityRequested', () => {
  it('answers the open vendors with the capability and a free slot within the radius, nearest first, with rating and active jobs', async () => {
    // Prepare
    const { store, handlers } = setup();
    const request = requested();

    // Act
    await handlers.VendorAvailabilityRequested(request, consumerContext(request));

    // Assess
    expect(store.sent).toHaveLength(1);
    expect(store.sent[0]).toMatchObject({
      detailType: 'VendorAvailabilityResponse',
      detail: { metadata: { eventId: availabilityAnswerId(REQUEST, EVT_1), correlationId: 'corr-gather', causationId: EVT_1, producer: 'vendor' }, data: { requestId: REQUEST, incidentId: INCIDENT, respondedAt: now() } },
    });
    expect(store.sent[0]?.detail.metadata).not.toHaveProperty('aggregateId');
    expect(store.sent[0]?.detail.data['vendors']).toEqual([
      { vendorId: NEAR, name: 'Vendor a000', distanceKm: 0.5, rating: 4.9, activeJobs: 1, capabilities: ['tow'] },
      { vendorId: FAR, name: 'Vendor a000', distanceKm: 8, rating: 4.1, activeJobs: 0, capabilities: ['tow', 'battery'] },
    ]);
    // Counters are read for the open vendors in range only.
    expect(store.reads).toEqual([[NEAR, FULL, FAR]]);
  });

  it('gives at most maxVendors, the nearest ones', async () => {
    // Prepare
    const { store, handlers } = setup();
    const request = requested({ maxVendors: 1 });

    // Act
    await handlers.VendorAvailabilityRequested(request, consumerContext(request));

    // Assess
    expect((store.sent[0]?.detail.data['vendors'] as { vendorId: string }[]).map((v) => v.vendorId)).toEqual([NEAR]);
  });

  it('answers NO_VENDOR_IN_RANGE, not retryable, when no vendor handles the problem within the radius', async () => {
    // Prepare
    const { store, handlers } = setup();
    const request = requested({ problemType: 'fuel' });

    // Act
    await handlers.VendorAvailabilityRequested(request, consumerContext(request));

    // Assess
    expect(store.sent).toHaveLength(1);
    expect(store.sent[0]).toMatchObject({ detailType: 'VendorAvailabilityError', detail: { metadata: { eventId: availabilityAnswerId(REQUEST, EVT_1), causationId: EVT_1 }, data: { requestId: REQUEST, incidentId: INCIDENT, errorCode: 'NO_VENDOR_IN_RANGE', canRetry: false } } });
    expect(store.reads).toEqual([]);
  });

  it('answers NO_VENDOR_AVAILABLE, retryable, when every vendor in range is closed or full', async () => {
    // Prepare
    const { store, handlers } = setup();
    const request = requested({ radiusKm: 4 });
    store.active.set(NEAR, 2);

    // Act
    await handlers.VendorAvailabilityRequested(request, consumerContext(request));

    // Assess
    expect(store.sent[0]).toMatchObject({ detailType: 'VendorAvailabilityError', detail: { data: { errorCode: 'NO_VENDOR_AVAILABLE', canRetry: true } } });
  });

  it('answers a redelivered request once, even when capacity changed in between; a new request event gets its own answer', async () => {
    // Prepare
    const { store, handlers } = setup();
    const request = requested();
    await handlers.VendorAvailabilityRequested(request, consumerContext(request));
    store.active.set(NEAR, 2);
    const resent = requested({ requestId: REQUEST }, EVT_2);

    // Act
    await handlers.VendorAvailabilityRequested(request, consumerContext(request));
    await handlers.VendorAvailabilityRequested(resent, consumerContext(resent));

    // Assess
    expect(store.sent.map((e) => e.detail.metadata['causationId'])).toEqual([EVT_1, EVT_2]);
    expect(store.sent[1]?.detail.metadata['eventId']).toBe(availabilityAnswerId(REQUEST, EVT_2));
    expect((store.sent[1]?.detail.data['vendors'] as { vendorId: string }[]).map((v) => v.vendorId)).toEqual([FAR]);
  });
});

describe('test zones', () => {
  const zones: TestZone[] = [
    { name: 'error box', behaviour: 'error', errorCode: 'VENDOR_DIRECTORY_UNAVAILABLE', box: { minLat: HERE.lat - 0.001, maxLat: HERE.lat, minLon: HERE.lon - 0.001, maxLon: HERE.lon } },
    { name: 'silent box', behaviour: 'silent', box: { minLat: 37.9, maxLat: 37.91, minLon: -122.5, maxLon: -122.49 } },
  ];

  it('answers VendorAvailabilityError with the zone error code, retryable, in an error zone (bounds included), though vendors are in range', async () => {
    // Prepare
    const { store, handlers } = setup(vendors, zones);
    const request = requested();

    // Act
    await handlers.VendorAvailabilityRequested(request, consumerContext(request));

    // Assess
    expect(store.sent).toHaveLength(1);
    expect(store.sent[0]).toMatchObject({ detailType: 'VendorAvailabilityError', detail: { metadata: { eventId: availabilityAnswerId(REQUEST, EVT_1) }, data: { errorCode: 'VENDOR_DIRECTORY_UNAVAILABLE', canRetry: true } } });
    expect(store.reads).toEqual([]);
  });

  it('consumes the request and answers nothing in a silent zone; just outside a zone it answers', async () => {
    // Prepare
    const { store, handlers } = setup(vendors, zones);
    const silent = requested({ location: { lat: 37.905, lon: -122.495 } }, EVT_SILENT);
    const outside = requested({ location: { lat: 37.9101, lon: -122.495 }, radiusKm: 200 }, EVT_OUTSIDE);

    // Act
    await handlers.VendorAvailabilityRequested(silent, consumerContext(silent));
    await handlers.VendorAvailabilityRequested(outside, consumerContext(outside));

    // Assess
    expect(store.sent.map((e) => [e.detail.metadata['causationId'], e.detailType])).toEqual([[EVT_OUTSIDE, 'VendorAvailabilityResponse']]);
  });

  it('directory.json has one error and one silent zone, each away from the e2e and demo points and with directory vendors within 40 km', () => {
    expect(testZones.map((z) => z.behaviour).sort()).toEqual(['error', 'silent']);
    const e2ePoints = [HERE, { lat: 37.77, lon: -122.42 }, { lat: 37.7749, lon: -122.4194 }, { lat: 37.8044, lon: -122.2712 }, { lat: 37.9735, lon: -122.5311 }];
    for (const zone of testZones) {
      const centre = { lat: (zone.box.minLat + zone.box.maxLat) / 2, lon: (zone.box.minLon + zone.box.maxLon) / 2 };
      for (const point of e2ePoints) expect(haversineKm(centre, point)).toBeGreaterThan(3);
      expect(directory.some((v) => v.available && haversineKm(v.location, centre) < 40)).toBe(true);
    }
  });
});

describe('answers against the spec', () => {
  const problemTypes: ProblemType[] = ['flat_tire', 'battery', 'lockout', 'fuel', 'tow', 'accident', 'other'];

  it.each(problemTypes)('builds a spec-valid VendorAvailabilityResponse for %s from the real directory near the demo point', async (problemType) => {
    // Prepare
    const { store, handlers } = setup(directory);
    const request = requested({ problemType, radiusKm: 40, maxVendors: 50 });
    expect(validateVendorAvailabilityRequested(request.detail).ok).toBe(true);

    // Act
    await handlers.VendorAvailabilityRequested(request, consumerContext(request));

    // Assess
    const answer = store.sent[0];
    expect(answer?.detailType).toBe('VendorAvailabilityResponse');
    expect(validateVendorAvailabilityResponse(answer?.detail)).toMatchObject({ ok: true });
    const listed = answer?.detail.data['vendors'] as { capabilities: string[]; distanceKm: number }[];
    expect(listed.length).toBeGreaterThan(0);
    for (const v of listed) expect(v.capabilities).toContain(problemType);
    expect(listed.map((v) => v.distanceKm)).toEqual([...listed.map((v) => v.distanceKm)].sort((a, b) => a - b));
  });

  it('builds a spec-valid VendorAvailabilityError far from every vendor', async () => {
    // Prepare
    const { store, handlers } = setup(directory);
    const request = requested({ location: { lat: 36.7378, lon: -119.7871 }, radiusKm: 50 });

    // Act
    await handlers.VendorAvailabilityRequested(request, consumerContext(request));

    // Assess
    expect(validateVendorAvailabilityError(store.sent[0]?.detail)).toMatchObject({ ok: true, value: { data: { errorCode: 'NO_VENDOR_IN_RANGE' } } });
  });
});
