import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { EventBridgeEvent, EventMetadata } from '../../generated';
import type { ConsumerContext } from '../../lib/consumer';
import type { HttpApiHandler } from '../../lib/http';
import { httpRequest, lambdaContext as createLambdaContext } from './factories';

// Handler unit tests with in-memory fakes: events as the consumer stack hands them to a
// handler, a consumer context with a silent logger, and HTTP calls through the real API stack.

export const lambdaContext = createLambdaContext({ functionName: 'unit-test', awsRequestId: 'req-1' });

/** An event as delivered to a handler: EventBridge fields around `{ metadata, data }`. */
export function delivered<D extends string, T>(detailType: D, source: string, data: T, metadata: Partial<EventMetadata> = {}): EventBridgeEvent<D, { metadata: EventMetadata; data: T }> {
  const eventId = metadata.eventId ?? `evt-${detailType}`;
  return {
    version: '0',
    id: `eb-${eventId}`,
    'detail-type': detailType,
    source,
    account: '123456789012',
    time: '2025-03-14T09:12:04Z',
    region: 'eu-west-1',
    resources: [],
    detail: { metadata: { eventId, correlationId: 'corr-1', eventVersion: '1.0', occurredAt: '2025-03-14T09:12:04.000Z', producer: source.split('.').at(-1) ?? source, ...metadata }, data },
  };
}

/** The context a handler gets; `emit`/`publish` fail: handlers emit through the outbox, not straight to the bus. */
export function consumerContext(event: { detail: { metadata: { eventId: string; correlationId: string } } }): ConsumerContext {
  const refuse = (): never => {
    throw new Error('this handler must emit through its own store (the outbox), not through the consumer context');
  };
  return {
    logger: new Logger({ serviceName: 'unit-test', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'unit-test', serviceName: 'unit-test' }),
    lambdaContext,
    queue: 'unit-test-queue',
    messageId: 'msg-1',
    attempt: 1,
    causedBy: { causedBy: event.detail },
    commit: refuse,
    publishDirect: refuse,
  };
}

/** Calls an HTTP API handler as API Gateway v2 would; the body comes back parsed. */
export async function httpCall(api: HttpApiHandler, method: string, path: string): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const event = httpRequest(method, path, { headers: {} });
  const result = (await api(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
  return { statusCode: result.statusCode ?? 200, body: JSON.parse(String(result.body ?? '{}')) as Record<string, unknown> };
}

/** Keeps the API stack's log lines out of the test output. */
export function silenceOutput(): void {
  beforeEach(() => {
    for (const stream of [process.stdout, process.stderr]) jest.spyOn(stream, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());
}
