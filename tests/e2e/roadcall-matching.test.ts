import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as vendorEvents from '../../generated/publishers/vendor';
import { createDynamoDbDocumentClient, createEventBridgeClient } from '../../lib/clients';
import { toPutEventsEntry } from '../../lib/envelope';
import { LocalCloud } from '../../local/runtime';
import { freshDir, ROOT } from '../helpers/codegen';
import { until } from '../helpers/local-cloud';
import { packageStage } from '../helpers/template';
import { MATCHING_ZONES } from './matching-zones';

// The matching round (seed 000's scatter-gather, lib/gather) on the local cloud, from the
// packaged template: IncidentCreated -> VendorAvailability/PriceQuote/Eta requests ->
// vendor, pricing and tracking answer -> the round ends once -> up to 3 offers with price
// and ETA; a silent or failing responder (their documented test zones); a duplicated
// answer; the status endpoint at each stage.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let cloud: LocalCloud;
let doc: DynamoDBDocumentClient;
let events: EventBridgeClient;
let token: string;
const demo = JSON.parse(readFileSync(join(ROOT, 'functions/incident/demo-request.json'), 'utf8')) as { body: Record<string, unknown> };

beforeAll(async () => {
  const dir = freshDir('matching');
  const template = packageStage('test', join(dir, 'package'));
  cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  doc = createDynamoDbDocumentClient({ endpoint: cloud.urls.dynamodb, env: {} });
  events = createEventBridgeClient({ endpoint: cloud.urls.aws, env: {} });
  token = cloud.issuer.mint({ aud: 'roadcall-api-test' });
}, 180_000);

afterAll(async () => {
  doc?.destroy();
  events?.destroy();
  await cloud?.stop();
});

type Body = Record<string, unknown>;
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${cloud.urls.http}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Body) : {} };
}

const offers = async (incidentId: string): Promise<Body[]> =>
  (((await doc.send(new ScanCommand({ TableName: 'roadcall-test-read-models', FilterExpression: 'gsi1pk = :i', ExpressionAttributeValues: { ':i': `INCIDENT#${incidentId}` } }))).Items ?? []) as Body[]).sort((a, b) => Number(a['rank']) - Number(b['rank']));

/** Reports an incident at `coordinates` (the demo's otherwise); its id and the 202 body. */
async function report(coordinates?: { lat: number; lon: number }): Promise<{ incidentId: string; body: Body }> {
  const created = await call('POST', '/incidents', { ...demo.body, ...(coordinates ? { location: { ...(demo.body['location'] as Body), coordinates } } : {}) });
  expect(created.status).toBe(202);
  return { incidentId: created.body['incidentId'] as string, body: created.body };
}

const matching = async (incidentId: string): Promise<Body> => (await call('GET', `/incidents/${incidentId}/matching`)).body;
const ended = (incidentId: string, ms = 15_000): Promise<Body> => until(() => matching(incidentId), (m) => ['COMPLETE', 'PARTIAL', 'FAILED'].includes(String(m['status'])), ms);
const seen = (detailType: string, incidentId: string, since = 0): Body[] =>
  cloud
    .recentEvents({ since })
    .filter((e) => e.event['detail-type'] === detailType && (e.event.detail as { data: Body }).data['incidentId'] === incidentId)
    .map((e) => (e.event.detail as { data: Body }).data);
const answered = (m: Body): Record<string, string | null> => Object.fromEntries((m['responders'] as { responder: string; answered: { detailType: string } | null }[]).map((r) => [r.responder, r.answered?.detailType ?? null]));

describe('matching round on the local cloud', () => {
  it('turns an incident into 3 offers with the quote and tracking ETAs, warm within a few seconds; the round is COMPLETE', async () => {
    // Warm every function of the round on one incident, then measure a second.
    const warm = await report();
    await ended(warm.incidentId, 30_000);
    const started = Date.now();
    const { incidentId, body } = await report();
    const made = await until(() => Promise.resolve(seen('OfferCreated', incidentId, started)), (o) => o.length === 3, 10_000);
    const elapsed = Date.now() - started;
    process.stdout.write(`report -> 3 offers on the bus, warm: ${elapsed} ms\n`);

    expect(body['links']).toEqual({ self: `/incidents/${incidentId}`, matching: `/incidents/${incidentId}/matching` });
    // Four relay hops (IncidentCreated, the requests, the answers, OfferCreated): the 1 s target is
    // not met on the local cloud yet (2.3-6 s seen while npm test runs its other suites in parallel);
    // a bound that catches a stuck round, not a speed target (bench:gather and bench:flow measure that).
    expect(elapsed).toBeLessThan(10_000);
    expect(made.map((o) => o['rank']).sort()).toEqual([1, 2, 3]);
    for (const o of made) expect(o).toMatchObject({ requestId: incidentId, priceBasis: 'quoted', etaBasis: 'tracking', price: { currency: 'USD' } });
    const round = await ended(incidentId);
    expect(round).toMatchObject({ incidentId, requestId: incidentId, status: 'COMPLETE', outcome: 'every responder answered' });
    expect(answered(round)).toEqual({ vendor: 'VendorAvailabilityResponse', pricing: 'PriceQuoteResponse', tracking: 'EtaResponse' });
  });

  it('makes no second offers when a vendor answer is delivered again after the round ended', async () => {
    const { incidentId } = await report();
    await ended(incidentId);
    const first = seen('VendorAvailabilityResponse', incidentId)[0] as Body;

    const duplicate = vendorEvents.VendorAvailabilityResponse(first as unknown as Parameters<typeof vendorEvents.VendorAvailabilityResponse>[0]);
    const out = await events.send(new PutEventsCommand({ Entries: [toPutEventsEntry(duplicate, { eventBusName: `${duplicate.busName}-test` })] }));
    expect(out.FailedEntryCount).toBe(0);
    await until(() => Promise.resolve(seen('VendorAvailabilityResponse', incidentId)), (r) => r.length === 2, 10_000);
    await new Promise((r) => setTimeout(r, 1_000));

    expect(seen('OfferCreated', incidentId)).toHaveLength(3);
    expect(await offers(incidentId)).toHaveLength(3);
  });

  it('ends PARTIAL at the deadline when pricing stays silent: offers with the estimated price, marked as such; PENDING before', async () => {
    const { incidentId } = await report(MATCHING_ZONES.pricingSilent);
    const pending = await until(() => matching(incidentId), (m) => m['status'] === 'PENDING' && answered(m)['vendor'] !== null, 5_000);
    expect(answered(pending)).toMatchObject({ pricing: null });

    const round = await ended(incidentId);
    expect(round).toMatchObject({ status: 'PARTIAL', outcome: 'pricing did not answer by the deadline' });
    const made = await until(() => offers(incidentId), (o) => o.length > 0, 5_000);
    expect(made.every((o) => o['priceBasis'] === 'estimated' && o['etaBasis'] === 'tracking')).toBe(true);
  });

  it('ends PARTIAL at once when tracking answers with an error: offers with straight-line ETAs', async () => {
    const { incidentId } = await report(MATCHING_ZONES.trackingError);
    const round = await ended(incidentId);
    expect(round).toMatchObject({ status: 'PARTIAL', outcome: 'tracking answered with an error' });
    const made = await until(() => offers(incidentId), (o) => o.length > 0, 5_000);
    expect(made.every((o) => o['etaBasis'] === 'straight_line' && o['priceBasis'] === 'quoted')).toBe(true);
  });

  it('escalates the incident when vendor fails (FAILED, MatchingFailed), with no offer', async () => {
    const { incidentId } = await report(MATCHING_ZONES.vendorError);
    const round = await ended(incidentId);
    expect(round['status']).toBe('FAILED');
    await until(() => Promise.resolve(seen('IncidentEscalated', incidentId)), (e) => e.length === 1, 10_000);
    expect(seen('MatchingFailed', incidentId)).toEqual([expect.objectContaining({ reason: 'vendor_service_error' })]);
    expect(seen('IncidentEscalated', incidentId)[0]).toMatchObject({ reason: 'no_vendor_available' });
    expect(await offers(incidentId)).toEqual([]);
    expect((await call('GET', `/incidents/${incidentId}`)).body['incident']).toMatchObject({ status: 'escalated' });
  });

  it('answers 404 for an incident without a matching round', async () => {
    expect((await call('GET', '/incidents/00000000-0000-4000-8000-000000000000/matching')).status).toBe(404);
  });
});
