import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import * as incidentEvents from '../../generated/publishers/incident';
import { ROOT } from '../helpers/codegen';
import { until } from '../helpers/local-cloud';
import { startRoadcallCloud, type RoadcallCloud } from '../helpers/roadcall-cloud';

// Live tracking on the local cloud, from the packaged template: IncidentAssigned opens a
// tracking session (TrackingStarted), the vendor app's pings over the HTTP API move it
// (TrackingUpdated throttled, VendorArrived once), IncidentCancelled (delivered twice) stops
// it once (TrackingStopped); nothing ends in tracking-dlq.

let rc: RoadcallCloud;
const demo = JSON.parse(readFileSync(join(ROOT, 'functions/incident/demo-request.json'), 'utf8')) as { body: { location: { coordinates: { lat: number; lon: number } } } & Record<string, unknown> };
const DESTINATION = demo.body.location.coordinates;
const KM_PER_DEGREE = (6371.0088 * Math.PI) / 180;
const south = (km: number) => ({ lat: DESTINATION.lat - km / KM_PER_DEGREE, lon: DESTINATION.lon });

beforeAll(async () => {
  rc = await startRoadcallCloud('tracking');
}, 180_000);

afterAll(async () => {
  await rc?.stop();
});

const call = (method: string, path: string, body?: unknown) => rc.call(method, path, body);
const put: RoadcallCloud['put'] = (...list) => rc.put(...list);
/** Events of one detail-type about the incident. */
const seen = (detailType: string, incidentId: string) => rc.seen(detailType, 'incidentId', incidentId);

it('opens a session on IncidentAssigned, tracks the pings to VendorArrived, and stops on IncidentCancelled', async () => {
  // The incident service's events as it publishes them (the matching responders are another branch's work:
  // this test does not go through matching and the saga).
  const incidentId = randomUUID();
  const vendorId = randomUUID();
  const driverId = randomUUID();
  const correlationId = randomUUID();
  const assignedAt = new Date(Date.now() - 120_000).toISOString();
  await put(incidentEvents.IncidentAssigned({ incidentId, driverId, vendorId, agreedPrice: { amountCents: 12500, currency: 'USD' }, destination: DESTINATION, status: 'assigned', assignedAt }, { correlationId, aggregateId: incidentId, sequence: 3 }));

  // IncidentAssigned -> TrackingStarted with the incident's location as the destination.
  const [started] = await until(async () => seen('TrackingStarted', incidentId), (e) => e.length > 0, 20_000);
  expect(started).toMatchObject({ incidentId, vendorId, destination: { lat: DESTINATION.lat, lon: DESTINATION.lon } });
  const sessionId = String(started?.['trackingSessionId']);

  // Pings: far, a small move (throttled), then inside the geofence.
  const t0 = Date.now() - 60_000;
  const ping = (seconds: number, where: { lat: number; lon: number }) => call('POST', `/tracking/${sessionId}/locations`, { vendorId, ...where, recordedAt: new Date(t0 + seconds * 1000).toISOString(), speedKph: 35 });
  expect(await ping(0, south(3))).toMatchObject({ status: 200, body: { accepted: true, etaMinutes: 8, distanceRemainingKm: 3.9, published: ['TrackingUpdated'] } });
  expect(await ping(5, south(2.95))).toMatchObject({ status: 200, body: { accepted: true, published: [] } });
  expect(await ping(5, south(2.95))).toMatchObject({ status: 200, body: { accepted: false, ignored: 'duplicate' } });
  expect(await ping(50, south(0.05))).toMatchObject({ status: 200, body: { accepted: true, arrived: true, published: ['TrackingUpdated', 'VendorArrived'] } });
  expect(await ping(55, south(0.02))).toMatchObject({ status: 200, body: { accepted: true, published: [] } });
  expect((await call('POST', `/tracking/00000000-0000-4000-8000-000000000000/locations`, { vendorId, ...south(1), recordedAt: new Date().toISOString() })).status).toBe(404);

  const [arrived] = await until(async () => seen('VendorArrived', incidentId), (e) => e.length > 0, 15_000);
  expect(arrived).toMatchObject({ trackingSessionId: sessionId, vendorId, driverId, travelMinutes: 2 });
  await until(async () => seen('TrackingUpdated', incidentId), (e) => e.length === 2, 15_000);
  expect(seen('TrackingUpdated', incidentId).map((d) => d['etaMinutes'])).toEqual([8, 0]);

  // The cancellation stops the session once; a later ping is refused with the status.
  const cancelled = incidentEvents.IncidentCancelled({ incidentId, driverId, vendorId, previousStatus: 'arrived', cancelledBy: 'driver', reason: 'resolved_by_driver', cancelledAt: new Date().toISOString() }, { correlationId, aggregateId: incidentId, sequence: 6 });
  await put(cancelled, cancelled); // delivered twice: stopped once
  const [stopped] = await until(async () => seen('TrackingStopped', incidentId), (e) => e.length > 0, 15_000);
  expect(seen('TrackingStarted', incidentId)).toHaveLength(1);
  expect(stopped).toMatchObject({ trackingSessionId: sessionId, reason: 'incident_cancelled' });
  const late = await ping(70, south(0.01));
  expect(late.status).toBe(409);
  expect(JSON.stringify(late.body)).toContain('incident_cancelled');

  // Nothing in tracking's DLQ.
  expect((await rc.dlqDepths())['roadcall-test-tracking-dlq']).toBe(0);
}, 120_000);
