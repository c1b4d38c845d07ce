import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parse, parseDocument, type Node } from 'yaml';
import { CodegenSpecError, type SourceLocation, type SpecIssue } from './errors';

// A spec may be cut into one part per service: the root's `x-services` names them, and
// each `./<service>/` folder beside the root holds the service's own files. Codegen joins
// the parts into one AsyncAPI 3 document before parsing, deriving what the conventions fix
// (channel, send operation, component registration, queue binding) so that adding an event
// touches only the producer's folder plus one line per consumer. A root without parts is
// parsed as it is written.

/** File names inside a part folder (the only layout knowledge here, and it is generic). */
export const PART_FILES = { service: 'service.yaml', messages: 'messages.yaml', schemas: 'schemas.yaml' } as const;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
const posix = (p: string): string => p.split('\\').join('/');

/** Where a node of the joined document is written: a file and a JSON pointer inside it. */
export interface Origin {
  file: string;
  pointer: string;
}

/** One service's part: its folder and the YAML of its three files (absent file: empty). */
export interface SpecPart {
  service: string;
  dir: string;
  files: string[];
  declaration: PartService;
  messages: Json;
  schemas: Json;
}

/** `service.yaml`: what the service sends and receives, and its consumer queue. */
export interface PartService {
  /** The SQS operation binding of the service's queue (`{ bindingVersion, queues }`). */
  queue?: Json;
  /** Messages it publishes: a name, or `{ Name: summary }` to override the derived summary. */
  sends?: (string | Record<string, string>)[];
  /** Messages it consumes: `Name: summary`, or `Name: { summary, ...operation fields }`. */
  receives?: Record<string, string | Json>;
  /** Sagas it orchestrates, by name: carried to `x-services.<service>.x-sagas` of the joined document. */
  'x-sagas'?: Json;
  /** Scatter-gathers it orchestrates, by name: carried to `x-services.<service>.x-gathers`. */
  'x-gathers'?: Json;
}

export interface AssembledSpec {
  /** The joined AsyncAPI document; relative `$ref`s resolve against the root's folder. */
  document: Json;
  /** JSON pointer prefix of the joined document -> where it is written. */
  origins: Map<string, Origin>;
}

function readYaml(file: string, issues: SpecIssue[], base: string): Json {
  if (!existsSync(file)) return {};
  try {
    const value: unknown = parse(readFileSync(file, 'utf8'));
    if (value === null || value === undefined) return {};
    if (isObj(value)) return value;
    issues.push({ message: 'a spec part must be a YAML mapping', location: { file: relative(base, file) || file, line: 1, column: 1 } });
  } catch (cause) {
    issues.push({ message: `cannot parse: ${(cause as Error).message}`, location: { file: relative(base, file) || file, line: 1, column: 1 } });
  }
  return {};
}

/** Every `x-services` key with a `./<service>/service.yaml`, with the part files it has. */
function partFolders(rootFile: string, root: Json): { service: string; dir: string; files: string[] }[] {
  const services = isObj(root['x-services']) ? Object.keys(root['x-services']) : [];
  return services.flatMap((service) => {
    const dir = join(dirname(rootFile), service);
    if (!existsSync(join(dir, PART_FILES.service))) return [];
    return [{ service, dir, files: Object.values(PART_FILES).map((f) => join(dir, f)).filter((f) => existsSync(f)) }];
  });
}

/** The parts a root declares, read. */
export function specParts(rootFile: string, root: Json, issues: SpecIssue[] = [], base = process.cwd()): SpecPart[] {
  return partFolders(rootFile, root).map((folder) => ({
    ...folder,
    declaration: readYaml(join(folder.dir, PART_FILES.service), issues, base) as PartService,
    messages: readYaml(join(folder.dir, PART_FILES.messages), issues, base),
    schemas: readYaml(join(folder.dir, PART_FILES.schemas), issues, base),
  }));
}

/** Where `pointer` (a path of plain keys and indexes) is written in a YAML file, for messages. */
function positionIn(file: string, pointer: string, base: string): SourceLocation {
  const display = relative(base, file) || file;
  try {
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines });
    const path = pointer.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    // A key's line, not its value's: `Name: summary` is reported at `Name`.
    const parent = doc.getIn(path.slice(0, -1), true);
    const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]) : undefined;
    const node = (isScalar(pair?.key) ? pair.key : doc.getIn(path, true)) as Node | undefined;
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return { file: display, line, column: col };
  } catch {
    return { file: display, line: 1, column: 1 };
  }
}

/**
 * Whether a folder beside the root holds a part file: a directory listing, so that a
 * one-file spec (however large) is not read twice, and the no-op codegen run stays cheap.
 */
function mayHaveParts(rootFile: string): boolean {
  try {
    const dir = dirname(rootFile);
    return readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && existsSync(join(dir, e.name, PART_FILES.service)));
  } catch {
    return false;
  }
}

/** The files of every part of the root at `rootFile` (none for a root without parts). */
export function partFiles(rootFile: string): string[] {
  if (!mayHaveParts(rootFile)) return [];
  try {
    const root = parse(readFileSync(rootFile, 'utf8')) as unknown;
    return isObj(root) ? partFolders(rootFile, root).flatMap((f) => f.files) : [];
  } catch {
    return [];
  }
}

/** Rewrites relative file `$ref`s of a node copied from `fromDir` so they resolve from `toDir`. */
export function rebase(node: unknown, fromDir: string, toDir: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rebase(n, fromDir, toDir));
  if (!isObj(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && !v.startsWith('#') && !/^[a-z]+:\/\//i.test(v)) {
      const [file = '', pointer] = v.split('#');
      const moved = posix(relative(toDir, resolve(fromDir, file)));
      out[k] = `${moved.startsWith('.') ? '' : './'}${moved}${pointer !== undefined ? `#${pointer}` : ''}`;
    } else out[k] = rebase(v, fromDir, toDir);
  }
  return out;
}

/**
 * Joins a root and its service parts into one AsyncAPI document, or returns undefined
 * when the root declares no part. The root keeps what no service owns (info, x-services,
 * servers, shared components); parts are appended in `x-services` order, components
 * first, because the parser resolves `$ref`s in document order and a data schema reached
 * through a channel first loses its component name.
 */
export function assembleSpec(rootFile: string, base = process.cwd()): AssembledSpec | undefined {
  if (!mayHaveParts(rootFile)) return undefined;
  let root: unknown;
  try {
    root = parse(readFileSync(rootFile, 'utf8'));
  } catch {
    return undefined; // The parser reads it again and reports where it breaks.
  }
  if (!isObj(root)) return undefined;
  const issues: SpecIssue[] = [];
  const parts = specParts(rootFile, root, issues, base);
  if (!parts.length) return undefined;
  const rootDir = dirname(rootFile);
  const where = (file: string, pointer: string): Origin => ({ file, pointer });
  const origins = new Map<string, Origin>();
  const components = isObj(root['components']) ? { ...root['components'] } : {};
  const schemas: Json = isObj(components['schemas']) ? { ...components['schemas'] } : {};
  const bindings: Json = isObj(components['operationBindings']) ? { ...components['operationBindings'] } : {};
  const channels: Json = isObj(root['channels']) ? { ...root['channels'] } : {};
  const operations: Json = isObj(root['operations']) ? { ...root['operations'] } : {};
  const owner = new Map<string, string>();

  for (const part of parts) {
    const rel = (file: string): string => `./${posix(relative(rootDir, join(part.dir, file)))}`;
    const schemasFile = join(part.dir, PART_FILES.schemas);
    for (const name of Object.keys(part.schemas)) {
      if (name in schemas) issues.push({ message: `schema ${name} is declared twice (components.schemas and ${part.service})`, location: positionIn(schemasFile, `/${esc(name)}`, base) });
      schemas[name] = { $ref: `${rel(PART_FILES.schemas)}#/${esc(name)}` };
      origins.set(`/components/schemas/${esc(name)}`, where(schemasFile, `/${esc(name)}`));
    }
    const messagesFile = join(part.dir, PART_FILES.messages);
    for (const [name, message] of Object.entries(part.messages)) {
      const eb = isObj(message) && isObj(message['x-eventbridge']) ? message['x-eventbridge'] : {};
      if (name in channels) issues.push({ message: `message ${name} is declared twice (${owner.get(name) ?? 'root'} and ${part.service})`, location: positionIn(messagesFile, `/${esc(name)}`, base) });
      owner.set(name, part.service);
      channels[name] = {
        ...(typeof eb['source'] === 'string' && typeof eb['detailType'] === 'string' ? { address: `${eb['source']}/${eb['detailType']}` } : {}),
        ...(typeof eb['bus'] === 'string' ? { servers: [{ $ref: `#/servers/${esc(eb['bus'])}` }] } : {}),
        messages: { [name]: { $ref: `${rel(PART_FILES.messages)}#/${esc(name)}` } },
      };
      origins.set(`/channels/${esc(name)}`, where(messagesFile, `/${esc(name)}`));
      origins.set(`/channels/${esc(name)}/messages/${esc(name)}`, where(messagesFile, `/${esc(name)}`));
    }
    const serviceFile = join(part.dir, PART_FILES.service);
    if (isObj(part.declaration.queue)) {
      bindings[`${part.service}Queue`] = { sqs: part.declaration.queue };
      origins.set(`/components/operationBindings/${esc(`${part.service}Queue`)}/sqs`, where(serviceFile, '/queue'));
    }
  }

  // Operations after every part's messages are known: a service may send or receive a
  // message another part declares (every service sends the errors bus' event).
  const summaryOf = (name: string): string | undefined => {
    const service = owner.get(name);
    const message = parts.find((p) => p.service === service)?.messages[name];
    return isObj(message) && typeof message['summary'] === 'string' ? message['summary'] : undefined;
  };
  const ref = (name: string): Json => ({ channel: { $ref: `#/channels/${esc(name)}` }, messages: [{ $ref: `#/channels/${esc(name)}/messages/${esc(name)}` }] });
  for (const part of parts) {
    const serviceFile = join(part.dir, PART_FILES.service);
    const known = (name: string, pointer: string): boolean => {
      if (owner.has(name) || name in channels) return true;
      issues.push({ message: `${part.service} names message ${name}, which no part declares in its ${PART_FILES.messages}`, location: positionIn(serviceFile, pointer, base) });
      return false;
    };
    (part.declaration.sends ?? []).forEach((entry, i) => {
      const [name, summary] = typeof entry === 'string' ? [entry, undefined] : (Object.entries(entry)[0] ?? ['', undefined]);
      if (!name || !known(name, `/sends/${i}`)) return;
      const described = summaryOf(name);
      const id = `${part.service}.send${name}`;
      operations[id] = { action: 'send', 'x-service': part.service, ...ref(name), summary: summary ?? (described ? `Publish ${name}. ${described}` : `Publish ${name}.`) };
      origins.set(`/operations/${esc(id)}`, where(serviceFile, `/sends/${i}`));
    });
    for (const [name, value] of Object.entries(part.declaration.receives ?? {})) {
      if (!known(name, `/receives/${esc(name)}`)) continue;
      const fields = isObj(value) ? (rebase(value, part.dir, rootDir) as Json) : typeof value === 'string' ? { summary: value } : {};
      const { summary, ...rest } = fields;
      const id = `${part.service}.receive${name}`;
      operations[id] = {
        action: 'receive',
        'x-service': part.service,
        ...ref(name),
        ...(summary !== undefined ? { summary } : {}),
        ...rest,
        ...(isObj(part.declaration.queue) ? { bindings: { $ref: `#/components/operationBindings/${esc(`${part.service}Queue`)}` } } : {}),
      };
      origins.set(`/operations/${esc(id)}`, where(serviceFile, `/receives/${esc(name)}`));
    }
  }
  if (issues.length) throw new CodegenSpecError(issues, 'the spec parts cannot be joined');

  // Sagas and gathers stay on their orchestrating service, as a one-file spec writes them.
  const services: Json = isObj(root['x-services']) ? { ...root['x-services'] } : {};
  for (const part of parts) {
    for (const key of ['x-sagas', 'x-gathers'] as const) {
      const declared = part.declaration[key];
      if (!isObj(declared)) continue;
      const service = isObj(services[part.service]) ? (services[part.service] as Json) : {};
      services[part.service] = { ...service, [key]: declared };
      origins.set(`/x-services/${esc(part.service)}/${key}`, where(join(part.dir, PART_FILES.service), `/${key}`));
    }
  }

  // Key order as a hand-written root would have it: components before channels (see above).
  const { channels: _c, operations: _o, components: _k, ...head } = root;
  const joined: Json = { ...components, schemas, ...(Object.keys(bindings).length ? { operationBindings: bindings } : {}) };
  const document: Json = { ...head, ...(Object.keys(services).length ? { 'x-services': services } : {}), components: joined, channels, operations };
  return { document, origins };
}
