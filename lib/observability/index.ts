export { createLogger, createMetrics } from './observability';
export type { ObservabilityOptions } from './observability';
export { resolveStack } from './stack';
export type { Stack, StackDefaults, StackOptions } from './stack';
export type { Logger } from '@aws-lambda-powertools/logger';
export type { Metrics } from '@aws-lambda-powertools/metrics';
export { createTracer, traceInvocations, tracingEnabled } from './tracing';
export type { Tracer } from '@aws-lambda-powertools/tracer';
