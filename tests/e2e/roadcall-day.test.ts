import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { validators } from '../../generated';
import { LIFECYCLE } from '../../functions/incident/domain';
import { notificationsFor } from '../../functions/notifications/messages';
import { createDynamoDbDocumentClient } from '../../lib/clients';
import { playDay, type DayOptions, type DayOutcome } from '../flows/roadcall-day';
import { ROOT } from '../helpers/codegen';
import { until } from '../helpers/local-cloud';
import { daySession, startRoadcallCloud, type Body, type RoadcallCloud } from '../helpers/roadcall-cloud';

// One incident's whole day on the local cloud (seed 004's three flows), from the packaged
// template, played as the apps would (tests/flows/roadcall-day.ts, the day `npm run demo --
// --day` plays): report -> matching -> offers -> accept -> the assignment saga -> tracking
// pings -> VendorArrived -> work start and complete -> payment -> captured or failed.
// Four days at once, in four places (vendors hold capacity for their jobs):
//   small bill      auto-approved, captured;
//   big bill        above the test stage's auto-approval limit (and 3x the hold: flagged),
//                   approved by a back-office token, captured;
//   card declined   at capture: PaymentFailed CARD_DECLINED, a final answer, no retry;
//   processor down  the capture is retried, then PaymentFailed PROCESSOR_UNAVAILABLE.
// Then, for each: the status walk, every notification its events call for (and no other),
// the whole timeline, the KPIs; every event seen on the bus valid against the spec, and no
// message in any DLQ.

let rc: RoadcallCloud;
let doc: DynamoDBDocumentClient;

interface CatalogQueue {
  service: string;
  messages: { message: string }[];
}
const catalog = JSON.parse(readFileSync(join(ROOT, 'generated', 'catalog.json'), 'utf8')) as { queues: CatalogQueue[] };
const receivedBy = (service: string): Set<string> => new Set(catalog.queues.filter((q) => q.service === service).flatMap((q) => q.messages.map((m) => m.message)));

const PLACES = {
  civicCenter: { lat: 37.7793, lon: -122.4193 },
  oakland: { lat: 37.8044, lon: -122.2712 },
  marin: { lat: 37.9735, lon: -122.5311 },
  mission: { lat: 37.7599, lon: -122.4148 },
  presidio: { lat: 37.7989, lon: -122.4662 },
};
const demoBody = (): Body => (JSON.parse(readFileSync(join(ROOT, 'functions/incident/demo-request.json'), 'utf8')) as { body: Body }).body;
/** Test drivers of functions/payments/wallets.json. */
const CAPTURE_DECLINED_DRIVER = 'd0000000-0000-4000-8000-0000000cdec1';
const PROCESSOR_DOWN_DRIVER = 'd0000000-0000-4000-8000-0000000c0ff0';

interface PlayedDay {
  correlationId: string;
  outcome: DayOutcome;
}
const days: Record<'small' | 'big' | 'declined' | 'processorDown', PlayedDay> = {} as never;

/** The warm-up incident: the first matching round starts its functions cold and may end at its deadline without the vendor service's answer. */
let warmUp: { incidentId: string; status: string; offered: boolean };

beforeAll(async () => {
  rc = await startRoadcallCloud('day');
  doc = createDynamoDbDocumentClient({ endpoint: rc.cloud.urls.dynamodb, env: {} });
  // Warm the matching round's functions (a cold round may miss its 10 s deadline), then cancel that incident.
  const created = await rc.call('POST', '/incidents', { ...demoBody(), location: { coordinates: PLACES.presidio } });
  const incidentId = String(created.body['incidentId']);
  await until(() => [...rc.seen('OfferCreated', 'incidentId', incidentId), ...rc.seen('MatchingFailed', 'incidentId', incidentId)], (e) => e.length > 0, 60_000);
  await rc.call('POST', `/incidents/${incidentId}/cancel`, { cancelledBy: 'driver', reason: 'resolved_by_driver' });
  const status = String(((await until(() => rc.call('GET', `/incidents/${incidentId}`), (r) => ['cancelled', 'escalated'].includes(String((r.body['incident'] as Body)['status'])), 15_000)).body['incident'] as Body)['status']);
  warmUp = { incidentId, status, offered: rc.seen('OfferCreated', 'incidentId', incidentId).length > 0 };
}, 240_000);

afterAll(async () => {
  doc?.destroy();
  await rc?.stop();
});

const busEvents = (correlationId: string) => rc.cloud.recentEvents({ correlationId });
/** Each event once (a redelivery is the same eventId), with its data. */
function uniqueEvents(correlationId: string): { eventId: string; detailType: string; data: Body }[] {
  const byId = new Map<string, { eventId: string; detailType: string; data: Body }>();
  for (const e of busEvents(correlationId)) {
    const detail = e.event.detail as { metadata: { eventId: string }; data: Body };
    byId.set(detail.metadata.eventId, { eventId: detail.metadata.eventId, detailType: e.event['detail-type'], data: detail.data });
  }
  return [...byId.values()];
}

async function partition(incidentId: string, prefix: string): Promise<Body[]> {
  const out = await doc.send(new QueryCommand({ TableName: 'roadcall-test-read-models', KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': `INCIDENT#${incidentId}`, ':p': prefix } }));
  return (out.Items ?? []) as Body[];
}

/** The notifications the day's events call for (messages.ts), as eventId/template/recipient. */
function expectedNotifications(correlationId: string, incidentId: string): string[] {
  const notified = receivedBy('notifications');
  return uniqueEvents(correlationId)
    .filter((e) => e.data['incidentId'] === incidentId && notified.has(e.detailType))
    // The notifications rule for TrackingUpdated filters on etaMinutes <= 5 (the spec's x-eventbridge-filter).
    .filter((e) => e.detailType !== 'TrackingUpdated' || Number(e.data['etaMinutes']) <= 5)
    .flatMap((e) => (notificationsFor as unknown as Record<string, (d: Body) => { template: string; recipient: string }[]>)[e.detailType]?.(e.data).map((n) => `${e.eventId} ${n.template} ${n.recipient}`) ?? []);
}

describe('one incident\'s whole day on the local cloud', () => {
  it('plays four days at once: auto-approved, back-office approved, declined at capture, processor down', async () => {
    const play = async (options: DayOptions): Promise<PlayedDay> => {
      const correlationId = randomUUID();
      return { correlationId, outcome: await playDay(daySession(rc, correlationId), { stepTimeoutMs: 45_000, ...options }) };
    };
    const [small, big, declined, processorDown] = await Promise.all([
      play({ location: PLACES.civicCenter }),
      play({ location: PLACES.oakland, partsCents: 60_000 }),
      play({ location: PLACES.marin, driverId: CAPTURE_DECLINED_DRIVER }),
      play({ location: PLACES.mission, driverId: PROCESSOR_DOWN_DRIVER }),
    ]);
    Object.assign(days, { small, big, declined, processorDown });

    expect([small, big, declined, processorDown].map((d) => [d.outcome.approvedByBackOffice, d.outcome.paymentOutcome])).toEqual([
      [false, 'PaymentCompleted'],
      [true, 'PaymentCompleted'],
      [false, 'PaymentFailed'],
      [false, 'PaymentFailed'],
    ]);
  }, 240_000);

  it('walks the status machine in order to completed, one IncidentStatusChanged per step', async () => {
    for (const { correlationId, outcome } of Object.values(days)) {
      const walk = uniqueEvents(correlationId)
        .filter((e) => e.detailType === 'IncidentStatusChanged')
        .map((e) => e.data)
        .sort((a, b) => LIFECYCLE.indexOf(a['status'] as never) - LIFECYCLE.indexOf(b['status'] as never));
      // Each step starts where the previous one ended; matching may be skipped when the first offer is handled first.
      walk.forEach((step, i) => i > 0 && expect(step['previousStatus']).toBe(walk[i - 1]?.['status']));
      expect(walk.map((s) => s['status'])).toEqual(expect.arrayContaining(['offered', 'assigned', 'en_route', 'arrived', 'in_progress', 'completed']));
      expect(walk.map((s) => s['status']).filter((s) => s !== 'matching')).toEqual(['offered', 'assigned', 'en_route', 'arrived', 'in_progress', 'completed']);
      expect((await rc.call('GET', `/incidents/${outcome.incidentId}`)).body['incident']).toMatchObject({ status: 'completed', vendorId: outcome.vendorId });
    }
  });

  it('settles each payment as its card and amount call for: auto, back office (403 without the scope), declined, retried', async () => {
    const { small, big, declined, processorDown } = days;
    expect(rc.seen('PaymentApproved', 'paymentId', small.outcome.paymentId)).toEqual([expect.objectContaining({ approvedBy: 'auto' })]);
    expect(rc.seen('PaymentCreated', 'paymentId', big.outcome.paymentId)).toEqual([expect.objectContaining({ requiresApproval: true, amount: expect.objectContaining({ amountCents: expect.any(Number) }) })]);
    expect(rc.seen('PaymentFlagged', 'paymentId', big.outcome.paymentId)).toEqual([expect.objectContaining({ reasons: ['amount_above_threshold'], reviewRequired: true })]);
    expect(rc.seen('PaymentApproved', 'paymentId', big.outcome.paymentId)).toEqual([expect.objectContaining({ approvedBy: 'ops-ana' })]);
    expect((await rc.call('POST', `/payments/${big.outcome.paymentId}/approve`, {}, { claims: { sub: 'driver-app' } })).status).toBe(403);
    expect(rc.seen('PaymentCompleted', 'paymentId', big.outcome.paymentId)).toHaveLength(1);
    expect(rc.seen('PaymentFailed', 'paymentId', declined.outcome.paymentId)).toEqual([expect.objectContaining({ failureCode: 'CARD_DECLINED', canRetry: false, attempt: 1 })]);
    expect(rc.seen('PaymentFailed', 'paymentId', processorDown.outcome.paymentId)).toEqual([expect.objectContaining({ failureCode: 'PROCESSOR_UNAVAILABLE', canRetry: true, attempt: 3 })]);
  });

  it('records every notification the day\'s events call for, once, and no other', async () => {
    for (const [name, { correlationId, outcome }] of Object.entries(days)) {
      const expected = expectedNotifications(correlationId, outcome.incidentId).sort();
      const sent = await until(
        async () => (await partition(outcome.incidentId, 'NOTIFICATION#')).map((n) => `${String((n['causedBy'] as Body)['eventId'])} ${String(n['template'])} ${String(n['recipient'])}`).sort(),
        (s) => s.length >= expected.length,
        15_000,
      );
      expect({ name, sent }).toEqual({ name, sent: expected });
      const templates = sent.map((s) => s.split(' ')[1]);
      expect(templates).toEqual(expect.arrayContaining(['offer.created.vendor', 'offer.accepted.vendor', 'offer.accepted.driver', 'incident.assigned.driver', 'tracking.started.driver', 'tracking.near.driver', 'vendor.arrived.driver', 'incident.in_progress.driver', 'work.completed.driver']));
    }
    const templatesOf = async (day: PlayedDay) => (await partition(day.outcome.incidentId, 'NOTIFICATION#')).map((n) => n['template']);
    expect(await templatesOf(days.small)).toEqual(expect.arrayContaining(['payment.created.driver', 'payment.completed.driver', 'payment.payout.vendor']));
    expect(await templatesOf(days.big)).toEqual(expect.arrayContaining(['payment.pending.driver', 'payment.flagged.backoffice', 'payment.approved.driver', 'payment.completed.driver']));
    expect(await templatesOf(days.declined)).toEqual(expect.arrayContaining(['payment.failed.driver']));
    expect(await templatesOf(days.processorDown)).toEqual(expect.arrayContaining(['payment.failed-retryable.driver']));
  });

  it('shows the whole day in the incident\'s timeline: every event of the incident reporting receives, once, in time order', async () => {
    const recorded = receivedBy('reporting');
    for (const [name, { correlationId, outcome }] of Object.entries(days)) {
      const expected = uniqueEvents(correlationId).filter((e) => e.data['incidentId'] === outcome.incidentId && recorded.has(e.detailType));
      const res = await until(() => rc.call('GET', `/reports/incidents/${outcome.incidentId}/timeline`), (r) => Number(r.body['events']) >= expected.length, 15_000);
      const timeline = res.body['timeline'] as Body[];
      expect({ name, events: timeline.map((r) => r['eventId']).sort() }).toEqual({ name, events: expected.map((e) => e.eventId).sort() });
      const times = timeline.map((r) => String(r['occurredAt']));
      expect(times).toEqual([...times].sort());
      // From the report to the payment's end, through the saga's replies and the tracking.
      expect(timeline[0]?.['detailType']).toBe('IncidentCreated');
      for (const type of ['VendorAvailabilityResponse', 'OfferCreated', 'OfferAccepted', 'VendorReserved', 'PaymentAuthorized', 'IncidentAssigned', 'TrackingStarted', 'TrackingUpdated', 'VendorArrived', 'WorkStarted', 'WorkCompleted', 'TrackingStopped', 'PaymentCreated', outcome.paymentOutcome]) {
        expect({ name, type, found: timeline.some((r) => r['detailType'] === type) }).toEqual({ name, type, found: true });
      }
    }
  });

  it('answers the day\'s KPIs to the back office only', async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect((await rc.call('GET', '/reports/kpis')).status).toBe(403);
    const res = await until(
      () => rc.call('GET', `/reports/kpis?from=${today}`, undefined, { claims: { sub: 'ops-ana', scope: 'backoffice' } }),
      (r) => ((r.body['days'] as Body[] | undefined)?.[0]?.['payments'] as Body | undefined)?.['failed'] === 2,
      15_000,
    );
    const [kpis] = res.body['days'] as Body[];
    // The four days, and the warm-up incident (cancelled, or escalated when its cold round found no vendor in time).
    const escalated = warmUp.status === 'escalated' ? 1 : 0;
    expect(kpis).toMatchObject({ day: today, incidents: 5, completed: 4, escalated, cancelled: 1 - escalated, completionRate: 0.8, escalationRate: escalated / 5, payments: { completed: 2, failed: 2 }, paymentSuccessRate: 0.5 });
    for (const metric of ['timeToFirstOfferMs', 'timeToAssignmentMs', 'vendorResponseMs', 'timeToArrivalMs']) {
      const d = kpis?.[metric] as { count: number; p50: number; p95: number };
      // The warm-up incident counts a first offer too when its round made one.
      const count = metric === 'timeToFirstOfferMs' && warmUp.offered ? 5 : 4;
      expect({ metric, count: d.count, ordered: d.p50 > 0 && d.p50 <= d.p95 }).toEqual({ metric, count, ordered: true });
    }
    const k = kpis as Record<string, { p50: number }>;
    expect(k['timeToFirstOfferMs']!.p50).toBeLessThan(k['timeToAssignmentMs']!.p50);
    expect(k['timeToAssignmentMs']!.p50).toBeLessThan(k['timeToArrivalMs']!.p50);
  });

  it('saw only events valid against the spec, and left no message in any DLQ', async () => {
    // Every event of the platform (the scheduler's own `Scheduled Event`s, which wake the outbox sweeper, are AWS's, not the spec's).
    const invalid = rc.cloud
      .recentEvents()
      .filter((e) => e.event.source.startsWith('roadcall.'))
      .map((e) => ({ type: e.event['detail-type'], result: (validators as Record<string, ((input: unknown) => { ok: boolean }) | undefined>)[e.event['detail-type']]?.(e.event.detail) }))
      .filter((v) => !v.result?.ok);
    expect(invalid).toEqual([]);
    expect(rc.cloud.recentEvents().length).toBeGreaterThan(100);
    const depths = await rc.dlqDepths();
    expect(Object.keys(depths).length).toBeGreaterThanOrEqual(9);
    expect(Object.entries(depths).filter(([, n]) => n !== 0)).toEqual([]);
  });
});
