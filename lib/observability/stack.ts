import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { ENV, optionalEnv, type Env } from '../config';
import { createLogger } from './observability';
import { createTracer } from './tracing';

/** What every stack (SQS consumer, HTTP API, outbox relay) may be given to name and observe itself. */
export interface StackOptions {
  /** For logs, metrics and error events; default `POWERTOOLS_SERVICE_NAME`, then the stack's own default. */
  service?: string;
  /** For error events; default `AWS_LAMBDA_FUNCTION_NAME`, then the stack's own default. */
  functionName?: string;
  logger?: Logger;
  metrics?: Metrics;
  /** X-Ray tracer; default a Powertools Tracer when on Lambda with tracing on (lib/observability/tracing.ts); `false`: never trace. */
  tracer?: Tracer | false;
  /** Clock in ms (tests). */
  now?: () => number;
  env?: Env;
}

/** The resolved identity and tools of one stack. */
export interface Stack {
  env: Env;
  service: string;
  functionName: string;
  logger: Logger;
  /** The given Metrics, or one built on first read by `defaults.createMetrics` (a stack without it records no metric). */
  readonly metrics: Metrics;
  /** Undefined when tracing is off. */
  tracer: Tracer | undefined;
  now: () => number;
}

export interface StackDefaults {
  /** Service name when neither the option nor `POWERTOOLS_SERVICE_NAME` gives one. */
  service: string;
  /** Function name from the service when neither the option nor `AWS_LAMBDA_FUNCTION_NAME` gives one; default the service. */
  functionName?: (service: string) => string;
  /**
   * Builds the Metrics when none is given (lib/observability `createMetrics`). Passed in,
   * not imported here, so a stack that records no metric (the HTTP API) does not bundle
   * Powertools Metrics.
   */
  createMetrics?: (options: { serviceName: string }) => Metrics;
}

/**
 * The one place a stack resolves who it is (service, function name) and what it logs,
 * measures, traces and times with: options first, then the Lambda environment, then the stack's
 * defaults. Logger and metrics are Powertools', named after the service.
 */
export function resolveStack(options: StackOptions, defaults: StackDefaults): Stack {
  const env = options.env ?? process.env;
  const service = options.service ?? optionalEnv(ENV.service, env) ?? defaults.service;
  const functionName = options.functionName ?? optionalEnv(ENV.functionName, env) ?? (defaults.functionName ? defaults.functionName(service) : service);
  let metrics = options.metrics;
  return {
    env,
    service,
    functionName,
    logger: options.logger ?? createLogger({ serviceName: service }),
    get metrics() {
      if (metrics) return metrics;
      if (!defaults.createMetrics) throw new Error(`stack ${service} records no metrics: give it \`metrics\` or \`createMetrics\``);
      return (metrics = defaults.createMetrics({ serviceName: service }));
    },
    tracer: options.tracer === false ? undefined : (options.tracer ?? createTracer(service, env)),
    now: options.now ?? Date.now,
  };
}
