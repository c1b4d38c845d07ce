import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient, TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { ENV, endpointFor, optionalEnv, type AwsService, type Env } from '../config';
import { ClientConfigError } from './errors';
import { sdk } from './sdk';

/** Region used against a local endpoint when none is configured (the local runtime ignores it). */
export const LOCAL_DEFAULT_REGION = 'us-east-1';
/** Credentials used against a local endpoint when none are configured; never sent to AWS. */
export const LOCAL_DUMMY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Variables whose presence means the default credential chain has something to find. */
const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];

export interface ClientOptions {
  /** Environment to read (default `process.env`). */
  env?: Env;
  /** Explicit region / endpoint; win over the environment. */
  region?: string;
  endpoint?: string;
  /** SDK attempts per call (SDK default 3). */
  maxAttempts?: number;
}

/** The subset of SDK client configuration the factory decides. */
export interface ResolvedClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
}

/**
 * Decides region, endpoint and credentials for one service. With a local endpoint
 * (`AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`) it is applied explicitly, and
 * dummy credentials are used only if the environment has none, so the same code runs
 * unchanged on AWS (no endpoint: SDK defaults, the Lambda role) and locally.
 */
export function resolveClientConfig(service: AwsService, options: ClientOptions = {}): ResolvedClientConfig {
  const env = options.env ?? process.env;
  let endpoint: string | undefined;
  try {
    endpoint = options.endpoint ?? endpointFor(service, env);
  } catch (cause) {
    throw new ClientConfigError(service, (cause as Error).message, { cause });
  }
  const region = options.region ?? optionalEnv(ENV.region, env) ?? optionalEnv(ENV.defaultRegion, env) ?? (endpoint ? LOCAL_DEFAULT_REGION : undefined);
  const hasCredentials = CREDENTIAL_VARIABLES.some((name) => optionalEnv(name, env) !== undefined);
  return {
    ...(region === undefined ? {} : { region }),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(endpoint !== undefined && !hasCredentials ? { credentials: { ...LOCAL_DUMMY_CREDENTIALS } } : {}),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
}

/**
 * The logger every client gets. The SDK's default logger does nothing, but because it has
 * an `info` method @aws-sdk/core's logger middleware copies each call's input and output
 * through the sensitive-data filter for a log line nobody reads (in a busy outbox relay,
 * a few percent of its CPU; more for large responses such as stream reads). Without
 * `info` that copy is skipped; the SDK logs nothing either way.
 */
export const QUIET_SDK_LOGGER = { trace: () => undefined, debug: () => undefined, warn: () => undefined, error: () => undefined } as unknown as NonNullable<DynamoDBClientConfig['logger']>;

export function createEventBridgeClient(options: ClientOptions = {}): EventBridgeClient {
  return new (sdk.eventBridge().EventBridgeClient)({ ...resolveClientConfig('eventbridge', options), logger: QUIET_SDK_LOGGER });
}

export function createSqsClient(options: ClientOptions = {}): SQSClient {
  return new (sdk.sqs().SQSClient)({ ...resolveClientConfig('sqs', options), logger: QUIET_SDK_LOGGER });
}

export function createSchedulerClient(options: ClientOptions = {}): SchedulerClient {
  return new (sdk.scheduler().SchedulerClient)({ ...resolveClientConfig('scheduler', options), logger: QUIET_SDK_LOGGER });
}

export function createDynamoDbClient(options: ClientOptions = {}): DynamoDBClient {
  return new (sdk.dynamoDb().DynamoDBClient)({ ...resolveClientConfig('dynamodb', options), logger: QUIET_SDK_LOGGER });
}

/** Document client over a fresh DynamoDB client; `removeUndefinedValues` on by default. */
export function createDynamoDbDocumentClient(options: ClientOptions = {}, translate: TranslateConfig = {}): DynamoDBDocumentClient {
  return sdk.document().DynamoDBDocumentClient.from(createDynamoDbClient(options), {
    ...translate,
    marshallOptions: { removeUndefinedValues: true, ...translate.marshallOptions },
  });
}

// One client per service per container: built on first use (so importing a handler neither
// needs AWS configuration nor loads the SDK) and reused by every warm invocation (keep-alive connections).
let cache: { eventBridge?: EventBridgeClient; sqs?: SQSClient; scheduler?: SchedulerClient; dynamoDb?: DynamoDBClient; dynamoDbDocument?: DynamoDBDocumentClient } = {};

/** Shared, lazily built clients configured from `process.env`. */
export const clients = {
  eventBridge: (): EventBridgeClient => (cache.eventBridge ??= createEventBridgeClient()),
  sqs: (): SQSClient => (cache.sqs ??= createSqsClient()),
  scheduler: (): SchedulerClient => (cache.scheduler ??= createSchedulerClient()),
  dynamoDb: (): DynamoDBClient => (cache.dynamoDb ??= createDynamoDbClient()),
  dynamoDbDocument: (): DynamoDBDocumentClient => (cache.dynamoDbDocument ??= sdk.document().DynamoDBDocumentClient.from(clients.dynamoDb(), { marshallOptions: { removeUndefinedValues: true } })),
  /** Forgets the shared clients (tests that change the environment). */
  reset: (): void => {
    cache = {};
  },
};
