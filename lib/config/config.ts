import { ConfigInvalidError, ConfigMissingError } from './errors';

/** The environment the accessors read: `process.env` by default, a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Names of the environment variables the runtime reads. serverless.yml (and the local
 * runtime) set exactly these; nothing else in lib/ reads `process.env` directly.
 */
export const ENV = {
  stage: 'STAGE',
  service: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  /** Powertools' own switch; `true` turns idempotency off even when the table is set. */
  idempotencyDisabled: 'POWERTOOLS_IDEMPOTENCY_DISABLED',
  functionName: 'AWS_LAMBDA_FUNCTION_NAME',
  /** Set by Lambda per invocation when X-Ray tracing is active. */
  traceHeader: '_X_AMZN_TRACE_ID',
  region: 'AWS_REGION',
  defaultRegion: 'AWS_DEFAULT_REGION',
  endpoint: 'AWS_ENDPOINT_URL',
} as const;

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** The value, or undefined when unset or blank (a blank variable counts as unset). */
function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Returns the variable or throws ConfigMissingError naming it. */
export function requireEnv(name: string, env: Env = process.env, hint?: string): string {
  const value = read(env, name);
  if (value === undefined) throw new ConfigMissingError(name, hint);
  return value;
}

/** Returns the variable, or `fallback` (undefined when not given) when it is unset. */
export function optionalEnv(name: string, env?: Env): string | undefined;
export function optionalEnv(name: string, env: Env | undefined, fallback: string): string;
export function optionalEnv(name: string, env: Env = process.env, fallback?: string): string | undefined {
  return read(env, name) ?? fallback;
}

export interface NumberOptions {
  /** Used when the variable is unset; without it an unset variable is an error. */
  default?: number;
  integer?: boolean;
  min?: number;
  max?: number;
}

/** Parses a number; a malformed or out-of-range value throws ConfigInvalidError naming the variable. */
export function numberEnv(name: string, options: NumberOptions = {}, env: Env = process.env): number {
  const raw = read(env, name);
  if (raw === undefined) {
    if (options.default !== undefined) return options.default;
    throw new ConfigMissingError(name);
  }
  const value = Number(raw);
  const kind = options.integer ? 'an integer' : 'a number';
  if (!Number.isFinite(value) || (options.integer && !Number.isInteger(value))) throw new ConfigInvalidError(name, raw, kind);
  if (options.min !== undefined && value < options.min) throw new ConfigInvalidError(name, raw, `${kind} >= ${options.min}`);
  if (options.max !== undefined && value > options.max) throw new ConfigInvalidError(name, raw, `${kind} <= ${options.max}`);
  return value;
}

/** Parses true/false/1/0/yes/no/on/off (any case); anything else throws ConfigInvalidError. */
export function booleanEnv(name: string, fallback?: boolean, env: Env = process.env): boolean {
  const raw = read(env, name);
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new ConfigMissingError(name);
  }
  const lower = raw.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw new ConfigInvalidError(name, raw, 'a boolean (true/false, 1/0, yes/no, on/off)');
}

/** `EVENT_BUS_<KEY>`: the variable holding the deployed name of the spec's bus `key`. */
export function busNameVariable(key: string): string {
  return `EVENT_BUS_${key.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The deployed name of a bus, from `EVENT_BUS_<KEY>`. Missing fails loudly, naming the
 * variable: guessing a name would publish to the wrong (or a non-existent) bus.
 */
export function resolveBusName(key: string, env: Env = process.env): string {
  return requireEnv(busNameVariable(key), env, `deployed name of event bus "${key}"`);
}

/** AWS services whose endpoint the client factory can redirect to a local runtime. */
export type AwsService = 'eventbridge' | 'sqs' | 'dynamodb' | 'scheduler';

/** `AWS_ENDPOINT_URL_<SERVICE>` wins over `AWS_ENDPOINT_URL`; undefined means the real AWS endpoint. */
export function endpointFor(service: AwsService, env: Env = process.env): string | undefined {
  const specific = `${ENV.endpoint}_${service.toUpperCase()}`;
  const name = read(env, specific) !== undefined ? specific : ENV.endpoint;
  const value = read(env, name);
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`);
  } catch (cause) {
    throw new ConfigInvalidError(name, value, 'an http(s) URL', { cause });
  }
  return value;
}
