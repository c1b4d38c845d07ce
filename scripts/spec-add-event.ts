import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { PART_FILES, specParts, type SpecPart } from './codegen/assemble';

// `npm run spec -- add-event`: scaffolds a new event in a spec cut into service parts
// (scripts/codegen/assemble.ts): the message and its data schema in the producer's
// folder, a `sends` line in its service.yaml, a `receives` line per consumer. Edits are
// text appends, so the files keep their comments and layout. Knows the codegen's
// conventions (x-eventbridge, x-scope, x-version, the {metadata, data} envelope), copied
// from a message the spec already has; it knows no project.

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AddEventOptions {
  /** Root AsyncAPI file of the spec. */
  spec: string;
  /** Producing service: a key of x-services with a part folder. */
  service: string;
  /** PascalCase message name, also its detail-type. */
  event: string;
  consumers?: string[];
  /** Defaults: those of the producer's first message (or any part's), else required. */
  source?: string;
  bus?: string;
  /** `local`: produced and consumed by the producer only. */
  scope?: 'integration' | 'local';
}

export interface AddEventResult {
  /** Files changed, relative to the spec's folder. */
  changed: string[];
  /** What is left for a person to write. */
  todo: string[];
}

/** A refused scaffold: bad name, unknown service, event already declared. */
export class SpecEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecEditError';
  }
}

/** The message the new one copies its conventions from: the producer's first, else any part's. */
function templateMessage(parts: SpecPart[], producer: SpecPart): Json | undefined {
  const first = (p: SpecPart): Json | undefined => Object.values(p.messages).find((m): m is Json => isObj(m) && isObj(m['x-eventbridge']));
  return first(producer) ?? parts.map(first).find((m) => m !== undefined);
}

/** "IncidentReopened" -> "Incident reopened". */
const titleOf = (name: string): string => name.replace(/(?<=[a-z0-9])([A-Z])/g, ' $1').replace(/ ([A-Z])/g, (_m, c: string) => ` ${c.toLowerCase()}`);

/** Appends `line` at the end of the block of top-level `key` (creating the block if absent). */
function appendToBlock(text: string, key: string, line: string): string {
  const lines = text.replace(/\n*$/, '').split('\n');
  const start = lines.findIndex((l) => new RegExp(`^${key}:\\s*(#.*)?$`).test(l));
  if (start < 0) return `${lines.join('\n')}\n\n${key}:\n${line}\n`;
  let end = start;
  for (let i = start + 1; i < lines.length; i += 1) {
    const l = lines[i] as string;
    if (/^\S/.test(l) && !l.startsWith('#')) break;
    if (/^\s+\S/.test(l) && !/^\s+#/.test(l)) end = i;
  }
  lines.splice(end + 1, 0, line);
  return `${lines.join('\n')}\n`;
}

function messageText(o: { name: string; source: string; bus: string; scope: string; metadataRef: string; correlation: boolean; metadata: Json; key: string }): string {
  const meta = Object.entries(o.metadata).map(([k, v]) => `          ${k}: ${typeof v === 'string' ? `'${v}'` : String(v)}`);
  return [
    `${o.name}:`,
    `  name: ${o.name}`,
    `  title: ${titleOf(o.name)}`,
    `  summary: TODO one sentence - what happened.`,
    `  description: >-`,
    `    TODO who publishes it and when, and what its consumers do with it.`,
    `  x-eventbridge: {source: ${o.source}, detailType: ${o.name}, bus: ${o.bus}}`,
    `  x-scope: ${o.scope}`,
    `  x-version: '1.0'`,
    ...(o.correlation ? [`  correlationId:`, `    location: '$message.payload#/metadata/correlationId'`] : []),
    `  payload:`,
    `    type: object`,
    `    required: [metadata, data]`,
    `    properties:`,
    `      metadata: {$ref: '${o.metadataRef}'}`,
    `      data: {$ref: './${PART_FILES.schemas}#/${o.name}Data'}`,
    `  examples:`,
    `    - name: first`,
    `      summary: TODO the story this example tells.`,
    `      payload:`,
    `        metadata:`,
    ...meta,
    `        data:`,
    `          ${o.key}: ${randomUUID()}`,
  ].join('\n');
}

function schemaText(name: string, key: string): string {
  return [
    `${name}Data:`,
    `  title: ${name}Data`,
    `  type: object`,
    `  description: TODO the facts ${name} carries.`,
    `  required: [${key}]`,
    `  properties:`,
    `    ${key}:`,
    `      type: string`,
    `      format: uuid`,
    `      description: TODO`,
  ].join('\n');
}

/** Example metadata shaped like the template's: fresh ids and time, this producer. */
function exampleMetadata(template: Json | undefined, producer: string): Json {
  const examples = template && Array.isArray(template['examples']) ? template['examples'] : [];
  const first: unknown = examples[0];
  const payload = isObj(first) && isObj(first['payload']) ? first['payload'] : {};
  const metadata = isObj(payload['metadata']) ? payload['metadata'] : { eventId: '', correlationId: '', eventVersion: '1.0', occurredAt: '', producer: '' };
  const out: Json = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (k === 'causationId' || k === 'sequence' || k === 'aggregateId') continue;
    if (k === 'producer') out[k] = producer;
    else if (k === 'occurredAt') out[k] = new Date().toISOString();
    else if (k === 'eventVersion') out[k] = '1.0';
    else out[k] = v === '' || (typeof v === 'string' && UUID.test(v)) ? randomUUID() : v;
  }
  return out;
}

/** The data key the example carries: the template's first UUID field (e.g. the aggregate's id), else `id`. */
function keyField(template: Json | undefined): string {
  const examples = template && Array.isArray(template['examples']) ? template['examples'] : [];
  const first: unknown = examples[0];
  const data = isObj(first) && isObj(first['payload']) && isObj(first['payload']['data']) ? first['payload']['data'] : {};
  return Object.entries(data).find(([, v]) => typeof v === 'string' && UUID.test(v))?.[0] ?? 'id';
}

/** Scaffolds one event; throws SpecEditError, changing nothing, when it cannot. */
export function addEvent(options: AddEventOptions): AddEventResult {
  const { spec, service, event } = options;
  const consumers = options.consumers ?? [];
  if (!/^[A-Z][A-Za-z0-9]*$/.test(event)) throw new SpecEditError(`event name "${event}" must be PascalCase (letters and digits), e.g. IncidentReopened`);
  const root: unknown = parse(readFileSync(spec, 'utf8'));
  const parts = specParts(spec, isObj(root) ? root : {});
  const names = parts.map((p) => p.service).join(', ') || 'none';
  const partOf = (name: string): SpecPart => {
    const part = parts.find((p) => p.service === name);
    if (!part) throw new SpecEditError(`no service part "${name}": x-services of ${spec} with a ./${name}/${PART_FILES.service} (parts: ${names})`);
    return part;
  };
  const producer = partOf(service);
  consumers.forEach(partOf);
  const owner = parts.find((p) => event in p.messages || `${event}Data` in p.schemas);
  if (owner) throw new SpecEditError(`${event} is already declared by service ${owner.service}`);
  const template = templateMessage(parts, producer);
  const eb = template && isObj(template['x-eventbridge']) ? template['x-eventbridge'] : {};
  const source = options.source ?? (typeof eb['source'] === 'string' ? eb['source'] : undefined);
  const bus = options.bus ?? (typeof eb['bus'] === 'string' ? eb['bus'] : undefined);
  if (!source || !bus) throw new SpecEditError(`service ${service} has no message to copy an EventBridge source and bus from: pass --source and --bus`);
  const payload = template && isObj(template['payload']) ? template['payload'] : {};
  const props = isObj(payload['properties']) ? payload['properties'] : {};
  const metadataRef = isObj(props['metadata']) && typeof props['metadata']['$ref'] === 'string' ? props['metadata']['$ref'] : undefined;
  if (!metadataRef) throw new SpecEditError('no message of the spec has a {metadata: {$ref}, data} payload to copy the envelope from');
  const key = keyField(template);

  const edits = new Map<string, string>();
  const edit = (file: string, change: (text: string) => string): void => {
    const before = edits.get(file) ?? (existsSync(file) ? readFileSync(file, 'utf8') : '');
    edits.set(file, change(before));
  };
  const append = (block: string) => (text: string): string => (text.trim() ? `${text.replace(/\n*$/, '')}\n\n${block}\n` : `${block}\n`);
  const message = messageText({ name: event, source, bus, scope: options.scope ?? 'integration', metadataRef, correlation: template !== undefined && 'correlationId' in template, metadata: exampleMetadata(template, service), key });
  edit(join(producer.dir, PART_FILES.messages), append(message));
  edit(join(producer.dir, PART_FILES.schemas), append(schemaText(event, key)));
  edit(join(producer.dir, PART_FILES.service), (t) => appendToBlock(t, 'sends', `  - ${event}`));
  for (const c of consumers) edit(join(partOf(c).dir, PART_FILES.service), (t) => appendToBlock(t, 'receives', `  ${event}: TODO what ${c} does with it.`));

  // Parse every edited file before writing any: a layout the appends misread changes nothing.
  for (const [file, text] of edits) {
    try {
      parse(text);
    } catch (cause) {
      throw new SpecEditError(`the edit of ${file} would not be valid YAML (${(cause as Error).message}); nothing was written`);
    }
  }
  for (const [file, text] of edits) writeFileSync(file, text);
  const base = dirname(spec);
  const rel = (file: string): string => relative(base, file);
  return {
    changed: [...edits.keys()].map(rel),
    todo: [
      `${rel(join(producer.dir, PART_FILES.messages))}: ${event}'s summary, description and example`,
      `${rel(join(producer.dir, PART_FILES.schemas))}: ${event}Data's fields`,
      ...consumers.map((c) => `${rel(join(partOf(c).dir, PART_FILES.service))}: what ${c} does with ${event}`),
    ],
  };
}
