// The Roadcall assignment saga for `npm run bench:saga` (scripts/bench-saga.ts, which knows
// no domain): an incident with its offers (POST /incidents, offers read from the read model
// once match's OfferCreated events are on the bus), then POST /offers/{offerId}/accept, which
// starts the saga (ReserveVendor -> AuthorizePayment -> AssignIncident). The plain hop it is
// compared with: IncidentCreated -> match consumer (the matching round started, its requests'
// outbox rows in one transaction) -> VendorAvailabilityRequested, through the same consumer
// as the saga's own hop. Named in package.json `config.sagaBench`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SagaBenchContext, SagaBenchFlow } from '../../scripts/bench/saga';
import { SELECTION } from '../../functions/match/selection';

const demo = JSON.parse(readFileSync(join(__dirname, '..', '..', 'functions', 'incident', 'demo-request.json'), 'utf8')) as { body: Record<string, unknown> };

/** Jobs each vendor takes at once in the bench (tests/bench/saga-vendor.ts). */
const VENDOR_CAPACITY = 1000;
/** Offers stay open long enough for every accept of the run (the spec's 120 s could run out while 500 incidents are set up). */
const OFFER_TTL_SECONDS = 900;
/** Where incidents are reported, in turn: each has three flat-tire vendors in reach, not always the same ones. */
const PLACES = [
  { lat: 37.7793, lon: -122.4193 }, // Civic Center (the demo request)
  { lat: 37.8044, lon: -122.2712 }, // Oakland
  { lat: 37.9735, lon: -122.5311 }, // Marin
  { lat: 37.753, lon: -122.4945 }, // Sunset
  { lat: 37.6879, lon: -122.4702 }, // Daly City
  { lat: 37.7989, lon: -122.4662 }, // Presidio
  { lat: 37.7577, lon: -122.3892 }, // Dogpatch
];

/**
 * A call as a client makes it: a 5xx (the function failed or timed out under the load) is sent
 * again, up to 3 times; the bench reports failed invocations, so these stay visible.
 */
async function retried(context: SagaBenchContext, method: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  for (let attempt = 1; ; attempt++) {
    const res = await context.call(method, path, body);
    if (res.status < 500 || attempt === 3) return res;
    await new Promise((r) => setTimeout(r, 500 * attempt));
  }
}

const dataOf = (e: { data: Record<string, unknown> }, key: string): string | undefined => (typeof e.data[key] === 'string' ? e.data[key] : undefined);

const flow: SagaBenchFlow = {
  name: 'assignment',
  sagaTable: 'sagas',
  commands: ['ReserveVendor', 'AuthorizePayment', 'AssignIncident', 'ReleaseVendor', 'VoidPaymentAuthorization'],
  hop: {
    from: 'IncidentCreated',
    to: 'VendorAvailabilityRequested',
    what: 'IncidentCreated on the bus -> match consumer (the matching round started: its state and requests\' outbox rows in one transaction) -> relay -> VendorAvailabilityRequested on the bus',
    key: (e) => (e.detailType === 'IncidentCreated' || e.detailType === 'VendorAvailabilityRequested' ? dataOf(e, 'incidentId') : undefined),
  },
  prepare(template) {
    const notes: string[] = [];
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const handler = String(resource.Properties['Handler'] ?? '');
      const env = ((resource.Properties['Environment'] ??= { Variables: {} }) as { Variables: Record<string, unknown> }).Variables;
      if (handler === 'functions/vendor/consumer.handler') {
        resource.Properties['Handler'] = 'tests/bench/saga-vendor.handler';
        env['BENCH_VENDOR_CAPACITY'] = String(VENDOR_CAPACITY);
        notes.push(`vendor consumer: the deployed handlers over the directory with ${VENDOR_CAPACITY} jobs per vendor (directory: 2-5), tests/bench/saga-vendor.ts`);
      }
      if (handler === 'functions/match/consumer.handler') {
        env['OFFER_TTL_SECONDS'] = String(OFFER_TTL_SECONDS);
        env['MATCHING_DEADLINE_SECONDS'] = String(OFFER_TTL_SECONDS);
        notes.push(`match consumer: OFFER_TTL_SECONDS=${OFFER_TTL_SECONDS} (spec 120 s), so no offer expires before its accept, and MATCHING_DEADLINE_SECONDS=${OFFER_TTL_SECONDS} (spec 10 s), so a backed-up queue delays a matching round instead of failing it`);
      }
    }
    if (notes.length !== 2) throw new Error(`the template's vendor and match consumers were not found (${notes.length} changed)`);
    return notes;
  },
  async setup(context, n) {
    const created = await retried(context, 'POST', '/incidents', { ...demo.body, location: { coordinates: PLACES[n % PLACES.length] }, description: `bench:saga incident ${n}` });
    const incidentId = created.body['incidentId'];
    if (created.status !== 202 || typeof incidentId !== 'string') throw new Error(`POST /incidents answered ${created.status}: ${JSON.stringify(created.body)}`);
    // The round's offers are created together once it ends: the first on the bus means all are in the read model.
    await context.waitForEvents((e) => e.detailType === 'OfferCreated' && e.data['incidentId'] === incidentId, 1, 120_000);
    // The offers as a vendor's app sees them: the read model.
    const out = await context.doc.send(
      new QueryCommand({ TableName: context.table('read-models'), IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :k AND begins_with(gsi1sk, :p)', ExpressionAttributeValues: { ':k': `INCIDENT#${incidentId}`, ':p': 'OFFER#' } }),
    );
    // Accepting rank 1, 2, 3 in turn spreads the sagas over more vendors.
    const offers = (out.Items ?? []).sort((a, b) => Number(a['rank']) - Number(b['rank']));
    const offer = offers[n % Math.max(1, Math.min(SELECTION.maxOffers, offers.length))];
    if (!offer) throw new Error(`incident ${incidentId}: no offer in the read model`);
    return { incidentId, offerId: String(offer['offerId']), vendorId: String(offer['vendorId']) };
  },
  async start(context, prepared) {
    // Should a failed first try have gone through after all, the retry answers 409 and the saga counts as not started (visible in the report).
    const res = await retried(context, 'POST', `/offers/${String(prepared['offerId'])}/accept`, { vendorId: prepared['vendorId'] });
    return res.status === 202 && typeof res.body['sagaId'] === 'string' ? res.body['sagaId'] : undefined;
  },
};

export default flow;
