import type { SQSRecord } from 'aws-lambda';
// The pure modules, not the index: the index also loads Middy (ESM), which this test does not need.
import { decodeRecord, finalFailure, handlerRejection, receiveCount, recordLogKeys, type Routes } from '../../lib/consumer/decode';
import { NonRetryableEventError } from '../../lib/consumer/errors';
import { rejectionContext } from '../../lib/consumer/rejection';
import type { StandaloneValidator } from '../../lib/envelope';

// The steps the consumer stack is composed of, alone: decoding a record (event or
// rejection), its log keys, and what a handler's error becomes.

/** A validator that wants `data.n` to be a number. */
const wantsNumber: StandaloneValidator = Object.assign(
  (detail: unknown): boolean => {
    const ok = typeof (detail as { data?: { n?: unknown } }).data?.n === 'number';
    wantsNumber.errors = ok ? null : [{ instancePath: '/data/n', message: 'must be number', keyword: 'type', params: { type: 'number' } }];
    return ok;
  },
  { errors: null },
);
const routes: Routes = { OrderPlaced: { messageName: 'OrderPlaced', sources: ['test.orders'], validate: wantsNumber } };
const metadata = { eventId: 'e-1', correlationId: 'c-1', eventVersion: '1.0', occurredAt: '2026-03-01T10:00:00.000Z', producer: 'orders' };
const body = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({ version: '0', id: 'eb-1', 'detail-type': 'OrderPlaced', source: 'test.orders', account: '1', time: metadata.occurredAt, region: 'eu-west-1', resources: [], detail: { metadata, data: { n: 1 } }, ...overrides });
const record = (text: string, receiveCount?: string): Pick<SQSRecord, 'messageId' | 'body' | 'attributes'> =>
  ({ messageId: 'm-1', body: text, attributes: (receiveCount ? { ApproximateReceiveCount: receiveCount } : {}) as SQSRecord['attributes'] });

describe('decodeRecord', () => {
  it('returns the valid event with what is known of the record and its occurredAt', () => {
    // Prepare
    const input = record(body(), '2');

    // Act
    const decoded = decodeRecord(input, 'orders-queue', routes);

    // Assess
    expect(decoded.ok).toBe(true);
    expect(decoded.ok && decoded.event['detail-type']).toBe('OrderPlaced');
    expect(decoded.ok && decoded.occurredAt).toBe(metadata.occurredAt);
    expect(decoded.facts).toMatchObject({ queue: 'orders-queue', attempt: 2, messageId: 'm-1', eventId: 'e-1', correlationId: 'c-1', detailType: 'OrderPlaced', source: 'test.orders' });
  });

  it('rejects a body that is not JSON as EVENT_MALFORMED, without parsed facts', () => {
    // Act
    const decoded = decodeRecord(record('{oops'), 'orders-queue', routes);

    // Assess
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.rejection).toMatchObject({ errorCode: 'EVENT_MALFORMED', canRetry: false, attempt: 1, body: '{oops' });
    expect(!decoded.ok && decoded.rejection.reason).toMatch(/^not an EventBridge event: SQS message body is not JSON/);
    expect(decoded.facts).not.toHaveProperty('parsed');
    expect(recordLogKeys(decoded.facts)).toEqual({ queue: 'orders-queue', messageId: 'm-1' });
  });

  it('rejects an unknown detail-type or source as EVENT_TYPE_UNKNOWN, keeping the envelope ids', () => {
    // Act
    const unknownType = decodeRecord(record(body({ 'detail-type': 'OrderShipped' })), 'orders-queue', routes);
    const unknownSource = decodeRecord(record(body({ source: 'test.other' })), 'orders-queue', routes);

    // Assess
    expect(!unknownType.ok && unknownType.rejection).toMatchObject({ errorCode: 'EVENT_TYPE_UNKNOWN', eventId: 'e-1', correlationId: 'c-1', detailType: 'OrderShipped' });
    expect(!unknownSource.ok && unknownSource.rejection).toMatchObject({ errorCode: 'EVENT_TYPE_UNKNOWN', source: 'test.other' });
  });

  it('rejects a schema-invalid detail naming every failing path and keeping the issues', () => {
    // Act
    const decoded = decodeRecord(record(body({ detail: { metadata, data: { n: 'one' } } })), 'orders-queue', routes);

    // Assess
    expect(!decoded.ok && decoded.rejection).toMatchObject({
      errorCode: 'EVENT_SCHEMA_INVALID',
      reason: 'OrderPlaced does not match its schema: /data/n must be number [type]',
      issues: [{ path: '/data/n', keyword: 'type', message: 'must be number' }],
    });
  });

  it('throws an error of the validator itself (the record is then retried, not rejected)', () => {
    // Prepare
    const broken: Routes = { OrderPlaced: { messageName: 'OrderPlaced', sources: ['test.orders'], validate: () => { throw new RangeError('stack overflow'); } } };

    // Act, Assess
    expect(() => decodeRecord(record(body()), 'orders-queue', broken)).toThrow(RangeError);
  });

  it('counts a record without ApproximateReceiveCount as its first delivery', () => {
    expect(receiveCount(record(body()))).toBe(1);
    expect(receiveCount(record(body(), '3'))).toBe(3);
  });

  it('gives the log keys of a parsed record', () => {
    // Prepare
    const decoded = decodeRecord(record(body()), 'orders-queue', routes);

    // Act, Assess
    expect(recordLogKeys(decoded.facts)).toEqual({ correlationId: 'c-1', eventId: 'e-1', detailType: 'OrderPlaced', queue: 'orders-queue', messageId: 'm-1' });
  });
});

describe('handler errors', () => {
  const facts = { queue: 'orders-queue', attempt: 3, messageId: 'm-1', body: '{}', parsed: {}, eventId: 'e-1' };

  it('rejects on a NonRetryableEventError with its code, and not on any other error', () => {
    // Act
    const rejected = handlerRejection(facts, new NonRetryableEventError('UNSUPPORTED_VERSION', 'v2 is not supported'));
    const retried = handlerRejection(facts, new Error('timeout'));

    // Assess
    expect(rejected).toMatchObject({ errorCode: 'UNSUPPORTED_VERSION', reason: 'v2 is not supported', canRetry: false, eventId: 'e-1' });
    expect(retried).toBeUndefined();
  });

  it('reports a final failure as HANDLER_FAILED that a replay may fix, with its stack', () => {
    // Act
    const report = finalFailure(facts, new TypeError('x is undefined'));

    // Assess
    expect(report).toMatchObject({ errorCode: 'HANDLER_FAILED', reason: 'TypeError: x is undefined', canRetry: true, attempt: 3 });
    expect(report.stackTrace).toContain('TypeError');
  });

  it('correlates the error event with the rejected one only through ids an envelope takes', () => {
    expect(rejectionContext({ correlationId: 'c-1', eventId: 'e-1' })).toEqual({ correlationId: 'c-1', causationId: 'e-1' });
    expect(rejectionContext({ correlationId: 'c'.repeat(129), eventId: 'e'.repeat(129) })).toEqual({});
    expect(rejectionContext({})).toEqual({});
  });
});
