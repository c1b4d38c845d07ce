import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createDynamoDbDocumentClient } from '../../lib/clients';
import { LocalCloud } from '../../local/runtime';
import { freshDir, ROOT } from '../helpers/codegen';
import { until } from '../helpers/local-cloud';
import { packageStage } from '../helpers/template';

// The first vertical slice on the local runtime, from the packaged template (real osls):
// POST /incidents -> event store + outbox -> relay -> bus -> match (offers via its outbox)
// -> notifications and reporting; duplicates, a relay that republishes, a bad request,
// concurrent commands.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let cloud: LocalCloud;
let doc: DynamoDBDocumentClient;
let token: string;
const demo = JSON.parse(readFileSync(join(ROOT, 'functions/incident/demo-request.json'), 'utf8')) as { body: Record<string, unknown> };
const table = (name: string): string => `roadcall-test-${name}`;

beforeAll(async () => {
  const dir = freshDir('slice');
  const template = packageStage('test', join(dir, 'package'));
  cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  doc = createDynamoDbDocumentClient({ endpoint: cloud.urls.dynamodb, env: {} });
  token = cloud.issuer.mint({ aud: 'roadcall-api-test' });
}, 180_000);

afterAll(async () => {
  doc?.destroy();
  await cloud?.stop();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; correlationId: string | null }> {
  const res = await fetch(`${cloud.urls.http}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, correlationId: res.headers.get('x-correlation-id') };
}

async function items(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
  const out = await doc.send(new QueryCommand({ TableName: table('read-models'), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': pk, ':p': prefix } }));
  return (out.Items ?? []) as Record<string, unknown>[];
}

const timeline = (id: string): Promise<Record<string, unknown>[]> => items(`INCIDENT#${id}`, 'TIMELINE#');
const notifications = (id: string): Promise<Record<string, unknown>[]> => items(`INCIDENT#${id}`, 'NOTIFICATION#');
const offers = async (id: string): Promise<Record<string, unknown>[]> =>
  ((await doc.send(new ScanCommand({ TableName: table('read-models'), FilterExpression: 'gsi1pk = :i', ExpressionAttributeValues: { ':i': `INCIDENT#${id}` } }))).Items ?? []) as Record<string, unknown>[];

let incidentId: string;
/** What the first flow left in the read model: a duplicate or a republished event must add nothing. */
let recorded = { timeline: 0, notifications: 0 };

describe('incident creation flow', () => {
  it('answers 202 with the incident id and correlation id, and the flow reaches match, notifications and reporting', async () => {
    const res = await call('POST', '/incidents', demo.body);
    expect(res.status).toBe(202);
    incidentId = res.body['incidentId'] as string;
    expect(incidentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body['correlationId']).toBe(res.correlationId);

    // The round's answers, three offers, and the incident's moves to matching and offered (the incident service consumes them).
    const rows = await until(() => timeline(incidentId), (t) => t.filter((r) => r['detailType'] === 'OfferCreated').length === 3 && t.some((r) => (r['summary'] as Record<string, unknown>)['status'] === 'offered'), 40_000); // the first, cold flow: four functions start on the way (the matching round asks three services)
    expect(rows.filter((r) => r['detailType'] !== 'IncidentStatusChanged').map((r) => r['detailType']).sort()).toEqual(['EtaResponse', 'IncidentCreated', 'OfferCreated', 'OfferCreated', 'OfferCreated', 'PriceQuoteResponse', 'VendorAvailabilityResponse']);
    const moves = rows.filter((r) => r['detailType'] === 'IncidentStatusChanged').map((r) => (r['summary'] as Record<string, unknown>)['status']);
    expect(moves[moves.length - 1]).toBe('offered');
    expect(new Set(rows.map((r) => r['correlationId']))).toEqual(new Set([res.correlationId]));
    const sent = await until(() => notifications(incidentId), (n) => n.filter((x) => String(x['recipient']).startsWith('vendor:')).length === 3 && n.length === 3 + moves.length, 10_000);
    expect(sent.filter((n) => n['template'] === 'offer.created.vendor').every((n) => n['channel'] === 'push' && String(n['recipient']).startsWith('vendor:'))).toBe(true);
    expect(sent.filter((n) => String(n['recipient']).startsWith('driver:')).map((n) => n['template']).sort()).toEqual(moves.map((m) => `incident.${String(m)}.driver`).sort());
    expect(await offers(incidentId)).toHaveLength(3);

    const query = await call('GET', `/incidents/${incidentId}`);
    expect(query.status).toBe(200);
    expect(query.body['incident']).toMatchObject({ incidentId, status: 'offered', version: 1 + moves.length });
    const report = await call('GET', `/reports/incidents/${incidentId}/timeline`);
    expect(report.body['events']).toBe(rows.length);
    recorded = { timeline: rows.length, notifications: sent.length };
  });

  it('creates no duplicate offers or notifications when IncidentCreated is delivered again', async () => {
    const created = (await timeline(incidentId)).find((r) => r['detailType'] === 'IncidentCreated');
    const stored = await doc.send(new QueryCommand({ TableName: table('event-store'), KeyConditionExpression: 'aggregateId = :a', ExpressionAttributeValues: { ':a': incidentId } }));
    const detail = stored.Items?.[0]?.['detail'];
    expect(created).toBeDefined();
    const since = Date.now();
    const eb = new EventBridgeClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await eb.send(new PutEventsCommand({ Entries: [{ Source: 'roadcall.incident', DetailType: 'IncidentCreated', Detail: JSON.stringify(detail), EventBusName: 'roadcall-events-test' }] }));
    eb.destroy();
    // The duplicate went through the bus to match and reporting...
    await until(() => cloud.recentEvents({ since }).filter((e) => e.event['detail-type'] === 'IncidentCreated').length, (n) => n === 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await offers(incidentId)).toHaveLength(3);
    expect(await notifications(incidentId)).toHaveLength(recorded.notifications);
    expect((await timeline(incidentId)).length).toBe(recorded.timeline);
  });

  it('delivers every event at least once and shows each once when the relay publishes a row again', async () => {
    // A relay that crashed after PutEvents but before marking: the row as it was before
    // the mark (PENDING, with the event's detail, which a PUBLISHED row no longer keeps).
    const outbox = await doc.send(new ScanCommand({ TableName: table('outbox'), FilterExpression: 'aggregateId = :a', ExpressionAttributeValues: { ':a': incidentId } }));
    const row = outbox.Items?.[0] as Record<string, unknown>;
    expect(row).toMatchObject({ status: 'PUBLISHED', publishedAt: expect.any(String), expiresAt: expect.any(Number) });
    expect(row['detail']).toBeUndefined();
    const sent = cloud.recentEvents().find((e) => (e.event.detail as { metadata?: { eventId?: string } }).metadata?.eventId === row['id']);
    expect(sent).toBeDefined();
    const since = Date.now();
    const { publishedAt: _p, expiresAt: _e, lastAttemptAt: _l, ...before } = row;
    await doc.send(new PutCommand({ TableName: table('outbox'), Item: { ...before, status: 'PENDING', attempts: 0, detail: sent?.event.detail } }));
    const again = await until(() => cloud.recentEvents({ since }).filter((e) => (e.event.detail as { metadata?: { eventId?: string } }).metadata?.eventId === row['id']), (e) => e.length >= 1, 10_000);
    expect(again.length).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await timeline(incidentId)).filter((r) => r['eventId'] === row['id'])).toHaveLength(1);
    expect(await offers(incidentId)).toHaveLength(3);
    expect(await notifications(incidentId)).toHaveLength(recorded.notifications);
  });
});

describe('bad requests and concurrency', () => {
  it('answers a schema-invalid POST with an error naming the field, and produces no event', async () => {
    const since = Date.now();
    const res = await call('POST', '/incidents', { ...demo.body, problemType: 'dragon_attack' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('VALIDATION_FAILED');
    expect(JSON.stringify(res.body)).toContain('/problemType');
    const malformed = await call('POST', '/incidents', '{"driverId":');
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toContain('MALFORMED_JSON');
    await new Promise((r) => setTimeout(r, 500));
    expect(cloud.recentEvents({ correlationId: res.correlationId as string })).toEqual([]);
    expect(cloud.recentEvents({ since }).filter((e) => e.event['detail-type'] === 'IncidentCreated')).toEqual([]);
  });

  it('never loses an event when commands on one incident race: one cancel wins, the others get 409', async () => {
    const created = await call('POST', '/incidents', demo.body);
    const id = created.body['incidentId'] as string;
    const answers = await Promise.all(Array.from({ length: 8 }, () => call('POST', `/incidents/${id}/cancel`, { cancelledBy: 'driver', reason: 'resolved_by_driver' })));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409, 409, 409, 409, 409, 409]);
    const stored = await doc.send(new QueryCommand({ TableName: table('event-store'), KeyConditionExpression: 'aggregateId = :a', ExpressionAttributeValues: { ':a': id } }));
    const versions = (stored.Items ?? []).map((i) => i['version']);
    expect(versions).toEqual([1, 2, 3]);
    expect((stored.Items ?? []).map((i) => i['detailType'])).toEqual(['IncidentCreated', 'IncidentCancelled', 'IncidentStatusChanged']);
    const outbox = await doc.send(new ScanCommand({ TableName: table('outbox'), FilterExpression: 'aggregateId = :a', ExpressionAttributeValues: { ':a': id } }));
    expect(outbox.Items).toHaveLength(3);
  });
});
