import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalCloud } from '../../local/runtime';
import { runOps } from '../../scripts/ops/cli';
import type { DlqInfo } from '../../scripts/ops/dlq';
import type { TraceNode, TraceResult } from '../../scripts/ops/trace';
import { freshDir, ROOT } from '../helpers/codegen';
import { until } from '../helpers/local-cloud';
import { packageStage } from '../helpers/template';

// `npm run ops -- trace` on the whole Roadcall slice on the local cloud (packaged template,
// real osls): POST /incidents -> IncidentCreated -> the matching round (availability, price,
// ETAs) -> three offers; then accepting one runs the assignment saga. The trace is the
// causal tree of each flow with the functions that handled every event.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let cloud: LocalCloud;
let token: string;
const demo = JSON.parse(readFileSync(join(ROOT, 'functions/incident/demo-request.json'), 'utf8')) as { body: Record<string, unknown> };

beforeAll(async () => {
  const dir = freshDir('ops-trace');
  const template = packageStage('test', join(dir, 'package'));
  // Cold functions on a busy machine: the matching round waits for its answers longer than the spec's 10 s.
  for (const r of Object.values(template.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function' || r.Properties['Handler'] !== 'functions/match/consumer.handler') continue;
    const environment = (r.Properties['Environment'] ??= { Variables: {} }) as { Variables?: Record<string, unknown> };
    environment.Variables = { ...environment.Variables, MATCHING_DEADLINE_SECONDS: '120' };
  }
  cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  token = cloud.issuer.mint({ aud: 'roadcall-api-test' });
}, 180_000);

afterAll(async () => {
  await cloud?.stop();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; correlationId: string | null }> {
  const res = await fetch(`${cloud.urls.http}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, correlationId: res.headers.get('x-correlation-id') };
}

const flowOf = (correlationId: string, type: string): number => cloud.recentEvents({ correlationId }).filter((e) => e.event['detail-type'] === type).length;

function* walk(nodes: TraceNode[]): Generator<TraceNode> {
  for (const n of nodes) {
    yield n;
    yield* walk(n.children);
  }
}

async function traceOf(correlationId: string): Promise<{ result: TraceResult; lines: string[] }> {
  const lines: string[] = [];
  const result = (await runOps(['trace', correlationId, '--endpoint', cloud.urls.aws], { root: ROOT, out: (l) => lines.push(l) })) as TraceResult;
  return { result, lines };
}

let offer: Record<string, unknown> | undefined;

describe('ops trace on the Roadcall slice', () => {
  it('POST /incidents -> offers: one causal tree from IncidentCreated, each event with its routes and the functions that handled it', async () => {
    const created = await call('POST', '/incidents', demo.body);
    expect(created.status).toBe(202);
    const correlationId = created.correlationId as string;
    await until(() => flowOf(correlationId, 'OfferCreated'), (n) => n === 3, 120_000);
    // The offers' consumers (notifications, reporting) have run.
    await until(async () => (await traceOf(correlationId)).result, (r) => [...walk(r.roots)].filter((n) => n.detailType === 'OfferCreated').every((n) => n.handledBy.some((h) => h.function === 'roadcall-test-notifications-consumer')), 30_000);
    const { result, lines } = await traceOf(correlationId);

    expect(result.roots.map((r) => r.detailType)).toEqual(['IncidentCreated']);
    const root = result.roots[0] as TraceNode;
    expect(root.source).toBe('roadcall.incident');
    expect(root.routes).toEqual(expect.arrayContaining([expect.stringMatching(/match-queue-core -> roadcall-test-match-queue$/), expect.stringMatching(/reporting-queue-core -> roadcall-test-reporting-queue$/)]));
    expect(root.handledBy.map((h) => h.function)).toEqual(expect.arrayContaining(['roadcall-test-match-consumer', 'roadcall-test-reporting-consumer']));
    expect(root.handledBy.every((h) => h.ok && h.durationMs >= 0)).toBe(true);

    // The matching round's requests are caused by IncidentCreated; the offers hang below it.
    const all = [...walk(result.roots)];
    expect(all).toHaveLength(result.events);
    expect(root.children.map((c) => c.detailType)).toEqual(expect.arrayContaining(['VendorAvailabilityRequested', 'PriceQuoteRequested', 'EtaRequested']));
    const offers = all.filter((n) => n.detailType === 'OfferCreated');
    expect(offers).toHaveLength(3);
    for (const o of offers) {
      expect(o.causationId).toBeDefined();
      expect(o.at).toBeGreaterThanOrEqual(root.at);
      expect(o.handledBy.some((h) => h.function === 'roadcall-test-notifications-consumer' && h.ok)).toBe(true);
    }
    // Every event but the first was caused by another event of the flow (IncidentCreated by the HTTP command).
    expect(all.filter((n) => n !== root && !all.some((p) => p.eventId === n.causationId)).map((n) => n.detailType)).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.dlq).toEqual([]);

    expect(lines[0]).toMatch(new RegExp(`^trace ${correlationId}: ${result.events} event\\(s\\) from \\S+ over \\d+ ms; 0 error\\(s\\); 0 DLQ message\\(s\\)$`));
    expect(lines[1]).toMatch(/^• \+ {5}0 ms {2}IncidentCreated {2}\(roadcall.incident on roadcall-events-test\)/);
    expect(lines.join('\n')).toMatch(/\n {2}• \+\s*\d+ ms {2}VendorAvailabilityRequested/);
    expect(lines.join('\n')).toMatch(/handled by roadcall-test-match-consumer: ok \d+ ms/);
    offer = cloud.recentEvents({ correlationId }).map((e) => e.event).find((e) => e['detail-type'] === 'OfferCreated')?.detail as Record<string, unknown> | undefined;
  }, 180_000);

  it('accepting an offer: the assignment saga\'s steps are named in the tree', async () => {
    const first = offer?.['data'] as Record<string, unknown> | undefined;
    expect(first?.['offerId']).toBeDefined();
    const accepted = await call('POST', `/offers/${String(first?.['offerId'])}/accept`, { vendorId: first?.['vendorId'] });
    expect(accepted.status).toBe(202);
    const correlationId = accepted.correlationId as string;
    await until(() => flowOf(correlationId, 'IncidentAssigned'), (n) => n === 1, 30_000);
    const { result, lines } = await traceOf(correlationId);
    const all = [...walk(result.roots)];
    const saga = (type: string): string | undefined => all.find((n) => n.detailType === type)?.saga;
    expect(saga('OfferAccepted')).toBe('saga assignment: trigger');
    expect(saga('ReserveVendor')).toBe('saga assignment step 1 reserveVendor: command');
    expect(saga('VendorReserved')).toBe('saga assignment step 1 reserveVendor: success');
    expect(saga('AuthorizePayment')).toBe('saga assignment step 2 authorizePayment: command');
    expect(saga('IncidentAssigned')).toBe('saga assignment step 3 assignIncident: success');
    expect(lines.join('\n')).toContain('[saga assignment step 1 reserveVendor: command]');
  }, 90_000);

  it('dlq list finds the DLQs of the real template by the catalog and the stage', async () => {
    const lines: string[] = [];
    const dlqs = (await runOps(['dlq', 'list', '--endpoint', cloud.urls.aws], { root: ROOT, out: (l) => lines.push(l) })) as DlqInfo[];
    const catalog = JSON.parse(readFileSync(join(ROOT, 'generated', 'catalog.json'), 'utf8')) as { queues: { name: string; dlq: string }[] };
    const names = dlqs.map((d) => d.name);
    for (const q of catalog.queues) {
      expect(names).toContain(`roadcall-test-${q.dlq}`);
      expect(dlqs.find((d) => d.name === `roadcall-test-${q.dlq}`)?.sources).toEqual([`roadcall-test-${q.name}`]);
    }
    // The schedules' DLQ serves no queue: found by its name.
    expect(names).toContain('roadcall-test-timers-dlq');
    expect(dlqs.every((d) => d.depth === 0)).toBe(true);
    expect(lines.some((l) => /^match-dlq\s+0\s+0\s+-\s+match-queue$/.test(l))).toBe(true);
  });

  it('names a flow it cannot find', async () => {
    await expect(traceOf('00000000-0000-4000-8000-000000000000')).rejects.toThrow("no event with correlation id 00000000-0000-4000-8000-000000000000 in the local cloud's event log or its archives since");
  });
});
