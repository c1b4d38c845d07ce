import type { MessageModel, SpecModel } from '../../scripts/codegen/model';
import type { SagaModel } from '../../scripts/codegen/sagas';
import { canonicalReferences } from '../../scripts/codegen/emit/docs';
import { causesOf, deriveFlows, sagaSteps } from '../../scripts/codegen/emit/docs/flows';
import { eventPage } from '../../scripts/codegen/emit/docs/page-event';
import { servicePage } from '../../scripts/codegen/emit/docs/page-service';
import { schemaRows } from '../../scripts/codegen/emit/docs/schema-table';
import { sequenceSvg } from '../../scripts/codegen/emit/docs/sequence-svg';
import { buildSiteModel } from '../../scripts/codegen/emit/docs/site-model';

// The docs page embeds the parser's stringified document, whose "$ref:$.path" marks depend
// on which objects the parser happened to share. canonicalReferences makes the text
// depend on the document alone.

const big = { title: 'PaymentCreatedData', type: 'object', description: 'x'.repeat(500), properties: { paymentId: { type: 'string', format: 'uuid' } } };

it('gives the same text whether the parser shared an object or copied it', () => {
  const shared = { components: { schemas: { PaymentCreatedData: big } }, messages: { created: { payload: { data: '$ref:$.components.schemas.PaymentCreatedData' } } } };
  const copied = { components: { schemas: { PaymentCreatedData: big } }, messages: { created: { payload: { data: { ...big, properties: '$ref:$.components.schemas.PaymentCreatedData.properties' } } } } };
  const a = JSON.stringify(canonicalReferences(shared));
  expect(JSON.stringify(canonicalReferences(copied))).toBe(a);
  // The large subtree is written once and marked where it repeats.
  expect(a).toContain('"data":"$ref:$.components.schemas.PaymentCreatedData"');
  expect(a.split('x'.repeat(500)).length).toBe(2);
});

it('keeps a mark where a schema contains itself, and expands small repeats', () => {
  const tree = { schemas: { Tree: { type: 'object', properties: { children: { type: 'array', items: '$ref:$.schemas.Tree' }, id: { type: 'string' } } } }, other: { id: '$ref:$.schemas.Tree.properties.id' } };
  const out = canonicalReferences(tree) as { schemas: { Tree: { properties: { children: { items: unknown } } } }; other: { id: unknown } };
  expect(out.schemas.Tree.properties.children.items).toBe('$ref:$.schemas.Tree');
  expect(out.other.id).toEqual({ type: 'string' });
});

it('follows a mark that points at another mark, and paths into arrays', () => {
  const doc = { a: { b: [{ c: { d: 1 } }] }, e: '$ref:$.a.b[0].c', f: '$ref:$.e' };
  expect(canonicalReferences(doc)).toEqual({ a: { b: [{ c: { d: 1 } }] }, e: { d: 1 }, f: { d: 1 } });
});

it('resolves marks through keys that contain dots (operation ids like match.receiveX)', () => {
  const doc = { operations: { 'match.receiveX': { bindings: { sqs: { queue: 'q' } } } }, ref: '$ref:$.operations.match.receiveX.bindings' };
  expect((canonicalReferences(doc) as { ref: unknown }).ref).toEqual({ sqs: { queue: 'q' } });
});

it('turns a copy of a component schema (the parser under load) back into the component', () => {
  // Prepare
  const component = { title: 'A', 'x-parser-schema-id': 'A', type: 'object', description: 'y'.repeat(500) };
  const asRef = { components: { schemas: { A: component } }, messages: { m: { payload: { data: '$ref:$.components.schemas.A' } } } };
  const asCopy = { components: { schemas: { A: component } }, messages: { m: { payload: { data: { ...component, 'x-parser-schema-id': '<anonymous-schema-7>' } } } } };

  // Act
  const a = JSON.stringify(canonicalReferences(asRef));
  const b = JSON.stringify(canonicalReferences(asCopy));

  // Assess
  expect(b).toBe(a);
  expect(b).not.toContain('anonymous-schema-7');
});

describe('docs site', () => {
  const message = (name: string, producers: string[], consumers: string[], extra: Partial<MessageModel> = {}): MessageModel => ({
    name,
    key: name,
    typeName: undefined,
    pointer: `/components/messages/${name}`,
    examples: [],
    version: '1.0',
    family: name,
    major: 1,
    envelope: false,
    pii: [],
    producers,
    consumers: consumers.map((service) => ({ service, queue: undefined, operationId: `${service}.receive${name}` })),
    ...extra,
  });

  /** A spec without EventBridge: order -> (payments reacts) -> paid -> (shipping reacts) -> shipped. */
  function shopModel(): { model: SpecModel; text: Record<string, string> } {
    const messages = [
      message('OrderPlaced', ['orders'], ['payments', 'audit'], {
        typeName: 'OrderPlaced',
        description: 'Has <img src=x onerror=alert(1)> in it.',
        pii: ['email'],
        examples: [{ payload: { id: 'o-1', email: 'ann@example.com' }, pointer: '/x' }],
      }),
      message('OrderPaid', ['payments'], ['shipping']),
      message('OrderShipped', ['shipping'], ['audit']),
    ];
    const operations = [
      { id: 'orders.sendOrderPlaced', action: 'send' as const, service: 'orders', messages: ['OrderPlaced'] },
      { id: 'payments.receiveOrderPlaced', action: 'receive' as const, service: 'payments', messages: ['OrderPlaced'] },
      { id: 'payments.sendOrderPaid', action: 'send' as const, service: 'payments', messages: ['OrderPaid'] },
      { id: 'shipping.receiveOrderPaid', action: 'receive' as const, service: 'shipping', messages: ['OrderPaid'] },
      { id: 'shipping.sendOrderShipped', action: 'send' as const, service: 'shipping', messages: ['OrderShipped'] },
      { id: 'audit.receiveOrderPlaced', action: 'receive' as const, service: 'audit', messages: ['OrderPlaced'] },
      { id: 'audit.receiveOrderShipped', action: 'receive' as const, service: 'audit', messages: ['OrderShipped'] },
    ];
    const services = ['orders', 'payments', 'shipping', 'audit'].map((name) => ({
      name,
      sends: operations.filter((o) => o.service === name && o.action === 'send').flatMap((o) => o.messages),
      receives: operations.filter((o) => o.service === name && o.action === 'receive').flatMap((o) => o.messages),
    }));
    const model: SpecModel = {
      title: 'Shop',
      warnings: [],
      upcasts: [],
      version: '1.0.0',
      asyncapi: '3.0.0',
      definitions: { OrderPlaced: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, email: { type: 'string', 'x-pii': true } } } },
      messages,
      sagas: [],
      gathers: [],
      operations,
      services,
      queues: [],
      buses: [],
      commands: [],
      eventbridge: false,
    };
    // Audit's summary names OrderShipped, which audit does not send: not a cause.
    const text = { 'payments.receiveOrderPlaced': 'Charge the card (publishes OrderPaid).', 'shipping.receiveOrderPaid': 'Ship it, then OrderShipped.', 'audit.receiveOrderShipped': 'Record OrderShipped.' };
    return { model, text };
  }

  it('flattens a payload into rows: nested paths, required, enum, constraints, PII, array items, allOf, a recursive ref', () => {
    // Prepare
    const definitions = {
      Node: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, description: 'Label' }, children: { type: 'array', items: { $ref: '#/definitions/Node' } } } },
      Root: {
        type: 'object',
        required: ['who'],
        properties: { who: { type: 'object', properties: { phone: { type: 'string', 'x-pii': true } } }, status: { type: 'string', enum: ['OPEN', 'DONE'] }, tree: { $ref: '#/definitions/Node' } },
        allOf: [{ properties: { extra: { type: 'integer', minimum: 0 } } }],
      },
    };

    // Act
    const rows = schemaRows(definitions.Root, definitions);
    const by = new Map(rows.map((r) => [r.path, r]));

    // Assess
    expect(rows.map((r) => r.path)).toEqual(['who', 'who.phone', 'status', 'tree', 'tree.name', 'tree.children', 'tree.children[]', 'extra']);
    expect(by.get('who')?.required).toBe(true);
    expect(by.get('who.phone')).toMatchObject({ pii: true, required: false });
    expect(by.get('status')?.enum).toEqual(['OPEN', 'DONE']);
    expect(by.get('tree.name')).toMatchObject({ required: true, constraints: ['minLength: 1'], description: 'Label' });
    expect(by.get('tree.children[]')?.type).toBe('Node (recursive)');
    expect(by.get('extra')?.constraints).toEqual(['minimum: 0']);
  });

  it('derives causes only from events a service sends and names, and chains them into one flow from the uncaused event', () => {
    // Prepare
    const { model, text } = shopModel();

    // Act
    const causes = causesOf(model, (id) => text[id as keyof typeof text] ?? '');
    const flows = deriveFlows(model, causes);

    // Assess
    expect(causes.map((c) => `${c.from} -> ${c.service} -> ${c.to.join(',')}`)).toEqual(['OrderPlaced -> payments -> OrderPaid', 'OrderPaid -> shipping -> OrderShipped']);
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ name: 'OrderPlaced', slug: 'OrderPlaced', events: ['OrderPlaced', 'OrderPaid', 'OrderShipped'], participants: ['orders', 'payments', 'shipping', 'audit'] });
    // The bystander audit is a note on OrderPlaced, and a drawn arrow at the dead end.
    expect(flows[0]?.steps.map((s) => `${s.from}>${s.to}:${s.label}${s.note ? ` (${s.note})` : ''}`)).toEqual([
      'orders>payments:OrderPlaced (also to audit)',
      'payments>shipping:OrderPaid',
      'shipping>audit:OrderShipped',
    ]);
  });

  it('renders an event page with spec text escaped and PII redacted in the example', () => {
    // Prepare
    const { model, text } = shopModel();
    const site = buildSiteModel(model, (id) => text[id as keyof typeof text] ?? '');

    // Act
    const html = eventPage(site, site.events[0] as (typeof site.events)[number]);

    // Assess
    expect(html).toContain('Has &lt;img src=x onerror=alert(1)&gt; in it.');
    expect(html).not.toContain('<img');
    expect(html).toContain('&quot;email&quot;: &quot;«redacted: x-pii»&quot;');
    expect(html).not.toContain('ann@example.com');
    expect(html).toContain('href="../flows/OrderPlaced.html"');
  });

  it('renders the sagas the model declares: commands, replies, then compensations in reverse order', () => {
    // Prepare
    const { model, text } = shopModel();
    const saga: SagaModel = { name: 'checkout', orchestrator: 'orders', trigger: 'OrderPlaced', timeout: 'StepTimedOut', abortOn: [], steps: [
      { name: 'reserve', command: 'Reserve', participant: 'stock', success: ['Reserved'], failure: [], compensation: { command: 'Release', reply: ['Released'] }, timeoutSeconds: 5 },
      { name: 'charge', command: 'Charge', participant: 'payments', success: ['Charged'], failure: ['Declined'], compensation: { command: 'Refund', reply: ['Refunded'] }, timeoutSeconds: 5 },
    ] };
    const withSaga: SpecModel = { ...model, sagas: [saga] };

    // Act
    const site = buildSiteModel(withSaga, (id) => text[id as keyof typeof text] ?? '');
    const html = servicePage(site, site.services.find((x) => x.name === 'orders') as (typeof site.services)[number]);

    // Assess
    expect(site.sagas.map((x) => x.name)).toEqual(['checkout']);
    expect(sagaSteps(site.sagas[0] as (typeof site.sagas)[number]).map((x) => x.label)).toEqual(['Reserve', 'Reserved', 'Charge', 'Charged', 'Declined', 'compensate: Refund', 'compensate: Release']);
    expect(html).toContain('Saga checkout');
    expect(html).toContain('<svg class="sequence"');
    expect(buildSiteModel(model, () => '').sagas).toEqual([]);
  });

  it('escapes participant and message names in a sequence diagram', () => {
    // Act
    const svg = sequenceSvg(['a<b'], [{ from: 'a<b', to: 'c"d', label: '<x>', href: 'events/x.html' }], '../', () => undefined);

    // Assess
    expect(svg).toContain('a&lt;b');
    expect(svg).toContain('c&quot;d');
    expect(svg).toContain('&lt;x&gt;');
    expect(svg).toContain('href="../events/x.html"');
  });
});
