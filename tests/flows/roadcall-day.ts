// One incident's whole day (seed 004's three flows), as the apps would play it over the HTTP
// API: the driver reports it; the match service offers it; the best-ranked vendor accepts
// (the assignment saga); the vendor app sends location pings until it arrives; the
// technician starts and completes the work; payments creates the payment, which the back
// office approves when it waits for approval; then it is captured (or fails).
//
// Named in package.json `config.demoDay`: `npm run demo -- --day` plays it against `npm start`
// (scripts/demo.ts supplies the session: one correlation id for every request, so every
// event of the day carries it). tests/e2e/roadcall-day.test.ts plays it on its own local
// cloud and checks everything it leaves behind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoDay, DemoSession } from '../../scripts/demo';
import { expectStatus } from '../../scripts/demo-steps';

type Data = Record<string, unknown>;
interface Point {
  lat: number;
  lon: number;
}

const demo = JSON.parse(readFileSync(join(__dirname, '..', '..', 'functions', 'incident', 'demo-request.json'), 'utf8')) as { body: { location: { coordinates: Point } } & Data };
/** The back-office scope payments' approval needs (asyncapi/payments: ApprovePaymentCommand). */
export const BACK_OFFICE_SCOPE = 'backoffice';
const TECHNICIAN = '36fdae0b-7bba-4ee0-9a40-c4e2587daa88';
const KM_PER_DEGREE = (6371.0088 * Math.PI) / 180;
const south = (p: Point, km: number): Point => ({ lat: p.lat - km / KM_PER_DEGREE, lon: p.lon });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface DayOptions {
  /** The reporting driver (functions/payments/wallets.json decides how the card behaves); default: the demo request's. */
  driverId?: string;
  /** Where the incident happens; default: the demo request's location. */
  location?: Point;
  /** Parts billed on top of the accepted offer, in cents (a big bill waits for the back office). */
  partsCents?: number;
  /** How long one step may wait for its events (a cold local cloud starts functions on the way). */
  stepTimeoutMs?: number;
}

export interface DayOutcome {
  incidentId: string;
  offerId: string;
  vendorId: string;
  trackingSessionId: string;
  paymentId: string;
  /** The back office approved it (it waited for approval). */
  approvedByBackOffice: boolean;
  /** PaymentCompleted or PaymentFailed. */
  paymentOutcome: 'PaymentCompleted' | 'PaymentFailed';
}

/** Plays the day; throws naming the step that did not happen. */
export async function playDay(session: DemoSession, options: DayOptions = {}): Promise<DayOutcome> {
  const timeoutMs = options.stepTimeoutMs ?? 30_000;
  const location = options.location ?? demo.body.location.coordinates;
  const forIncident = (incidentId: string) => (d: Data) => d['incidentId'] === incidentId;

  // Flow 1: the driver reports; matching asks vendor, pricing and tracking, then offers.
  session.say('driver reports a flat tire');
  const report = { ...demo.body, ...(options.driverId ? { driverId: options.driverId } : {}), location: { ...demo.body.location, coordinates: location } };
  const incidentId = String(expectStatus('report', await session.call('POST', '/incidents', report), 202)['incidentId']);
  const mine = forIncident(incidentId);
  const offers = await session.waitFor('OfferCreated', mine, { count: 3, timeoutMs: Math.max(timeoutMs, 40_000) });
  const best = [...offers].sort((a, b) => Number(a['rank']) - Number(b['rank']))[0] as Data;
  const offerId = String(best['offerId']);
  const vendorId = String(best['vendorId']);

  // Flow 2: the best-ranked vendor accepts; the assignment saga reserves, authorizes, assigns.
  session.say(`vendor ${vendorId} accepts offer ${offerId}`);
  expectStatus('accept', await session.call('POST', `/offers/${offerId}/accept`, { vendorId }), 202);
  await session.waitFor('IncidentAssigned', mine, { timeoutMs });
  const [started] = await session.waitFor('TrackingStarted', mine, { timeoutMs });
  const trackingSessionId = String(started?.['trackingSessionId']);

  // The vendor drives in: far, near (the driver hears it is minutes away), inside the geofence.
  for (const km of [3, 0.8, 0.05]) {
    session.say(`vendor app ping ${km} km away`);
    const where = south(location, km);
    expectStatus('ping', await session.call('POST', `/tracking/${trackingSessionId}/locations`, { vendorId, ...where, recordedAt: new Date().toISOString(), speedKph: 35 }), 200);
    await sleep(300);
  }
  await session.waitFor('VendorArrived', mine, { timeoutMs });
  // Work may start once the incident service has moved the incident to arrived.
  await session.waitFor('IncidentStatusChanged', (d) => mine(d) && d['status'] === 'arrived', { timeoutMs });

  // Flow 3: the work, then the payment.
  session.say('technician starts the work');
  expectStatus('work start', await session.call('POST', `/incidents/${incidentId}/work/start`, { vendorId, technicianId: TECHNICIAN }), 202);
  session.say('technician completes the work');
  const lineItems = [{ code: 'labor', description: 'Tyre change', amount: { amountCents: 2_500, currency: 'USD' } }, ...(options.partsCents ? [{ code: 'parts', description: 'New tyre and rim', amount: { amountCents: options.partsCents, currency: 'USD' } }] : [])];
  expectStatus('work complete', await session.call('POST', `/incidents/${incidentId}/work/complete`, { vendorId, technicianId: TECHNICIAN, outcome: 'resolved', lineItems, notes: 'Replaced the tyre; torque checked.' }), 202);
  const [payment] = await session.waitFor('PaymentCreated', mine, { timeoutMs });
  const paymentId = String(payment?.['paymentId']);
  const approvedByBackOffice = payment?.['requiresApproval'] === true;
  if (approvedByBackOffice) {
    session.say(`back office approves payment ${paymentId}`);
    expectStatus('approve', await session.call('POST', `/payments/${paymentId}/approve`, { notes: 'Invoice checked against the parts receipt.' }, { scope: BACK_OFFICE_SCOPE }), 202);
  }
  const [settled] = await session.waitFor(['PaymentCompleted', 'PaymentFailed'], (d) => d['paymentId'] === paymentId, { timeoutMs });
  const paymentOutcome = settled?.['failureCode'] === undefined ? 'PaymentCompleted' : 'PaymentFailed';
  // The session ends with the work (TrackingStopped): the day is over.
  await session.waitFor('TrackingStopped', mine, { timeoutMs });
  session.say(`day over: ${paymentOutcome}`);
  return { incidentId, offerId, vendorId, trackingSessionId, paymentId, approvedByBackOffice, paymentOutcome };
}

const day: DemoDay = { play: (session) => playDay(session) };
export default day;
