// The Roadcall incident flow for the chaos run (scripts/chaos): POST /incidents, then the
// incident's events, match's offers (up to three: as many as the vendor service said were
// free when the round asked; the acceptance flow beside this one fills vendors up), a
// notification per offer and a timeline row per event. Terminal: all of them there; a
// duplicate is any of them more than once per key.
// Named in package.json `config.chaosFlows`; the assignment saga (POST
// /offers/{offerId}/accept) is accept-flow.ts beside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { gatherKey, matchingRequestId } from '../../functions/match/keys';
import type { ChaosContext, ChaosFlow, FlowInstance } from '../../scripts/chaos/flow';

const demo = JSON.parse(readFileSync(join(__dirname, '..', '..', 'functions', 'incident', 'demo-request.json'), 'utf8')) as { body: Record<string, unknown> };
/** Offers per incident at most (the demo request's location has more vendors in reach). */
const MAX_OFFERS = 3;

/**
 * Offers the round's end should have made: one per vendor the vendor service said was free,
 * up to three; 0 when it answered with an error (all near vendors full: the incident is
 * escalated); undefined while the round has not ended with vendor's answer.
 */
async function expectedOffers(context: ChaosContext, incidentId: string): Promise<number | undefined> {
  const round = (await context.doc.send(new GetCommand({ TableName: context.table('read-models'), Key: gatherKey(matchingRequestId(incidentId)), ConsistentRead: true }))).Item;
  const vendor = (round?.['answers'] as Record<string, { kind?: string; data?: { vendors?: unknown[] } }> | undefined)?.['vendor'];
  if (!round || round['status'] === 'PENDING' || !vendor) return undefined;
  if (vendor.kind === 'error') return 0;
  return Math.min(MAX_OFFERS, vendor.data?.vendors?.length ?? 0);
}
type Item = Record<string, unknown>;

async function query(context: ChaosContext, input: { index?: string; key: string; value: string; prefix?: { key: string; value: string } }): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await context.doc.send(
      new QueryCommand({
        TableName: context.table('read-models'),
        ...(input.index ? { IndexName: input.index } : {}),
        KeyConditionExpression: input.prefix ? '#k = :k AND begins_with(#p, :p)' : '#k = :k',
        ExpressionAttributeNames: { '#k': input.key, ...(input.prefix ? { '#p': input.prefix.key } : {}) },
        ExpressionAttributeValues: { ':k': input.value, ...(input.prefix ? { ':p': input.prefix.value } : {}) },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...((out.Items ?? []) as Item[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Keys seen more than once. */
const repeated = (what: string, keys: string[]): string[] => [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))].map((k) => `${what} ${k} twice`);

/** How long the chaos run's matching rounds wait for their answers (spec: 10 s). */
const CHAOS_MATCHING_DEADLINE_S = 600;

const flow: ChaosFlow = {
  name: 'incident-created',
  prepare(template) {
    const match = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties['Handler'] === 'functions/match/consumer.handler');
    if (!match) throw new Error('the template has no match consumer');
    const environment = (match.Properties['Environment'] ??= { Variables: {} }) as { Variables?: Record<string, unknown> };
    environment.Variables = { ...environment.Variables, MATCHING_DEADLINE_SECONDS: String(CHAOS_MATCHING_DEADLINE_S) };
    // Faults retry answers for minutes: the round's deadline is business policy, not what the run tests (nothing lost, nothing twice).
    return [`match consumer: MATCHING_DEADLINE_SECONDS=${CHAOS_MATCHING_DEADLINE_S} (spec 10 s), so retried answers still end the round with offers`];
  },
  async start(context, n) {
    // A 5xx means the command did not run (faults come before handlers), so it is sent again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await context.call('POST', '/incidents', { ...demo.body, description: `chaos incident ${n}` });
      if (res.status === 202 && typeof res.body['incidentId'] === 'string' && res.correlationId) return { flow: 'incident-created', key: res.body['incidentId'], correlationId: res.correlationId };
      if (res.status < 500) return undefined;
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
    return undefined;
  },
  async check(context, instance: FlowInstance) {
    const id = instance.key;
    const [events, offers, partition, expected] = await Promise.all([
      context.doc.send(new QueryCommand({ TableName: context.table('event-store'), KeyConditionExpression: 'aggregateId = :a', ExpressionAttributeValues: { ':a': id } })).then((o) => (o.Items ?? []) as Item[]),
      query(context, { index: 'gsi1', key: 'gsi1pk', value: `INCIDENT#${id}`, prefix: { key: 'gsi1sk', value: 'OFFER#' } }),
      query(context, { key: 'pk', value: `INCIDENT#${id}` }),
      expectedOffers(context, id),
    ]);
    const want = expected ?? MAX_OFFERS;
    const timeline = partition.filter((r) => String(r['sk']).startsWith('TIMELINE#'));
    const notifications = partition.filter((r) => String(r['sk']).startsWith('NOTIFICATION#'));
    const duplicates = [
      ...repeated('IncidentCreated in the event store', events.filter((e) => e['detailType'] === 'IncidentCreated').map(() => id)),
      ...(offers.length > want ? [`${offers.length} offers (expected ${want})`] : []),
      ...repeated('offer for vendor', offers.map((o) => String(o['vendorId']))),
      ...repeated('notification caused by', notifications.map((x) => `${String((x['causedBy'] as Item | undefined)?.['eventId'])}/${String(x['recipient'])}`)),
      ...repeated('timeline row for event', timeline.map((t) => String(t['eventId']))),
    ];
    const created = timeline.filter((t) => t['detailType'] === 'OfferCreated').length;
    const missing = [
      ...(events.some((e) => e['detailType'] === 'IncidentCreated') ? [] : ['IncidentCreated not stored']),
      ...(expected === undefined ? ['matching round not ended with an answer from vendor'] : []),
      ...(expected === 0 && !events.some((e) => e['detailType'] === 'IncidentEscalated') ? ['no vendor free, but the incident was not escalated'] : []),
      ...(offers.length < want ? [`${offers.length}/${want} offers`] : []),
      ...(notifications.length < want ? [`${notifications.length}/${want} notifications`] : []),
      ...((want > 0 && created < want) || !timeline.some((t) => t['detailType'] === 'IncidentCreated') ? [`timeline ${timeline.map((t) => String(t['detailType'])).join(',')}`] : []),
    ];
    const tally = [expected === undefined ? 'round not ended' : expected === 0 ? 'no vendor free: escalated' : `${expected} offer${expected === 1 ? '' : 's'}`];
    return { terminal: missing.length === 0, ...(missing.length ? { missing: missing.join('; ') } : {}), duplicates, tally };
  },
};

export default flow;
