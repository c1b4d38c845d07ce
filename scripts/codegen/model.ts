import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { CodegenSpecError, CodegenUnsupportedError, type SpecIssue } from './errors';
import type { SpecLocator } from './locate';
import { typeName, kebabCase } from './naming';
import { readGathers, type GatherModel } from './gathers';
import { readSagas, type SagaModel } from './sagas';
import { assignFamilies, deprecationOf, planUpcasts, versionName, type UpcastChain } from './versions';
import { bundleSchemas, piiPaths, UnresolvedRefError, type CircularRefResolver, type JsonSchema, type JsonSchemaObject, type SchemaRoot } from './schemas';

/** Defaults for a consumer queue, from seed 004: 5 min visibility, 4 days, DLQ 14 days, 3 receives. */
export const QUEUE_DEFAULTS = {
  visibilityTimeout: 300,
  messageRetentionPeriod: 345_600,
  dlqMessageRetentionPeriod: 1_209_600,
  maxReceiveCount: 3,
  batchSize: 10,
  batchWindowSeconds: 0,
} as const;

export interface EventBridgeInfo {
  source: string;
  detailType: string;
  /** Key of the server that is the bus. */
  bus: string;
}

export interface ExampleModel {
  name?: string;
  summary?: string;
  payload: unknown;
  pointer: string;
}

export interface MessageModel {
  /** Unique identifier-safe name (PascalCase), used for validators and publishers. */
  name: string;
  /** Key of the message in its channel or in components.messages. */
  key: string;
  /** Type of the payload in generated/models (undefined: the message has no payload). */
  typeName: string | undefined;
  title?: string;
  summary?: string;
  description?: string;
  channel?: string;
  address?: string;
  pointer: string;
  contentType?: string;
  examples: ExampleModel[];
  eventbridge?: EventBridgeInfo;
  scope?: 'integration' | 'local';
  /** `x-timer: true`: put on its bus by an EventBridge Scheduler timer its producer schedules (lib/timers). */
  timer?: true;
  version: string;
  /** Family of the event's versions and this message's major version (scripts/codegen/versions.ts). */
  family: string;
  major: number;
  /** `x-deprecated: true` (or a reason): codegen warns, the docs and the publisher say so. */
  deprecated?: { reason?: string };
  /** Payload is the `{ metadata, data }` envelope of this project's convention. */
  envelope: boolean;
  pii: string[];
  producers: string[];
  consumers: { service: string; queue: string | undefined; operationId: string; filter?: JsonSchemaObject }[];
}

export interface QueueModel {
  name: string;
  service: string;
  dlq: string;
  visibilityTimeout: number;
  messageRetentionPeriod: number;
  dlqMessageRetentionPeriod: number;
  maxReceiveCount: number;
  batchSize: number;
  batchWindowSeconds: number;
  /** Messages delivered to this queue, in spec order, each with its optional content filter. */
  messages: { message: string; operationId: string; filter?: JsonSchemaObject }[];
}

export interface BusModel {
  key: string;
  name: string;
  description?: string;
}

export interface OperationModel {
  id: string;
  action: 'send' | 'receive';
  service: string;
  channel?: string;
  messages: string[];
  summary?: string;
}

export interface CommandModel {
  name: string;
  typeName: string;
  /** `x-http` of the command schema: the HTTP API route that accepts it and the service behind it. */
  http?: { method: string; path: string; service: string };
}

/** Everything the emitters need, computed once from the parsed document. */
export interface SpecModel {
  title: string;
  version: string;
  asyncapi: string;
  description?: string;
  definitions: Record<string, JsonSchema>;
  messages: MessageModel[];
  operations: OperationModel[];
  services: { name: string; description?: string; sends: string[]; receives: string[] }[];
  queues: QueueModel[];
  buses: BusModel[];
  commands: CommandModel[];
  /** Whether any message carries `x-eventbridge`: gates the EventBridge-specific emitters. */
  eventbridge: boolean;
  /** Sagas the services declare (`x-services.<service>.x-sagas`), checked against the routing. */
  sagas: SagaModel[];
  /** Scatter-gathers the services declare (`x-services.<service>.x-gathers`), checked against the routing. */
  gathers: GatherModel[];
  /** What codegen left out or advises against, without refusing the spec (skipped non-JSON-Schema messages...). */
  warnings: SpecIssue[];
  /**
   * Per queue that receives more than one version of an event: how each older version is
   * upcast, one major at a time, to the latest one it receives (the only one its handler sees).
   */
  upcasts: { queue: string; chains: UpcastChain[] }[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const esc = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

const JSON_SCHEMA_FORMATS = /^application\/(vnd\.aai\.asyncapi(\+json|\+yaml)?|schema\+json|schema\+yaml)(;version=.*)?$/;

/** Builds the intermediate model, checking this project's conventions along the way. */
export function buildModel(document: AsyncAPIDocumentInterface, locator: SpecLocator): SpecModel {
  const doc = document.json() as unknown as Json;
  const issues: SpecIssue[] = [];
  const unsupported: SpecIssue[] = [];
  const warnings: SpecIssue[] = [];
  const issue = (pointer: string, message: string, bucket = issues): void => {
    const location = locator.locate(pointer);
    bucket.push({ message, pointer, ...(location ? { location } : {}) });
  };
  const info = isObj(doc['info']) ? doc['info'] : {};

  // Buses: every server; EventBridge name from x-eventbridge-bus.name, else the key.
  const servers = isObj(doc['servers']) ? doc['servers'] : {};
  const buses: BusModel[] = Object.entries(servers).map(([key, server]) => {
    const s = isObj(server) ? server : {};
    const ext = isObj(s['x-eventbridge-bus']) ? s['x-eventbridge-bus'] : {};
    const description = str(s['description']);
    return { key, name: str(ext['name']) ?? key, ...(description ? { description } : {}) };
  });

  // Messages: every message of every channel, then components.messages not used by any channel.
  // undefined: a message left out (its payload is not JSON Schema).
  const messageByObject = new Map<Json, MessageModel | undefined>();
  const messages: MessageModel[] = [];
  const usedMessageNames = new Set<string>();
  const channelKeyByObject = new Map<Json, string>();
  const payloadRoots: SchemaRoot[] = [];
  const payloadOwners: (MessageModel | undefined)[] = [];

  const addMessage = (message: Json, key: string, pointer: string, channel?: { key: string; address?: string }): void => {
    if (messageByObject.has(message)) return;
    let name = typeName(key, 'Message');
    if (usedMessageNames.has(name)) name = typeName(`${channel?.key ?? 'component'} ${key}`);
    usedMessageNames.add(name);
    const eb = isObj(message['x-eventbridge']) ? message['x-eventbridge'] : undefined;
    let eventbridge: EventBridgeInfo | undefined;
    if (eb) {
      const source = str(eb['source']);
      const detailType = str(eb['detailType']);
      let bus = str(eb['bus']);
      if (!source) issue(`${pointer}/x-eventbridge`, `x-eventbridge.source is required (message ${key})`);
      if (!detailType) issue(`${pointer}/x-eventbridge`, `x-eventbridge.detailType is required (message ${key})`);
      if (!bus) {
        if (buses.length === 1) bus = (buses[0] as BusModel).key;
        else issue(`${pointer}/x-eventbridge`, `x-eventbridge.bus is required when the spec has ${buses.length} servers (message ${key})`);
      } else if (!buses.some((b) => b.key === bus)) {
        issue(`${pointer}/x-eventbridge/bus`, `x-eventbridge.bus "${bus}" is not a server of the spec (known: ${buses.map((b) => b.key).join(', ') || 'none'})`);
      }
      if (source && detailType && bus) eventbridge = { source, detailType, bus };
    }
    const scope = message['x-scope'];
    if (scope !== undefined && scope !== 'integration' && scope !== 'local') issue(`${pointer}/x-scope`, `x-scope must be "integration" or "local", got ${JSON.stringify(scope)}`);
    const timer = message['x-timer'];
    if (timer !== undefined && typeof timer !== 'boolean') issue(`${pointer}/x-timer`, `x-timer must be true or false, got ${JSON.stringify(timer)}`);
    if (timer === true && !eventbridge) issue(`${pointer}/x-timer`, `message ${name} is x-timer but has no x-eventbridge: a timer puts its event on a bus`);
    const rawVersion = message['x-version'];
    let payload: unknown = message['payload'];
    if (isObj(payload) && typeof payload['schemaFormat'] === 'string' && 'schema' in payload) {
      if (!JSON_SCHEMA_FORMATS.test(payload['schemaFormat'])) {
        // The other messages are still JSON Schema: generate those, leave this one out.
        issue(`${pointer}/payload/schemaFormat`, `message ${key} skipped: its payload schemaFormat "${payload['schemaFormat']}" is not JSON Schema, and only AsyncAPI and JSON Schema payloads can be turned into types and validators`, warnings);
        messageByObject.set(message, undefined);
        return;
      }
      payload = payload['schema'];
    }
    const examples: ExampleModel[] = Array.isArray(message['examples'])
      ? message['examples'].flatMap((ex, i) => {
          if (!isObj(ex) || !('payload' in ex)) return [];
          const n = str(ex['name']);
          const s = str(ex['summary']);
          return [{ payload: ex['payload'], pointer: `${pointer}/examples/${i}/payload`, ...(n ? { name: n } : {}), ...(s ? { summary: s } : {}) }];
        })
      : [];
    const model: MessageModel = {
      name,
      key,
      typeName: undefined,
      pointer,
      examples,
      version: typeof rawVersion === 'string' || typeof rawVersion === 'number' ? String(rawVersion) : '1.0',
      family: name,
      major: 1,
      envelope: false,
      pii: [],
      producers: [],
      consumers: [],
      ...(str(message['title']) ? { title: str(message['title']) } : {}),
      ...(str(message['summary']) ? { summary: str(message['summary']) } : {}),
      ...(str(message['description']) ? { description: str(message['description']) } : {}),
      ...(channel ? { channel: channel.key } : {}),
      ...(channel?.address ? { address: channel.address } : {}),
      ...(str(message['contentType']) ? { contentType: str(message['contentType']) } : {}),
      ...(eventbridge ? { eventbridge } : {}),
      ...(scope === 'integration' || scope === 'local' ? { scope } : {}),
      ...(timer === true ? { timer: true as const } : {}),
    };
    const deprecation = deprecationOf(message);
    if (message['x-deprecated'] !== undefined && typeof message['x-deprecated'] !== 'boolean' && !deprecation.reason) issue(`${pointer}/x-deprecated`, `x-deprecated must be true, false or a reason (a non-empty string), got ${JSON.stringify(message['x-deprecated'])}`);
    if (deprecation.deprecated) model.deprecated = deprecation.reason ? { reason: deprecation.reason } : {};
    if (payload !== undefined && payload !== null && (isObj(payload) || typeof payload === 'boolean')) {
      payloadRoots.push({ schema: payload as JsonSchema, preferredName: name, authoritative: false, pointer: `${pointer}/payload${isObj(message['payload']) && 'schema' in message['payload'] && 'schemaFormat' in message['payload'] ? '/schema' : ''}` });
      payloadOwners.push(model);
      if (isObj(payload)) {
        const props = isObj(payload['properties']) ? payload['properties'] : {};
        const required = Array.isArray(payload['required']) ? payload['required'] : [];
        model.envelope = isObj(props['metadata']) && isObj(props['data']) && required.includes('metadata') && required.includes('data');
      }
    }
    messageByObject.set(message, model);
    messages.push(model);
  };

  const channels = isObj(doc['channels']) ? doc['channels'] : {};
  for (const [channelKey, channel] of Object.entries(channels)) {
    if (!isObj(channel)) continue;
    channelKeyByObject.set(channel, channelKey);
    const address = str(channel['address']);
    const msgs = isObj(channel['messages']) ? channel['messages'] : {};
    for (const [key, message] of Object.entries(msgs)) {
      if (isObj(message)) addMessage(message, key, `/channels/${esc(channelKey)}/messages/${esc(key)}`, { key: channelKey, ...(address ? { address } : {}) });
    }
  }
  const components = isObj(doc['components']) ? doc['components'] : {};
  const componentMessages = isObj(components['messages']) ? components['messages'] : {};
  for (const [key, message] of Object.entries(componentMessages)) {
    if (isObj(message)) addMessage(message, key, `/components/messages/${esc(key)}`);
  }

  // Named component schemas and commands (schemas marked x-command: true).
  const componentSchemas = isObj(components['schemas']) ? components['schemas'] : {};
  const schemaRoots: SchemaRoot[] = [...payloadRoots];
  const commandKeys: string[] = [];
  const commandHttp = new Map<string, CommandModel['http']>();
  for (const [key, schema] of Object.entries(componentSchemas)) {
    if (isObj(schema) && typeof schema['schemaFormat'] === 'string') {
      issue(`/components/schemas/${esc(key)}/schemaFormat`, `component schema ${key} skipped: its schemaFormat "${String(schema['schemaFormat'])}" is not JSON Schema`, warnings);
      continue;
    }
    if (!isObj(schema) && typeof schema !== 'boolean') continue;
    schemaRoots.push({ schema: schema as JsonSchema, preferredName: key, authoritative: true, pointer: `/components/schemas/${esc(key)}` });
    if (isObj(schema) && schema['x-command'] === true) {
      commandKeys.push(key);
      const http = schema['x-http'];
      if (http !== undefined) {
        const method = isObj(http) ? str(http['method'])?.toUpperCase() : undefined;
        const path = isObj(http) ? str(http['path']) : undefined;
        const service = isObj(http) ? str(http['service']) : undefined;
        if (!method || !['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) || !path?.startsWith('/') || !service) {
          issue(`/components/schemas/${esc(key)}/x-http`, 'x-http must be { method: POST|PUT|PATCH|DELETE, path: /route/{param}, service: <name> }');
        } else if ([...commandHttp.values()].some((h) => h?.method === method && h.path === path)) {
          issue(`/components/schemas/${esc(key)}/x-http`, `route ${method} ${path} is already taken by another command`);
        } else commandHttp.set(key, { method, path, service });
      }
    }
  }
  if (unsupported.length) throw new CodegenUnsupportedError(unsupported);

  // Message payloads keep the message name unless the payload is a named component.
  let bundle: ReturnType<typeof bundleSchemas>;
  try {
    bundle = bundleSchemas(schemaRoots, circularResolver(locator));
  } catch (error) {
    if (!(error instanceof UnresolvedRefError)) throw error;
    const location = locator.locate(error.pointer);
    throw new CodegenUnsupportedError([{ message: `$ref "${error.ref}" could not be resolved (the parser leaves only recursive refs unresolved, and this one points at no enclosing schema)`, pointer: error.pointer, ...(location ? { location } : {}) }]);
  }
  payloadOwners.forEach((owner, i) => {
    if (owner) owner.typeName = bundle.rootNames[i];
  });
  const commands: CommandModel[] = commandKeys.map((key) => {
    const index = schemaRoots.findIndex((r) => r.preferredName === key && r.authoritative);
    const http = commandHttp.get(key);
    return { name: typeName(key), typeName: bundle.rootNames[index] as string, ...(http ? { http } : {}) };
  });
  for (const m of messages) if (m.typeName) m.pii = piiPaths(bundle.definitions[m.typeName] as JsonSchema, bundle.definitions);

  // Operations: service from x-service, else the operation id's prefix before a dot.
  const operations: OperationModel[] = [];
  const rawOps = isObj(doc['operations']) ? doc['operations'] : {};
  const queues = new Map<string, QueueModel & { pointer: string }>();
  for (const [id, op] of Object.entries(rawOps)) {
    if (!isObj(op)) continue;
    const pointer = `/operations/${esc(id)}`;
    const action = op['action'] === 'send' ? 'send' : 'receive';
    const service = str(op['x-service']) ?? (id.includes('.') ? (id.split('.')[0] as string) : 'app');
    const channel = isObj(op['channel']) ? op['channel'] : undefined;
    const channelKey = channel ? channelKeyByObject.get(channel) : undefined;
    let opMessages: Json[] = Array.isArray(op['messages']) ? op['messages'].filter(isObj) : [];
    if (!Array.isArray(op['messages']) && channel && isObj(channel['messages'])) opMessages = Object.values(channel['messages']).filter(isObj);
    const models = opMessages.map((m) => messageByObject.get(m)).filter((m): m is MessageModel => m !== undefined);
    const summary = str(op['summary']);
    operations.push({ id, action, service, messages: models.map((m) => m.name), ...(channelKey ? { channel: channelKey } : {}), ...(summary ? { summary } : {}) });
    for (const m of models) {
      if (action === 'send') {
        if (!m.producers.includes(service)) m.producers.push(service);
        continue;
      }
      const filter = op['x-eventbridge-filter'];
      if (filter !== undefined && !isObj(filter)) issue(`${pointer}/x-eventbridge-filter`, 'x-eventbridge-filter must be an event-pattern object, e.g. { detail: { data: { field: [ ... ] } } }');
      let queueName: string | undefined;
      if (m.eventbridge) {
        const q = queueFromBinding(op, service, `${pointer}`, issue);
        queueName = q.name;
        const existing = queues.get(q.name);
        if (existing) {
          for (const k of ['service', 'dlq', 'visibilityTimeout', 'messageRetentionPeriod', 'dlqMessageRetentionPeriod', 'maxReceiveCount', 'batchSize', 'batchWindowSeconds'] as const) {
            if (existing[k] !== q[k]) issue(`${pointer}/bindings`, `queue "${q.name}" is declared with ${k}=${String(q[k])} here but ${String(existing[k])} at ${existing.pointer}`);
          }
        } else {
          queues.set(q.name, { ...q, pointer, messages: [] });
        }
        const target = queues.get(q.name) as QueueModel;
        if (target.messages.some((x) => x.message === m.name)) issue(pointer, `message ${m.name} is delivered twice to queue "${q.name}"`);
        else target.messages.push({ message: m.name, operationId: id, ...(isObj(filter) ? { filter } : {}) });
      }
      m.consumers.push({ service, queue: queueName, operationId: id, ...(isObj(filter) ? { filter } : {}) });
    }
  }

  // Versions: each message's family and major (scripts/codegen/versions.ts).
  const families = assignFamilies(messages.map((m) => ({ name: m.name, version: m.version, ...(m.eventbridge ? { eventbridge: m.eventbridge } : {}) })));
  for (const m of messages) Object.assign(m, families.get(m.name));
  const members = (family: string): MessageModel[] => messages.filter((m) => m.family === family);
  for (const m of messages) {
    const same = members(m.family);
    if (same.length < 2) continue;
    const twin = same.find((x) => x !== m && x.major === m.major);
    if (twin && messages.indexOf(twin) < messages.indexOf(m)) issue(`${m.pointer}/x-version`, `messages ${twin.name} and ${m.name} are both version ${m.major} of ${m.family}: a new major version needs x-version '${m.major + 1}.0' (and the name ${versionName(m.family, m.major + 1)})`);
    const first = same[0] as MessageModel;
    if (m !== first && m.eventbridge && first.eventbridge && (m.eventbridge.source !== first.eventbridge.source || m.eventbridge.bus !== first.eventbridge.bus)) {
      issue(`${m.pointer}/x-eventbridge`, `${m.name} is version ${m.major} of ${m.family} but has source "${m.eventbridge.source}" on bus "${m.eventbridge.bus}", where ${first.name} has "${first.eventbridge.source}" on "${first.eventbridge.bus}": the versions of one event share source and bus (only the detail-type differs)`);
    }
  }
  for (const m of messages) {
    if (!m.deprecated) continue;
    const newer = members(m.family).filter((x) => x.major > m.major).map((x) => x.name);
    const users = [...m.producers.map((p) => `sent by ${p}`), ...m.consumers.map((c) => `received by ${c.queue ?? c.service}`)];
    issue(m.pointer, `message ${m.name} is x-deprecated${m.deprecated.reason ? `: ${m.deprecated.reason}` : ''}${newer.length ? `; newer: ${newer.join(', ')}` : ''}${users.length ? `; still ${users.join(', ')} (remove it once nothing does)` : ''}`, warnings);
  }

  // Cross-checks that only make sense once everything is known.
  const seenTypes = new Map<string, MessageModel>();
  for (const m of messages) {
    if (!m.eventbridge) continue;
    const k = `${m.eventbridge.bus}|${m.eventbridge.source}|${m.eventbridge.detailType}`;
    const other = seenTypes.get(k);
    if (other) {
      const versions = other.family === m.family ? ` (versions ${other.major} and ${m.major} of ${m.family}: each version has its own detail-type, e.g. "${versionName(m.family, m.major)}")` : '';
      issue(`${m.pointer}/x-eventbridge`, `messages ${other.name} and ${m.name} share source "${m.eventbridge.source}" and detail-type "${m.eventbridge.detailType}" on bus "${m.eventbridge.bus}": routing could not tell them apart${versions}`);
    }
    seenTypes.set(k, m);
    if (m.scope === 'local') {
      for (const c of m.consumers) {
        if (!m.producers.includes(c.service)) issue(`/operations/${esc(c.operationId)}`, `message ${m.name} is x-scope: local to ${m.producers.join(', ') || 'its producer'}, but service "${c.service}" receives it`);
      }
    }
  }
  for (const q of queues.values()) {
    const byDetailType = new Map<string, string>();
    for (const { message } of q.messages) {
      const m = messages.find((x) => x.name === message) as MessageModel;
      const dt = (m.eventbridge as EventBridgeInfo).detailType;
      const prev = byDetailType.get(dt);
      if (prev) issue(q.pointer, `queue "${q.name}" receives two messages with detail-type "${dt}" (${prev}, ${message}); its handler map is keyed by detail-type`);
      byDetailType.set(dt, message);
    }
  }
  // A queue that receives several versions of an event: its handler sees the latest, older
  // ones are upcast one major at a time, so every version in between must exist.
  const upcasts: SpecModel['upcasts'] = [];
  for (const q of queues.values()) {
    const received = q.messages.map((x) => x.message);
    const byName = (name: string): MessageModel => messages.find((x) => x.name === name) as MessageModel;
    const plan = planUpcasts(received, (family) => members(family).map((x) => ({ name: x.name, major: x.major })), (name) => byName(name));
    for (const gap of plan.gaps) {
      issue(q.pointer, `queue "${q.name}" receives ${gap.message} (v${byName(gap.message).major}) and ${gap.latest} (v${byName(gap.latest).major}) of ${gap.family}, but the upcaster chain has a gap: step v${gap.fromMajor} -> v${gap.missingMajor} (${gap.from} -> ${versionName(gap.family, gap.missingMajor)}) is missing, as the spec has no version ${gap.missingMajor} of ${gap.family}; add ${versionName(gap.family, gap.missingMajor)} (x-version '${gap.missingMajor}.0'), or stop receiving ${gap.message}`);
    }
    for (const chain of plan.chains) {
      for (const step of chain.steps) {
        const from = byName(step.from);
        const to = byName(step.to);
        if (from.envelope !== to.envelope) issue(q.pointer, `queue "${q.name}" upcasts ${step.from} to ${step.to}, but only one of them has the { metadata, data } envelope: the versions of one event keep the same envelope`);
      }
    }
    if (plan.chains.length) upcasts.push({ queue: q.name, chains: plan.chains });
  }
  const sagas = readSagas(doc, messages, (pointer, message) => issue(pointer, message));
  const gathers = readGathers(doc, messages, (pointer, message) => issue(pointer, message));
  if (issues.length) throw new CodegenSpecError(issues, 'the spec breaks the codegen conventions');

  const xServices = isObj(doc['x-services']) ? doc['x-services'] : {};
  const serviceNames = [...new Set([...Object.keys(xServices), ...operations.map((o) => o.service)])];
  const services = serviceNames.map((name) => {
    const described = isObj(xServices[name]) ? str((xServices[name] as Json)['description']) : undefined;
    const sends = [...new Set(operations.filter((o) => o.service === name && o.action === 'send').flatMap((o) => o.messages))];
    const receives = [...new Set(operations.filter((o) => o.service === name && o.action === 'receive').flatMap((o) => o.messages))];
    return { name, sends, receives, ...(described ? { description: described } : {}) };
  });

  const description = str(info['description']);
  return {
    title: str(info['title']) ?? 'API',
    version: str(info['version']) ?? '0.0.0',
    asyncapi: str(doc['asyncapi']) ?? '3.0.0',
    ...(description ? { description } : {}),
    definitions: bundle.definitions,
    messages,
    operations,
    services,
    queues: [...queues.values()].map(({ pointer: _pointer, ...q }) => q),
    buses,
    commands,
    eventbridge: messages.some((m) => m.eventbridge !== undefined),
    sagas,
    gathers,
    warnings,
    upcasts,
  };
}

/**
 * Resolves a recursive `$ref` the parser left in place: find the file the ref is written
 * in, the node it targets there, and the enclosing schema defined at that same node.
 */
function circularResolver(locator: SpecLocator): CircularRefResolver {
  return (ref, pointer, ancestors) => {
    if (!ref.startsWith('#')) return undefined;
    const here = locator.locate(pointer);
    if (!here) return undefined;
    const target = locator.locateIn(here.file, ref.slice(1));
    if (!target) return undefined;
    for (const ancestor of [...ancestors].reverse()) {
      const at = locator.locate(ancestor.pointer);
      if (at && at.file === target.file && at.line === target.line && at.column === target.column) return ancestor.schema;
    }
    return undefined;
  };
}

/** The consumer queue of a receive operation, from its official SQS binding or the defaults. */
function queueFromBinding(op: Json, service: string, pointer: string, issue: (pointer: string, message: string) => void): Omit<QueueModel, 'messages'> {
  const bindings = isObj(op['bindings']) ? op['bindings'] : {};
  const sqs = isObj(bindings['sqs']) ? bindings['sqs'] : undefined;
  const fallbackName = `${kebabCase(service)}-queue`;
  const base = {
    service,
    name: fallbackName,
    dlq: `${kebabCase(service)}-dlq`,
    visibilityTimeout: QUEUE_DEFAULTS.visibilityTimeout,
    messageRetentionPeriod: QUEUE_DEFAULTS.messageRetentionPeriod,
    dlqMessageRetentionPeriod: QUEUE_DEFAULTS.dlqMessageRetentionPeriod,
    maxReceiveCount: QUEUE_DEFAULTS.maxReceiveCount,
    batchSize: QUEUE_DEFAULTS.batchSize,
    batchWindowSeconds: QUEUE_DEFAULTS.batchWindowSeconds,
  };
  if (!sqs) return base;
  const list = Array.isArray(sqs['queues']) ? sqs['queues'].filter(isObj) : [];
  const main = list.find((q) => isObj(q['redrivePolicy'])) ?? list[0];
  if (!main) {
    issue(`${pointer}/bindings/sqs`, 'the sqs binding lists no queue');
    return base;
  }
  const name = str(main['name']) ?? fallbackName;
  const redrive = isObj(main['redrivePolicy']) ? main['redrivePolicy'] : {};
  const dlqId = isObj(redrive['deadLetterQueue']) ? redrive['deadLetterQueue'] : {};
  const dlqName = str(dlqId['name']) ?? str(dlqId['arn'])?.split(':').pop() ?? `${name.replace(/-queue$/, '')}-dlq`;
  const dlq = list.find((q) => q !== main && q['name'] === dlqName);
  const batch = isObj(main['x-batch']) ? main['x-batch'] : {};
  const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  if (main['fifoQueue'] === true) issue(`${pointer}/bindings/sqs`, `queue "${name}" is FIFO: EventBridge consumer queues here are standard queues`);
  const result = {
    service,
    name,
    dlq: dlqName,
    visibilityTimeout: num(main['visibilityTimeout'], base.visibilityTimeout),
    messageRetentionPeriod: num(main['messageRetentionPeriod'], base.messageRetentionPeriod),
    dlqMessageRetentionPeriod: num(dlq?.['messageRetentionPeriod'], base.dlqMessageRetentionPeriod),
    maxReceiveCount: num(redrive['maxReceiveCount'], base.maxReceiveCount),
    batchSize: num(batch['size'], base.batchSize),
    batchWindowSeconds: num(batch['windowSeconds'], base.batchWindowSeconds),
  };
  if (result.batchSize < 1 || result.batchSize > 10_000) issue(`${pointer}/bindings/sqs`, `x-batch.size must be 1..10000 (got ${result.batchSize})`);
  if (result.batchWindowSeconds < 0 || result.batchWindowSeconds > 300) issue(`${pointer}/bindings/sqs`, `x-batch.windowSeconds must be 0..300 (got ${result.batchWindowSeconds})`);
  if (result.batchSize > 10 && result.batchWindowSeconds === 0) issue(`${pointer}/bindings/sqs`, `x-batch.size above 10 needs x-batch.windowSeconds of at least 1 (an AWS rule)`);
  return result;
}

