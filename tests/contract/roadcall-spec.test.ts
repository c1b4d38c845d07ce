import { resolve } from 'node:path';
import * as generated from '../../generated';
import catalog from '../../generated/catalog.json';
import { loadSpec } from '../../scripts/codegen/load';
import { SpecLocator } from '../../scripts/codegen/locate';
import { buildModel, type MessageModel, type SpecModel } from '../../scripts/codegen/model';

// Contract tests of the Roadcall spec through the committed generated code: every
// example validates, round-trips through its publisher, and is dispatched by every queue
// that receives it; mutated examples are rejected at the right path.

const SPEC = resolve(__dirname, '../../asyncapi/asyncapi.yaml');
type Json = Record<string, unknown>;
type Validate = (input: unknown) => generated.ValidationResult<unknown>;
type Builder = (data: unknown, context?: generated.EventContext) => generated.BuiltEvent<string, unknown>;

const validators = generated.validators as unknown as Record<string, Validate>;
const definitions = catalog.schemas as unknown as Record<string, Json>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function deref(schema: Json): Json {
  const ref = schema['$ref'];
  return typeof ref === 'string' ? deref(definitions[ref.replace('#/definitions/', '')] as Json) : schema;
}

function dataSchema(message: MessageModel): Json {
  const payload = deref(definitions[message.typeName as string] as Json);
  return deref((payload['properties'] as Json)['data'] as Json);
}

function publisherOf(service: string): Record<string, Builder> {
  return (generated as unknown as Record<string, Record<string, Builder>>)[`${service}Publisher`] as Record<string, Builder>;
}

function asEventBridgeEvent(message: MessageModel, detail: unknown): generated.EventBridgeEvent {
  return {
    version: '0',
    id: '2f0b4ae8-6d3a-4c8f-9b1e-7a5c3d2e1f00',
    'detail-type': message.eventbridge?.detailType as string,
    source: message.eventbridge?.source as string,
    account: '000000000000',
    time: '2026-11-22T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

let model: SpecModel;
let messages: MessageModel[];

beforeAll(async () => {
  const { document } = await loadSpec(SPEC);
  model = buildModel(document, new SpecLocator(SPEC));
  messages = model.messages;
});

describe('the Roadcall spec', () => {
  it('gives every message an example, an EventBridge route, a scope, a producer and the envelope', () => {
    expect(messages.length).toBeGreaterThanOrEqual(40);
    for (const m of messages) {
      expect({ m: m.name, examples: m.examples.length > 0, eb: !!m.eventbridge, scope: !!m.scope, producers: m.producers.length > 0, envelope: m.envelope }).toEqual({
        m: m.name, examples: true, eb: true, scope: true, producers: true, envelope: true,
      });
    }
  });

  it('declares every queue with a DLQ, 3 receives and the seed 004 retention', () => {
    expect(catalog.queues.length).toBeGreaterThanOrEqual(8);
    for (const q of catalog.queues) {
      expect(q).toMatchObject({ maxReceiveCount: 3, visibilityTimeout: 300, messageRetentionPeriod: 345600, dlqMessageRetentionPeriod: 1209600 });
      expect(q.dlq).toMatch(/-dlq$/);
    }
  });

  it('routes ErrorOccurred on the errors bus and everything else on the core bus', () => {
    for (const m of messages) expect([m.name, m.eventbridge?.bus]).toEqual([m.name, m.name === 'ErrorOccurred' ? 'errors' : 'core']);
  });
});

describe('every Roadcall example', () => {
  it('validates with the generated validator and survives a JSON round trip', () => {
    for (const m of messages) {
      for (const ex of m.examples) {
        expect([m.name, validators[m.name]?.(ex.payload).ok]).toEqual([m.name, true]);
        expect(validators[m.name]?.(clone(ex.payload))).toEqual({ ok: true, value: ex.payload });
      }
    }
  });

  it('is rebuilt byte for byte by the typed publisher of each producing service', () => {
    for (const m of messages) {
      for (const ex of m.examples) {
        const { metadata, data } = ex.payload as { metadata: Json; data: unknown };
        for (const service of m.producers) {
          const built = publisherOf(service)[m.name]?.(data, {
            eventId: metadata['eventId'] as string,
            correlationId: metadata['correlationId'] as string,
            occurredAt: metadata['occurredAt'] as string,
            producer: metadata['producer'] as string,
            ...(metadata['causationId'] ? { causationId: metadata['causationId'] as string } : {}),
            ...(metadata['aggregateId'] ? { aggregateId: metadata['aggregateId'] as string } : {}),
            ...(metadata['sequence'] ? { sequence: metadata['sequence'] as number } : {}),
          });
          expect([m.name, service, built?.source, built?.detailType]).toEqual([m.name, service, m.eventbridge?.source, m.eventbridge?.detailType]);
          expect(built?.detail).toEqual({ metadata: { ...metadata, occurredAt: new Date(metadata['occurredAt'] as string).toISOString() }, data });
        }
      }
    }
  });

  it('is rejected once mutated, with the path and keyword of the mutation', () => {
    for (const m of messages) {
      const validate = validators[m.name] as Validate;
      const schema = dataSchema(m);
      const required = (schema['required'] as string[] | undefined) ?? [];
      const props = (schema['properties'] as Json | undefined) ?? {};
      const payload = m.examples[0]?.payload as { metadata: Json; data: Json };

      const noEventId = clone(payload);
      delete noEventId.metadata['eventId'];
      expect(validate(noEventId)).toEqual({ ok: false, errors: [expect.objectContaining({ path: '/metadata', keyword: 'required', params: { missingProperty: 'eventId' } })] });

      const badUuid = clone(payload);
      badUuid.metadata['eventId'] = 'not-a-uuid';
      expect(validate(badUuid)).toEqual({ ok: false, errors: [expect.objectContaining({ path: '/metadata/eventId', keyword: 'format' })] });

      for (const field of required) {
        const missing = clone(payload);
        delete missing.data[field];
        const result = validate(missing);
        expect([m.name, field, !result.ok && result.errors.some((e) => e.path === '/data' && e.keyword === 'required' && e.params['missingProperty'] === field)]).toEqual([m.name, field, true]);
      }
      for (const [field, raw] of Object.entries(props)) {
        const prop = deref(raw as Json);
        if (prop['type'] !== 'string' || !(field in payload.data)) continue;
        const wrong = clone(payload);
        wrong.data[field] = 42;
        const result = validate(wrong);
        expect([m.name, field, !result.ok && result.errors.some((e) => e.path === `/data/${field}` && e.keyword === 'type')]).toEqual([m.name, field, true]);
      }
    }
  });
});

describe('generated consumers', () => {
  const queues = (): { name: string; service: string; messages: { message: string }[] }[] => catalog.queues;
  const routesOf = (queue: string): Record<string, generated.Route> => {
    const key = Object.keys(generated).find((k) => k.endsWith('Routes') && (generated as unknown as Record<string, unknown>)[k.replace(/Routes$/, '')] && ((generated as unknown as Record<string, { name?: string }>)[k.replace(/Routes$/, '')]?.name === queue));
    return (generated as unknown as Record<string, Record<string, generated.Route>>)[key as string] as Record<string, generated.Route>;
  };

  it('dispatch every example to its handler on every queue that receives it', async () => {
    for (const q of queues()) {
      const routes = routesOf(q.name);
      expect(Object.keys(routes).length).toBe(q.messages.length);
      const seen: string[] = [];
      const handlers = Object.fromEntries(Object.keys(routes).map((dt) => [dt, (e: generated.EventBridgeEvent) => void seen.push(`${dt}:${(e.detail as { metadata: { eventId: string } }).metadata.eventId}`)]));
      for (const { message } of q.messages) {
        const m = messages.find((x) => x.name === message) as MessageModel;
        for (const ex of m.examples) await generated.dispatchEvent(q.name, routes, handlers, asEventBridgeEvent(m, ex.payload), undefined);
      }
      const expected = q.messages.flatMap(({ message }) => (messages.find((x) => x.name === message) as MessageModel).examples.map((ex) => `${(messages.find((x) => x.name === message) as MessageModel).eventbridge?.detailType}:${(ex.payload as { metadata: { eventId: string } }).metadata.eventId}`));
      expect(seen).toEqual(expected);
    }
  });

  it('refuse, with typed non-retryable errors, an unknown detail-type, a wrong source, an invalid detail and a non-event', async () => {
    const q = queues()[0] as { name: string; messages: { message: string }[] };
    const routes = routesOf(q.name);
    const m = messages.find((x) => x.name === q.messages[0]?.message) as MessageModel;
    const handlers = Object.fromEntries(Object.keys(routes).map((dt) => [dt, () => undefined]));
    const event = asEventBridgeEvent(m, m.examples[0]?.payload);
    const attempt = (input: unknown): Promise<unknown> => generated.dispatchEvent(q.name, routes, handlers, input, undefined).then(() => undefined, (e: unknown) => e);

    const unknown = await attempt({ ...event, 'detail-type': 'NoSuchEvent' });
    expect(unknown).toBeInstanceOf(generated.UnknownEventTypeError);
    expect(unknown).toMatchObject({ code: 'EVENT_TYPE_UNKNOWN', retryable: false });
    expect(await attempt({ ...event, source: 'evil.source' })).toBeInstanceOf(generated.UnknownEventTypeError);

    const invalid = await attempt({ ...event, detail: { ...(event.detail as Json), metadata: { eventId: 'x' } } });
    expect(invalid).toBeInstanceOf(generated.EventValidationError);
    expect((invalid as generated.EventValidationError).issues.map((i) => i.path)).toEqual(expect.arrayContaining(['/metadata', '/metadata/eventId']));
    expect((invalid as Error).message).toContain(`${m.name} does not match its schema`);

    expect(await attempt('{"not":"parsed"}')).toBeInstanceOf(generated.MalformedEventError);
    expect(await attempt({ source: 'x' })).toBeInstanceOf(generated.MalformedEventError);
  });
});

describe('generated publishers', () => {
  it('refuse invalid data before anything leaves, naming the path', () => {
    const m = messages.find((x) => x.name === 'IncidentCreated') as MessageModel;
    const { data } = clone(m.examples[0]?.payload) as { data: Json };
    delete data['incidentId'];
    const attempt = (): unknown => publisherOf('incident')['IncidentCreated']?.(data, {});
    expect(attempt).toThrow(generated.EventValidationError);
    expect(attempt).toThrow(/IncidentCreated does not match its schema: \/data missing required property "incidentId"/);
  });

  it('inherit correlation id and set causation id from the triggering event', () => {
    const created = messages.find((x) => x.name === 'IncidentCreated') as MessageModel;
    const trigger = created.examples[0]?.payload as { metadata: { eventId: string; correlationId: string } };
    const cancelled = messages.find((x) => x.name === 'IncidentCancelled') as MessageModel;
    const { data } = cancelled.examples[0]?.payload as { data: unknown };
    const built = publisherOf('incident')['IncidentCancelled']?.(data, { causedBy: trigger, aggregateId: 'agg-1', sequence: 2 });
    const metadata = (built?.detail as { metadata: Json }).metadata;
    expect(metadata).toMatchObject({ correlationId: trigger.metadata.correlationId, causationId: trigger.metadata.eventId, producer: 'incident', eventVersion: cancelled.version, aggregateId: 'agg-1', sequence: 2 });
    expect(metadata['eventId']).not.toBe(trigger.metadata.eventId);
  });
});
