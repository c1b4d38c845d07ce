import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSEvent } from 'aws-lambda';
import { lambdaContext, sqsRecord } from '../../tests/helpers/factories';
import type { EventBridgeEvent, Route } from '../../lib/envelope';
import type { ConsumerContext, createSqsConsumer } from '../../lib/consumer';
import { timeIt, type Timing } from './runtime-timing';

/** The stack as a function runs it: lib/consumer and Powertools from one esbuild bundle (see bench-runtime.ts). */
export interface BundledStack {
  createSqsConsumer: typeof createSqsConsumer;
  Logger: new (options: { serviceName: string; logLevel: 'INFO' }) => Logger;
  Metrics: new (options: { namespace: string; serviceName: string }) => Metrics;
}

export interface ConsumerBench {
  stack: Timing;
  bare: Timing;
  batchSize: number;
  /** (stack - bare) / batchSize, in microseconds. */
  perRecordUs: number;
}

const context = lambdaContext({ functionName: 'bench-consumer', memoryLimitInMB: '1024', getRemainingTimeInMillis: () => 900_000 });

/**
 * Per-record overhead of the consumer stack (Middy, Powertools logger + metrics + batch,
 * parse, validation, dispatch) with idempotency off: a batch of `batchSize` copies of the
 * event through the full handler with no-op handlers, minus a bare async handler that
 * calls the same no-op once per record. Log and EMF output is serialised as usual but the
 * final write to stdout is dropped while measuring (terminal I/O is not the stack's cost).
 */
export async function benchConsumer(bundle: BundledStack, queue: string, routes: Readonly<Record<string, Route>>, event: EventBridgeEvent, runs: number, batchSize = 10): Promise<ConsumerBench> {
  const { createSqsConsumer, Logger, Metrics } = bundle;
  const noop = async (_event: unknown, _ctx?: ConsumerContext): Promise<void> => undefined;
  const handlers = Object.fromEntries(Object.keys(routes).map((detailType) => [detailType, noop]));
  const handler = createSqsConsumer<Record<string, unknown>>({
    queue,
    routes,
    handlers,
    idempotency: false,
    logger: new Logger({ serviceName: 'bench', logLevel: 'INFO' }),
    metrics: new Metrics({ namespace: 'Bench', serviceName: 'bench' }),
    env: {},
  });
  const batch: SQSEvent = { Records: Array.from({ length: batchSize }, () => sqsRecord(event, { queueArn: 'arn:aws:sqs:us-east-1:123456789012:bench' })) };
  const bare = async (input: SQSEvent): Promise<{ batchItemFailures: [] }> => {
    for (const r of input.Records) await noop(r);
    return { batchItemFailures: [] };
  };

  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const check = await handler(batch, context);
    if (check.batchItemFailures.length) throw new Error(`the bench batch failed: ${JSON.stringify(check)}`);
    const options = { iterations: 2_000, runs, warmup: 2_000 };
    const stack = await timeIt(() => handler(batch, context), options);
    const bareTiming = await timeIt(() => bare(batch), options);
    return { stack, bare: bareTiming, batchSize, perRecordUs: (stack.nsPerOp - bareTiming.nsPerOp) / batchSize / 1000 };
  } finally {
    process.stdout.write = write;
  }
}
