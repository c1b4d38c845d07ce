import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export interface ObservabilityOptions {
  /** Default: `POWERTOOLS_SERVICE_NAME` (Powertools reads it). */
  serviceName?: string;
  /** Metrics namespace; default `POWERTOOLS_METRICS_NAMESPACE` (Powertools reads it). */
  namespace?: string;
}

/** A Powertools Logger: JSON lines, level from `POWERTOOLS_LOG_LEVEL`, service from `POWERTOOLS_SERVICE_NAME`. */
export function createLogger(options: ObservabilityOptions = {}): Logger {
  return new Logger(options.serviceName ? { serviceName: options.serviceName } : {});
}

/**
 * A Powertools Metrics (CloudWatch EMF) with extra default dimensions; `service` is one
 * already. Metrics are flushed once per invocation by the `logMetrics` middleware.
 */
export function createMetrics(options: ObservabilityOptions & { defaultDimensions?: Record<string, string> } = {}): Metrics {
  return new Metrics({
    ...(options.serviceName ? { serviceName: options.serviceName } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.defaultDimensions ? { defaultDimensions: options.defaultDimensions } : {}),
  });
}
