import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { incidentPublisher } from '../../generated';
import { backoffDelay } from '../../lib/backoff';
import { retryDelay, createBusPublisher, PublishFailedError, PublishRefusedError, type BusPublisherOptions } from '../../lib/bus';
import { ConfigMissingError } from '../../lib/config';
import { entrySize, PUT_EVENTS_MAX_BYTES, toPutEventsEntry, type OutgoingEvent } from '../../lib/envelope';
import { specExample } from '../helpers/factories';

// Publisher adapter tests: PutEvents is mocked with aws-sdk-client-mock, sleep and random
// are injected so retries run instantly and their delays can be asserted.

const client = new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const eb = mockClient(client);
const sleeps: number[] = [];
const ENV = { EVENT_BUS_CORE: 'core-bus-test', EVENT_BUS_ERRORS: 'errors-bus-test' };

function publisher(options: Partial<BusPublisherOptions> = {}) {
  return createBusPublisher({ client, env: ENV, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, ...options });
}

/** A generic envelope event; `pad` grows its Detail. */
function event(n: number, pad = 0, overrides: Partial<OutgoingEvent> = {}): OutgoingEvent {
  return {
    source: 'test.source',
    detailType: 'Thing',
    bus: 'core',
    busName: 'core-bus',
    detail: { metadata: { eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, occurredAt: '2026-01-02T03:04:05.000Z' }, data: { pad: 'x'.repeat(pad) } },
    ...overrides,
  };
}

/** Resolves every call with one EventId per entry, failing the entries `fail` picks. */
function answer(fail: (entry: PutEventsRequestEntry, call: number) => string | undefined = () => undefined) {
  let call = 0;
  eb.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
    call++;
    const entries = (input.Entries ?? []).map((entry) => {
      const code = fail(entry, call);
      return code ? { ErrorCode: code, ErrorMessage: `${code} for ${idOf(entry)}` } : { EventId: `eb-${idOf(entry)}` };
    });
    return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
  });
}

/** The first example of a message in the Roadcall spec. */
const example = specExample;

const idOf = (entry: PutEventsRequestEntry): string => (JSON.parse(entry.Detail ?? '{}') as { metadata: { eventId: string } }).metadata.eventId;
const calls = () => eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);

beforeEach(() => {
  eb.reset();
  sleeps.length = 0;
});

describe('envelope -> PutEvents entry', () => {
  it('maps source, detail-type, detail, bus name, resources, time from occurredAt and the X-Ray trace header', () => {
    const { data } = example<{ data: Parameters<typeof incidentPublisher.IncidentStatusChanged>[0] }>('incident', 'IncidentStatusChanged');
    const built = incidentPublisher.IncidentStatusChanged(data, { occurredAt: '2025-03-14T09:12:05.000Z', resources: ['arn:aws:incident/1'] });
    const entry = toPutEventsEntry(built, { eventBusName: 'roadcall-events-dev', traceHeader: 'Root=1-abc' });
    expect(entry).toEqual({
      Source: 'roadcall.incident',
      DetailType: 'IncidentStatusChanged',
      Detail: JSON.stringify(built.detail),
      EventBusName: 'roadcall-events-dev',
      Resources: ['arn:aws:incident/1'],
      Time: new Date('2025-03-14T09:12:05.000Z'),
      TraceHeader: 'Root=1-abc',
    });
  });

  it('counts the size the way AWS documents it: Time 14 bytes, UTF-8 bytes of Source, DetailType, Detail and each Resource, not EventBusName', () => {
    const entry = { Source: 'src', DetailType: 'Tÿpe', Detail: '{"a":"€"}', Resources: ['r1', 'ré'], EventBusName: 'a-very-long-bus-name', Time: new Date() };
    expect(entrySize(entry)).toBe(14 + 3 + 5 + 11 + 2 + 3);
    expect(entrySize({ ...entry, Time: undefined })).toBe(3 + 5 + 11 + 2 + 3);
  });
});

describe('bus publisher', () => {
  it('sends exactly 10 entries in one call and the 11th in a second one', async () => {
    answer();
    await publisher().publish(Array.from({ length: 10 }, (_, i) => event(i)));
    expect(calls().map((c) => c.length)).toEqual([10]);
    eb.resetHistory();
    const published = await publisher().publish(Array.from({ length: 11 }, (_, i) => event(i)));
    expect(calls().map((c) => c.length)).toEqual([10, 1]);
    expect(published.map((p) => p.eventId)).toEqual(Array.from({ length: 11 }, (_, i) => `eb-${idOf({ Detail: JSON.stringify(event(i).detail) })}`));
  });

  it('splits at the 256 KiB size limit: entries summing to exactly the limit share a call, one byte more does not', async () => {
    answer();
    const base = entrySize(toPutEventsEntry(event(0), { eventBusName: 'x' }));
    const half = PUT_EVENTS_MAX_BYTES / 2;
    const exact = [event(1, half - base), event(2, half - base)];
    expect(exact.map((e) => entrySize(toPutEventsEntry(e, { eventBusName: 'x' })))).toEqual([half, half]);
    await publisher().publish(exact);
    expect(calls().map((c) => c.length)).toEqual([2]);
    eb.resetHistory();
    await publisher().publish([event(1, half - base), event(2, half - base + 1), event(3)]);
    expect(calls().map((c) => c.length)).toEqual([1, 2]);
  });

  it('refuses an oversized entry before sending anything, naming it and its size', async () => {
    answer();
    const base = entrySize(toPutEventsEntry(event(0), { eventBusName: 'x' }));
    const error = await publisher()
      .publish([event(1), event(2, PUT_EVENTS_MAX_BYTES - base + 1)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishRefusedError);
    expect((error as PublishRefusedError).refused).toEqual([expect.objectContaining({ index: 1, detailType: 'Thing', envelopeEventId: '00000000-0000-4000-8000-000000000002', reason: `entry is ${PUT_EVENTS_MAX_BYTES + 1} bytes, PutEvents accepts at most ${PUT_EVENTS_MAX_BYTES}` })]);
    expect(calls()).toEqual([]);
  });

  it('refuses invalid events (detail not an object, not serialisable, empty detail-type) before sending', async () => {
    answer();
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    const error = (await publisher()
      .publish([event(1, 0, { detail: [1, 2] }), event(2, 0, { detail: circular }), event(3, 0, { detailType: '' }), event(4)])
      .catch((e: unknown) => e)) as PublishRefusedError;
    expect(error).toBeInstanceOf(PublishRefusedError);
    expect(error.refused.map((r) => [r.index, r.reason])).toEqual([
      [0, 'detail of Thing must be a JSON object'],
      [1, expect.stringContaining('detail of Thing is not serialisable to JSON')],
      [2, 'detail-type is empty'],
    ]);
    expect(calls()).toEqual([]);
  });

  it('retries only the entries that failed with a retryable code, with backoff', async () => {
    answer((entry, call) => (call === 1 && ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003'].includes(idOf(entry)) ? (idOf(entry).endsWith('1') ? 'InternalFailure' : 'ThrottlingException') : undefined));
    const published = await publisher().publish([event(0), event(1), event(2), event(3)]);
    expect(calls().map((c) => c.map(idOf))).toEqual([
      ['00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'],
      ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003'],
    ]);
    expect(published.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    expect(sleeps).toEqual([50]); // full jitter: 0.5 * min(5000, 100 * 2^0)
  });

  it('does not retry entries failing with a non-retryable code and reports them', async () => {
    answer((entry) => (idOf(entry).endsWith('1') ? 'NotAuthorizedForSourceException' : undefined));
    const error = (await publisher()
      .publish([event(0), event(1)])
      .catch((e: unknown) => e)) as PublishFailedError;
    expect(error).toBeInstanceOf(PublishFailedError);
    expect(calls()).toHaveLength(1);
    expect(error.unsent).toEqual([expect.objectContaining({ index: 1, errorCode: 'NotAuthorizedForSourceException', attempts: 1 })]);
    expect(error.published.map((p) => p.index)).toEqual([0]);
  });

  it('retries a throttled call (ThrottlingException, 5xx) with exponential backoff', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    const unavailable = Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } });
    eb.on(PutEventsCommand).rejectsOnce(throttled).rejectsOnce(unavailable).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
    await expect(publisher().publish(event(1))).resolves.toEqual([expect.objectContaining({ eventId: 'eb-1', index: 0 })]);
    expect(calls()).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]);
  });

  it('does not retry a call failing with a client error', async () => {
    eb.on(PutEventsCommand).rejects(Object.assign(new Error('Event bus x does not exist.'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }));
    const error = (await publisher()
      .publish([event(1), event(2)])
      .catch((e: unknown) => e)) as PublishFailedError;
    expect(calls()).toHaveLength(1);
    expect(error.unsent.map((u) => [u.index, u.errorCode])).toEqual([
      [0, 'ResourceNotFoundException'],
      [1, 'ResourceNotFoundException'],
    ]);
  });

  it('after the last attempt throws a typed error naming every unsent entry with its code and message', async () => {
    answer((entry) => (idOf(entry).endsWith('2') ? undefined : 'InternalFailure'));
    const error = (await publisher({ retry: { maxAttempts: 3 } })
      .publish([event(1), event(2), event(3)])
      .catch((e: unknown) => e)) as PublishFailedError;
    expect(error).toBeInstanceOf(PublishFailedError);
    expect(error.code).toBe('BUS_PUBLISH_FAILED');
    expect(error.unsent).toEqual([
      { index: 0, source: 'test.source', detailType: 'Thing', bus: 'core', envelopeEventId: '00000000-0000-4000-8000-000000000001', errorCode: 'InternalFailure', errorMessage: 'InternalFailure for 00000000-0000-4000-8000-000000000001', attempts: 3 },
      { index: 2, source: 'test.source', detailType: 'Thing', bus: 'core', envelopeEventId: '00000000-0000-4000-8000-000000000003', errorCode: 'InternalFailure', errorMessage: 'InternalFailure for 00000000-0000-4000-8000-000000000003', attempts: 3 },
    ]);
    expect(error.published.map((p) => p.eventId)).toEqual(['eb-00000000-0000-4000-8000-000000000002']);
    expect(error.message).toContain('00000000-0000-4000-8000-000000000001');
    expect(error.message).toContain('00000000-0000-4000-8000-000000000003');
    expect(calls().map((c) => c.length)).toEqual([3, 2, 2]);
    expect(sleeps).toEqual([50, 100]);
  });

  it('resolves the deployed bus name from EVENT_BUS_<KEY>, lets tests override it, and fails loudly naming a missing variable', async () => {
    answer();
    await publisher().publish([event(1), event(2, 0, { bus: 'errors' })]);
    expect(calls()[0]?.map((e) => e.EventBusName)).toEqual(['core-bus-test', 'errors-bus-test']);
    eb.resetHistory();
    await publisher({ busNames: { core: 'override' } }).publish(event(1));
    expect(calls()[0]?.[0]?.EventBusName).toBe('override');
    const error = await publisher({ env: {} })
      .publish(event(1))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigMissingError);
    expect((error as ConfigMissingError).message).toContain('EVENT_BUS_CORE');
  });

  it('propagates the X-Ray trace header of the current invocation', async () => {
    answer();
    await publisher({ env: { ...ENV, _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' } }).publish(event(1));
    expect(calls()[0]?.[0]?.TraceHeader).toBe('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
  });

  it('backoff is full jitter under an exponential, capped ceiling', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((r) => retryDelay(r, policy, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(retryDelay(3, policy, () => 0)).toBe(0);
  });

  it('one backoff formula: exponential, capped, with full, equal or no jitter, finite for any retry', () => {
    const b = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((r) => backoffDelay(r, { ...b, jitter: 'none' }))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(3, { ...b, jitter: 'equal' }, () => 0)).toBe(200);
    expect(backoffDelay(3, { ...b, jitter: 'equal' }, () => 0.999)).toBe(399);
    expect(backoffDelay(4, b, () => 0.5)).toBe(400);
    expect(backoffDelay(10_000, { ...b, jitter: 'none' })).toBe(1000);
    expect(backoffDelay(0, { ...b, jitter: 'none' })).toBe(100);
  });
});
