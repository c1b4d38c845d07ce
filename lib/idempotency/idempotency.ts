import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { clients } from '../clients';
import { booleanEnv, ENV, optionalEnv, type Env } from '../config';
import { IdempotencyConfigError } from './errors';

/** Default time an idempotency record is kept: one day covers SQS redeliveries and EventBridge duplicates. */
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface IdempotencyOptions {
  /** JMESPath to the key inside the wrapped function's first argument, e.g. `detail.metadata.eventId`. */
  keyPath: string;
  /**
   * `true` requires a table (throws IdempotencyConfigError without one), `false` turns it
   * off; by default it is on exactly when a table is configured and Powertools'
   * `POWERTOOLS_IDEMPOTENCY_DISABLED` is not true.
   */
  enabled?: boolean;
  /** Table name (partition key `id` (S), TTL attribute `expiration`); default `IDEMPOTENCY_TABLE`. */
  table?: string;
  /** Default: the shared DynamoDB client of lib/clients (honours a local endpoint). */
  client?: DynamoDBClient;
  expiresAfterSeconds?: number;
  /** Prefix of the stored key (default: the Lambda function name); use something stable like the queue name. */
  keyPrefix?: string;
  env?: Env;
}

export interface Idempotency {
  readonly enabled: boolean;
  /** Why it is on or off, for a start-up log line. */
  readonly reason: string;
  /** Makes `fn` idempotent on the key found at `keyPath` in its first argument (identity when disabled). */
  wrap<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R>;
}

/**
 * Powertools idempotency with the DynamoDB persistence layer: the first call for a key
 * runs the function and stores its result; later calls with the same key return the
 * stored result without running it; a call whose function throws leaves no record, so a
 * retry runs it again.
 */
export function createIdempotency(options: IdempotencyOptions): Idempotency {
  const env = options.env ?? process.env;
  const table = options.table ?? optionalEnv(ENV.idempotencyTable, env);
  const disabledByEnv = booleanEnv(ENV.idempotencyDisabled, false, env);
  if (options.enabled === true && table === undefined) throw new IdempotencyConfigError(`idempotency is required but no table is configured (set ${ENV.idempotencyTable})`);
  if (options.enabled === false || table === undefined || disabledByEnv) {
    const reason = options.enabled === false ? 'turned off by option' : disabledByEnv ? `turned off by ${ENV.idempotencyDisabled}` : `${ENV.idempotencyTable} is not set`;
    return { enabled: false, reason, wrap: (fn) => fn };
  }
  // The persistence layer imports the DynamoDB client: built on the first wrapped call, so
  // importing a handler does not load the SDK (see lib/clients/sdk.ts).
  let persistenceStore: Promise<BasePersistenceLayer> | undefined;
  const store = (): Promise<BasePersistenceLayer> =>
    (persistenceStore ??= import('@aws-lambda-powertools/idempotency/dynamodb').then(
      ({ DynamoDBPersistenceLayer }) => new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: options.client ?? clients.dynamoDb() }),
    ));
  const config = new IdempotencyConfig({
    eventKeyJmesPath: options.keyPath,
    // A missing key would hash `null` and make every such call share one record.
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS,
  });
  return {
    enabled: true,
    reason: `table ${table}, key ${options.keyPath}`,
    wrap: <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => {
      let idempotent: ((...args: A) => Promise<R>) | undefined;
      return async (...args: A): Promise<R> => {
        idempotent ??= makeIdempotent(fn, { persistenceStore: await store(), config, ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}) });
        return idempotent(...args);
      };
    },
  };
}
