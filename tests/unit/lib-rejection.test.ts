import { EventValidationError, MalformedEventError, UnknownEventTypeError, validateErrorOccurred } from '../../generated';
// The pure modules, not the index: the index also loads Middy (ESM), which this test does not need.
import { NonRetryableEventError } from '../../lib/consumer/errors';
import { describeIssues, isNonRetryable, toErrorEventData, type Rejection } from '../../lib/consumer/rejection';

// The mapping from a rejected record to the errors-bus payload, and which errors count as
// "the input can never be processed".

const base: Rejection = { errorCode: 'EVENT_MALFORMED', reason: 'not an EventBridge event: "source" is missing or not a string', canRetry: false, queue: 'match-queue', attempt: 2, messageId: 'm-1', body: '[1,2]', parsed: [1, 2] };
const where = { service: 'match', functionName: 'roadcall-dev-match-consumer' };
const wrap = (data: unknown) => ({ metadata: { eventId: '8893cc9c-7b2b-4c13-97f1-cbb7be06912a', correlationId: 'c', eventVersion: '1.0', occurredAt: '2025-03-18T03:14:09.552Z', producer: 'match' }, data });

describe('rejections', () => {
  it('classifies input errors of the generated runtime and NonRetryableEventError as non-retryable, anything else as retryable', () => {
    expect(isNonRetryable(new MalformedEventError('x'))).toBe(true);
    expect(isNonRetryable(new UnknownEventTypeError('q', 'A', 'b'))).toBe(true);
    expect(isNonRetryable(new EventValidationError('A', []))).toBe(true);
    expect(isNonRetryable(new NonRetryableEventError('UNSUPPORTED_EVENT_VERSION', 'v2'))).toBe(true);
    expect(isNonRetryable(new Error('timeout'))).toBe(false);
    expect(isNonRetryable(Object.assign(new Error('x'), { code: 'EVENT_MALFORMED' }))).toBe(false);
  });

  it('names every failing path with its keyword', () => {
    expect(describeIssues([{ path: '', message: 'missing required property "data"', keyword: 'required', params: {} }, { path: '/data/lat', message: 'must be <= 90', keyword: 'maximum', params: {} }])).toBe('/ missing required property "data" [required]; /data/lat must be <= 90 [maximum]');
  });

  it('keeps a non-object body as { body } and only well-formed ids, so the error event stays valid', () => {
    const data = toErrorEventData({ ...base, eventId: 'not-a-uuid', detailType: '' }, where);
    expect(data).toEqual({
      errorCode: 'EVENT_MALFORMED',
      errorMessage: base.reason,
      severity: 'ERROR',
      context: { service: 'match', function: 'roadcall-dev-match-consumer', queue: 'match-queue', attempt: 2, messageId: 'm-1' },
      canRetry: false,
      failedEvent: { body: '[1,2]' },
    });
    expect(validateErrorOccurred(wrap(data))).toMatchObject({ ok: true });
  });

  it('truncates an over-long message and replaces a malformed error code', () => {
    const data = toErrorEventData({ ...base, errorCode: 'lower-case', reason: 'x'.repeat(5000) }, where);
    expect(data.errorCode).toBe('EVENT_REJECTED');
    expect(data.errorMessage).toHaveLength(4000);
    expect(validateErrorOccurred(wrap(data))).toMatchObject({ ok: true });
  });
});
