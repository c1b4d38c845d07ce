import { paymentsQueueRoutes } from '../../generated';
import { REPROCESS_ATTRIBUTE, sourceQueueUrl, triage } from '../../functions/dlq/triage';
import { routesOf } from '../../functions/dlq/processor';
import { computeKpis, eventRecord, hourBuckets, percentile, type EventRecord } from '../../functions/monitoring/kpis';

// The seed's KPIs computed from recorded events, and the DLQ processor's decision.

describe('KPIs', () => {
  it('takes the nearest-rank percentile', () => {
    const values = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    expect([percentile(values, 50), percentile(values, 95), percentile(values, 100)]).toEqual([100, 190, 200]);
    expect(percentile([], 95)).toBeUndefined();
    expect(() => percentile(values, 0)).toThrow(RangeError);
  });

  it('measures latency, the busiest minute and saga completion in the window, against the seed targets', () => {
    const from = Date.UTC(2026, 11, 3, 12, 0, 0);
    const rec = (i: number, minute: number, latencyMs: number, sagaCompletionMs?: number): EventRecord => ({ eventId: `e-${i}`, detailType: sagaCompletionMs === undefined ? 'user.created' : 'lesson.scheduled', occurredAt: new Date(from + minute * 60_000 + i).toISOString(), receivedAt: '', latencyMs, ...(sagaCompletionMs === undefined ? {} : { sagaCompletionMs }) });
    const records = [rec(1, 0, 100), rec(2, 0, 200), rec(3, 0, 300, 4000), rec(4, 1, 1500, 40_000), rec(5, 9, 50), rec(6, 10, 10)];
    const k = computeKpis(records, from, from + 10 * 60_000);
    expect(k.events).toBe(5);
    expect(k.byType).toEqual({ 'user.created': 3, 'lesson.scheduled': 2 });
    expect(k.eventsPerMinute).toEqual({ average: 0.5, peak: 3 });
    expect(k.latencyMs).toEqual({ count: 5, p50: 200, p95: 1500, max: 1500 });
    expect(k.sagaCompletionMs).toEqual({ count: 2, p50: 4000, p95: 40_000, max: 40_000 });
    expect(k.met).toEqual({ latencyP95: false, eventsPerMinute: false, sagaCompletion: false });
    expect(computeKpis([], from, from + 60_000).met).toEqual({ latencyP95: null, eventsPerMinute: null, sagaCompletion: null });
    expect(() => computeKpis([], from, from)).toThrow(/window must end after it starts/);
  });

  it('records an event: latency from the producer, saga completion from the booking request', () => {
    const r = eventRecord({ 'detail-type': 'lesson.scheduled', detail: { metadata: { eventId: 'e-1', occurredAt: '2026-12-03T12:00:10.000Z' }, data: { bookingRequestedAt: '2026-12-03T12:00:02.500Z' } } }, Date.parse('2026-12-03T12:00:10.250Z'));
    expect(r).toMatchObject({ latencyMs: 250, sagaCompletionMs: 7500, receivedAt: '2026-12-03T12:00:10.250Z' });
    expect(hourBuckets(Date.parse('2026-12-03T11:30:00Z'), Date.parse('2026-12-03T12:10:00Z'))).toEqual(['2026-12-03T11', '2026-12-03T12']);
  });
});

describe('DLQ triage', () => {
  const event = (detailType: string, source: string, data: Record<string, unknown>) => JSON.stringify({ 'detail-type': detailType, source, detail: { metadata: { eventId: '7d9f0a52-7a0e-4c43-9d1e-0b5f2a1e9c01', correlationId: 'c', eventVersion: '1.0', occurredAt: '2026-12-03T12:00:00.000Z', producer: 'users' }, data } });
  const userCreated = event('user.created', 'edtech.users', { userId: 'u', email: 'u@example.com', role: 'STUDENT', timestamp: '2026-12-03T12:00:00.000Z' });

  it('sends a valid event back to its queue, counting, until the limit', () => {
    expect(triage(userCreated, 0, paymentsQueueRoutes, 2)).toEqual({ action: 'reprocess', detailType: 'user.created', reprocessCount: 1 });
    expect(triage(userCreated, 2, paymentsQueueRoutes, 2)).toMatchObject({ action: 'manual', code: 'REPROCESS_LIMIT' });
    expect(REPROCESS_ATTRIBUTE).toBe('dlqReprocessCount');
  });

  it('routes to manual handling what cannot succeed: unreadable, not an event, not for this queue, schema broken', () => {
    expect(triage('{', 0, paymentsQueueRoutes, 2)).toMatchObject({ action: 'manual', code: 'UNREADABLE' });
    expect(triage('{"hello":1}', 0, paymentsQueueRoutes, 2)).toMatchObject({ action: 'manual', code: 'NOT_AN_EVENT' });
    expect(triage(event('user.created', 'edtech.booking', {}), 0, paymentsQueueRoutes, 2)).toMatchObject({ action: 'manual', code: 'NOT_FOR_THIS_QUEUE', reason: 'this queue takes no user.created from edtech.booking' });
    const broken = triage(event('user.created', 'edtech.users', { userId: 'u', role: 'PRINCIPAL' }), 0, paymentsQueueRoutes, 2);
    expect(broken).toMatchObject({ action: 'manual', code: 'SCHEMA_INVALID' });
    expect(broken.action === 'manual' && broken.reason).toMatch(/^user\.created breaks its schema: /);
  });

  it('finds the queue of a DLQ and the routes of its consumer by name', () => {
    expect(sourceQueueUrl('http://127.0.0.1:4566/000000000000/edtech-test-payments-dlq')).toBe('http://127.0.0.1:4566/000000000000/edtech-test-payments-queue');
    expect(() => sourceQueueUrl('http://x/edtech-test-payments-queue')).toThrow(/not a dead-letter queue/);
    expect(routesOf('http://x/edtech-test-payments-dlq')).toBe(paymentsQueueRoutes);
    expect(() => routesOf('http://x/edtech-test-other-dlq')).toThrow(/no consumer's DLQ of this project/);
  });
});
