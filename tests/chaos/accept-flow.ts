// The Roadcall vendor acceptance flow for the chaos run (scripts/chaos): an incident, its
// offers, then POST /offers/{offerId}/accept, which starts the assignment saga (reserve the
// vendor, authorize the payment, assign the incident; compensated in reverse on a failure or
// a step timeout). Named in package.json `config.chaosFlows`, beside incident-flow.ts.
//
// Instances vary: a plain accept, a driver whose card is declined, a driver whose processor
// never answers (the step times out), and two vendors accepting offers of the same incident
// at once. Vendors hold capacity for assigned jobs (functions/vendor/directory.json: 2-5
// each, released by a later flow), so once the vendors near an incident are full a saga ends
// COMPENSATED after VendorReservationFailed: a terminal outcome like any other.
//
// Terminal: every saga of the instance COMPLETED or COMPENSATED, and the participants agree
// with it (COMPLETED: the reservation HELD, the payment AUTHORIZED, the incident assigned to
// the saga's vendor; COMPENSATED: nothing held, no payment hold, not assigned by it). A
// duplicate: two sagas of one incident COMPLETED, IncidentAssigned twice, a saga step recorded
// twice, a timeline row twice, or a vendor's capacity counter that disagrees with the
// reservations it holds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, QueryCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { ChaosContext, ChaosFlow, FlowInstance } from '../../scripts/chaos/flow';
import { assignmentSagaId } from '../../functions/match/board';
import { authorizationKey } from '../../functions/payments/store';
import { reservationIdOf } from '../../functions/vendor/reservations';
import { reservationKey } from '../../functions/vendor/store';

const demo = JSON.parse(readFileSync(join(__dirname, '..', '..', 'functions', 'incident', 'demo-request.json'), 'utf8')) as { body: { location: { coordinates: Record<string, unknown> } } & Record<string, unknown> };
type Item = Record<string, unknown>;

/** Test drivers of functions/payments/wallets.json. */
const DECLINED_DRIVER = 'd0000000-0000-4000-8000-00000000dec1';
const TIMEOUT_DRIVER = 'd0000000-0000-4000-8000-0000000000e1';

type Kind = 'accept' | 'declined' | 'timeout' | 'race';
/** Seven slots (coprime with the number of flows, so every kind comes up whatever the flow's share). */
const KINDS: readonly Kind[] = ['accept', 'declined', 'race', 'accept', 'timeout', 'accept', 'race'];
/** Where incidents happen (five, coprime with seven): each has flat-tire vendors in reach, so capacity spreads over more vendors. */
const PLACES: readonly { lat: number; lon: number }[] = [
  { lat: 37.7793, lon: -122.4193 }, // Civic Center (the demo request)
  { lat: 37.8044, lon: -122.2712 }, // Oakland
  { lat: 37.9735, lon: -122.5311 }, // Marin
  { lat: 37.7599, lon: -122.4148 }, // Mission
  { lat: 37.7989, lon: -122.4662 }, // Presidio
];
/**
 * Offers may take a while: three receives of a failing message at the run's 10 s visibility
 * timeout, or a relay crash left to the sweeper (once a minute), or a backlog when the
 * platform lags behind the run's rate. The flow waits as long as queues hold messages, at
 * least OFFER_WAIT_MS and at most OFFER_WAIT_MAX_MS, polling less and less often (hundreds
 * of instances may wait at once, and DynamoDB Local serves the platform too).
 */
const OFFER_WAIT_MS = 90_000;
const OFFER_WAIT_MAX_MS = 15 * 60_000;

interface SagaRef {
  sagaId: string;
  offerId: string;
  vendorId: string;
  /** False when the accept answered 409 after a 5xx: the first attempt may or may not have gone through. */
  sure: boolean;
}
interface AcceptState extends Record<string, unknown> {
  incidentId: string;
  kind: Kind;
  sagas: SagaRef[];
  /** Why no saga was started, when none was. */
  note?: string;
  /** No vendor was free: the incident was escalated instead of offered (a terminal outcome). */
  escalated?: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether the incident was escalated (its event stream holds IncidentEscalated). */
async function escalated(context: ChaosContext, incidentId: string): Promise<boolean> {
  const out = await context.doc.send(new QueryCommand({ TableName: context.table('event-store'), KeyConditionExpression: 'aggregateId = :a', ExpressionAttributeValues: { ':a': incidentId }, ConsistentRead: true }));
  return ((out.Items ?? []) as Item[]).some((e) => e['detailType'] === 'IncidentEscalated');
}

async function offersOf(context: ChaosContext, incidentId: string): Promise<Item[]> {
  const out = await context.doc.send(
    new QueryCommand({
      TableName: context.table('read-models'),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :k AND begins_with(gsi1sk, :p)',
      ExpressionAttributeValues: { ':k': `INCIDENT#${incidentId}`, ':p': 'OFFER#' },
    }),
  );
  return ((out.Items ?? []) as Item[]).sort((a, b) => Number(a['rank']) - Number(b['rank']));
}

/** Sends a command again on a 5xx (faults come before handlers, or the handler's writes were throttled): the status that stuck, and whether a 5xx came first. */
async function send(context: ChaosContext, path: string, body: unknown, correlationId?: string): Promise<{ status: number; body: Item; correlationId: string | undefined; retried: boolean }> {
  let retried = false;
  for (let attempt = 0; ; attempt++) {
    const res = await context.call('POST', path, body, correlationId ? { 'x-correlation-id': correlationId } : undefined);
    if (res.status < 500 || attempt === 4) return { ...res, retried };
    retried = true;
    await sleep(200 * (attempt + 1));
  }
}

async function accept(context: ChaosContext, offer: Item, correlationId: string): Promise<SagaRef | undefined> {
  const offerId = String(offer['offerId']);
  const vendorId = String(offer['vendorId']);
  const res = await send(context, `/offers/${offerId}/accept`, { vendorId }, correlationId);
  if (res.status === 202 && typeof res.body['sagaId'] === 'string') return { sagaId: res.body['sagaId'], offerId, vendorId, sure: true };
  // A 409 after a 5xx: the first attempt may have accepted it (its saga id is the offer's).
  if (res.status === 409 && res.retried) return { sagaId: assignmentSagaId(offerId), offerId, vendorId, sure: false };
  return undefined;
}

/** Per run (context): every vendor whose capacity counter disagrees with the reservations it holds, reported once. */
const capacityProblems = new WeakMap<ChaosContext, Promise<Map<string, string>>>();
const reported = new WeakMap<ChaosContext, Set<string>>();

function vendorCapacity(context: ChaosContext): Promise<Map<string, string>> {
  let found = capacityProblems.get(context);
  if (!found) {
    found = (async () => {
      const counters = new Map<string, { active: number; capacity: number }>();
      const held = new Map<string, number>();
      for await (const page of paginateScan({ client: context.doc }, { TableName: context.table('vendors'), ConsistentRead: true })) {
        for (const item of (page.Items ?? []) as Item[]) {
          if (item['sk'] === 'CAPACITY') counters.set(String(item['pk']).replace(/^VENDOR#/, ''), { active: Number(item['active']), capacity: Number(item['capacity']) });
          else if (String(item['sk']).startsWith('RESERVATION#') && item['status'] === 'HELD') held.set(String(item['vendorId']), (held.get(String(item['vendorId'])) ?? 0) + 1);
        }
      }
      const problems = new Map<string, string>();
      for (const vendorId of new Set([...counters.keys(), ...held.keys()])) {
        const counter = counters.get(vendorId) ?? { active: 0, capacity: Number.POSITIVE_INFINITY };
        const holding = held.get(vendorId) ?? 0;
        if (counter.active !== holding || counter.active > counter.capacity) problems.set(vendorId, `vendor ${vendorId}: capacity counter ${counter.active} (of ${counter.capacity}) but ${holding} reservations HELD`);
      }
      return problems;
    })();
    capacityProblems.set(context, found);
  }
  return found;
}

/** Keys seen more than once. */
const repeated = (what: string, keys: string[]): string[] => [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))].map((k) => `${what} ${k} twice`);

const flow: ChaosFlow = {
  name: 'offer-accepted',
  async start(context, n) {
    const kind = KINDS[n % KINDS.length] as Kind;
    const place = PLACES[n % PLACES.length] as { lat: number; lon: number };
    const driver = kind === 'declined' ? { driverId: DECLINED_DRIVER } : kind === 'timeout' ? { driverId: TIMEOUT_DRIVER } : {};
    const created = await send(context, '/incidents', { ...demo.body, ...driver, location: { ...demo.body.location, coordinates: { ...demo.body.location.coordinates, ...place } }, description: `chaos acceptance ${n}` });
    if (created.status !== 202 || typeof created.body['incidentId'] !== 'string' || !created.correlationId) return undefined;
    const incidentId = created.body['incidentId'];
    const correlationId = created.correlationId;
    const instance = (state: AcceptState): FlowInstance => ({ flow: 'offer-accepted', key: incidentId, correlationId, state });

    const waiting = Date.now();
    let offers: Item[] = [];
    for (let pause = 250; (offers = await offersOf(context, incidentId)).length === 0; pause = Math.min(pause * 2, 4000)) {
      // No vendor free (every vendor near it at capacity): the incident is escalated, and no offer will come.
      if (await escalated(context, incidentId)) return instance({ incidentId, kind, sagas: [], escalated: true });
      const waited = Date.now() - waiting;
      if (waited >= OFFER_WAIT_MAX_MS || (waited >= OFFER_WAIT_MS && context.backlog() === 0)) break;
      await sleep(pause);
    }
    if (!offers.length) return instance({ incidentId, kind, sagas: [], note: `no offers within ${((Date.now() - waiting) / 1000).toFixed(0)} s` });

    // The whole flow under the incident's correlation id, so its saga's messages in a DLQ explain it.
    const chosen = kind === 'race' ? offers.slice(0, 2) : offers.slice(0, 1);
    const sagas = (await Promise.all(chosen.map((o) => accept(context, o, correlationId)))).filter((s): s is SagaRef => s !== undefined);
    return instance({ incidentId, kind, sagas, ...(sagas.length < chosen.length ? { note: `${chosen.length - sagas.length} of ${chosen.length} accepts refused` } : {}) });
  },

  async check(context, instance) {
    const { incidentId, kind, sagas, note, escalated: noVendor } = instance.state as AcceptState;
    const missing: string[] = note ? [note] : [];
    const duplicates: string[] = [];
    const [events, partition] = await Promise.all([
      context.doc.send(new QueryCommand({ TableName: context.table('event-store'), KeyConditionExpression: 'aggregateId = :a', ExpressionAttributeValues: { ':a': incidentId }, ConsistentRead: true })).then((o) => (o.Items ?? []) as Item[]),
      context.doc.send(new QueryCommand({ TableName: context.table('read-models'), KeyConditionExpression: 'pk = :k AND begins_with(sk, :t)', ExpressionAttributeValues: { ':k': `INCIDENT#${incidentId}`, ':t': 'TIMELINE#' } })).then((o) => (o.Items ?? []) as Item[]),
    ]);
    duplicates.push(...repeated('timeline row for event', partition.map((t) => String(t['eventId']))));
    const assigned = events.filter((e) => e['detailType'] === 'IncidentAssigned');
    if (assigned.length > 1) duplicates.push(`IncidentAssigned ${assigned.length} times`);

    const completed: string[] = [];
    const tally: string[] = sagas.length ? [] : [noVendor ? 'no vendor free: escalated' : 'no saga'];
    for (const ref of sagas) {
      const [sagaItem, reservation, authorization] = await Promise.all([
        context.doc.send(new GetCommand({ TableName: context.table('sagas'), Key: { sagaId: ref.sagaId }, ConsistentRead: true })).then((o) => o.Item),
        context.doc.send(new GetCommand({ TableName: context.table('vendors'), Key: reservationKey(incidentId, reservationIdOf(ref.sagaId)), ConsistentRead: true })).then((o) => o.Item),
        context.doc.send(new GetCommand({ TableName: context.table('payments'), Key: authorizationKey(ref.sagaId), ConsistentRead: true })).then((o) => o.Item),
      ]);
      const state = sagaItem?.['state'] as { status: string; reason?: string; history: { step: string; phase: string; attempt: number; status: string }[] } | undefined;
      const label = `saga ${ref.sagaId}`;
      tally.push(state ? `${kind} ${state.status}${state.status === 'COMPENSATED' ? ` (${state.reason ?? ''})` : ''}` : 'saga not found');
      if (!state) {
        // Accepted for sure, the saga must exist; after a 5xx then a 409, the offer was accepted by someone else's command or not at all.
        if (ref.sure) missing.push(`${label} never started`);
        continue;
      }
      duplicates.push(...repeated(`${label} step`, state.history.map((h) => `${h.step}/${h.phase}/${h.attempt}`)));
      duplicates.push(...repeated(`${label} succeeded step`, state.history.filter((h) => h.phase === 'forward' && h.status === 'SUCCEEDED').map((h) => h.step)));
      const reservationStatus = String(reservation?.['status'] ?? 'none');
      const paymentStatus = String(authorization?.['status'] ?? 'none');
      if (state.status === 'COMPLETED') {
        completed.push(ref.sagaId);
        if (kind === 'declined' || kind === 'timeout') missing.push(`${label} COMPLETED for a driver whose card is ${kind === 'declined' ? 'declined' : 'never answered for'}`);
        if (reservationStatus !== 'HELD') missing.push(`${label} COMPLETED but its reservation is ${reservationStatus}`);
        if (paymentStatus !== 'AUTHORIZED') missing.push(`${label} COMPLETED but its payment is ${paymentStatus}`);
        const mine = assigned.filter((e) => (e['detail'] as { data?: Item } | undefined)?.data?.['sagaId'] === ref.sagaId);
        if (mine.length !== 1 || (mine[0]?.['detail'] as { data: Item }).data['vendorId'] !== ref.vendorId) missing.push(`${label} COMPLETED but the incident is not assigned to ${ref.vendorId} by it`);
      } else if (state.status === 'COMPENSATED') {
        // Everything undone: no capacity held, no hold on the card, no assignment by this saga.
        if (reservationStatus === 'HELD') missing.push(`${label} COMPENSATED (${state.reason ?? ''}) but its reservation is still HELD`);
        if (paymentStatus === 'AUTHORIZED' || paymentStatus === 'PENDING') missing.push(`${label} COMPENSATED (${state.reason ?? ''}) but its payment is still ${paymentStatus}`);
        if (assigned.some((e) => (e['detail'] as { data?: Item } | undefined)?.data?.['sagaId'] === ref.sagaId)) missing.push(`${label} COMPENSATED but the incident was assigned by it`);
      } else missing.push(`${label} ${state.status}${state.reason ? ` (${state.reason})` : ''}`);
    }
    if (completed.length > 1) duplicates.push(`${completed.length} sagas COMPLETED for one incident (${completed.join(', ')})`);
    if (completed.length === 0 && assigned.length > 0) missing.push('incident assigned though no saga of it COMPLETED');

    // Vendor capacity is shared by all instances: each disagreement is reported once, on the first instance that used the vendor.
    const problems = await vendorCapacity(context);
    const seen = reported.get(context) ?? new Set<string>();
    reported.set(context, seen);
    for (const ref of sagas) {
      const problem = problems.get(ref.vendorId);
      if (problem && !seen.has(ref.vendorId)) {
        seen.add(ref.vendorId);
        duplicates.push(problem);
      }
    }
    return { terminal: missing.length === 0, ...(missing.length ? { missing: missing.join('; ') } : {}), duplicates, tally };
  },
};

export default flow;
