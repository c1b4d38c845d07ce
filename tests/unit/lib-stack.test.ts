import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { buildErrorEvent, type EventContext, type OutgoingEvent } from '../../lib/envelope';
import { createMetrics, resolveStack } from '../../lib/observability';

// The one resolution of a stack's identity and tools, and the one call of an errors-bus builder.

describe('resolveStack', () => {
  it('takes the options first, then the Lambda environment, then the stack defaults', () => {
    // Prepare
    const env = { POWERTOOLS_SERVICE_NAME: 'from-env', AWS_LAMBDA_FUNCTION_NAME: 'fn-from-env' };

    // Act
    const given = resolveStack({ service: 'given', functionName: 'fn-given', env }, { service: 'default' });
    const fromEnv = resolveStack({ env }, { service: 'default' });
    const defaults = resolveStack({ env: {} }, { service: 'orders-queue', functionName: (service) => `${service}-consumer` });

    // Assess
    expect([given.service, given.functionName]).toEqual(['given', 'fn-given']);
    expect([fromEnv.service, fromEnv.functionName]).toEqual(['from-env', 'fn-from-env']);
    expect([defaults.service, defaults.functionName]).toEqual(['orders-queue', 'orders-queue-consumer']);
    expect(resolveStack({ env: {} }, { service: 'relay' }).functionName).toBe('relay');
  });

  it('uses the logger, metrics and clock it is given, and builds Powertools ones named after the service otherwise (Metrics only where the stack records them)', () => {
    // Prepare
    const logger = new Logger({ serviceName: 'x' });
    const metrics = new Metrics({ serviceName: 'x' });
    const now = (): number => 42;

    // Act
    const given = resolveStack({ logger, metrics, now, env: {} }, { service: 'x' });
    const built = resolveStack({ env: {} }, { service: 'orders', createMetrics });
    const withoutMetrics = resolveStack({ env: {} }, { service: 'http-api' });

    // Assess
    expect([given.logger, given.metrics, given.now()]).toEqual([logger, metrics, 42]);
    expect(built.logger).toBeInstanceOf(Logger);
    expect(built.metrics).toBeInstanceOf(Metrics);
    expect(built.metrics).toBe(built.metrics);
    expect(() => withoutMetrics.metrics).toThrow(/records no metrics/);
  });
});

describe('buildErrorEvent', () => {
  it('calls the spec-typed builder with the data lib made and the context', () => {
    // Prepare
    const calls: [unknown, EventContext | undefined][] = [];
    const builder = (data: { errorCode: string }, context?: EventContext): OutgoingEvent => {
      calls.push([data, context]);
      return { source: 's', detailType: 'ErrorOccurred', bus: 'errors', busName: 'b', detail: { data } };
    };

    // Act
    const event = buildErrorEvent(builder, { errorCode: 'X' }, { correlationId: 'c-1' });

    // Assess
    expect(calls).toEqual([[{ errorCode: 'X' }, { correlationId: 'c-1' }]]);
    expect(event.detailType).toBe('ErrorOccurred');
  });
});
