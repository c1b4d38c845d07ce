import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj } from '@middy/core';
import type { Env } from '../config';

/**
 * X-Ray tracing for the stacks (SQS consumer, HTTP API, outbox relay): Powertools Tracer's
 * `captureLambdaHandler` middleware, on only where Powertools itself would trace: inside
 * Lambda (`AWS_EXECUTION_ENV` set, not SAM local or the Amplify mock) and not switched off
 * with `POWERTOOLS_TRACE_ENABLED=false`. Off, Tracer and the X-Ray SDK are never loaded:
 * importing them costs ~100 ms of module loading, which neither the local cloud nor a
 * Lambda without active tracing should pay at cold start.
 */

/** The same decision Powertools Tracer makes from the environment. */
export function tracingEnabled(env: Env): boolean {
  if ((env['POWERTOOLS_TRACE_ENABLED'] ?? '').trim().toLowerCase() === 'false') return false;
  const execution = (env['AWS_EXECUTION_ENV'] ?? '').trim();
  if (!execution || execution === 'AWS_Lambda_amplify-mock') return false;
  return (env['AWS_SAM_LOCAL'] ?? '').trim() === '';
}

/** A Powertools Tracer named after the service, or undefined when tracing is off (nothing loaded). */
export function createTracer(serviceName: string, env: Env): Tracer | undefined {
  if (!tracingEnabled(env)) return undefined;
  // Loaded here, not at the top, so a stack that does not trace never loads it. Deployed, it is not in the
  // bundle: it comes from the Powertools layer (serverless.yml custom.esbuild.exclude, provider.layers).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Tracer: PowertoolsTracer } = require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer');
  return new PowertoolsTracer({ serviceName });
}

/**
 * The middlewares for `.use()`: the one that opens a `## handler` subsegment per invocation
 * (cold start and service annotated, errors recorded), or none without a tracer.
 */
export function traceInvocations<E, R>(tracer: Tracer | undefined): MiddlewareObj<E, R, Error>[] {
  if (!tracer) return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { captureLambdaHandler } = require('@aws-lambda-powertools/tracer/middleware') as typeof import('@aws-lambda-powertools/tracer/middleware');
  // Responses can be large batches or hold PII: keep them out of the trace.
  return [captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj<E, R, Error>];
}
