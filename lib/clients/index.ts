export { clients, QUIET_SDK_LOGGER, createEventBridgeClient, createSqsClient, createSchedulerClient, createDynamoDbClient, createDynamoDbDocumentClient, resolveClientConfig, LOCAL_DEFAULT_REGION, LOCAL_DUMMY_CREDENTIALS } from './clients';
export type { ClientOptions, ResolvedClientConfig } from './clients';
export { ClientConfigError } from './errors';
export { sdk } from './sdk';
