import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * Writes a synthetic AsyncAPI 3.0 spec with `count` EventBridge messages spread over
 * 10 services and two files, each with an envelope, nested objects, arrays, an enum
 * and a valid example: the shape of a real spec, at a size no hand-written one has.
 */
export function writeSyntheticSpec(dir: string, count: number): string {
  mkdirSync(dir, { recursive: true });
  const services = Array.from({ length: 10 }, (_, i) => `svc${i}`);
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    Metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['eventId', 'correlationId', 'eventVersion', 'occurredAt', 'producer'],
      properties: {
        eventId: { type: 'string', format: 'uuid' },
        correlationId: { type: 'string', minLength: 1 },
        causationId: { type: 'string' },
        eventVersion: { type: 'string', pattern: '^[0-9]+\\.[0-9]+$' },
        occurredAt: { type: 'string', format: 'date-time' },
        aggregateId: { type: 'string' },
        sequence: { type: 'integer', minimum: 1 },
        producer: { type: 'string' },
      },
    },
  };
  for (let i = 0; i < count; i += 1) {
    const name = `Thing${i}Happened`;
    const producer = services[i % services.length] as string;
    const consumer = services[(i + 3) % services.length] as string;
    const source = `bench.${producer}`;
    schemas[`${name}Data`] = {
      type: 'object',
      required: ['id', 'status', 'items', 'where'],
      properties: {
        id: { type: 'string', minLength: 1 },
        status: { type: 'string', enum: ['NEW', 'ACTIVE', 'DONE'] },
        amount: { type: 'number', minimum: 0 },
        items: { type: 'array', items: { type: 'object', title: `${name}Item`, required: ['sku'], properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } } } },
        where: { type: 'object', title: `${name}Where`, required: ['lat', 'lon'], properties: { lat: { type: 'number' }, lon: { type: 'number' } } },
        tags: { type: 'array', items: { type: 'string' } },
        note: { type: 'string', maxLength: 200 },
      },
    };
    messages[name] = {
      name,
      title: `Thing ${i} happened`,
      'x-eventbridge': { source, detailType: name, bus: 'core' },
      'x-scope': 'integration',
      'x-version': '1.0',
      payload: {
        type: 'object',
        required: ['metadata', 'data'],
        properties: { metadata: { $ref: './schemas.yaml#/Metadata' }, data: { $ref: `./schemas.yaml#/${name}Data` } },
      },
      examples: [
        {
          name: 'basic',
          payload: {
            metadata: { eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, correlationId: 'c-1', eventVersion: '1.0', occurredAt: '2026-01-01T00:00:00Z', producer },
            data: { id: `t-${i}`, status: 'NEW', items: [{ sku: 'A', qty: 1 }], where: { lat: 1, lon: 2 } },
          },
        },
      ],
    };
    channels[name] = { address: `${source}/${name}`, servers: [{ $ref: '#/servers/core' }], messages: { [name]: { $ref: `./messages.yaml#/${name}` } } };
    operations[`${producer}.send${name}`] = { action: 'send', 'x-service': producer, channel: { $ref: `#/channels/${name}` }, messages: [{ $ref: `#/channels/${name}/messages/${name}` }] };
    operations[`${consumer}.receive${name}`] = {
      action: 'receive',
      'x-service': consumer,
      channel: { $ref: `#/channels/${name}` },
      messages: [{ $ref: `#/channels/${name}/messages/${name}` }],
      bindings: { sqs: { bindingVersion: '0.2.0', queues: [{ name: `${consumer}-queue`, redrivePolicy: { deadLetterQueue: { name: `${consumer}-dlq` }, maxReceiveCount: 3 } }, { name: `${consumer}-dlq` }] } },
    };
  }
  const root = {
    asyncapi: '3.0.0',
    info: { title: `Synthetic ${count}`, version: '1.0.0' },
    servers: { core: { host: 'events.amazonaws.com', protocol: 'https' } },
    channels,
    operations,
    components: { schemas: Object.fromEntries(Object.keys(schemas).map((k) => [k, { $ref: `./schemas.yaml#/${k}` }])) },
  };
  writeFileSync(join(dir, 'asyncapi.yaml'), stringify(root));
  writeFileSync(join(dir, 'messages.yaml'), stringify(messages));
  writeFileSync(join(dir, 'schemas.yaml'), stringify(schemas));
  return join(dir, 'asyncapi.yaml');
}
