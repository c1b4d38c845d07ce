import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import type { IncidentCreatedData, OfferAcceptedData } from '../../generated';
import { assignmentSagaSpec } from '../../generated/sagas/match';
import { makeHandlers as errorsHandlers } from '../../functions/errors/consumer';
import { makeHandlers as incidentHandlers } from '../../functions/incident/consumer';
import type { IncidentEvent } from '../../functions/incident/domain';
import { createIncidents } from '../../functions/incident/store';
import { makeHandlers as matchHandlers } from '../../functions/match/consumer';
import { gatherKey, createMatchingRunner } from '../../functions/match/matching';
import { assignmentSaga, createAssignmentRunner } from '../../functions/match/saga';
import { createOfferStore } from '../../functions/match/store';
import { makeHandlers as notificationsHandlers } from '../../functions/notifications/consumer';
import { makeHandlers as paymentsHandlers } from '../../functions/payments/consumer';
import { createFakeProcessor } from '../../functions/payments/processor';
import { makeHandlers as pricingHandlers } from '../../functions/pricing/consumer';
import { makeHandlers as reportingHandlers } from '../../functions/reporting/consumer';
import { makeHandlers as trackingHandlers } from '../../functions/tracking/consumer';
import { makeHandlers as vendorHandlers } from '../../functions/vendor/consumer';
import { vendors } from '../../functions/vendor/directory';
import { inMemoryVendorDirectory } from '../../functions/vendor/directory-store';
import { createEventStore } from '../../lib/event-store';
import { createDynamoDbGatherStore } from '../../lib/gather';
import { createInMemoryReadModel } from '../../lib/read-model';
import { createDynamoDbSagaStore, startSaga, type SagaEvent, type SagaStore } from '../../lib/saga';
import { contract, coverageReport, createEmitRecorder, runContract, type ContractOptions, examplesOf, formatCoverage, outboxTableSent, receiveOperations, recordedRuns, writeContractCoverage, type ContractHarness, type EmitRecorder } from '../../lib/testing';
import type { ConsumerContext } from '../../lib/consumer';
import type { OutgoingEvent } from '../../lib/envelope';
import { projectSpec as spec } from '../helpers/contract-spec';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';
import { inMemoryAuthorizationStore, inMemoryReservationStore } from '../helpers/participant-stores';
import { inMemoryPaymentStore } from '../helpers/payments-stores';
import { inMemoryAvailabilityStore, inMemoryReplies } from '../helpers/responder-stores';
import { createTableLike } from '../helpers/tables';
import { inMemorySessionStore } from '../helpers/tracking-session-store';

// Roadcall's contract tests through lib/testing: every example of every message each queue
// receives goes through the service's real handler map (makeHandlers over in-memory fakes,
// or over DynamoDB Local for incident and match, whose stores have no in-memory twin); each
// is accepted, and everything it sends is a valid spec event the service declares. The test
// list comes from the catalog: a receive operation added to the spec is tested here without
// a new line, and the last test fails while any is not exercised.
//
// What "accepts" means where an example finds no state (documented per message in `accepts`,
// and shown in .test-out/contract-coverage.txt): a handler that ignores an event it cannot
// apply must say so in a log line (checked); one that throws does not accept it.

const now = (): string => '2026-12-03T10:00:00.000Z';
type Handlers = ContractHarness<ConsumerContext>['handlers'];

/** An in-memory harness: the recorder's context, and the fakes' outboxes as what was sent. */
function inMemory(recorder: EmitRecorder, handlers: object, ...outboxes: { sent: readonly { detailType: string; source: string; detail: unknown }[] }[]): ContractHarness<ConsumerContext> {
  return {
    handlers: handlers as Handlers,
    context: (event) => recorder.context(event),
    sent: () => [...recorder.sent, ...outboxes.flatMap((o) => o.sent)],
    logs: () => recorder.takeLogs(),
  };
}

// ---- DynamoDB Local (incident, match), started on first use ----
let ddb: Promise<{ local: DynamoDbLocal; doc: DynamoDBDocumentClient }> | undefined;
const dynamo = (): Promise<{ local: DynamoDbLocal; doc: DynamoDBDocumentClient }> =>
  (ddb ??= startDynamoDbLocal().then((local) => ({ local, doc: DynamoDBDocumentClient.from(local.client, { marshallOptions: { removeUndefinedValues: true } }) })));

afterAll(async () => {
  if (!ddb) return;
  const { local, doc } = await ddb;
  doc.destroy();
  await local.stop();
});

// A saga reply (or step timer) names its saga; one for a saga that does not exist is thrown on purpose (lib/saga: it cannot
// precede its saga, so it goes to the DLQ). So each runs against a saga that exists: the given starts the assignment saga
// from the OfferAccepted example under the reply's sagaId and correlationId (once; later replies find it where the
// earlier ones left it).
// Accepted then means: advanced, or ignored with a log when the saga's step does not wait for it (out of order, duplicate).
const saga = { note: 'runs against the assignment saga started from the OfferAccepted example under its sagaId; a reply out of order is ignored with a log' };
let sagaStore: SagaStore | undefined;
/** What reaches the saga from its spec (x-sagas, generated): every step's replies, its compensations' replies and its step timer. */
const sagaInputs: string[] = [assignmentSagaSpec.timeout, ...assignmentSagaSpec.steps.flatMap((s): readonly string[] => [...s.success, ...s.failure, ...('compensation' in s ? s.compensation.reply : [])])];
const sagaExists = async (event: { detail: unknown }): Promise<void> => {
  const { metadata, data } = event.detail as { metadata: { correlationId: string }; data: { sagaId?: string } };
  const { sagaId } = data;
  if (!sagaId || !sagaStore || (await sagaStore.load(sagaId))) return;
  const trigger = (await examplesOf(spec))['OfferAccepted']?.[0] as SagaEvent<OfferAcceptedData>['detail'];
  const { state } = startSaga(assignmentSaga(), { detailType: 'OfferAccepted', detail: trigger }, Date.parse(now()));
  // A participant's reply carries the correlation of the saga's command: the saga is the reply's flow.
  await sagaStore.save({ ...state, sagaId, correlationId: metadata.correlationId }, []);
};
const answer = { note: 'an answer for a matching round that is not open is ignored with a log', log: /matching answer ignored|matching round/ };

let incidents: ReturnType<typeof createIncidents> | undefined;
/** Every incident event is about an incident: it exists (created from the IncidentCreated example, under the example's incidentId). */
const incidentExists = async (event: { detail: unknown }): Promise<void> => {
  const { incidentId } = (event.detail as { data: { incidentId?: string } }).data;
  if (!incidentId) return;
  const created = ((await examplesOf(spec))['IncidentCreated']?.[0] as { data: IncidentCreatedData }).data;
  await incidents?.decide(incidentId, {}, (state) => (state ? [] : [{ type: 'IncidentCreated', data: { ...created, incidentId } } as IncidentEvent]));
};

contract('incident', {
  spec,
  async setup() {
    const { local, doc } = await dynamo();
    await createTableLike(local.client, 'EventStoreTable', 'contract-incident-events');
    await createTableLike(local.client, 'OutboxTable', 'contract-incident-outbox');
    incidents = createIncidents(createEventStore({ doc, table: 'contract-incident-events', outboxTable: 'contract-incident-outbox' }));
    const recorder = createEmitRecorder({ service: 'incident', queue: 'incident-queue' });
    return {
      handlers: incidentHandlers({ incidents, now }) as unknown as Handlers,
      context: (event) => recorder.context(event),
      sent: () => outboxTableSent(doc, 'contract-incident-outbox'),
      logs: () => recorder.takeLogs(),
    };
  },
  given: Object.fromEntries((spec.catalog.queues.find((q) => q.service === 'incident')?.messages ?? []).map((m) => [m.message, incidentExists])),
  sends: {
    AssignIncident: ['IncidentAssigned', 'IncidentStatusChanged'],
    VendorArrived: ['IncidentStatusChanged'],
    // The examples' offers leave others open (remainingActiveOffers > 0): no escalation on them; a failed matching escalates.
    OfferDeclined: [],
    OfferExpired: [],
    MatchingFailed: ['IncidentEscalated', 'IncidentStatusChanged'],
  },
});

contract('match', {
  spec,
  async setup() {
    const { local, doc } = await dynamo();
    const tables = { readModel: 'contract-match-read-models', outbox: 'contract-match-outbox', sagas: 'contract-match-sagas' };
    await createTableLike(local.client, 'ReadModelTable', tables.readModel);
    await createTableLike(local.client, 'OutboxTable', tables.outbox);
    await createTableLike(local.client, 'SagaTable', tables.sagas);
    // The offer store reads its tables and endpoint from the environment, as deployed.
    Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: local.endpoint, READ_MODEL_TABLE: tables.readModel, OUTBOX_TABLE: tables.outbox, SAGA_TABLE: tables.sagas });
    const recorder = createEmitRecorder({ service: 'match', queue: 'match-queue' });
    const clock = (): Date => new Date(now());
    sagaStore = createDynamoDbSagaStore({ doc, table: tables.sagas, outboxTable: tables.outbox });
    const sagas = createAssignmentRunner({ store: sagaStore, timers: recorder.timers, now: () => clock().getTime() });
    const matching = createMatchingRunner({
      store: createDynamoDbGatherStore({ doc, table: tables.readModel, outboxTable: tables.outbox, key: gatherKey }),
      timers: recorder.timers,
      table: () => tables.readModel,
      offerTtlSeconds: () => 120,
      now: () => clock().getTime(),
    });
    const handlers = matchHandlers({ offers: createOfferStore(clock), sagas: () => sagas, matching: () => matching, timers: recorder.timers, now: clock });
    return {
      handlers: handlers as unknown as Handlers,
      context: (event) => recorder.context(event),
      // Outbox rows (offers, saga commands, round requests) and timers (offer expiry, step timeouts, round deadline).
      sent: async () => [...(await outboxTableSent(doc, tables.outbox)), ...recorder.sent],
      logs: () => recorder.takeLogs(),
    };
  },
  given: Object.fromEntries(sagaInputs.map((m) => [m, sagaExists])),
  accepts: {
    ...Object.fromEntries(sagaInputs.map((m) => [m, saga])),
    VendorAvailabilityError: answer,
    PriceQuoteError: answer,
    EtaError: answer,
  },
  sends: {
    // A new incident opens its matching round: one request per responder, and the round's deadline timer.
    IncidentCreated: ['VendorAvailabilityRequested', 'PriceQuoteRequested', 'EtaRequested', 'MatchingDeadlineElapsed'],
    // An accepted offer starts the assignment saga: its first command, and that step's timer.
    OfferAccepted: ['ReserveVendor', 'SagaStepTimedOut'],
  },
});

contract('vendor', {
  spec,
  setup() {
    const recorder = createEmitRecorder({ service: 'vendor', queue: 'vendor-queue' });
    const reservations = inMemoryReservationStore();
    const availability = inMemoryAvailabilityStore();
    return inMemory(recorder, vendorHandlers({ reservations, availability, directory: inMemoryVendorDirectory(vendors), now }), reservations, availability);
  },
  sends: { ReleaseVendor: ['VendorReleased'], IncidentCancelled: [], WorkCompleted: [] },
});

contract('pricing', {
  spec,
  setup() {
    const recorder = createEmitRecorder({ service: 'pricing', queue: 'pricing-queue' });
    const replies = inMemoryReplies();
    return inMemory(recorder, pricingHandlers({ replies, now }), replies);
  },
  sends: { PriceQuoteRequested: ['PriceQuoteResponse'] },
});

contract('tracking', {
  spec,
  setup() {
    const recorder = createEmitRecorder({ service: 'tracking', queue: 'tracking-queue' });
    const replies = inMemoryReplies();
    const sessions = inMemorySessionStore();
    return inMemory(recorder, trackingHandlers({ replies, sessions, now }), replies, sessions);
  },
  sends: { EtaRequested: ['EtaResponse'], IncidentAssigned: ['TrackingStarted'] },
});

contract('payments', {
  spec,
  setup() {
    const recorder = createEmitRecorder({ service: 'payments', queue: 'payment-approval-queue' });
    const authorizations = inMemoryAuthorizationStore();
    const payments = inMemoryPaymentStore();
    const handlers = paymentsHandlers({ authorizations, payments, processor: createFakeProcessor(), autoApproveCents: () => 50_000, now, sleep: async () => undefined });
    return inMemory(recorder, handlers, authorizations, payments);
  },
  accepts: { PaymentApproved: { note: 'an approval of a payment that is not waiting for capture (unknown here) is ignored with a log', log: /payment not waiting for capture/ } },
  sends: { AuthorizePayment: ['PaymentAuthorized'], VoidPaymentAuthorization: ['PaymentAuthorizationVoided'] },
});

for (const [service, make] of [['notifications', notificationsHandlers], ['reporting', reportingHandlers], ['errors', errorsHandlers]] as const) {
  contract(service, {
    spec,
    setup() {
      const recorder = createEmitRecorder({ service });
      const readModel = createInMemoryReadModel();
      return inMemory(recorder, make({ readModel, now }));
    },
  });
}

describe('the harness on Roadcall handlers', () => {
  const pricing = (replies: { reply: (e: OutgoingEvent) => Promise<boolean> }, sent: () => readonly OutgoingEvent[]): ContractOptions<ConsumerContext> => ({
    spec,
    setup: () => {
      const recorder = createEmitRecorder({ service: 'pricing' });
      return { handlers: pricingHandlers({ replies, now }) as unknown as Handlers, context: (event) => recorder.context(event), sent };
    },
  });

  it('fails a handler whose reply loses a required field on the way to the outbox', async () => {
    const replies = inMemoryReplies();
    const lossy = { reply: (e: OutgoingEvent) => replies.reply({ ...e, detail: { ...(e.detail as { data: object }), data: { ...(e.detail as { data: object }).data, quoteId: undefined } } }) };
    const [result] = await runContract('pricing', pricing(lossy, () => replies.sent));
    expect(result?.examples[0]?.failures).toEqual(['sent PriceQuoteResponse (source roadcall.pricing): does not match its schema: /data missing required property "quoteId"']);
  });

  it('fails a handler that sends an event its service does not declare', async () => {
    const replies = inMemoryReplies();
    const foreign = { reply: (e: OutgoingEvent) => replies.reply({ ...e, source: 'roadcall.vendor', detailType: 'VendorAvailabilityError' }) };
    const [result] = await runContract('pricing', pricing(foreign, () => replies.sent));
    expect(result?.examples[0]?.failures[0]).toBe('sent VendorAvailabilityError (source roadcall.vendor): pricing does not declare that it sends VendorAvailabilityError (its sends: PriceQuoteResponse, PriceQuoteError, ErrorOccurred)');
  });
});

describe('contract coverage', () => {
  it('covers every Roadcall receive operation of the catalog, and the report written under .test-out says so', () => {
    const declared = receiveOperations(spec.catalog).map((o) => o.operationId);
    const report = coverageReport(spec.catalog);
    if (report.uncovered.length || report.failing.length) throw new Error(`receive operations not covered by a passing contract:\n${formatCoverage(report)}`);
    expect(report.covered).toBe(declared.length);
    expect(recordedRuns().map((r) => r.operationId).sort()).toEqual([...declared].sort());

    const written = writeContractCoverage();
    const onDisk = JSON.parse(readFileSync(written.json, 'utf8')) as { declared: number; covered: number; uncovered: string[] };
    expect(onDisk).toMatchObject({ declared: declared.length, covered: declared.length, uncovered: [] });
    expect(readFileSync(written.text, 'utf8')).toContain(`${declared.length}/${declared.length} receive operations exercised`);
  });
});
