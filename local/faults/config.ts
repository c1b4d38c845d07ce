/**
 * Fault injection settings, as `npm start -- --faults <file>` reads them (JSON) and
 * `POST /local/faults` takes them. Every fault is scoped (service, and optionally
 * operation, function or queue, with `*` wildcards) and has a rate in [0, 1]; the run is
 * seeded, so the same settings and traffic inject the same faults.
 *
 * ```json
 * { "seed": 7, "faults": [
 *   { "service": "events", "operation": "PutEvents", "kind": "entry-failure", "rate": 0.05 },
 *   { "service": "sqs", "kind": "duplicate", "rate": 0.05 },
 *   { "service": "dynamodb", "table": "*-outbox", "kind": "throttle", "rate": 0.02 },
 *   { "service": "dynamodb", "operation": "TransactWriteItems", "kind": "transaction-conflict", "rate": 0.02 },
 *   { "service": "lambda", "function": "*-match-consumer", "kind": "error", "rate": 0.1 },
 *   { "service": "lambda", "function": "*-outbox-relay", "kind": "crash-after-publish", "rate": 0.05 } ] }
 * ```
 */

export const FAULT_KINDS = {
  /** PutEvents: the whole call fails (500 InternalException). */
  events: ['error', 'entry-failure', 'throttle'],
  /** SQS: a received message stays visible, so it is delivered a second time. */
  sqs: ['duplicate'],
  /** DynamoDB (through the local proxy): ProvisionedThroughputExceeded, or a transaction cancelled for a conflict. */
  dynamodb: ['throttle', 'transaction-conflict'],
  /** Lambda: the handler fails, times out (after the function's timeout), the worker dies mid-batch, or dies right after its PutEvents call. */
  lambda: ['error', 'timeout', 'crash', 'crash-after-publish'],
} as const;

export type FaultService = keyof typeof FAULT_KINDS;
export type FaultKind<S extends FaultService = FaultService> = (typeof FAULT_KINDS)[S][number];

export interface FaultRule {
  service: FaultService;
  kind: FaultKind;
  rate: number;
  /** API operation (PutEvents, TransactWriteItems, ...); any when absent. */
  operation?: string;
  /** Function name (Lambda faults, and the caller of AWS calls); any when absent. */
  function?: string;
  /** Queue name (SQS faults); any when absent. */
  queue?: string;
  /** Table name (DynamoDB faults): the call matches when any table it touches does; any when absent. */
  table?: string;
  /** The error code to answer with, where the kind has a choice (entry failures: InternalFailure or ThrottlingException). */
  code?: string;
}

export interface FaultSettings {
  seed: number;
  faults: FaultRule[];
}

export class FaultSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`fault settings are not valid: ${problems.join('; ')}`);
    this.name = 'FaultSettingsError';
  }
}

const SCOPE_FIELDS = ['operation', 'function', 'queue', 'table', 'code'] as const;

/** Checks settings from a file or a request, naming every problem. */
export function parseFaultSettings(input: unknown): FaultSettings {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultSettingsError(['settings must be an object { seed, faults: [...] }']);
  const raw = input as { seed?: unknown; faults?: unknown };
  const seed = raw.seed === undefined ? 1 : raw.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) problems.push('seed must be an integer');
  if (!Array.isArray(raw.faults)) problems.push('faults must be a list');
  const faults: FaultRule[] = [];
  (Array.isArray(raw.faults) ? raw.faults : []).forEach((f: unknown, i) => {
    const at = `faults[${i}]`;
    if (typeof f !== 'object' || f === null) return void problems.push(`${at} must be an object`);
    const rule = f as Record<string, unknown>;
    const service = rule['service'];
    if (typeof service !== 'string' || !(service in FAULT_KINDS)) return void problems.push(`${at}.service must be one of ${Object.keys(FAULT_KINDS).join(', ')}`);
    const kinds = FAULT_KINDS[service as FaultService] as readonly string[];
    if (typeof rule['kind'] !== 'string' || !kinds.includes(rule['kind'])) problems.push(`${at}.kind must be one of ${kinds.join(', ')} for ${service}`);
    const rate = rule['rate'];
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) problems.push(`${at}.rate must be a number from 0 to 1`);
    for (const field of SCOPE_FIELDS) if (rule[field] !== undefined && typeof rule[field] !== 'string') problems.push(`${at}.${field} must be a string`);
    const unknown = Object.keys(rule).filter((k) => !['service', 'kind', 'rate', ...SCOPE_FIELDS].includes(k));
    if (unknown.length) problems.push(`${at} has unknown field(s) ${unknown.join(', ')}`);
    faults.push(rule as unknown as FaultRule);
  });
  if (problems.length) throw new FaultSettingsError(problems);
  return { seed: seed as number, faults };
}
