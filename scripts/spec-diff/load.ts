import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { assembleSpec, PART_FILES } from '../codegen/assemble';
import { CodegenError } from '../codegen/errors';
import { collectSpecFiles } from '../codegen/load';
import { assignFamilies, deprecationOf, majorOf } from '../codegen/versions';

// Reads a spec (a root file, its service parts and every file they $ref) from the work tree
// or from a git commit, joins it like the codegen does, resolves every $ref and keeps what
// the diff compares: messages, operations and HTTP commands.

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export const MODES = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export type Mode = (typeof MODES)[number];
export const DEFAULT_MODE: Mode = 'BACKWARD';

export class SpecDiffError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecDiffError';
  }
}

/** The base commit has no spec at that path (the commit before the spec was added): nothing to compare. */
export class SpecMissingAtBase extends SpecDiffError {}

export interface Example {
  name?: string;
  payload?: unknown;
  headers?: unknown;
}

export interface MessageInfo {
  name: string;
  /** Versions of one event share a family: the name without a trailing `V<n>`, or the same source and detail-type. */
  family: string;
  /** Major version: from x-version (`2.0` -> 2), else the name's `V<n>` suffix, else 1. */
  major: number;
  version?: string;
  payload?: unknown;
  headers?: unknown;
  eventbridge?: { source?: string; detailType?: string; bus?: string };
  compatibility: Mode;
  deprecated: boolean;
  examples: Example[];
}

export interface OperationInfo {
  id: string;
  action: 'send' | 'receive';
  service?: string;
  messages: string[];
  /** SQS queue of a receive operation's binding. */
  queue?: string;
  filter?: unknown;
}

export interface CommandInfo {
  name: string;
  method?: string;
  path?: string;
  schema: unknown;
  compatibility: Mode;
  examples: unknown[];
}

export interface SpecSnapshot {
  /** What was read, for reports: a file path or `<ref>:<path>`. */
  label: string;
  messages: Map<string, MessageInfo>;
  operations: OperationInfo[];
  commands: Map<string, CommandInfo>;
}

function mode(value: unknown, where: string, fallback: Mode): Mode {
  if (value === undefined) return fallback;
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  if ((MODES as readonly string[]).includes(upper)) return upper as Mode;
  throw new SpecDiffError(`${where}: x-compatibility must be one of ${MODES.join(', ')}, got ${JSON.stringify(value)}`);
}

const unescapePointer = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** Keywords whose value is data, where a `$ref` key is no reference. */
const LITERALS = new Set(['examples', 'example', 'const', 'enum', 'default']);
/** Keywords whose value maps names to schemas. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions', 'schemas', 'messages', 'channels', 'operations']);

const PARSED = new Map<string, unknown>();

/** Resolves `$ref`s (local and relative file refs) into one tree; a cycle is cut into `{}`. */
class Inliner {
  private readonly files = new Map<string, unknown>();
  private readonly memo = new Map<string, unknown>();

  constructor(rootFile: string, rootDocument: unknown) {
    this.files.set(rootFile, rootDocument);
  }

  private file(path: string): unknown {
    if (!this.files.has(path)) {
      let value: unknown;
      try {
        // Base and head mostly hold the same files: each text is parsed once (nothing here mutates the result).
        const text = readFileSync(path, 'utf8');
        value = PARSED.get(text);
        if (value === undefined) PARSED.set(text, (value = parse(text)));
      } catch (cause) {
        throw new SpecDiffError(`cannot read ${path}: ${(cause as Error).message}`);
      }
      this.files.set(path, value);
    }
    return this.files.get(path);
  }

  /** `names`: `node` maps names to schemas (properties, ...), so its keys are no keywords. */
  inline(node: unknown, file: string, stack: readonly string[] = [], names = false): unknown {
    if (Array.isArray(node)) return node.map((n) => this.inline(n, file, stack));
    if (!isObj(node)) return node;
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      const { $ref: _r, ...siblings } = node;
      const target = this.target(ref, file, stack);
      if (!Object.keys(siblings).length) return target;
      const rest = this.inline(siblings, file, stack) as Json;
      return isObj(target) ? { ...target, ...rest } : rest;
    }
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) out[k] = !names && LITERALS.has(k) ? v : this.inline(v, file, stack, !names && NAME_MAPS.has(k));
    return out;
  }

  private target(ref: string, file: string, stack: readonly string[]): unknown {
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) return { 'x-unresolved-ref': ref };
    const hash = ref.indexOf('#');
    const filePart = hash < 0 ? ref : ref.slice(0, hash);
    const pointer = hash < 0 ? '' : ref.slice(hash + 1);
    const targetFile = filePart ? resolve(dirname(file), filePart) : file;
    const key = `${targetFile}#${pointer}`;
    if (stack.includes(key)) return {};
    const cached = this.memo.get(key);
    if (cached !== undefined) return cached;
    let value: unknown = this.file(targetFile);
    for (const segment of pointer.split('/').slice(1).map((s) => decodeURIComponent(unescapePointer(s)))) {
      value = Array.isArray(value) ? value[Number(segment)] : isObj(value) ? value[segment] : undefined;
      if (value === undefined) return { 'x-unresolved-ref': `${relative(process.cwd(), targetFile)}#${pointer}` };
    }
    const inlined = this.inline(value, targetFile, [...stack, key]);
    this.memo.set(key, inlined);
    return inlined;
  }
}

/** Messages, operations and commands of the spec whose root is `rootFile` (from the file system). */
export function readSnapshot(rootFile: string, label: string): SpecSnapshot {
  const root = resolve(rootFile);
  if (!existsSync(root)) throw new SpecDiffError(`spec not found: ${rootFile}`);
  let document: unknown;
  try {
    document = assembleSpec(root)?.document ?? parse(readFileSync(root, 'utf8'));
  } catch (error) {
    if (error instanceof CodegenError) throw new SpecDiffError(`${label}: ${error.message}`);
    throw new SpecDiffError(`${label}: cannot read the spec: ${(error as Error).message}`);
  }
  if (!isObj(document)) throw new SpecDiffError(`${label}: the spec is not a YAML mapping`);
  const inliner = new Inliner(root, document);
  const doc = document;
  const fallback = mode(doc['x-compatibility'], `${label} (root)`, DEFAULT_MODE);

  const messages = new Map<string, MessageInfo>();
  const addMessage = (name: string, raw: unknown): void => {
    if (messages.has(name)) return;
    const m = inliner.inline(raw, root);
    if (!isObj(m)) return;
    let payload: unknown = m['payload'];
    if (isObj(payload) && typeof payload['schemaFormat'] === 'string' && 'schema' in payload) payload = payload['schema'];
    const eb = isObj(m['x-eventbridge']) ? m['x-eventbridge'] : undefined;
    const rawVersion = m['x-version'];
    const version = typeof rawVersion === 'string' || typeof rawVersion === 'number' ? String(rawVersion) : undefined;
    const examples: Example[] = Array.isArray(m['examples'])
      ? m['examples'].flatMap((e): Example[] => (isObj(e) ? [{ ...(str(e['name']) ? { name: str(e['name']) } : {}), ...('payload' in e ? { payload: e['payload'] } : {}), ...('headers' in e ? { headers: e['headers'] } : {}) }] : []))
      : [];
    messages.set(name, {
      name,
      // Set below, once every message is known (scripts/codegen/versions.ts).
      family: name,
      major: majorOf(version) ?? 1,
      ...(version !== undefined ? { version } : {}),
      ...(payload !== undefined ? { payload } : {}),
      ...(m['headers'] !== undefined ? { headers: m['headers'] } : {}),
      ...(eb ? { eventbridge: { ...(str(eb['source']) ? { source: str(eb['source']) } : {}), ...(str(eb['detailType']) ? { detailType: str(eb['detailType']) } : {}), ...(str(eb['bus']) ? { bus: str(eb['bus']) } : {}) } } : {}),
      compatibility: mode(m['x-compatibility'], `${label}: message ${name}`, fallback),
      deprecated: deprecationOf(m).deprecated,
      examples,
    });
  };
  const channels = isObj(doc['channels']) ? doc['channels'] : {};
  for (const channel of Object.values(channels)) {
    if (!isObj(channel) || !isObj(channel['messages'])) continue;
    for (const [name, raw] of Object.entries(channel['messages'])) addMessage(name, raw);
  }
  const components = isObj(doc['components']) ? doc['components'] : {};
  if (isObj(components['messages'])) for (const [name, raw] of Object.entries(components['messages'])) addMessage(name, raw);

  // Versions of one event: the family codegen uses (the name without V<n>; the same source and detail-type too).
  const families = assignFamilies(messages.values());
  for (const m of messages.values()) Object.assign(m, families.get(m.name));

  const operations: OperationInfo[] = [];
  const ops = isObj(doc['operations']) ? doc['operations'] : {};
  for (const [id, raw] of Object.entries(ops)) {
    if (!isObj(raw)) continue;
    const action = raw['action'];
    if (action !== 'send' && action !== 'receive') continue;
    const names: string[] = [];
    const refs = Array.isArray(raw['messages']) ? raw['messages'] : [];
    for (const r of refs) {
      const ref = isObj(r) ? str(r['$ref']) : undefined;
      const name = ref ? /\/messages\/([^/]+)$/.exec(ref)?.[1] : undefined;
      if (name) names.push(unescapePointer(name));
    }
    if (!names.length) {
      // No message list: every message of the operation's channel.
      const channelRef = isObj(raw['channel']) ? str(raw['channel']['$ref']) : undefined;
      const channelKey = channelRef ? /^#\/channels\/([^/]+)$/.exec(channelRef)?.[1] : undefined;
      const channel = channelKey ? channels[unescapePointer(channelKey)] : undefined;
      if (isObj(channel) && isObj(channel['messages'])) names.push(...Object.keys(channel['messages']));
    }
    const bindings = raw['bindings'] !== undefined ? inliner.inline(raw['bindings'], root) : undefined;
    const sqs = isObj(bindings) && isObj(bindings['sqs']) ? bindings['sqs'] : undefined;
    const queues = sqs && Array.isArray(sqs['queues']) ? sqs['queues'] : [];
    const queue = sqs && isObj(sqs['queue']) ? str(sqs['queue']['name']) : isObj(queues[0]) ? str(queues[0]['name']) : undefined;
    const service = str(raw['x-service']);
    operations.push({ id, action, messages: names, ...(service ? { service } : {}), ...(queue ? { queue } : {}), ...(raw['x-eventbridge-filter'] !== undefined ? { filter: raw['x-eventbridge-filter'] } : {}) });
  }

  const commands = new Map<string, CommandInfo>();
  const schemas = isObj(components['schemas']) ? components['schemas'] : {};
  for (const [name, raw] of Object.entries(schemas)) {
    const schema = inliner.inline(raw, root);
    if (!isObj(schema) || schema['x-command'] !== true) continue;
    const http = isObj(schema['x-http']) ? schema['x-http'] : {};
    commands.set(name, {
      name,
      schema,
      ...(str(http['method']) ? { method: (str(http['method']) as string).toUpperCase() } : {}),
      ...(str(http['path']) ? { path: str(http['path']) } : {}),
      compatibility: mode(schema['x-compatibility'], `${label}: command ${name}`, fallback),
      examples: Array.isArray(schema['examples']) ? schema['examples'] : [],
    });
  }
  return { label, messages, operations, commands };
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

/** Reads many blobs in one `git cat-file --batch`; a missing one is left out. */
function readBlobs(top: string, commit: string, paths: string[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!paths.length) return out;
  const result = spawnSync('git', ['cat-file', '--batch'], { cwd: top, input: paths.map((p) => `${commit}:${p}\n`).join(''), maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new SpecDiffError(`git cat-file failed: ${result.stderr.toString()}`);
  const buf = result.stdout;
  let at = 0;
  for (const path of paths) {
    const eol = buf.indexOf(10, at);
    if (eol < 0) break;
    const header = buf.subarray(at, eol).toString();
    at = eol + 1;
    const m = /^\S+ (\w+) (\d+)$/.exec(header);
    if (!m) continue; // "<name> missing"
    const size = Number(m[2]);
    if (m[1] === 'blob') out.set(path, buf.subarray(at, at + size));
    at += size + 1;
  }
  return out;
}

export interface GitSpec {
  dir: string;
  root: string;
  commit: string;
  /** Every file read at the commit, by path relative to the repository's top folder. */
  files: Map<string, Buffer>;
  top: string;
  cleanup: () => void;
}

/**
 * Writes the spec whose root is `specPath` (in the work tree) as it was at `ref` into a
 * temporary folder: the root's folder (root and service parts) and, following every relative
 * `$ref`, any file outside it. Throws SpecDiffError when `ref` is no commit or the root did
 * not exist there.
 */
export function checkoutSpecAt(ref: string, specPath: string): GitSpec {
  const specAbs = resolve(specPath);
  let top: string;
  try {
    top = git(dirname(specAbs), ['rev-parse', '--show-toplevel']).trim();
  } catch {
    throw new SpecDiffError(`${specPath} is not inside a git work tree, so --base must be a file`);
  }
  let commit: string;
  try {
    commit = git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim();
  } catch {
    throw new SpecDiffError(`--base ${ref}: neither a file nor a git commit`);
  }
  const rel = (abs: string): string => relative(top, abs).split(sep).join(posix.sep);
  const rootRel = rel(specAbs);
  const folder = posix.dirname(rootRel);
  const listed = git(top, ['ls-tree', '-r', '-z', '--name-only', commit, '--', folder === '.' ? '.' : folder]).split('\0').filter((p) => /\.(ya?ml|json)$/i.test(p));
  // A root at the top of the repository: only its own files and parts, not every YAML file.
  const wanted = folder === '.' ? listed.filter((p) => p === rootRel || Object.values(PART_FILES).includes(posix.basename(p) as never)) : listed;
  if (!wanted.includes(rootRel)) throw new SpecMissingAtBase(`${rootRel} does not exist at ${ref} (${commit.slice(0, 12)})`);
  const dir = mkdtempSync(join(tmpdir(), 'spec-diff-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  const files = new Map<string, Buffer>();
  try {
    const done = new Set<string>();
    let batch = wanted;
    while (batch.length) {
      const blobs = readBlobs(top, commit, batch);
      const next: string[] = [];
      for (const path of batch) {
        done.add(path);
        const content = blobs.get(path);
        if (!content) continue;
        files.set(path, content);
        const target = join(dir, path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
        for (const m of content.toString('utf8').matchAll(/\$ref['"]?\s*:\s*['"]?([^'"#\s},]+)/g)) {
          const file = m[1];
          if (!file || /^[a-z][a-z0-9+.-]*:/i.test(file)) continue;
          const refd = posix.normalize(posix.join(posix.dirname(path), file));
          if (!refd.startsWith('..') && !done.has(refd) && !next.includes(refd) && !batch.includes(refd)) next.push(refd);
        }
      }
      batch = next;
    }
  } catch (error) {
    cleanup();
    throw error;
  }
  return { dir, root: join(dir, rootRel), commit, files, top, cleanup };
}

/**
 * Whether every file of the work tree's spec (root, parts, every file they `$ref`) has the
 * same bytes at the base: then the two specs are one, and nothing needs parsing.
 */
function sameFiles(checkout: GitSpec, specPath: string): boolean {
  for (const file of collectSpecFiles(specPath)) {
    const rel = relative(checkout.top, file).split(sep).join(posix.sep);
    const before = checkout.files.get(rel);
    if (!before || !existsSync(file) || !before.equals(readFileSync(file))) return false;
  }
  return true;
}

/**
 * The base spec: a file (another copy of the spec) or a git ref of the work tree holding
 * `specPath`. With `head` given, a git base whose spec files are byte for byte the work
 * tree's returns `head` itself (relabelled) without parsing anything.
 */
export function readBase(base: string, specPath: string, head?: () => SpecSnapshot): SpecSnapshot {
  if (existsSync(base) && statSync(base).isFile()) return readSnapshot(base, base);
  const checkout = checkoutSpecAt(base, specPath);
  const label = `${base}:${relative(checkout.top, resolve(specPath)).split(sep).join(posix.sep)}`;
  try {
    if (head && sameFiles(checkout, specPath)) return { ...head(), label };
    return readSnapshot(checkout.root, label);
  } finally {
    checkout.cleanup();
  }
}

/** Resolves the local (`#/...`) `$ref`s of one in-memory schema (a cycle is cut into `{}`). */
export function inlineRefs(document: unknown): unknown {
  const file = resolve(tmpdir(), 'spec-diff-in-memory.json');
  return new Inliner(file, document).inline(document, file);
}
