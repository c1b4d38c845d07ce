import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { diffSpecs, type DiffResult, type Finding } from '../../scripts/spec-diff/diff';
import { checkExamples } from '../../scripts/spec-diff/empirical';
import { readSnapshot, SpecDiffError } from '../../scripts/spec-diff/load';
import { render } from '../../scripts/spec-diff/report';
import { ROOT, TEST_OUT } from '../helpers/codegen';

// The gate on a small one-file spec (tests/fixtures/spec-diff/shop.yaml): each test edits a
// copy the way a developer would and checks what the gate says, per message and per rule.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- YAML edited in place
const FIXTURE = join(ROOT, 'tests', 'fixtures', 'spec-diff', 'shop.yaml');
const DIR = join(TEST_OUT, `spec-diff-spec-${process.pid}`);
let counter = 0;

function write(doc: unknown): string {
  const file = join(DIR, `spec-${++counter}.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

/** Diffs the fixture (base) against a copy edited by `edit` (head), with the example check. */
function gate(edit: (doc: Json) => void, editBase?: (doc: Json) => void): DiffResult {
  const baseDoc = parse(readFileSync(FIXTURE, 'utf8')) as Json;
  editBase?.(baseDoc);
  const headDoc = structuredClone(baseDoc);
  edit(headDoc);
  const base = readSnapshot(write(baseDoc), 'base');
  const head = readSnapshot(write(headDoc), 'head');
  const result = diffSpecs(base, head);
  checkExamples(result, base, head);
  return result;
}

const brief = (f: Finding): string[] => [f.subject, f.path, f.rule, f.verdict, f.gating ? 'gating' : 'passes'];
const schemas = (doc: Json): Json => doc.components.schemas;
const placed = (doc: Json): Json => doc.components.schemas.OrderPlacedData;

beforeAll(() => mkdirSync(DIR, { recursive: true }));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('spec:diff on a spec', () => {
  it('finds nothing when nothing changed, and passes', () => {
    const result = gate(() => undefined);
    expect(result.findings).toEqual([]);
    expect(result.failed).toBe(false);
    expect(result.compared).toEqual({ messages: 2, commands: 1 });
  });

  it('fails an enum narrowed in place, with the JSON path, the rule, example evidence and what to do', () => {
    const result = gate((doc) => {
      placed(doc).properties.channel.enum = ['web'];
    });
    expect(result.findings.map(brief)).toEqual([['OrderPlaced', '/payload/properties/channel/enum', 'enum-narrowed', 'breaking', 'gating']]);
    const [f] = result.findings as [Finding];
    expect([f.backward, f.forward, f.mode]).toEqual(['breaking', 'compatible', 'BACKWARD']);
    expect(f.evidence).toMatch(/^confirmed: base example "appOrder" fails the new schema at payload\/channel/);
    expect(result.failed).toBe(true);
    expect(result.advice).toHaveLength(1);
    expect(result.advice[0]).toMatch(/OrderPlaced: breaking under BACKWARD \(enum-narrowed\): do not change OrderPlaced in place: add a new version of the message \(a new message OrderPlacedV2, x-version '2\.0'/);
    expect(result.advice[0]).toMatch(/mark OrderPlaced x-deprecated: true/);
  });

  it('springs the open-model trap under BACKWARD and FULL, but not under FORWARD or NONE', () => {
    const addOptional = (mode?: string) => (doc: Json): void => {
      placed(doc).properties.note = { type: 'string' };
      if (mode) doc.components.messages.OrderPlaced['x-compatibility'] = mode;
    };
    const backward = gate(addOptional());
    expect(backward.findings.map(brief)).toEqual([['OrderPlaced', '/payload/properties/note', 'property-added-to-open-content-model', 'breaking', 'gating']]);
    expect(backward.findings[0]?.evidence).toMatch(/^not shown by the 2 base example\(s\)/);
    expect(gate(addOptional('FULL')).failed).toBe(true);
    const forward = gate(addOptional('FORWARD'), (doc) => (doc.components.messages.OrderPlaced['x-compatibility'] = 'FORWARD'));
    expect(forward.failed).toBe(false);
    expect(forward.findings.map(brief)).toEqual([['OrderPlaced', '/payload/properties/note', 'property-added-to-open-content-model', 'compatible', 'passes']]);
    const none = gate(addOptional('NONE'), (doc) => (doc.components.messages.OrderPlaced['x-compatibility'] = 'NONE'));
    expect(none.failed).toBe(false);
    expect(none.findings[0]?.backward).toBe('breaking');
  });

  it('takes the default mode from the root x-compatibility and reports a changed mode', () => {
    const result = gate(
      (doc) => {
        placed(doc).properties.note = { type: 'string' };
      },
      (doc) => (doc['x-compatibility'] = 'FORWARD'),
    );
    expect(result.failed).toBe(false);
    const moved = gate((doc) => (doc.components.messages.OrderShipped['x-compatibility'] = 'FULL'));
    expect(moved.findings.map(brief)).toEqual([['OrderShipped', '/x-compatibility', 'mode-changed', 'compatible', 'passes']]);
    expect(() => gate((doc) => (doc.components.messages.OrderShipped['x-compatibility'] = 'SIDEWAYS'))).toThrow(SpecDiffError);
  });

  it('passes a compatible change: an optional property added to a closed model under BACKWARD', () => {
    const result = gate(
      (doc) => (doc.components.messages.OrderShipped.payload.properties.eta = { type: 'string' }),
      (doc) => (doc.components.messages.OrderShipped.payload.additionalProperties = false),
    );
    expect(result.findings.map(brief)).toEqual([['OrderShipped', '/payload/properties/eta', 'property-added-to-closed-content-model', 'compatible', 'passes']]);
    expect(result.failed).toBe(false);
  });

  it('checks headers as well as the payload', () => {
    const result = gate((doc) => {
      doc.components.messages.OrderPlaced.headers.properties.tenant = { type: 'string' };
      doc.components.messages.OrderPlaced.headers.required = ['tenant'];
    });
    expect(result.findings.map(brief)).toEqual([
      ['OrderPlaced', '/headers/properties/tenant', 'property-added-to-open-content-model', 'breaking', 'gating'],
      ['OrderPlaced', '/headers/required', 'required-property-added', 'breaking', 'gating'],
    ]);
    expect(result.findings[1]?.evidence).toMatch(/^confirmed: base example "webOrder" fails the new schema at headers: missing required property "tenant"/);
  });

  it('fails a changed detail-type, source or bus', () => {
    const result = gate((doc) => {
      doc.components.messages.OrderPlaced['x-eventbridge'].detailType = 'OrderCreated';
      doc.components.messages.OrderShipped['x-eventbridge'].source = 'shop.shipping';
    });
    expect(result.findings.map(brief)).toEqual([
      ['OrderPlaced', '/x-eventbridge/detailType', 'detail-type-changed', 'breaking', 'gating'],
      ['OrderShipped', '/x-eventbridge/source', 'source-changed', 'breaking', 'gating'],
    ]);
  });

  it('fails a message removed while a service still received it, and passes one nobody received', () => {
    const received = gate((doc) => {
      delete doc.channels.OrderShipped;
      delete doc.components.messages.OrderShipped;
      delete doc.operations['orders.sendOrderShipped'];
      delete doc.operations['mail.receiveOrderShipped'];
    });
    expect(received.findings.map(brief)).toEqual([['OrderShipped', '/', 'message-removed-while-received', 'breaking', 'gating']]);
    expect(received.findings[0]?.detail).toBe('removed, but mail-queue received it');
    expect(received.advice[0]).toMatch(/restore OrderShipped \(mark it x-deprecated: true instead\)/);
    const unreceived = gate(
      (doc) => {
        delete doc.channels.OrderShipped;
        delete doc.components.messages.OrderShipped;
        delete doc.operations['orders.sendOrderShipped'];
      },
      (doc) => delete doc.operations['mail.receiveOrderShipped'],
    );
    expect(unreceived.findings.map(brief)).toEqual([['OrderShipped', '/', 'message-removed', 'compatible', 'passes']]);
  });

  it('fails a queue that loses an event', () => {
    const result = gate((doc) => delete doc.operations['billing.receiveOrderPlaced']);
    expect(result.findings.map(brief)).toEqual([['OrderPlaced', '/operations/billing.receiveOrderPlaced', 'queue-lost-event', 'breaking', 'gating']]);
    expect(result.findings[0]?.detail).toBe('billing-queue no longer receives OrderPlaced (the queue is gone)');
  });

  it('fails a receive added for a message nobody sends, and passes one that has a producer', () => {
    const receive = (doc: Json, message: string, queue: string): void => {
      doc.operations[`${queue}.receive${message}`] = {
        action: 'receive',
        'x-service': queue,
        channel: { $ref: `#/channels/${message}` },
        messages: [{ $ref: `#/channels/${message}/messages/${message}` }],
        bindings: { $ref: `#/components/operationBindings/${queue}Queue` },
      };
    };
    const orphan = gate((doc) => {
      doc.channels.OrderRefunded = { address: 'shop.orders/OrderRefunded', messages: { OrderRefunded: { $ref: '#/components/messages/OrderRefunded' } } };
      doc.components.messages.OrderRefunded = { 'x-eventbridge': { source: 'shop.orders', detailType: 'OrderRefunded', bus: 'core' }, payload: { type: 'object' } };
      receive(doc, 'OrderRefunded', 'billing');
    });
    expect(orphan.findings.map(brief)).toEqual([
      ['OrderRefunded', '/', 'message-added', 'compatible', 'passes'],
      ['OrderRefunded', '/operations/billing.receiveOrderRefunded', 'receive-without-producer', 'breaking', 'gating'],
    ]);
    const produced = gate((doc) => receive(doc, 'OrderShipped', 'billing'));
    expect(produced.findings.map(brief)).toEqual([['OrderShipped', '/operations/billing.receiveOrderShipped', 'receive-added', 'compatible', 'passes']]);
    const unproduced = gate((doc) => delete doc.operations['orders.sendOrderShipped']);
    expect(unproduced.findings.map(brief)).toEqual([['OrderShipped', '/operations/mail.receiveOrderShipped', 'producer-removed', 'breaking', 'gating']]);
  });

  it('passes a new version beside the old one (deprecated), and shows what the new version breaks', () => {
    const result = gate((doc) => {
      const v1 = doc.components.messages.OrderPlaced;
      v1['x-deprecated'] = true;
      const v2 = structuredClone(v1);
      delete v2['x-deprecated'];
      v2['x-version'] = '2.0';
      v2.payload = structuredClone(placed(doc));
      v2.payload.required = ['orderId', 'total', 'currency'];
      v2.payload.properties.currency = { type: 'string' };
      v2.examples = [{ name: 'eur', payload: { orderId: 'o-3', total: 1, currency: 'EUR' } }];
      doc.components.messages.OrderPlacedV2 = v2;
      doc.channels.OrderPlacedV2 = { address: 'shop.orders/OrderPlaced', messages: { OrderPlacedV2: { $ref: '#/components/messages/OrderPlacedV2' } } };
      doc.operations['orders.sendOrderPlacedV2'] = { action: 'send', 'x-service': 'orders', channel: { $ref: '#/channels/OrderPlacedV2' }, messages: [{ $ref: '#/channels/OrderPlacedV2/messages/OrderPlacedV2' }] };
    });
    expect(result.failed).toBe(false);
    expect(result.findings.map(brief)).toEqual([
      ['OrderPlaced', '/x-deprecated', 'message-deprecated', 'compatible', 'passes'],
      ['OrderPlacedV2', '/', 'new-version-added', 'compatible', 'passes'],
      ['OrderPlacedV2', '/payload/properties/currency', 'property-added-to-open-content-model', 'breaking', 'passes'],
      ['OrderPlacedV2', '/payload/required', 'required-property-added', 'breaking', 'passes'],
    ]);
    expect(result.findings[2]?.against).toBe('OrderPlaced');
    expect(result.findings[2]?.detail).toMatch(/\(allowed: OrderPlacedV2 is a new version beside OrderPlaced\)$/);
  });

  it('under a TRANSITIVE mode, fails a new version that breaks an earlier one', () => {
    const result = gate((doc) => {
      const v2 = structuredClone(doc.components.messages.OrderPlaced);
      v2['x-version'] = '2.0';
      v2['x-compatibility'] = 'BACKWARD_TRANSITIVE';
      v2.payload = structuredClone(placed(doc));
      v2.payload.properties.total.minimum = 1;
      doc.components.messages.OrderPlacedV2 = v2;
      doc.channels.OrderPlacedV2 = { address: 'shop.orders/OrderPlaced', messages: { OrderPlacedV2: { $ref: '#/components/messages/OrderPlacedV2' } } };
    });
    expect(result.findings.filter((f) => f.gating).map((f) => [...brief(f), f.against])).toEqual([['OrderPlacedV2', '/payload/properties/total/minimum', 'minimum-increased', 'breaking', 'gating', 'OrderPlaced']]);
    expect(result.advice[0]).toMatch(/every version of OrderPlaced must stay compatible with every earlier one/);
  });

  it('under a TRANSITIVE mode, checks an edited message against the older versions too', () => {
    const result = gate(
      (doc) => {
        doc.components.messages.OrderPlacedV2.payload.properties.quantity = { type: 'integer' };
      },
      (doc) => {
        const v2 = structuredClone(doc.components.messages.OrderPlaced);
        v2['x-version'] = '2.0';
        v2['x-compatibility'] = 'FULL_TRANSITIVE';
        v2.payload = structuredClone(placed(doc));
        doc.components.messages.OrderPlacedV2 = v2;
        doc.channels.OrderPlacedV2 = { address: 'shop.orders/OrderPlaced', messages: { OrderPlacedV2: { $ref: '#/components/messages/OrderPlacedV2' } } };
      },
    );
    const gating = result.findings.filter((f) => f.gating);
    expect(gating.map((f) => f.against ?? '(itself)').sort()).toEqual(['(itself)', 'OrderPlaced']);
    expect(gating.every((f) => f.rule === 'combined-type-narrowed')).toBe(true);
  });

  it('reports a break the rules missed when the examples contradict them', () => {
    // A branch added to a oneOf is SUM_TYPE_EXTENDED (backward compatible) by the rules, but
    // an integer now matches two branches, so oneOf rejects the base examples: data wins.
    const result = gate((doc) => placed(doc).properties.quantity.oneOf.push({ type: 'number' }));
    expect(result.findings.map(brief)).toEqual([
      ['OrderPlaced', '/payload', 'example-contradicts-rules', 'breaking', 'gating'],
      ['OrderPlaced', '/payload/properties/quantity/oneOf/2', 'sum-type-extended', 'compatible', 'passes'],
    ]);
    expect(result.findings[0]?.detail).toMatch(/no rule predicted a BACKWARD break, but the data contradicts that: base example "webOrder" fails the new schema at payload\/quantity/);
    expect(result.failed).toBe(true);
  });

  it('compares HTTP commands: body rules and route changes', () => {
    const result = gate((doc) => {
      schemas(doc).PlaceOrderCommand.properties.items.minItems = 2;
      schemas(doc).PlaceOrderCommand['x-http'].path = '/v2/orders';
    });
    expect(result.findings.map(brief)).toEqual([
      ['PlaceOrderCommand', '/properties/items/minItems', 'min-items-increased', 'breaking', 'gating'],
      ['PlaceOrderCommand', '/x-http', 'http-route-changed', 'breaking', 'gating'],
    ]);
    expect(result.findings[0]?.evidence).toMatch(/^confirmed: base example #1 fails the new schema/);
    expect(result.advice[0]).toMatch(/^PlaceOrderCommand: 2 breaking change\(s\) under BACKWARD/);
    const routed = gate(
      (doc) => (schemas(doc).PlaceOrderCommand['x-http'] = { method: 'POST', path: '/orders' }),
      (doc) => delete schemas(doc).PlaceOrderCommand['x-http'],
    );
    expect(routed.findings.map(brief)).toEqual([['PlaceOrderCommand', '/x-http', 'http-route-added', 'compatible', 'passes']]);
  });

  it('renders text, JSON and Markdown', () => {
    const result = gate((doc) => {
      placed(doc).properties.channel.enum = ['web'];
    });
    const text = render(result, 'text', 12);
    expect(text.split('\n')[0]).toBe('spec:diff: head vs base: FAILED: 1 breaking change(s) failing the gate, 0 allowed, 0 compatible (2 messages, 1 HTTP commands in 12 ms)');
    expect(text).toContain('BREAKING message OrderPlaced /payload/properties/channel/enum [enum-narrowed] backward breaking, forward compatible, mode BACKWARD');
    expect(text).toContain('What to do:');
    const json = JSON.parse(render(result, 'json')) as { failed: boolean; counts: unknown; findings: Finding[] };
    expect(json.failed).toBe(true);
    expect(json.counts).toEqual({ gating: 1, breaking: 0, compatible: 0 });
    expect(json.findings[0]?.rule).toBe('enum-narrowed');
    const markdown = render(result, 'markdown');
    expect(markdown).toContain('### spec:diff :x: breaking changes');
    expect(markdown).toContain('| :x: | OrderPlaced | `/payload/properties/channel/enum` | `enum-narrowed` | breaking | compatible | BACKWARD |');
    expect(markdown).toContain('**What to do**');
  });
});
