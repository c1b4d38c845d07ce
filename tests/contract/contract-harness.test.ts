import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { ConsumerContext } from '../../lib/consumer';
import type { EventBridgeEvent, OutgoingEvent } from '../../lib/envelope';
import {
  checkOperation,
  contract,
  ContractTargetError,
  prepareContract,
  coverageReport,
  createEmitRecorder,
  formatCoverage,
  recordedRuns,
  resetCoverage,
  resolveQueue,
  runContract,
  writeCoverage,
  type ContractCatalog,
  type ContractHarness,
  type ContractOptions,
  type ContractSpec,
  type ContractValidator,
  type EmitRecorder,
} from '../../lib/testing';
import { TEST_OUT } from '../helpers/codegen';

// The harness itself, on a small spec of its own (a shop: shipping receives OrderPlaced and
// OrderCancelled, and sends ShipmentBooked): what it accepts, each way it fails, the seams
// it records, and its coverage report.

const ajv = new Ajv({ allErrors: true });
const envelope = (data: object): object => ({
  type: 'object',
  required: ['metadata', 'data'],
  properties: { metadata: { type: 'object', required: ['eventId', 'correlationId'], properties: { eventId: { type: 'string' }, correlationId: { type: 'string' } } }, data },
});
function validator(schema: object): ContractValidator {
  const validate = ajv.compile(schema);
  return (input) => (validate(input) ? { ok: true } : { ok: false, errors: (validate.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? e.keyword })) });
}

const catalog: ContractCatalog = {
  spec: { title: 'Shop', version: '1.0.0' },
  services: [
    { name: 'orders', sends: ['OrderPlaced', 'OrderCancelled'], queues: [] },
    { name: 'shipping', sends: ['ShipmentBooked'], queues: ['shipping-queue'] },
    { name: 'billing', sends: [], queues: ['billing-queue', 'billing-retry-queue'] },
  ],
  events: [
    { name: 'OrderPlaced', detailType: 'OrderPlaced', source: 'shop.orders', bus: 'core' },
    { name: 'OrderCancelled', detailType: 'OrderCancelled', source: 'shop.orders', bus: 'core' },
    { name: 'ShipmentBooked', detailType: 'ShipmentBooked', source: 'shop.shipping', bus: 'core' },
  ],
  queues: [
    { service: 'shipping', name: 'shipping-queue', messages: [{ message: 'OrderPlaced', operationId: 'shipping.receiveOrderPlaced' }, { message: 'OrderCancelled', operationId: 'shipping.receiveOrderCancelled' }] },
    { service: 'billing', name: 'billing-queue', messages: [{ message: 'OrderPlaced', operationId: 'billing.receiveOrderPlaced' }] },
    { service: 'billing', name: 'billing-retry-queue', messages: [] },
  ],
};

const order = (eventId: string, orderId: string, correlationId = `corr-${orderId}`): object => ({ metadata: { eventId, correlationId }, data: { orderId } });
let loads = 0;
const spec: ContractSpec = {
  catalog,
  validators: {
    OrderPlaced: validator(envelope({ type: 'object', required: ['orderId'] })),
    OrderCancelled: validator(envelope({ type: 'object', required: ['orderId'] })),
    ShipmentBooked: validator(envelope({ type: 'object', required: ['orderId', 'carrier'], properties: { carrier: { enum: ['ups', 'dhl'] } } })),
  },
  examples: () => {
    loads += 1;
    return { OrderPlaced: [order('e-1', 'o-1'), order('e-2', 'o-2')], OrderCancelled: [order('e-3', 'o-1')] };
  },
};

type Data = { metadata: { eventId: string; correlationId: string }; data: { orderId: string } };
type Handler = (event: EventBridgeEvent<string, Data>, ctx: ConsumerContext) => unknown;

const booked = (event: EventBridgeEvent<string, Data>, carrier: string, overrides: Partial<OutgoingEvent> = {}): OutgoingEvent => ({
  source: 'shop.shipping',
  detailType: 'ShipmentBooked',
  bus: 'core',
  busName: 'shop-events',
  detail: { metadata: { eventId: `booked-${event.detail.metadata.eventId}`, correlationId: event.detail.metadata.correlationId }, data: { orderId: event.detail.data.orderId, carrier } },
  ...overrides,
});

/** Shipping's handlers: book through ctx.commit, cancel silently; `change` swaps one. */
function shipping(recorder: EmitRecorder, change: Partial<Record<string, Handler>> = {}): ContractHarness<ConsumerContext> {
  const handlers: Record<string, Handler> = {
    OrderPlaced: async (event, ctx) => void (await ctx.commit({ events: [booked(event, 'ups')] })),
    OrderCancelled: () => undefined,
    ...change,
  };
  return { handlers, context: (e) => recorder.context(e), sent: () => recorder.sent, logs: () => recorder.takeLogs() };
}

const options = (change: Partial<Record<string, Handler>> = {}, extra: Partial<ContractOptions<ConsumerContext>> = {}): ContractOptions<ConsumerContext> => ({
  spec,
  setup: () => shipping(createEmitRecorder({ service: 'shipping' }), change),
  ...extra,
});

const failuresOf = async (o: ContractOptions<ConsumerContext>): Promise<string[]> => (await runContract('shipping', o)).flatMap((r) => r.examples.flatMap((e) => e.failures));

describe('runContract', () => {
  it('runs every example of every message the queue receives through its handler, and records what each sent', async () => {
    const results = await runContract('shipping-queue', options());
    expect(results.map((r) => [r.operationId, r.ok, r.examples.length])).toEqual([
      ['shipping.receiveOrderPlaced', true, 2],
      ['shipping.receiveOrderCancelled', true, 1],
    ]);
    expect(results[0]?.examples.map((e) => [e.eventId, e.sent])).toEqual([
      ['e-1', [{ detailType: 'ShipmentBooked', source: 'shop.shipping', via: 'commit' }]],
      ['e-2', [{ detailType: 'ShipmentBooked', source: 'shop.shipping', via: 'commit' }]],
    ]);
    expect(results[1]?.examples[0]?.sent).toEqual([]);
  });

  it('hands the handler the EventBridge event of the example, with the spec detail-type and source', async () => {
    const seen: EventBridgeEvent<string, Data>[] = [];
    await runContract('shipping', options({ OrderCancelled: (e) => void seen.push(e) }));
    expect(seen).toEqual([expect.objectContaining({ 'detail-type': 'OrderCancelled', source: 'shop.orders', detail: order('e-3', 'o-1') })]);
  });

  it('fails an example whose handler throws: a throw is not acceptance', async () => {
    const failures = await failuresOf(options({ OrderCancelled: () => Promise.reject(new RangeError('no such order')) }));
    expect(failures).toEqual(['the handler threw (not accepted): RangeError: no such order']);
  });

  it('fails a sent event that does not match its schema, naming the path', async () => {
    const failures = await failuresOf(options({ OrderPlaced: async (event, ctx) => void (await ctx.commit({ events: [booked(event, 'pigeon')] })) }));
    expect(failures).toHaveLength(2);
    expect(failures[0]).toBe('sent ShipmentBooked (source shop.shipping, via commit): does not match its schema: /data/carrier must be equal to one of the allowed values');
  });

  it('fails a spec event the service does not declare that it sends, and one that is in no spec at all', async () => {
    const failures = await failuresOf(
      options({
        OrderCancelled: async (event, ctx) => {
          await ctx.commit({ events: [{ ...booked(event, 'ups'), source: 'shop.orders', detailType: 'OrderPlaced', detail: order('x-1', 'o-1', event.detail.metadata.correlationId) }] });
          await ctx.commit({ events: [{ ...booked(event, 'ups'), detailType: 'ParcelLost' }] });
        },
      }),
    );
    expect(failures).toEqual([
      'sent OrderPlaced (source shop.orders, via commit): shipping does not declare that it sends OrderPlaced (its sends: ShipmentBooked)',
      'sent ParcelLost (source shop.shipping, via commit): no event of the spec has this detail-type and source',
    ]);
  });

  it('fails a sent event on another bus than the spec says', async () => {
    const failures = await failuresOf(options({ OrderCancelled: async (event, ctx) => void (await ctx.commit({ events: [booked(event, 'ups', { bus: 'errors' })] })) }));
    expect(failures).toEqual(['sent ShipmentBooked (source shop.shipping, via commit): on bus errors, the spec puts ShipmentBooked on core']);
  });

  it("fails a sent event out of the example's correlation, unless told not to check it", async () => {
    const lost: Handler = async (event, ctx) => {
      const e = booked(event, 'dhl');
      await ctx.commit({ events: [{ ...e, detail: { ...(e.detail as object), metadata: { eventId: 'b-9', correlationId: 'somebody-else' } } }] });
    };
    expect(await failuresOf(options({ OrderCancelled: lost }))).toEqual(["sent ShipmentBooked (source shop.shipping, via commit): correlationId somebody-else is not the example's (corr-o-1)"]);
    expect(await failuresOf(options({ OrderCancelled: lost }, { correlation: false }))).toEqual([]);
  });

  it('fails an operation the handler map has no handler for', async () => {
    const results = await runContract('shipping', options({ OrderCancelled: undefined as unknown as Handler }));
    expect(results[1]).toMatchObject({ operationId: 'shipping.receiveOrderCancelled', ok: false, examples: [{ failures: ['the handler map has no handler for OrderCancelled'] }] });
  });

  it('records every seam: commit, publishDirect, timers (once per id), and a store of your own', async () => {
    let recorder: EmitRecorder | undefined;
    const all: Handler = async (event, ctx) => {
      await ctx.commit({ events: [booked(event, 'ups')] });
      await ctx.publishDirect((_: null, c) => ({ ...booked(event, 'dhl'), detail: { metadata: { eventId: 'direct-1', correlationId: c?.causedBy?.metadata.correlationId }, data: { orderId: 'o-1', carrier: 'dhl' } }, resources: [] }), null);
      const timer = { id: 't-1', afterSeconds: 60, event: booked(event, 'ups', { detail: { metadata: { eventId: 'timer-1', correlationId: event.detail.metadata.correlationId }, data: { orderId: 'o-1', carrier: 'ups' } } }) };
      await recorder?.timers.schedule(timer);
      await recorder?.timers.schedule(timer);
      recorder?.record(booked(event, 'ups', { detail: { metadata: { eventId: 'store-1', correlationId: event.detail.metadata.correlationId }, data: { orderId: 'o-1', carrier: 'ups' } } }));
    };
    const results = await runContract('shipping', { spec, setup: () => shipping((recorder = createEmitRecorder()), { OrderCancelled: all }) });
    expect(results[1]?.examples[0]).toMatchObject({ ok: true, sent: ['commit', 'publishDirect', 'timer', 'store'].map((via) => ({ detailType: 'ShipmentBooked', via })) });
  });

  it('arranges state with `given` before each example (what it sends is not the example\'s), and checks `sends`', async () => {
    const arranged: string[] = [];
    const results = await runContract('shipping', {
      ...options(),
      given: { OrderCancelled: (event, harness) => void arranged.push((event.detail as Data).metadata.eventId, typeof harness.handlers['OrderPlaced']) },
      sends: { OrderPlaced: ['ShipmentBooked'], OrderCancelled: ['ShipmentBooked'] },
    });
    expect(arranged).toEqual(['e-3', 'function']);
    expect(results.map((r) => r.examples.map((e) => e.failures))).toEqual([[[], []], [['expected it to send [ShipmentBooked], it sent []']]]);
  });

  it('accepts an ignored example only with the log its acceptance names', async () => {
    const accepts = { OrderCancelled: { note: 'an unknown order is ignored with a log', log: /order ignored/ } };
    const silent = await runContract('shipping', { ...options(), accepts });
    expect(silent[1]).toMatchObject({ ok: false, acceptance: 'an unknown order is ignored with a log' });
    expect(silent[1]?.examples[0]?.failures).toEqual(['accepted only with a log matching /order ignored/ (an unknown order is ignored with a log); it logged []']);
    const logged = await runContract('shipping', { ...options({ OrderCancelled: (_e, ctx) => ctx.logger.info('order ignored: unknown', { orderId: 'o-1' }) }), accepts });
    expect(logged[1]).toMatchObject({ ok: true, examples: [{ logs: [{ level: 'info', message: 'order ignored: unknown' }] }] });
  });

  it('loads the examples once per spec, and names the queues when a target is unknown or ambiguous', async () => {
    const fresh: ContractSpec = { ...spec, examples: spec.examples };
    const before = loads;
    await runContract('shipping', { ...options(), spec: fresh });
    await runContract('shipping', { ...options(), spec: fresh });
    expect(loads - before).toBe(1);
    expect(() => resolveQueue(catalog, 'warehouse')).toThrow(ContractTargetError);
    expect(() => resolveQueue(catalog, 'warehouse')).toThrow('no queue or service named warehouse in the catalog; queues: shipping-queue (shipping), billing-queue (billing), billing-retry-queue (billing)');
    expect(() => resolveQueue(catalog, 'billing')).toThrow('service billing has 2 queues (billing-queue, billing-retry-queue); name the queue');
  });
});

describe('coverage', () => {
  const dir = join(TEST_OUT, `contract-coverage-test-${process.pid}`);
  beforeAll(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the receive operations no contract exercised, and those that failed', () => {
    const report = coverageReport(catalog, [
      { operationId: 'shipping.receiveOrderPlaced', examples: 2, passed: 2, sent: ['ShipmentBooked'] },
      { operationId: 'shipping.receiveOrderCancelled', examples: 1, passed: 0, sent: [] },
      { operationId: 'shipping.receiveParcel', examples: 1, passed: 1, sent: [] },
    ]);
    expect(report).toMatchObject({ declared: 3, covered: 1, uncovered: ['billing.receiveOrderPlaced'], failing: ['shipping.receiveOrderCancelled'], unknown: ['shipping.receiveParcel'] });
    const text = formatCoverage(report);
    expect(text.split('\n').slice(0, 4)).toEqual([
      'Contract coverage of Shop 1.0.0: 1/3 receive operations exercised with every example accepted',
      '  not exercised by any contract (1): billing.receiveOrderPlaced',
      '  failing (1): shipping.receiveOrderCancelled',
      '  exercised but not in the catalog: shipping.receiveParcel',
    ]);
    expect(text).toContain('    ok   shipping.receiveOrderPlaced (2/2 examples) -> ShipmentBooked');
  });

  it("merges every test file's part into one report, leaving out parts of files that no longer exist", () => {
    mkdirSync(join(dir, 'contract-coverage'), { recursive: true });
    const otherFile = join(dir, 'billing.test.ts');
    writeFileSync(otherFile, '');
    writeFileSync(join(dir, 'contract-coverage', 'billing.json'), JSON.stringify({ testPath: otherFile, runs: [{ operationId: 'billing.receiveOrderPlaced', examples: 2, passed: 2 }] }));
    writeFileSync(join(dir, 'contract-coverage', 'gone.json'), JSON.stringify({ testPath: join(dir, 'deleted.test.ts'), runs: [{ operationId: 'shipping.receiveOrderCancelled', examples: 1, passed: 1 }] }));

    resetCoverage();
    const written = writeCoverage(catalog, { dir, testPath: __filename });
    expect(written.report).toMatchObject({ covered: 1, uncovered: ['shipping.receiveOrderPlaced', 'shipping.receiveOrderCancelled'] });
    expect(JSON.parse(readFileSync(written.json, 'utf8'))).toEqual(written.report);
    expect(readFileSync(written.text, 'utf8')).toContain('1/3 receive operations exercised');
    expect(existsSync(join(dir, 'contract-coverage', 'gone.json'))).toBe(true);
  });
});

// The jest binding: one test per receive operation of the queue, named from the catalog.
// Its report goes to a folder of its own: this spec is not the project's.
contract('shipping', { ...options(), coverageDir: join(TEST_OUT, 'contract-coverage-harness-test') });

describe('contract()', () => {  it('fails the test of an operation with every failure, one line per example, and records it as failing', async () => {
    const prepared = await prepareContract('shipping', options({ OrderPlaced: () => Promise.reject(new Error('carrier down')) }));
    await expect(checkOperation(prepared, 'shipping.receiveOrderPlaced')).rejects.toMatchObject({ name: 'ContractFailedError', code: 'CONTRACT_FAILED', operationId: 'shipping.receiveOrderPlaced', failures: expect.arrayContaining([expect.stringContaining('carrier down')]) });
    await expect(checkOperation(prepared, 'shipping.receiveOrderPlaced')).rejects.toThrow(
      ['shipping.receiveOrderPlaced on shipping-queue failed its contract:', '  OrderPlaced example 0 (e-1): the handler threw (not accepted): Error: carrier down', '  OrderPlaced example 1 (e-2): the handler threw (not accepted): Error: carrier down'].join('\n'),
    );
    expect(recordedRuns().find((r) => r.operationId === 'shipping.receiveOrderPlaced')).toMatchObject({ examples: 2, passed: 0 });
    expect(coverageReport(catalog).failing).toEqual(['shipping.receiveOrderPlaced']);
    await checkOperation(await prepareContract('shipping', options()), 'shipping.receiveOrderPlaced');
  });

  it('recorded each operation it tested as covered', () => {
    expect(recordedRuns()).toEqual(
      expect.arrayContaining([
        { operationId: 'shipping.receiveOrderPlaced', examples: 2, passed: 2, sent: ['ShipmentBooked'] },
        { operationId: 'shipping.receiveOrderCancelled', examples: 1, passed: 1, sent: [] },
      ]),
    );
    expect(coverageReport(catalog).uncovered).toEqual(['billing.receiveOrderPlaced']);
  });
});
