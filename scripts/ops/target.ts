/**
 * Where `npm run ops` works: a running local cloud (`--local`, the default when one answers)
 * or a deployed stage on AWS (`--stage`, `--region`, credentials from the usual AWS
 * variables). Names of buses, archives and queues come from the catalog (generated/catalog.json)
 * and the stage the way the generated template names them, so nobody types an ARN.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { parse } from 'yaml';
import { createEventBridgeClient, createSqsClient } from '../../lib/clients';
import { OpsError } from './errors';

export interface CatalogBus {
  key: string;
  name: string;
}

export interface CatalogQueue {
  service: string;
  name: string;
  dlq?: string;
}

export interface Catalog {
  buses: CatalogBus[];
  queues: CatalogQueue[];
}

export interface OpsTarget {
  local: boolean;
  stage: string;
  region: string;
  /** The Serverless service name (serverless.yml `service:`), the prefix of queue names. */
  service: string;
  catalog: Catalog;
  eventBridge: EventBridgeClient;
  sqs: SQSClient;
  /** The local cloud's AWS endpoint (its `/local/*` routes), when local. */
  endpoint?: string;
  /** Where the command's output goes. */
  out: (line: string) => void;
  /** Project root (catalog, generated sagas). */
  root: string;
}

export const DEFAULT_LOCAL_ENDPOINT = 'http://127.0.0.1:4566';

export function readCatalog(root: string): Catalog {
  const file = join(root, 'generated', 'catalog.json');
  if (!existsSync(file)) throw new OpsError(`no catalog at ${file}: run \`npm run codegen\` first`);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { buses?: CatalogBus[]; queues?: CatalogQueue[] };
  return { buses: raw.buses ?? [], queues: raw.queues ?? [] };
}

/** serverless.yml's `service:` (queue names are `<service>-<stage>-<queue>`). */
export function readServiceName(root: string): string {
  const file = join(root, 'serverless.yml');
  if (!existsSync(file)) throw new OpsError(`no serverless.yml in ${root}`);
  const doc = parse(readFileSync(file, 'utf8')) as { service?: unknown } | null;
  const service = typeof doc?.service === 'string' ? doc.service : typeof (doc?.service as { name?: unknown } | undefined)?.name === 'string' ? ((doc?.service as { name: string }).name) : undefined;
  if (!service) throw new OpsError(`serverless.yml has no service name`);
  return service;
}

export interface TargetOptions {
  root: string;
  /** Force the local cloud (true) or AWS (false); undefined: AWS when a stage is given, else the local cloud. */
  local?: boolean;
  endpoint?: string;
  stage?: string;
  region?: string;
  out?: (line: string) => void;
}

interface LocalSummary {
  buses?: string[];
  rules?: { targets?: string[] }[];
}

/** Resolves where the commands run, and checks that it is there. */
export async function resolveTarget(options: TargetOptions): Promise<OpsTarget> {
  const catalog = readCatalog(options.root);
  const service = readServiceName(options.root);
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const local = options.local ?? options.stage === undefined;
  if (!local) {
    if (!options.stage) throw new OpsError('on AWS, say which stage: --stage <stage> (or --local for the local cloud)');
    const region = options.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
    if (!region) throw new OpsError('no AWS region: pass --region <region> or set AWS_REGION');
    if (!hasCredentials()) throw new OpsError('no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or log in with aws sso login; or use --local');
    // The real endpoints: an AWS_ENDPOINT_URL* left over from a local session must not redirect a stage command.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_ENDPOINT_URL')));
    return { local: false, stage: options.stage, region, service, catalog, eventBridge: createEventBridgeClient({ env, region }), sqs: createSqsClient({ env, region }), out, root: options.root };
  }
  const endpoint = (options.endpoint ?? process.env['AWS_ENDPOINT_URL'] ?? DEFAULT_LOCAL_ENDPOINT).replace(/\/$/, '');
  let summary: LocalSummary;
  try {
    const response = await fetch(`${endpoint}/`);
    if (response.status === 503) throw new OpsError(`the local cloud on ${endpoint} is still starting: wait until \`npm start\` prints "Local cloud ready"`);
    summary = (await response.json()) as LocalSummary;
  } catch (error) {
    if (error instanceof OpsError) throw error;
    throw new OpsError(`no local cloud running on ${endpoint}: start one with \`npm start\` (or pass --endpoint <url>), or pass --stage <stage> to work on AWS`);
  }
  const buses = summary.buses ?? [];
  const stage = options.stage ?? stageOf(catalog, buses);
  if (!stage) throw new OpsError(`the local cloud on ${endpoint} runs none of the catalog's buses (${catalog.buses.map((b) => `${b.name}-<stage>`).join(', ')}); it has ${buses.join(', ') || 'no bus'}`);
  const arn = summary.rules?.flatMap((r) => r.targets ?? []).find((t) => t.startsWith('arn:aws:'));
  const region = options.region ?? arn?.split(':')[3] ?? 'us-east-1';
  // No environment: with an endpoint the factory uses dummy credentials, never the user's AWS ones.
  const env = {};
  return {
    local: true,
    stage,
    region,
    service,
    catalog,
    eventBridge: createEventBridgeClient({ env, region, endpoint }),
    sqs: createSqsClient({ env, region, endpoint }),
    endpoint,
    out,
    root: options.root,
  };
}

/** Whether the SDK's default chain has anything to find: credential variables, or an AWS config or credentials file. */
function hasCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  if (['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'].some((k) => env[k])) return true;
  const home = homedir();
  const files = [env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials'), env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config')];
  return files.some((f) => existsSync(f));
}

/** The stage of a running local cloud: the suffix its buses add to the catalog's bus names. */
export function stageOf(catalog: Catalog, buses: readonly string[]): string | undefined {
  for (const bus of catalog.buses) {
    const found = buses.find((b) => b.startsWith(`${bus.name}-`));
    if (found) return found.slice(bus.name.length + 1);
  }
  return undefined;
}

/** The deployed name of a bus given by its catalog key (`core`), catalog name or deployed name; the first bus by default. */
export function busName(target: OpsTarget, given?: string): string {
  const { catalog, stage } = target;
  if (!given) {
    const first = catalog.buses[0];
    if (!first) throw new OpsError('the catalog has no bus');
    return `${first.name}-${stage}`;
  }
  if (given.startsWith('arn:')) return given.slice(given.lastIndexOf('/') + 1);
  const bus = catalog.buses.find((b) => b.key === given || b.name === given || `${b.name}-${stage}` === given);
  if (!bus) throw new OpsError(`unknown event bus "${given}": the catalog has ${catalog.buses.map((b) => `${b.key} (${b.name}-${stage})`).join(', ')}`);
  return `${bus.name}-${stage}`;
}

/** Every bus of the catalog, deployed names. */
export function allBuses(target: OpsTarget): string[] {
  return target.catalog.buses.map((b) => `${b.name}-${target.stage}`);
}

/** The archive of a bus: the generated template names each bus's archive after the bus. */
export function archiveName(target: OpsTarget, given?: string): string {
  return busName(target, given);
}

/** `<service>-<stage>-<queue>` for a catalog queue name, or the name as given when it is already deployed. */
export function queueName(target: OpsTarget, given: string): string {
  const prefix = `${target.service}-${target.stage}-`;
  return given.startsWith(prefix) ? given : `${prefix}${given}`;
}

/** A queue name without the `<service>-<stage>-` prefix, for display. */
export function shortQueueName(target: OpsTarget, name: string): string {
  const prefix = `${target.service}-${target.stage}-`;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

export function destroyTarget(target: OpsTarget): void {
  target.eventBridge.destroy();
  target.sqs.destroy();
}
