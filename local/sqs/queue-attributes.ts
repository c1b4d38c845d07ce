/**
 * Queue attributes: names, defaults, validation and the typed view the engine works with.
 * Values are kept as the strings of the SQS API (what GetQueueAttributes returns); `configOf`
 * turns them into numbers and parsed policies.
 */
import { SqsInvalidAttributeNameError, SqsInvalidAttributeValueError } from './errors';

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export interface RedriveAllowPolicy {
  readonly redrivePermission: 'allowAll' | 'denyAll' | 'byQueue';
  readonly sourceQueueArns?: readonly string[];
}

/** The typed view of a queue's settable attributes. Times are in seconds, as in the API. */
export interface QueueConfig {
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  readonly delaySeconds: number;
  readonly maximumMessageSize: number;
  readonly messageRetentionPeriod: number;
  readonly receiveMessageWaitTimeSeconds: number;
  readonly visibilityTimeout: number;
  readonly redrivePolicy?: RedrivePolicy;
  readonly redriveAllowPolicy?: RedriveAllowPolicy;
}

/** AWS limits, named. */
export const LIMITS = {
  delaySeconds: [0, 900],
  maximumMessageSize: [1024, 1_048_576],
  messageRetentionPeriod: [60, 1_209_600],
  receiveMessageWaitTimeSeconds: [0, 20],
  visibilityTimeout: [0, 43_200],
  kmsDataKeyReusePeriodSeconds: [60, 86_400],
  maxReceiveCount: [1, 1000],
} as const;

const INTEGER_ATTRIBUTES: Record<string, readonly [number, number]> = {
  DelaySeconds: LIMITS.delaySeconds,
  MaximumMessageSize: LIMITS.maximumMessageSize,
  MessageRetentionPeriod: LIMITS.messageRetentionPeriod,
  ReceiveMessageWaitTimeSeconds: LIMITS.receiveMessageWaitTimeSeconds,
  VisibilityTimeout: LIMITS.visibilityTimeout,
  KmsDataKeyReusePeriodSeconds: LIMITS.kmsDataKeyReusePeriodSeconds,
};

const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);

/** Attributes that CreateQueue / SetQueueAttributes accept. */
export const SETTABLE_ATTRIBUTES = new Set([
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'Policy',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'FifoQueue',
  ...FIFO_ONLY,
]);

/** Attributes computed by the service, readable only. */
export const COMPUTED_ATTRIBUTES = new Set([
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
]);

/** Stored (settable) attributes of a new queue before the caller's values are applied. */
export function defaultAttributes(fifo: boolean): Record<string, string> {
  const defaults: Record<string, string> = {
    DelaySeconds: '0',
    MaximumMessageSize: '1048576',
    MessageRetentionPeriod: '345600',
    ReceiveMessageWaitTimeSeconds: '0',
    VisibilityTimeout: '30',
    SqsManagedSseEnabled: 'true',
  };
  if (fifo) {
    Object.assign(defaults, {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'false',
      DeduplicationScope: 'queue',
      FifoThroughputLimit: 'perQueue',
    });
  }
  return defaults;
}

/**
 * Validates caller-supplied attributes and returns them normalized (booleans lower-case,
 * policies re-serialized). An empty `RedrivePolicy`/`RedriveAllowPolicy`/`Policy` means
 * "remove" and is returned as `''`.
 */
export function normalizeAttributes(input: Readonly<Record<string, string>>, fifo: boolean, mode: 'create' | 'set'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input)) {
    if (!SETTABLE_ATTRIBUTES.has(name)) throw new SqsInvalidAttributeNameError(name);
    if (FIFO_ONLY.has(name) && !fifo) throw new SqsInvalidAttributeNameError(name);
    if (typeof raw !== 'string') throw new SqsInvalidAttributeValueError(name, 'the value must be a string');
    const range = INTEGER_ATTRIBUTES[name];
    if (range) {
      out[name] = String(parseInteger(name, raw, range));
      continue;
    }
    switch (name) {
      case 'FifoQueue': {
        // FifoQueue is fixed at creation; AWS refuses to change it later.
        if (mode === 'set') throw new SqsInvalidAttributeNameError(name);
        const value = parseBoolean(name, raw);
        if (value !== fifo) throw new SqsInvalidAttributeValueError(name, 'a FIFO queue name must end with the .fifo suffix, and only a FIFO queue may have it');
        if (value) out[name] = 'true';
        break;
      }
      case 'ContentBasedDeduplication':
      case 'SqsManagedSseEnabled':
        out[name] = String(parseBoolean(name, raw));
        break;
      case 'DeduplicationScope':
        out[name] = oneOf(name, raw, ['messageGroup', 'queue']);
        break;
      case 'FifoThroughputLimit':
        out[name] = oneOf(name, raw, ['perQueue', 'perMessageGroupId']);
        break;
      case 'RedrivePolicy':
        out[name] = raw === '' ? '' : JSON.stringify(parseRedrivePolicy(raw));
        break;
      case 'RedriveAllowPolicy':
        out[name] = raw === '' ? '' : JSON.stringify(parseRedriveAllowPolicy(raw));
        break;
      case 'Policy':
        if (raw !== '') parseJsonObject(name, raw);
        out[name] = raw;
        break;
      default:
        out[name] = raw;
    }
  }
  return out;
}

/** The typed view of stored (already normalized) attributes. */
export function configOf(stored: Readonly<Record<string, string>>): QueueConfig {
  const num = (name: string): number => Number(stored[name] ?? '0');
  const redrive = stored.RedrivePolicy;
  const allow = stored.RedriveAllowPolicy;
  return {
    fifo: stored.FifoQueue === 'true',
    contentBasedDeduplication: stored.ContentBasedDeduplication === 'true',
    delaySeconds: num('DelaySeconds'),
    maximumMessageSize: num('MaximumMessageSize'),
    messageRetentionPeriod: num('MessageRetentionPeriod'),
    receiveMessageWaitTimeSeconds: num('ReceiveMessageWaitTimeSeconds'),
    visibilityTimeout: num('VisibilityTimeout'),
    ...(redrive ? { redrivePolicy: parseRedrivePolicy(redrive) } : {}),
    ...(allow ? { redriveAllowPolicy: parseRedriveAllowPolicy(allow) } : {}),
  };
}

/** Parses a `RedrivePolicy` JSON string; `maxReceiveCount` may be a number or a numeric string, as AWS accepts. */
export function parseRedrivePolicy(raw: string): RedrivePolicy {
  const value = parseJsonObject('RedrivePolicy', raw);
  const arn = value.deadLetterTargetArn;
  if (typeof arn !== 'string' || !/^arn:[^:]+:sqs:[^:]*:[^:]*:[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(arn)) {
    throw new SqsInvalidAttributeValueError('RedrivePolicy', 'deadLetterTargetArn must be the ARN of an SQS queue');
  }
  const count = value.maxReceiveCount;
  const parsed = typeof count === 'number' ? count : typeof count === 'string' && /^\d+$/.test(count) ? Number(count) : NaN;
  const [min, max] = LIMITS.maxReceiveCount;
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new SqsInvalidAttributeValueError('RedrivePolicy', `maxReceiveCount must be an integer between ${min} and ${max}`);
  }
  return { deadLetterTargetArn: arn, maxReceiveCount: parsed };
}

/** Parses a `RedriveAllowPolicy` JSON string. */
export function parseRedriveAllowPolicy(raw: string): RedriveAllowPolicy {
  const value = parseJsonObject('RedriveAllowPolicy', raw);
  const permission = value.redrivePermission;
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue') {
    throw new SqsInvalidAttributeValueError('RedriveAllowPolicy', 'redrivePermission must be allowAll, denyAll or byQueue');
  }
  const arns = value.sourceQueueArns;
  if (permission !== 'byQueue') {
    if (arns !== undefined) throw new SqsInvalidAttributeValueError('RedriveAllowPolicy', 'sourceQueueArns is only allowed with redrivePermission byQueue');
    return { redrivePermission: permission };
  }
  if (!Array.isArray(arns) || arns.length < 1 || arns.length > 10 || !arns.every((a): a is string => typeof a === 'string')) {
    throw new SqsInvalidAttributeValueError('RedriveAllowPolicy', 'byQueue needs sourceQueueArns: 1 to 10 queue ARNs');
  }
  return { redrivePermission: permission, sourceQueueArns: arns };
}

/** Whether a DLQ's `RedriveAllowPolicy` lets `sourceArn` use it. */
export function redriveAllowed(policy: RedriveAllowPolicy | undefined, sourceArn: string): boolean {
  if (!policy || policy.redrivePermission === 'allowAll') return true;
  if (policy.redrivePermission === 'denyAll') return false;
  return (policy.sourceQueueArns ?? []).includes(sourceArn);
}

function parseInteger(name: string, raw: string, [min, max]: readonly [number, number]): number {
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SqsInvalidAttributeValueError(name, `must be an integer between ${min} and ${max}, got '${raw}'`);
  }
  return value;
}

function parseBoolean(name: string, raw: string): boolean {
  const lower = raw.toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw new SqsInvalidAttributeValueError(name, `must be true or false, got '${raw}'`);
  return lower === 'true';
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === raw);
  if (!found) throw new SqsInvalidAttributeValueError(name, `must be one of ${allowed.join(', ')}, got '${raw}'`);
  return found;
}

function parseJsonObject(name: string, raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (cause) {
    throw new SqsInvalidAttributeValueError(name, 'the value is not valid JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SqsInvalidAttributeValueError(name, 'the value must be a JSON object');
  }
  return value as Record<string, unknown>;
}
