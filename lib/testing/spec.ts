// What the contract harness reads of a spec: the generated catalog (queues, services, events),
// the generated validators, and every message's examples. Structural types only, so any
// project's generated/catalog.json fits; lib/ never imports generated/ (lib/README.md).
import { ContractTargetError } from './errors';

/** One event of the catalog (generated/catalog.json `events[]`). */
export interface CatalogEvent {
  name: string;
  detailType: string;
  source: string;
  /** Spec key of the bus the event travels on. */
  bus: string;
}

/** One consumer queue of the catalog (`queues[]`): each message is one receive operation. */
export interface CatalogQueue {
  service: string;
  name: string;
  messages: readonly { message: string; operationId: string }[];
}

/** One service of the catalog (`services[]`). */
export interface CatalogService {
  name: string;
  /** Message names the service declares it sends (its send operations). */
  sends: readonly string[];
  queues: readonly string[];
}

/** The parts of generated/catalog.json the harness uses. */
export interface ContractCatalog {
  spec?: { title?: string; version?: string };
  services: readonly CatalogService[];
  events: readonly CatalogEvent[];
  queues: readonly CatalogQueue[];
}

/** A generated validator (`validators.<Message>` of generated/): ok, or the issues with their JSON pointers. */
export type ContractValidator = (input: unknown) => { ok: true } | { ok: false; errors: readonly { path: string; message: string }[] };

/** Example payloads (the EventBridge `detail`, `{ metadata, data }`) per message name, in spec order. */
export type Examples = Readonly<Record<string, readonly unknown[]>>;

/** Everything the harness needs from the spec. `examples` may be loaded on first use (parsing a spec takes a while). */
export interface ContractSpec {
  catalog: ContractCatalog;
  validators: Readonly<Record<string, ContractValidator>>;
  examples: Examples | (() => Examples | Promise<Examples>);
}

/** A receive operation: one message on one queue. */
export interface ReceiveOperation {
  operationId: string;
  service: string;
  queue: string;
  message: string;
}

/** Every receive operation the catalog declares, in catalog order. */
export function receiveOperations(catalog: ContractCatalog): ReceiveOperation[] {
  return catalog.queues.flatMap((q) => q.messages.map((m) => ({ operationId: m.operationId, service: q.service, queue: q.name, message: m.message })));
}

/**
 * The queue `target` names: a queue name, or a service with exactly one queue. Throws with
 * the known names otherwise (a typo must not silently test nothing).
 */
export function resolveQueue(catalog: ContractCatalog, target: string): CatalogQueue {
  const byName = catalog.queues.find((q) => q.name === target);
  if (byName) return byName;
  const ofService = catalog.queues.filter((q) => q.service === target);
  if (ofService.length === 1) return ofService[0] as CatalogQueue;
  if (ofService.length > 1) throw new ContractTargetError(`contract: service ${target} has ${ofService.length} queues (${ofService.map((q) => q.name).join(', ')}); name the queue`);
  throw new ContractTargetError(`contract: no queue or service named ${target} in the catalog; queues: ${catalog.queues.map((q) => `${q.name} (${q.service})`).join(', ') || 'none'}`);
}

let loaded = new WeakMap<ContractSpec, Promise<Examples>>();

/** The spec's examples, loaded once per spec object. */
export function examplesOf(spec: ContractSpec): Promise<Examples> {
  let found = loaded.get(spec);
  if (!found) {
    const source = spec.examples;
    found = Promise.resolve(typeof source === 'function' ? source() : source);
    loaded.set(spec, found);
  }
  return found;
}

/** Forgets loaded examples (tests of the harness itself). */
export function resetExamples(): void {
  loaded = new WeakMap();
}
