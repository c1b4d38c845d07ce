import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { incidentPublisher, matchPublisher, matchQueue, matchQueueRoutes, type MatchQueueEvents, type MatchQueueHandlers } from '../../generated';
import { createBusPublisher } from '../../lib/bus';
import { createSqsConsumer, type ConsumerContext } from '../../lib/consumer';
import { captureOutput, deliveredEvent, lambdaContext, specExample, sqsRecord } from '../helpers/factories';

// The consumer stack fuzzed with malformed SQS records (seeded, FUZZ_SEED reproduces a run):
// bodies that are not JSON, not EventBridge events, of unknown detail-types or sources,
// valid events with fields removed, retyped or replaced. Whatever a record holds, it is
// never acknowledged silently: its handler ran, or it is reported in batchItemFailures (SQS
// retries it, then the DLQ), or its ErrorOccurred is on the errors bus naming its messageId.

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261202);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1000);
const BUSES = { EVENT_BUS_CORE: 'roadcall-events-test', EVENT_BUS_ERRORS: 'roadcall-errors-test' };

const ebClient = new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const eb = mockClient(ebClient);
let publishFails = false;

beforeEach(() => {
  captureOutput();
  eb.reset();
  eb.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
    if (publishFails) throw Object.assign(new Error('errors bus unreachable'), { name: 'InternalException', $fault: 'server' });
    return { FailedEntryCount: 0, Entries: (input.Entries ?? []).map(() => ({ EventId: randomUUID() })) };
  });
});
afterEach(() => jest.restoreAllMocks());

const handled: string[] = [];
const handlers = Object.fromEntries(
  Object.keys(matchQueueRoutes).map((detailType) => [detailType, async (event: { detail: { metadata: { eventId: string } } }) => void handled.push(event.detail.metadata.eventId)]),
) as unknown as MatchQueueHandlers<ConsumerContext>;

const consumer = createSqsConsumer<MatchQueueEvents>({
  queue: matchQueue,
  routes: matchQueueRoutes,
  handlers,
  errorEvent: matchPublisher.ErrorOccurred,
  bus: createBusPublisher({ client: ebClient, env: BUSES, sleep: async () => undefined, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } }),
  logger: new Logger({ serviceName: 'match' }),
  metrics: new Metrics({ namespace: 'RoadcallFuzz', serviceName: 'match' }),
  idempotency: false,
  env: {},
});

/** A valid IncidentCreated as match-queue receives it, to be mutated. */
const valid = (): Record<string, unknown> => deliveredEvent(incidentPublisher.IncidentCreated(specExample<{ data: Parameters<typeof incidentPublisher.IncidentCreated>[0] }>('incident', 'IncidentCreated').data, { correlationId: 'fuzz' })) as unknown as Record<string, unknown>;

/** A path into the event and what to do there. */
const mutation = fc.record({
  path: fc.constantFrom(['detail-type'], ['source'], ['detail'], ['detail', 'metadata'], ['detail', 'metadata', 'eventId'], ['detail', 'metadata', 'occurredAt'], ['detail', 'data'], ['detail', 'data', 'incidentId'], ['detail', 'data', 'location'], ['detail', 'data', 'problemType'], ['id'], ['time']),
  change: fc.oneof(fc.constant<'delete'>('delete'), fc.jsonValue().map((value) => ({ value }))),
});

function mutate(event: Record<string, unknown>, path: readonly string[], change: 'delete' | { value: unknown }): Record<string, unknown> {
  const copy = structuredClone(event);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) return copy;
    node = next as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (change === 'delete') delete node[last];
  else node[last] = change.value;
  return copy;
}

const bodies: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([ms]) => ms.reduce((e, m) => mutate(e, m.path, m.change), valid())) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 2, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: fc.constant(null).map(() => valid()) },
);

it(`never acknowledges one of ${RUNS} malformed or mutated records silently`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(bodies, { minLength: 1, maxLength: 5 }), fc.boolean(), async (batchBodies, errorsBusDown) => {
      publishFails = errorsBusDown;
      handled.length = 0;
      eb.resetHistory();
      const records: SQSRecord[] = batchBodies.map((b) => sqsRecord(b, { queueArn: 'arn:aws:sqs:us-east-1:123456789012:match-queue' }));
      const response = await consumer({ Records: records }, lambdaContext({ functionName: 'match-consumer-fuzz' }));
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      const reported = new Set(
        publishFails
          ? []
          : eb
              .commandCalls(PutEventsCommand)
              .flatMap((c) => c.args[0].input.Entries ?? [])
              .filter((e) => e.DetailType === 'ErrorOccurred')
              .map((e) => (JSON.parse(e.Detail ?? '{}') as { data: { context: { messageId?: string } } }).data.context.messageId),
      );
      for (const record of records) {
        const eventId = (() => {
          try {
            return (JSON.parse(record.body) as { detail?: { metadata?: { eventId?: unknown } } } | null)?.detail?.metadata?.eventId;
          } catch {
            return undefined;
          }
        })();
        const ran = typeof eventId === 'string' && handled.includes(eventId);
        const accountedFor = ran || failed.has(record.messageId) || reported.has(record.messageId);
        if (!accountedFor) throw new Error(`record acknowledged silently: ${record.body.slice(0, 300)}`);
        // With the errors bus down, nothing rejected may be acknowledged: it must fall back to SQS retries.
        if (publishFails && !ran && !failed.has(record.messageId)) throw new Error(`rejected while the errors bus was down, yet acknowledged: ${record.body.slice(0, 300)}`);
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
}, 600_000);
