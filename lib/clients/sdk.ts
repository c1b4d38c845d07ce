/**
 * The AWS SDK modules, loaded on first use instead of when a handler module is imported.
 *
 * Loading `@aws-sdk/client-dynamodb` with its @smithy dependencies costs 60-100 ms (measured
 * by `npm run bench:bundle`), more than the rest of a function's bundle. Code that imports
 * a command class at the top of a module pays that at every cold start, even on a path that
 * never calls AWS (a 400 answer, a rejected record). Everything in lib/ and functions/ gets
 * SDK classes through these loaders instead, so a function loads exactly the clients it
 * calls, when it first calls them. `import type` stays free: types are erased.
 *
 * `require` (not `await import()`) keeps the loaders synchronous: clients and commands are
 * built where they are used, with no promise plumbing. Bundled by esbuild with the SDK
 * external (serverless.yml), each call stays a plain `require` of the runtime's SDK; Node
 * caches modules, so every call after the first is a lookup.
 */
type DynamoDbSdk = typeof import('@aws-sdk/client-dynamodb');
type DocumentSdk = typeof import('@aws-sdk/lib-dynamodb');
type EventBridgeSdk = typeof import('@aws-sdk/client-eventbridge');
type SqsSdk = typeof import('@aws-sdk/client-sqs');
type SchedulerSdk = typeof import('@aws-sdk/client-scheduler');

export const sdk = {
  dynamoDb: (): DynamoDbSdk => require('@aws-sdk/client-dynamodb') as DynamoDbSdk,
  document: (): DocumentSdk => require('@aws-sdk/lib-dynamodb') as DocumentSdk,
  eventBridge: (): EventBridgeSdk => require('@aws-sdk/client-eventbridge') as EventBridgeSdk,
  sqs: (): SqsSdk => require('@aws-sdk/client-sqs') as SqsSdk,
  scheduler: (): SchedulerSdk => require('@aws-sdk/client-scheduler') as SchedulerSdk,
};
