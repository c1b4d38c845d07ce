import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { makeHandlers } from '../../functions/reporting/consumer';
import { daysBetween, distribution, kpiFact, kpisOfDay, percentile, type KpiFactRow } from '../../functions/reporting/kpis';
import { makeApi } from '../../functions/reporting/queries';
import { createInMemoryReadModel, type InMemoryReadModel } from '../../lib/read-model';
import { httpRequest } from '../helpers/factories';
import { consumerContext, delivered, lambdaContext, silenceOutput } from '../helpers/handlers';

// The KPI read model: which fact an event adds, the KPIs of a day from the facts (plain
// functions), the handlers writing facts once, and GET /reports/kpis (back-office scope).

silenceOutput();

const DAY = '2025-03-14';
const at = (hhmmss: string, day = DAY): string => `${day}T${hhmmss}.000Z`;
type FactInput = Pick<KpiFactRow, 'incidentId' | 'fact' | 'at' | 'offerId' | 'paymentId'>;
const f = (incidentId: string, fact: KpiFactRow['fact'], time: string, extra: Partial<FactInput> = {}): FactInput => ({ incidentId, fact, at: time, ...extra });

/** One incident's day: reported at 09:00:00, offer at +2 s, accepted 30 s later, assigned at +40 s, arrived at +20 min, completed, paid. */
const wholeDay = (id: string, base = '09:00'): FactInput[] => [
  f(id, 'reported', at(`${base}:00`)),
  f(id, 'offered', at(`${base}:02`), { offerId: `${id}-o1` }),
  f(id, 'offered', at(`${base}:03`), { offerId: `${id}-o2` }),
  f(id, 'answered', at(`${base}:32`), { offerId: `${id}-o1` }),
  f(id, 'assigned', at(`${base}:40`)),
  f(id, 'arrived', at(`${base.slice(0, 3)}20:00`)),
  f(id, 'completed', at(`${base.slice(0, 3)}45:00`)),
  f(id, 'paid', at(`${base.slice(0, 3)}45:05`), { paymentId: `${id}-p` }),
];

describe('kpiFact', () => {
  it('adds a fact for a milestone, in the partition of the day it happened, keyed by incident and event', () => {
    // Prepare
    const event = delivered('OfferAccepted', 'roadcall.match', { offerId: 'off-1', incidentId: 'inc-1', vendorId: 'ven-1' }, { eventId: 'evt-7', occurredAt: '2025-03-14T23:59:59.500Z' });

    // Act
    const fact = kpiFact(event);

    // Assess
    expect(fact).toEqual({ pk: 'KPI#2025-03-14', sk: 'FACT#inc-1#evt-7', incidentId: 'inc-1', fact: 'answered', eventId: 'evt-7', at: '2025-03-14T23:59:59.500Z', offerId: 'off-1' });
  });

  it('adds none for events that mark no milestone, or name no incident', () => {
    expect(kpiFact(delivered('TrackingUpdated', 'roadcall.tracking', { incidentId: 'inc-1' }))).toBeUndefined();
    expect(kpiFact(delivered('PaymentCompleted', 'roadcall.payment', { paymentId: 'p-1' }))).toBeUndefined();
    expect(kpiFact(delivered('PaymentFailed', 'roadcall.payment', { paymentId: 'p-1', incidentId: 'inc-1' }))).toMatchObject({ fact: 'paymentFailed', paymentId: 'p-1' });
  });
});

describe('percentiles', () => {
  it('takes the nearest rank', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    expect(percentile(sorted, 50)).toBe(100);
    expect(percentile(sorted, 95)).toBe(190);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    expect(distribution([30, 10, 20])).toEqual({ count: 3, p50: 20, p95: 30 });
  });
});

describe('kpisOfDay', () => {
  it('measures one incident\'s whole day from its report', () => {
    // Act
    const kpis = kpisOfDay(DAY, wholeDay('a'));

    // Assess
    expect(kpis).toEqual({
      day: DAY,
      incidents: 1,
      completed: 1,
      escalated: 0,
      cancelled: 0,
      completionRate: 1,
      escalationRate: 0,
      payments: { completed: 1, failed: 0 },
      paymentSuccessRate: 1,
      timeToFirstOfferMs: { count: 1, p50: 2_000, p95: 2_000 },
      timeToAssignmentMs: { count: 1, p50: 40_000, p95: 40_000 },
      vendorResponseMs: { count: 1, p50: 30_000, p95: 30_000 },
      timeToArrivalMs: { count: 1, p50: 1_200_000, p95: 1_200_000 },
    });
  });

  it('gives rates over the day\'s incidents: an escalated one, a failed payment, a payment paid after a failure', () => {
    // Prepare
    const escalated = [f('b', 'reported', at('10:00:00')), f('b', 'offered', at('10:00:05'), { offerId: 'b-o1' }), f('b', 'answered', at('10:01:05'), { offerId: 'b-o1' }), f('b', 'escalated', at('10:01:06'))];
    const unpaid = [...wholeDay('c', '11:00').filter((x) => x.fact !== 'paid'), f('c', 'paymentFailed', at('11:45:05'), { paymentId: 'c-p' })];
    const paidLater = [...wholeDay('d', '12:00'), f('d', 'paymentFailed', at('12:45:01'), { paymentId: 'd-p' })];

    // Act
    const kpis = kpisOfDay(DAY, [...wholeDay('a'), ...escalated, ...unpaid, ...paidLater]);

    // Assess
    expect(kpis).toMatchObject({ incidents: 4, completed: 3, escalated: 1, completionRate: 0.75, escalationRate: 0.25, payments: { completed: 2, failed: 1 }, paymentSuccessRate: 0.6667 });
    expect(kpis.vendorResponseMs).toEqual({ count: 4, p50: 30_000, p95: 60_000 });
    expect(kpis.timeToArrivalMs.count).toBe(3);
  });

  it('counts an incident on the day it was reported, with milestones after midnight, and ignores the next day\'s incidents', () => {
    // Prepare
    const lateNight = [f('n', 'reported', at('23:59:00')), f('n', 'offered', at('23:59:30'), { offerId: 'n-o' }), f('n', 'assigned', at('00:00:30', '2025-03-15'))];
    const tomorrow = [f('t', 'reported', at('08:00:00', '2025-03-15'))];
    // Milestones of an incident reported the day before: its report is not among the facts.
    const yesterday = [f('y', 'arrived', at('00:10:00'))];

    // Act
    const kpis = kpisOfDay(DAY, [...lateNight, ...tomorrow, ...yesterday]);

    // Assess
    expect(kpis.incidents).toBe(1);
    expect(kpis.timeToAssignmentMs).toEqual({ count: 1, p50: 90_000, p95: 90_000 });
    expect(kpis.timeToArrivalMs.count).toBe(0);
  });

  it('has no rates on a day without incidents, and takes each milestone at its first occurrence', () => {
    expect(kpisOfDay(DAY, [])).toMatchObject({ incidents: 0, completionRate: null, escalationRate: null, paymentSuccessRate: null, timeToFirstOfferMs: { count: 0, p50: null, p95: null } });
    const twice = [...wholeDay('a'), f('a', 'assigned', at('09:05:00'))];
    expect(kpisOfDay(DAY, twice).timeToAssignmentMs.p50).toBe(40_000);
  });

  it('lists the days of a range', () => {
    expect(daysBetween('2025-02-27', '2025-03-02')).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
    expect(daysBetween('2025-03-02', '2025-03-01')).toEqual([]);
  });
});

describe('KPI facts and GET /reports/kpis (in-memory read model)', () => {
  const now = () => new Date('2025-03-14T18:00:00Z');

  async function kpis(readModel: InMemoryReadModel, query: Record<string, string>, scope?: string): Promise<{ statusCode: number; body: Record<string, unknown> }> {
    const base = httpRequest('GET', '/reports/kpis');
    const event = { ...base, queryStringParameters: query, requestContext: { ...base.requestContext, authorizer: { jwt: { claims: { sub: 'ops-ana', ...(scope ? { scope } : {}) }, scopes: null } } } } as unknown as APIGatewayProxyEventV2;
    const result = (await makeApi({ readModel, now })(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
    return { statusCode: result.statusCode ?? 200, body: JSON.parse(String(result.body ?? '{}')) as Record<string, unknown> };
  }

  async function record(readModel: InMemoryReadModel): Promise<void> {
    const handlers = makeHandlers({ readModel });
    const created = delivered('IncidentCreated', 'roadcall.incident', { incidentId: 'inc-1' } as never, { eventId: 'e1', occurredAt: at('09:00:00') });
    const offer = delivered('OfferCreated', 'roadcall.match', { incidentId: 'inc-1', offerId: 'o1' } as never, { eventId: 'e2', occurredAt: at('09:00:04') });
    const accepted = delivered('OfferAccepted', 'roadcall.match', { incidentId: 'inc-1', offerId: 'o1' } as never, { eventId: 'e3', occurredAt: at('09:00:10') });
    await handlers.IncidentCreated(created, consumerContext(created));
    await handlers.OfferCreated(offer, consumerContext(offer));
    await handlers.OfferCreated(offer, consumerContext(offer)); // redelivered
    await handlers.OfferAccepted(accepted, consumerContext(accepted));
  }

  it('writes each fact once beside the timeline row, and answers the day\'s KPIs to the back office', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    await record(readModel);

    // Act
    const { statusCode, body } = await kpis(readModel, { from: DAY, to: DAY }, 'openid backoffice');

    // Assess
    expect(readModel.items().filter((r) => String(r['pk']).startsWith('KPI#')).map((r) => r['fact'])).toEqual(['reported', 'offered', 'answered']);
    expect(statusCode).toBe(200);
    expect(body).toMatchObject({ from: DAY, to: DAY, days: [{ day: DAY, incidents: 1, timeToFirstOfferMs: { count: 1, p50: 4_000 }, vendorResponseMs: { count: 1, p50: 6_000 } }] });
  });

  it('defaults to today, and refuses a token without the back-office scope, a bad day and a long range', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    await record(readModel);

    // Act
    const today = await kpis(readModel, {}, 'backoffice');
    const noScope = await kpis(readModel, { from: DAY });
    const badDay = await kpis(readModel, { from: '2025-02-30' }, 'backoffice');
    const reversed = await kpis(readModel, { from: '2025-03-15', to: DAY }, 'backoffice');
    const tooLong = await kpis(readModel, { from: '2025-01-01', to: '2025-03-14' }, 'backoffice');

    // Assess
    expect(today.body).toMatchObject({ from: DAY, to: DAY, days: [{ incidents: 1 }] });
    expect(noScope.statusCode).toBe(403);
    expect(badDay).toMatchObject({ statusCode: 400, body: { error: { code: 'INVALID_DAY' } } });
    expect(reversed).toMatchObject({ statusCode: 400, body: { error: { code: 'INVALID_RANGE' } } });
    expect(tooLong).toMatchObject({ statusCode: 400, body: { error: { code: 'INVALID_RANGE' } } });
  });
});
