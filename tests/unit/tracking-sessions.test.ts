import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AssignIncidentData, CreateIncidentCommand, IncidentAssignedData, IncidentCancelledData, IncidentCreated, TrackLocationCommand, WorkCompletedData } from '../../generated';
import { makeApi } from '../../functions/tracking/commands';
import { makeSessionHandlers } from '../../functions/tracking/session-handlers';
import { etaMinutesFor, GEOFENCE_METERS, haversineKm, roadKm, sessionIdOf, throttleReason } from '../../functions/tracking/sessions';
import { assignIncident, createIncident, fold } from '../../functions/incident/domain';
import { NonRetryableEventError } from '../../lib/consumer';
import { httpRequest, specExample } from '../helpers/factories';
import { consumerContext, delivered, lambdaContext, silenceOutput } from '../helpers/handlers';
import { inMemorySessionStore, type InMemorySessionStore } from '../helpers/tracking-session-store';

// Live tracking sessions on an in-memory store: IncidentAssigned opens one (once),
// location pings over HTTP move it (throttled TrackingUpdated, VendorArrived once at the
// geofence, duplicates and out-of-order pings ignored), WorkCompleted or IncidentCancelled
// close it (TrackingStopped once), and the HTTP answers for unknown and stopped sessions.

silenceOutput();

const INCIDENT = '3600e936-9901-49b3-ba7b-1d5fa897373f';
const DRIVER = '653018e1-43dd-4f3a-9315-65653b87475b';
const VENDOR = '57a202e4-0fc3-4554-9092-44656b4f1879';
const OTHER_VENDOR = '15bc93a2-e15e-461e-8db0-b215784899ec';
const SESSION = sessionIdOf(INCIDENT);
const DESTINATION = { lat: 37.7793, lon: -122.4193 };
/** Km per degree of latitude on the haversine's sphere: a point `km` due south of the destination is `km` away. */
const KM_PER_DEGREE = (6371.0088 * Math.PI) / 180;
const south = (km: number) => ({ lat: DESTINATION.lat - km / KM_PER_DEGREE, lon: DESTINATION.lon });
const STARTED_AT = '2025-03-14T09:13:01.903Z';

const assignedData = (over: Partial<IncidentAssignedData> = {}): IncidentAssignedData => ({
  sagaId: '8f47d79b-b49c-4cb8-8c28-5a85a2e175ff',
  incidentId: INCIDENT,
  driverId: DRIVER,
  vendorId: VENDOR,
  agreedPrice: { amountCents: 12500, currency: 'USD' },
  etaMinutes: 14,
  destination: DESTINATION,
  status: 'assigned',
  assignedAt: '2025-03-14T09:13:00.000Z',
  ...over,
});
const assigned = (eventId = 'evt-assigned', over: Partial<IncidentAssignedData> = {}) => delivered('IncidentAssigned', 'roadcall.incident', assignedData(over), { eventId, correlationId: 'corr-incident' });
const cancelled = (eventId = 'evt-cancelled', incidentId = INCIDENT) =>
  delivered('IncidentCancelled', 'roadcall.incident', { incidentId, driverId: DRIVER, vendorId: VENDOR, previousStatus: 'assigned', cancelledBy: 'driver', cancelledAt: '2025-03-14T09:40:00.000Z' } satisfies IncidentCancelledData, { eventId, correlationId: 'corr-incident' });
const completed = (eventId = 'evt-completed') =>
  delivered(
    'WorkCompleted',
    'roadcall.incident',
    { incidentId: INCIDENT, driverId: DRIVER, vendorId: VENDOR, outcome: 'resolved', finalPrice: { amountCents: 14000, currency: 'USD' }, startedAt: '2025-03-14T09:30:00.000Z', completedAt: '2025-03-14T09:51:41.118Z' } satisfies WorkCompletedData,
    { eventId, correlationId: 'corr-incident' },
  );

function setup() {
  const store: InMemorySessionStore = inMemorySessionStore();
  const handlers = makeSessionHandlers({ sessions: store, now: () => STARTED_AT });
  const api = makeApi({ sessions: store, now: () => new Date('2025-03-14T09:30:00.000Z') });
  const open = async () => {
    const event = assigned();
    await handlers.IncidentAssigned(event, consumerContext(event));
  };
  const ping = async (at: string, where: { lat: number; lon: number }, over: Partial<TrackLocationCommand> = {}, sessionId = SESSION) => {
    const body: TrackLocationCommand = { vendorId: VENDOR, ...where, recordedAt: `2025-03-14T${at}.000Z`, ...over };
    const result = (await api(httpRequest('POST', `/tracking/${sessionId}/locations`, { body: JSON.stringify(body) }), lambdaContext)) as APIGatewayProxyStructuredResultV2;
    return { statusCode: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> & { error: { code: string; message: string } } };
  };
  const types = () => store.sent.map((e) => e.detailType);
  return { store, handlers, api, open, ping, types };
}

describe('the speed model and the throttle', () => {
  it('measures road distance as the straight line x 1.3 and drives the last 10 km at 30 km/h, the rest at 60 km/h', () => {
    expect(haversineKm(south(5), DESTINATION)).toBeCloseTo(5, 6);
    expect(roadKm(south(5), DESTINATION)).toBe(6.5);
    expect(etaMinutesFor(6.5)).toBe(13);
    expect(etaMinutesFor(16)).toBe(26); // 10 km in 20 min + 6 km in 6 min
    expect(etaMinutesFor(0.01)).toBe(1); // rounded up: never "0 minutes" before the geofence
    expect(etaMinutesFor(0)).toBe(0);
  });

  it('publishes the first update, then only when the ETA moved 1 min, the distance more than 0.5 km, or 30 s passed', () => {
    const last = { recordedAt: '2025-03-14T09:14:00.000Z', etaMinutes: 30, distanceRemainingKm: 20 };
    const at = (seconds: number) => new Date(Date.parse(last.recordedAt) + seconds * 1000).toISOString();
    expect(throttleReason(undefined, last)).toBe('first');
    expect(throttleReason(last, { ...last, recordedAt: at(10), etaMinutes: 29 })).toBe('eta');
    expect(throttleReason(last, { ...last, recordedAt: at(10), distanceRemainingKm: 19.4 })).toBe('distance');
    expect(throttleReason(last, { ...last, recordedAt: at(10), distanceRemainingKm: 19.5 })).toBeUndefined();
    expect(throttleReason(last, { ...last, recordedAt: at(29) })).toBeUndefined();
    expect(throttleReason(last, { ...last, recordedAt: at(30) })).toBe('interval');
  });
});

describe('IncidentAssigned', () => {
  it('opens the incident session and publishes TrackingStarted with the destination, in the incident flow', async () => {
    // Prepare
    const { store, open } = setup();

    // Act
    await open();

    // Assess
    expect(store.items.get(SESSION)).toMatchObject({ status: 'ACTIVE', incidentId: INCIDENT, vendorId: VENDOR, destination: DESTINATION, version: 1, sequence: 1 });
    expect(store.sent).toHaveLength(1);
    expect(store.sent[0]).toMatchObject({
      detailType: 'TrackingStarted',
      detail: {
        metadata: { correlationId: 'corr-incident', causationId: 'evt-assigned', aggregateId: SESSION, sequence: 1, producer: 'tracking' },
        data: { trackingSessionId: SESSION, incidentId: INCIDENT, driverId: DRIVER, vendorId: VENDOR, destination: DESTINATION, etaMinutes: 14, startedAt: STARTED_AT },
      },
    });
  });

  it('opens nothing new for a duplicate (another delivery, even under a new event id)', async () => {
    // Prepare
    const { store, handlers, open, types } = setup();
    await open();
    const again = assigned('evt-assigned-again');

    // Act
    await handlers.IncidentAssigned(again, consumerContext(again));

    // Assess
    expect(types()).toEqual(['TrackingStarted']);
    expect(store.items.get(SESSION)?.version).toBe(1);
  });

  it('refuses (non-retryable, to the errors bus) an assignment with no destination, storing nothing', async () => {
    // Prepare
    const { store, handlers } = setup();
    const { destination: _d, ...withoutDestination } = assignedData();
    const event = delivered('IncidentAssigned', 'roadcall.incident', withoutDestination, { eventId: 'evt-no-destination' });

    // Act
    const handled = handlers.IncidentAssigned(event, consumerContext(event));

    // Assess
    await expect(handled).rejects.toThrow(NonRetryableEventError);
    await expect(handled).rejects.toMatchObject({ code: 'TRACKING_DESTINATION_MISSING' });
    expect(store.items.size).toBe(0);
    expect(store.sent).toEqual([]);
  });

  it('gets its destination from the incident service: IncidentAssigned carries the coordinates IncidentCreated reported', () => {
    // Prepare
    const reported = specExample<IncidentCreated>('incident', 'IncidentCreated').data;
    const command: CreateIncidentCommand = { driverId: DRIVER, contact: reported.driverContact, vehicle: reported.vehicle, location: reported.location, problemType: reported.problemType };
    const created = createIncident(command, INCIDENT, '2025-03-14T09:12:00.000Z');
    const assign: AssignIncidentData = { sagaId: '8f47d79b-b49c-4cb8-8c28-5a85a2e175ff', incidentId: INCIDENT, vendorId: VENDOR, offerId: '0c0b6f36-3f0e-4b7e-9d3c-6a1c2b3d4e5f', reservationId: '1b6a3c1e-2f4d-4e5a-9b7c-8d9e0f1a2b3c', authorizationId: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', agreedPrice: { amountCents: 12500, currency: 'USD' } };

    // Act
    const [event] = assignIncident(fold(created), assign, '2025-03-14T09:13:00.000Z');

    // Assess
    expect(event).toMatchObject({ type: 'IncidentAssigned', data: { destination: reported.location.coordinates } });
  });
});

describe('POST /tracking/{sessionId}/locations', () => {
  it('updates position, distance and ETA on each ping, publishing TrackingUpdated only past the throttle', async () => {
    // Prepare
    const { store, open, ping, types } = setup();
    await open();

    // Act
    const first = await ping('09:14:00', south(5), { speedKph: 42, heading: 0, accuracyMeters: 8 });
    const held = await ping('09:14:10', south(4.9));
    const interval = await ping('09:14:30', south(4.85));
    const etaMoved = await ping('09:14:35', south(4));

    // Assess
    expect(first).toMatchObject({ statusCode: 200, body: { accepted: true, etaMinutes: 13, distanceRemainingKm: 6.5, arrived: false, published: ['TrackingUpdated'] } });
    expect(held).toMatchObject({ statusCode: 200, body: { accepted: true, etaMinutes: 13, distanceRemainingKm: 6.37, published: [] } });
    expect(interval.body).toMatchObject({ accepted: true, published: ['TrackingUpdated'] });
    expect(etaMoved.body).toMatchObject({ accepted: true, etaMinutes: 11, distanceRemainingKm: 5.2, published: ['TrackingUpdated'] });
    expect(types()).toEqual(['TrackingStarted', 'TrackingUpdated', 'TrackingUpdated', 'TrackingUpdated']);
    const started = store.sent[0]?.detail.metadata['eventId'];
    expect(store.sent[1]).toMatchObject({
      detail: {
        metadata: { correlationId: 'corr-incident', causationId: started, aggregateId: SESSION, sequence: 2 },
        data: { trackingSessionId: SESSION, incidentId: INCIDENT, driverId: DRIVER, vendorId: VENDOR, location: { ...south(5), accuracyMeters: 8 }, etaMinutes: 13, distanceRemainingKm: 6.5, speedKph: 42, heading: 0, recordedAt: '2025-03-14T09:14:00.000Z' },
      },
    });
    expect(store.sent.map((e) => e.detail.metadata['sequence'])).toEqual([1, 2, 3, 4]);
    // Every accepted ping is stored, published or not.
    expect(store.items.get(SESSION)).toMatchObject({ pings: 4, version: 5, lastPing: { recordedAt: '2025-03-14T09:14:35.000Z' } });
  });

  it('ignores a duplicate and an out-of-order ping with a 200 and a note, changing nothing', async () => {
    // Prepare
    const { store, open, ping, types } = setup();
    await open();
    await ping('09:14:00', south(5));
    await ping('09:14:10', south(4.9));
    const before = structuredClone(store.items.get(SESSION));

    // Act
    const duplicate = await ping('09:14:10', south(4.9));
    const late = await ping('09:14:05', south(3));

    // Assess
    expect(duplicate).toMatchObject({ statusCode: 200, body: { accepted: false, ignored: 'duplicate', latestRecordedAt: '2025-03-14T09:14:10.000Z' } });
    expect(late).toMatchObject({ statusCode: 200, body: { accepted: false, ignored: 'out_of_order' } });
    expect(String(late.body['note'])).toContain('ignored');
    expect(store.items.get(SESSION)).toEqual(before);
    expect(types()).toEqual(['TrackingStarted', 'TrackingUpdated']);
  });

  it('publishes VendorArrived once, on the first ping inside the geofence', async () => {
    // Prepare
    const { store, open, ping, types } = setup();
    await open();
    await ping('09:14:00', south(5));

    // Act
    const outside = await ping('09:26:00', south((GEOFENCE_METERS + 20) / 1000));
    const arrival = await ping('09:27:00', south(0.1));
    const stillThere = await ping('09:27:20', south(0.05));
    const backInside = await ping('09:28:00', south(0.02));

    // Assess
    expect(outside.body).toMatchObject({ arrived: false });
    expect(arrival.body).toMatchObject({ accepted: true, arrived: true, etaMinutes: 0, distanceRemainingKm: 0, published: ['TrackingUpdated', 'VendorArrived'] });
    expect(stillThere.body).toMatchObject({ accepted: true, arrived: true, published: [] });
    expect(backInside.body).toMatchObject({ accepted: true, published: ['TrackingUpdated'] });
    expect(types().filter((t) => t === 'VendorArrived')).toHaveLength(1);
    const arrived = store.sent.find((e) => e.detailType === 'VendorArrived');
    const update = store.sent.find((e) => e.detailType === 'TrackingUpdated' && e.detail.data['recordedAt'] === '2025-03-14T09:27:00.000Z');
    expect(arrived).toMatchObject({
      detail: {
        metadata: { correlationId: 'corr-incident', causationId: update?.detail.metadata['eventId'], aggregateId: SESSION },
        data: { trackingSessionId: SESSION, incidentId: INCIDENT, driverId: DRIVER, vendorId: VENDOR, location: south(0.1), distanceFromIncidentMeters: 100, travelMinutes: 14, arrivedAt: '2025-03-14T09:27:00.000Z' },
      },
    });
  });

  it('answers 404 for an unknown session', async () => {
    const { open, ping } = setup();
    await open();
    const response = await ping('09:14:00', south(5), {}, sessionIdOf('a77bfd69-7800-4bcb-8afb-0f9d0739d9e6'));
    expect(response).toMatchObject({ statusCode: 404, body: { error: { code: 'SESSION_NOT_FOUND' } } });
  });

  it('refuses another vendor (403), a device clock far ahead (400) and a ping breaking the schema (400), storing nothing', async () => {
    // Prepare
    const { store, open, ping } = setup();
    await open();

    // Act
    const stranger = await ping('09:14:00', south(5), { vendorId: OTHER_VENDOR });
    const future = await ping('09:32:01', south(5));
    const broken = await ping('09:14:00', { lat: 91, lon: 0 });

    // Assess
    expect(stranger).toMatchObject({ statusCode: 403, body: { error: { code: 'NOT_YOUR_SESSION' } } });
    expect(future).toMatchObject({ statusCode: 400, body: { error: { code: 'PING_IN_FUTURE' } } });
    expect(broken).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(store.items.get(SESSION)).toMatchObject({ pings: 0, version: 1 });
  });

  it('answers 409 naming the status for a stopped session', async () => {
    // Prepare
    const { handlers, open, ping, types } = setup();
    await open();
    const cancel = cancelled();
    await handlers.IncidentCancelled(cancel, consumerContext(cancel));

    // Act
    const response = await ping('09:41:00', south(1));

    // Assess
    expect(response).toMatchObject({ statusCode: 409, body: { error: { code: 'SESSION_STOPPED' } } });
    expect(response.body.error.message).toContain('stopped (incident_cancelled)');
    expect(types()).toEqual(['TrackingStarted', 'TrackingStopped']);
  });

  it('decides a ping again when another ping of the session was stored meanwhile', async () => {
    // Prepare
    const { store, open, ping } = setup();
    await open();
    await ping('09:14:00', south(5));
    const update = store.update.bind(store);
    let raced = false;
    store.update = async (session, events) => {
      if (!raced) {
        raced = true;
        // Another ping lands between this ping's read and its write.
        const current = store.items.get(SESSION);
        if (current) store.items.set(SESSION, { ...current, version: current.version + 1, lastPing: { ...south(4.5), recordedAt: '2025-03-14T09:14:20.000Z' } });
      }
      return update(session, events);
    };

    // Act
    const response = await ping('09:14:10', south(4.9));

    // Assess: read again, the ping is now older than the stored one.
    expect(response).toMatchObject({ statusCode: 200, body: { accepted: false, ignored: 'out_of_order' } });
    expect(store.refused).toBe(1);
  });
});

describe('WorkCompleted and IncidentCancelled', () => {
  it('IncidentCancelled stops the session once, with the distance travelled by the accepted pings', async () => {
    // Prepare
    const { store, handlers, open, ping, types } = setup();
    await open();
    for (const [at, km] of [['09:14:00', 5], ['09:14:10', 4.9], ['09:14:05', 1], ['09:14:30', 4.85], ['09:14:35', 4], ['09:27:00', 0.1], ['09:27:20', 0.05]] as const) await ping(at, south(km));
    const cancel = cancelled();
    const again = cancelled('evt-cancelled-again');
    const late = completed();

    // Act
    await handlers.IncidentCancelled(cancel, consumerContext(cancel));
    await handlers.IncidentCancelled(again, consumerContext(again));
    await handlers.WorkCompleted(late, consumerContext(late));

    // Assess
    expect(types().filter((t) => t === 'TrackingStopped')).toHaveLength(1);
    const stopped = store.sent.at(-1);
    expect(stopped).toMatchObject({
      detailType: 'TrackingStopped',
      detail: {
        metadata: { correlationId: 'corr-incident', causationId: 'evt-cancelled', aggregateId: SESSION, sequence: store.sent.length },
        data: { trackingSessionId: SESSION, incidentId: INCIDENT, vendorId: VENDOR, reason: 'incident_cancelled', totalDistanceKm: 4.95, stoppedAt: STARTED_AT },
      },
    });
    expect(store.items.get(SESSION)).toMatchObject({ status: 'STOPPED', stopReason: 'incident_cancelled' });
  });

  it('WorkCompleted stops the session with reason work_completed', async () => {
    // Prepare
    const { store, handlers, open, ping } = setup();
    await open();
    await ping('09:27:00', south(0.1));
    const done = completed();

    // Act
    await handlers.WorkCompleted(done, consumerContext(done));

    // Assess
    expect(store.sent.at(-1)).toMatchObject({ detailType: 'TrackingStopped', detail: { metadata: { causationId: 'evt-completed' }, data: { reason: 'work_completed', totalDistanceKm: 0 } } });
    expect(store.items.get(SESSION)).toMatchObject({ status: 'STOPPED', stopReason: 'work_completed' });
  });

  it('does nothing, without an error, for an incident that has no session', async () => {
    const { store, handlers } = setup();
    const cancel = cancelled('evt-cancel-unassigned', 'a77bfd69-7800-4bcb-8afb-0f9d0739d9e6');
    await expect(handlers.IncidentCancelled(cancel, consumerContext(cancel))).resolves.toBeUndefined();
    expect(store.sent).toEqual([]);
    expect(store.items.size).toBe(0);
  });

  it('decides a stop again when a ping was stored between its read and its write', async () => {
    // Prepare
    const { store, handlers, open, ping } = setup();
    await open();
    const update = store.update.bind(store);
    let raced = false;
    store.update = async (session, events) => {
      if (!raced && events.some((e) => e.detailType === 'TrackingStopped')) {
        raced = true;
        await ping('09:20:00', south(2));
      }
      return update(session, events);
    };
    const done = completed();

    // Act
    await handlers.WorkCompleted(done, consumerContext(done));

    // Assess: the ping is kept and the stop counts its distance.
    expect(store.refused).toBe(1);
    expect(store.items.get(SESSION)).toMatchObject({ status: 'STOPPED', pings: 1 });
    expect(store.sent.map((e) => e.detailType)).toEqual(['TrackingStarted', 'TrackingUpdated', 'TrackingStopped']);
  });
});
