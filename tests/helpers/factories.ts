import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, Context, SQSRecord } from 'aws-lambda';
import type { OutgoingEvent } from '../../lib/envelope';
import { parse } from 'yaml';

// Typed factories the tests and the benches share (as Powertools' tests/helpers/factories.ts):
// a Lambda context, SQS records as an event source mapping delivers them, the EventBridge
// event a rule target receives, spec examples, and captured stdout/stderr.

const ROOT = join(__dirname, '..', '..');

/** A Lambda context; `overrides` for what a test looks at (function name, request id, remaining time). */
export function lambdaContext(overrides: Partial<Context> = {}): Context {
  const functionName = overrides.functionName ?? 'test-function';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2025/03/14/[$LATEST]abc',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}

/** An SQS record as Lambda's event source mapping delivers it (body: a string as is, anything else as JSON). */
export function sqsRecord(body: unknown, options: { receiveCount?: number; queueArn?: string; messageId?: string } = {}): SQSRecord {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: `rh-${randomUUID()}`,
    body: text,
    attributes: { ApproximateReceiveCount: String(options.receiveCount ?? 1), SentTimestamp: '1741943524118', SenderId: 'AIDAEVENTBRIDGE', ApproximateFirstReceiveTimestamp: '1741943524120' },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(text).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn ?? 'arn:aws:sqs:us-east-1:123456789012:test-queue',
    awsRegion: 'us-east-1',
  };
}

/** The EventBridge event a rule target receives for a built event (what a generated builder returns). */
export function deliveredEvent<D extends string, T>(built: { detailType: D; source: string; detail: T; resources?: readonly string[] }): { version: string; id: string; 'detail-type': D; source: string; account: string; time: string; region: string; resources: string[]; detail: T } {
  return { version: '0', id: randomUUID(), 'detail-type': built.detailType, source: built.source, account: '123456789012', time: '2025-03-14T09:12:04Z', region: 'us-east-1', resources: [...(built.resources ?? [])], detail: built.detail };
}

const parsedParts = new Map<string, Record<string, { examples?: { payload: unknown }[] }>>();

/** The first example payload of a message, from its producer's part of the spec (`asyncapi/<service>/messages.yaml`), parsed once per file. */
export function specExample<T>(service: string, message: string): T {
  let doc = parsedParts.get(service);
  if (!doc) {
    doc = parse(readFileSync(join(ROOT, 'asyncapi', service, 'messages.yaml'), 'utf8')) as Record<string, { examples?: { payload: unknown }[] }>;
    parsedParts.set(service, doc);
  }
  const payload = doc[message]?.examples?.[0]?.payload;
  if (payload === undefined) throw new Error(`asyncapi/${service}/messages.yaml has no example of ${message}`);
  return payload as T;
}

/**
 * Captures what is written to stdout and stderr (Powertools logs INFO/DEBUG and EMF to
 * stdout, WARN/ERROR to stderr) until `jest.restoreAllMocks()`; `lines()` parses the JSON lines.
 */
export function captureOutput(): { chunks: string[]; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
  }
  return {
    chunks,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** An API Gateway v2 (HTTP API, payload 2.0) request; `headers` replace the default JSON content type. */
export function httpRequest(method: string, path: string, options: { body?: string; headers?: Record<string, string>; routeKey?: string } = {}): APIGatewayProxyEventV2 {
  const routeKey = options.routeKey ?? '$default';
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: 'apigw-request-1',
      routeKey,
      stage: '$default',
      time: '14/Mar/2025:09:12:04 +0000',
      timeEpoch: 1741943524000,
    },
    isBase64Encoded: false,
    ...(options.body === undefined ? {} : { body: options.body }),
  };
}

/** A generic envelope event as a generated builder returns it (lib's tests know no event names). */
export function orderEvent(options: { aggregateId?: string; sequence?: number; eventId?: string; correlationId?: string; occurredAt?: string; data?: Record<string, unknown> } = {}): OutgoingEvent {
  const eventId = options.eventId ?? randomUUID();
  return {
    source: 'test.orders',
    detailType: 'OrderChanged',
    bus: 'core',
    busName: 'test-events',
    resources: [],
    detail: {
      metadata: {
        eventId,
        correlationId: options.correlationId ?? `corr-${options.aggregateId ?? eventId.slice(0, 8)}`,
        eventVersion: '1.0',
        occurredAt: options.occurredAt ?? '2026-03-01T10:00:00.000Z',
        ...(options.aggregateId ? { aggregateId: options.aggregateId, sequence: options.sequence ?? 1 } : {}),
        producer: 'orders',
      },
      data: options.data ?? {},
    },
  };
}
