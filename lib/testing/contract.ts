// The contract harness, without a test framework: every example of every message a queue
// receives goes through the service's real handler map, in-process; each must be accepted
// (no throw), and every event the handler sends must be a spec event the service declares it
// sends, valid against its generated validator, in the causing example's correlation.
// ./jest.ts turns it into one test per receive operation; ./coverage.ts reports what ran.
import { parseEvent, readMetadata, type EventBridgeEvent, type Route } from '../envelope';
import { ContractTargetError } from './errors';
import type { LogLine, SentEvent } from './recorder';
import { examplesOf, resolveQueue, type CatalogEvent, type CatalogQueue, type ContractSpec, type Examples } from './spec';

/** A handler of the map; its event type is the generated one, so it is only called through the harness. */
export type ContractHandler<C> = (event: never, context: C) => unknown;

/** What a contract runs against: built fresh per contract by `setup` (in-memory fakes, or stores on DynamoDB Local). */
export interface ContractHarness<C> {
  /** The service's handler map (detail-type -> handler): its `handlers` export, or `makeHandlers(deps)` over fakes. */
  handlers: Readonly<Record<string, ContractHandler<C> | undefined>>;
  /** The context each handler call gets (a recorder's `context`, or your own). */
  context: (event: EventBridgeEvent) => C;
  /** Every event sent so far (recorder, in-memory stores' outboxes, the outbox table...): read before and after each example. */
  sent: () => readonly SentEvent[] | Promise<readonly SentEvent[]>;
  /** Log lines since the last call, for the report (a recorder's `takeLogs`). */
  logs?: () => readonly LogLine[];
  /**
   * The queue's generated routes, when it receives older versions of an event it upcasts
   * (`reportingQueueRoutes(upcasters)`): each example then goes through them as the consumer's
   * records do (own schema, upcasters, next version's schema) and reaches the handler of the
   * detail-type they hand over. Without them a handler is looked up by the example's own detail-type.
   */
  routes?: Readonly<Record<string, Route>>;
}

/** What accepting one message means for this service, when it is not "handled, no throw". */
export interface Acceptance {
  /** Why, in words (shown in the report). */
  note: string;
  /** The handler must log a line matching this (an example ignored "with a log" is accepted; one ignored silently is not). */
  log?: RegExp;
}

export interface ContractOptions<C> {
  spec: ContractSpec;
  /** Builds the handler map, context and capture; called once before the first example. */
  setup: () => ContractHarness<C> | Promise<ContractHarness<C>>;
  /**
   * Per message name: state to arrange before each of its examples (the saga a reply names, the
   * aggregate a command is about). What it sends is not counted as the example's.
   */
  given?: Readonly<Record<string, (event: EventBridgeEvent, harness: ContractHarness<C>) => unknown>>;
  /** Per message name: what acceptance means when the example finds no state (see Acceptance). */
  accepts?: Readonly<Record<string, Acceptance>>;
  /** Per message name: the detail-types each example must send, in any order (e.g. a request its response). */
  sends?: Readonly<Record<string, readonly string[]>>;
  /** Check that sent events carry the example's correlationId (default true: correlation ids propagate into everything emitted). */
  correlation?: boolean;
}

/** What one example did. */
export interface ExampleResult {
  operationId: string;
  message: string;
  /** Index of the example in the spec. */
  example: number;
  eventId: string | undefined;
  ok: boolean;
  /** Why not (empty when ok). */
  failures: string[];
  sent: { detailType: string; source: string; via: string | undefined }[];
  logs: LogLine[];
}

export interface OperationResult {
  operationId: string;
  service: string;
  queue: string;
  message: string;
  examples: ExampleResult[];
  ok: boolean;
  acceptance?: string;
}

/** The EventBridge event an SQS rule target receives for an example detail. */
export function exampleEvent(event: CatalogEvent, detail: unknown, index: number): EventBridgeEvent {
  const metadata = readMetadata(detail);
  return {
    version: '0',
    id: `contract-${event.name}-${index}`,
    'detail-type': event.detailType,
    source: event.source,
    account: '000000000000',
    time: metadata.occurredAt ?? '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: structuredClone(detail),
  };
}

const keyOf = (e: SentEvent): string => `${e.detailType}|${e.source}|${readMetadata(e.detail).eventId ?? JSON.stringify(e.detail)}`;

/** The problems of one sent event (empty when it is a valid spec event the service sends). */
export function sentEventProblems(spec: ContractSpec, service: string, e: SentEvent, correlationId: string | undefined): string[] {
  const { catalog } = spec;
  const event = catalog.events.find((x) => x.detailType === e.detailType && x.source === e.source);
  const label = `sent ${e.detailType} (source ${e.source}${e.via ? `, via ${e.via}` : ''})`;
  if (!event) return [`${label}: no event of the spec has this detail-type and source`];
  const problems: string[] = [];
  const declared = catalog.services.find((s) => s.name === service)?.sends ?? [];
  if (!declared.includes(event.name)) problems.push(`${label}: ${service} does not declare that it sends ${event.name} (its sends: ${declared.join(', ') || 'none'})`);
  if (e.bus !== undefined && e.bus !== event.bus) problems.push(`${label}: on bus ${e.bus}, the spec puts ${event.name} on ${event.bus}`);
  const validate = spec.validators[event.name];
  if (!validate) problems.push(`${label}: no generated validator for ${event.name}`);
  else {
    const result = validate(e.detail);
    if (!result.ok) problems.push(`${label}: does not match its schema: ${result.errors.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`);
  }
  const sentCorrelation = readMetadata(e.detail).correlationId;
  if (correlationId !== undefined && sentCorrelation !== correlationId) problems.push(`${label}: correlationId ${String(sentCorrelation)} is not the example's (${correlationId})`);
  return problems;
}

const sameMultiset = (a: readonly string[], b: readonly string[]): boolean => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/**
 * Runs a queue's receive operations through a harness. Build it with `prepareContract`
 * (one setup, examples loaded), then call `runOperation` per operation; the state the
 * handlers keep carries over from one example to the next, in spec order.
 */
export interface PreparedContract<C> {
  queue: CatalogQueue;
  harness: ContractHarness<C>;
  examples: Examples;
  runOperation(operationId: string): Promise<OperationResult>;
}

export async function prepareContract<C>(target: string, options: ContractOptions<C>): Promise<PreparedContract<C>> {
  const queue = resolveQueue(options.spec.catalog, target);
  const [harness, examples] = await Promise.all([options.setup(), examplesOf(options.spec)]);
  const seen = new Set<string>();
  for (const e of await harness.sent()) seen.add(keyOf(e));
  const fresh = async (): Promise<SentEvent[]> => (await harness.sent()).filter((e) => {
    const key = keyOf(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  const runExample = async (operationId: string, event: CatalogEvent, detail: unknown, index: number): Promise<ExampleResult> => {
    const failures: string[] = [];
    const input = exampleEvent(event, detail, index);
    const eventId = readMetadata(detail).eventId;
    const validate = options.spec.validators[event.name];
    const checked = validate?.(detail);
    if (!validate) failures.push(`no generated validator for ${event.name}`);
    else if (checked && !checked.ok) failures.push(`the spec example does not match its own schema: ${checked.errors.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`);

    const arrange = options.given?.[event.name];
    if (arrange) {
      try {
        await arrange(input, harness);
      } catch (cause) {
        failures.push(`given (arranging state for ${event.name}) threw: ${describe(cause)}`);
      }
    }
    await fresh(); // what the arrangement sent is not the example's
    harness.logs?.();

    let delivered: EventBridgeEvent = input;
    if (harness.routes && !failures.length) {
      try {
        delivered = parseEvent(queue.name, harness.routes, input) as EventBridgeEvent;
      } catch (cause) {
        failures.push(`the queue's routes rejected it (not accepted): ${describe(cause)}`);
      }
    }
    const handler = harness.handlers[delivered['detail-type']];
    if (!handler) failures.push(`the handler map has no handler for ${delivered['detail-type']}${delivered === input ? '' : ` (${event.detailType} upcast)`}`);
    else if (!failures.length) {
      try {
        await (handler as (e: EventBridgeEvent, c: C) => unknown)(delivered, harness.context(delivered));
      } catch (cause) {
        failures.push(`the handler threw (not accepted): ${describe(cause)}`);
      }
    }
    const sent = await fresh();
    const logs = [...(harness.logs?.() ?? [])];
    const correlationId = options.correlation === false ? undefined : readMetadata(detail).correlationId;
    for (const e of sent) failures.push(...sentEventProblems(options.spec, queue.service, e, correlationId));
    const expected = options.sends?.[event.name];
    if (expected && !sameMultiset(expected, sent.map((e) => e.detailType))) failures.push(`expected it to send [${expected.join(', ')}], it sent [${sent.map((e) => e.detailType).join(', ')}]`);
    const acceptance = options.accepts?.[event.name];
    if (acceptance?.log && handler && !logs.some((l) => acceptance.log?.test(l.message))) {
      failures.push(`accepted only with a log matching ${String(acceptance.log)} (${acceptance.note}); it logged [${logs.map((l) => l.message).join(' | ')}]`);
    }
    return { operationId, message: event.name, example: index, eventId, ok: failures.length === 0, failures, sent: sent.map((e) => ({ detailType: e.detailType, source: e.source, via: e.via })), logs };
  };

  return {
    queue,
    harness,
    examples,
    async runOperation(operationId) {
      const op = queue.messages.find((m) => m.operationId === operationId);
      if (!op) throw new ContractTargetError(`contract: ${queue.name} has no receive operation ${operationId}`);
      const event = options.spec.catalog.events.find((e) => e.name === op.message);
      const base = { operationId, service: queue.service, queue: queue.name, message: op.message, ...(options.accepts?.[op.message] ? { acceptance: options.accepts[op.message]?.note } : {}) };
      if (!event) return { ...base, examples: [{ operationId, message: op.message, example: -1, eventId: undefined, ok: false, failures: [`the catalog has no event ${op.message}`], sent: [], logs: [] }], ok: false };
      const list = examples[op.message] ?? [];
      const results: ExampleResult[] = [];
      for (const [i, detail] of list.entries()) results.push(await runExample(operationId, event, detail, i));
      if (!list.length) results.push({ operationId, message: op.message, example: -1, eventId: undefined, ok: false, failures: [`the spec has no example of ${op.message}: nothing to run`], sent: [], logs: [] });
      return { ...base, examples: results, ok: results.every((r) => r.ok) };
    },
  };
}

/** Runs every receive operation of `target` (a queue, or a service with one queue). */
export async function runContract<C>(target: string, options: ContractOptions<C>): Promise<OperationResult[]> {
  const prepared = await prepareContract(target, options);
  const results: OperationResult[] = [];
  for (const op of prepared.queue.messages) results.push(await prepared.runOperation(op.operationId));
  return results;
}

/** Failures of an operation, one line each, for a test failure message. */
export function describeFailures(result: OperationResult): string {
  const lines = result.examples.flatMap((r) => r.failures.map((f) => `  ${result.message} example ${r.example}${r.eventId ? ` (${r.eventId})` : ''}: ${f}`));
  return `${result.operationId} on ${result.queue} failed its contract:\n${lines.join('\n')}`;
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
