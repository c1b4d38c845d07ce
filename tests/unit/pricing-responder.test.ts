import { validatePriceQuoteError, validatePriceQuoteRequested, validatePriceQuoteResponse, type PriceQuoteRequestedData, type ProblemType } from '../../generated';
import { makeHandlers } from '../../functions/pricing/consumer';
import { localHour, quoteAnswerId, quoteIdOf, rates, surchargesFor } from '../../functions/pricing/rates';
import { consumerContext, delivered } from '../helpers/handlers';
import { inMemoryReplies } from '../helpers/responder-stores';

// The pricing service as a scatter-gather responder: PriceQuoteRequested answered with the
// rate card of the problem type and its surcharges (night by the request's time, remote area
// by distance to the listed city centres), through the outbox, once per request event; and
// its test zones, where it fails or stays silent on purpose.

const REQUEST = 'cf1d7554-58b1-4d33-ac04-e8b0f1f5ad8f';
const INCIDENT = '3600e936-9901-49b3-ba7b-1d5fa897373f';
const EVT_1 = 'e2000000-0000-4000-8000-000000000001';
const EVT_2 = 'e2000000-0000-4000-8000-000000000002';
const SAN_FRANCISCO = { lat: 37.7793, lon: -122.4193 };
const HALF_MOON_BAY = { lat: 37.4636, lon: -122.4286 };
/** 11:00 in the Pacific rule (UTC-8). */
const DAYTIME = '2025-03-14T19:00:00.000Z';
/** 21:30 in the Pacific rule. */
const NIGHT = '2025-03-15T05:30:00.000Z';
const NOW = '2025-03-14T19:00:01.250Z';
const USD = (amountCents: number) => ({ amountCents, currency: 'USD' });

const requested = (over: Partial<PriceQuoteRequestedData> = {}, metadata: { eventId?: string; occurredAt?: string } = {}) =>
  delivered('PriceQuoteRequested', 'roadcall.match', { requestId: REQUEST, incidentId: INCIDENT, problemType: 'flat_tire', location: SAN_FRANCISCO, ...over } satisfies PriceQuoteRequestedData, { eventId: EVT_1, occurredAt: DAYTIME, correlationId: 'corr-gather', ...metadata });

function setup(now = () => NOW) {
  const replies = inMemoryReplies();
  return { replies, handlers: makeHandlers({ replies, now }) };
}

describe('PriceQuoteRequested', () => {
  it('answers the rate card of the problem type with no surcharge by day in a city, valid 15 minutes', async () => {
    // Prepare
    const { replies, handlers } = setup();
    const request = requested();

    // Act
    await handlers.PriceQuoteRequested(request, consumerContext(request));

    // Assess
    expect(replies.sent).toHaveLength(1);
    expect(replies.sent[0]).toMatchObject({
      detailType: 'PriceQuoteResponse',
      detail: {
        metadata: { eventId: quoteAnswerId(REQUEST, EVT_1), correlationId: 'corr-gather', causationId: EVT_1, producer: 'pricing', occurredAt: NOW },
        data: { requestId: REQUEST, incidentId: INCIDENT, quoteId: quoteIdOf(REQUEST, EVT_1), baseFee: USD(4500), serviceFee: USD(3000), perKmRate: USD(250), surcharges: [], validUntil: '2025-03-14T19:15:01.250Z' },
      },
    });
    expect(replies.sent[0]?.detail.metadata).not.toHaveProperty('aggregateId');
  });

  it('adds after_hours for a request made at night and remote_area far from every city centre', async () => {
    // Prepare
    const { replies, handlers } = setup();
    const request = requested({ problemType: 'tow', location: HALF_MOON_BAY }, { occurredAt: NIGHT });

    // Act
    await handlers.PriceQuoteRequested(request, consumerContext(request));

    // Assess
    expect(replies.sent[0]?.detail.data).toMatchObject({ baseFee: USD(9500), serviceFee: USD(2500), perKmRate: USD(450), surcharges: [{ code: 'after_hours', amount: USD(2500) }, { code: 'remote_area', amount: USD(3500) }] });
  });

  it('answers PriceQuoteError UNKNOWN_PROBLEM_TYPE, not retryable, for a type without a card', async () => {
    // Prepare
    const { replies, handlers } = setup();
    const request = requested({ problemType: 'other' });

    // Act
    await handlers.PriceQuoteRequested(request, consumerContext(request));

    // Assess
    expect(replies.sent).toHaveLength(1);
    expect(replies.sent[0]).toMatchObject({ detailType: 'PriceQuoteError', detail: { metadata: { eventId: quoteAnswerId(REQUEST, EVT_1), causationId: EVT_1 }, data: { requestId: REQUEST, incidentId: INCIDENT, errorCode: 'UNKNOWN_PROBLEM_TYPE', canRetry: false } } });
  });

  it.each([
    ['EUR', 'PriceQuoteError'],
    ['USD', 'PriceQuoteResponse'],
  ])('answers a request in %s with %s (the cards are in USD)', async (currency, detailType) => {
    // Prepare
    const { replies, handlers } = setup();
    const request = requested({ currency });

    // Act
    await handlers.PriceQuoteRequested(request, consumerContext(request));

    // Assess
    expect(replies.sent[0]?.detailType).toBe(detailType);
    if (detailType === 'PriceQuoteError') expect(replies.sent[0]?.detail.data).toMatchObject({ errorCode: 'CURRENCY_NOT_SUPPORTED', canRetry: false });
  });

  it('answers a redelivered request once, though it is handled later; a new request event gets its own quote', async () => {
    // Prepare
    let clock = NOW;
    const { replies, handlers } = setup(() => clock);
    const request = requested();
    await handlers.PriceQuoteRequested(request, consumerContext(request));
    clock = '2025-03-14T19:05:00.000Z';
    const resent = requested({}, { eventId: EVT_2 });

    // Act
    await handlers.PriceQuoteRequested(request, consumerContext(request));
    await handlers.PriceQuoteRequested(resent, consumerContext(resent));

    // Assess
    expect(replies.sent.map((e) => [e.detail.metadata['causationId'], e.detail.data['quoteId'], e.detail.data['validUntil']])).toEqual([
      [EVT_1, quoteIdOf(REQUEST, EVT_1), '2025-03-14T19:15:01.250Z'],
      [EVT_2, quoteIdOf(REQUEST, EVT_2), '2025-03-14T19:20:00.000Z'],
    ]);
  });
});

describe('surcharge rules', () => {
  it.each([
    ['2025-03-15T03:59:59.999Z', 19, false],
    ['2025-03-15T04:00:00.000Z', 20, true],
    ['2025-03-15T13:59:59.999Z', 5, true],
    ['2025-03-15T14:00:00.000Z', 6, false],
    ['2025-07-01T04:30:00.000+02:00', 18, false],
  ])('at %s the Pacific hour is %i (no daylight saving): after_hours %s', (at, hour, night) => {
    expect(localHour(at, -8)).toBe(hour);
    expect(surchargesFor(SAN_FRANCISCO, at).some((s) => s.code === 'after_hours')).toBe(night);
  });

  it.each([
    ['San Francisco', false, SAN_FRANCISCO],
    ['Marin', false, { lat: 37.97, lon: -122.53 }],
    ['Oakland', false, { lat: 37.8, lon: -122.27 }],
    ['Half Moon Bay', true, HALF_MOON_BAY],
    ['Lake Tahoe', true, { lat: 38.94, lon: -119.98 }],
  ])('in %s remote_area applies: %s', (_name, remote, location) => {
    expect(surchargesFor(location, DAYTIME).map((s) => s.code)).toEqual(remote ? ['remote_area'] : []);
  });
});

describe('test zones (rate-cards.json)', () => {
  const centre = (name: string) => {
    const zone = rates.testZones.find((z) => z.name === name);
    if (!zone) throw new Error(`no test zone ${name}`);
    return { lat: (zone.box.minLat + zone.box.maxLat) / 2, lon: (zone.box.minLon + zone.box.maxLon) / 2 };
  };

  it('answers PriceQuoteError PRICING_UNAVAILABLE, retryable, in the Berkeley error zone, whatever the problem type', async () => {
    // Prepare
    const { replies, handlers } = setup();
    const request = requested({ location: centre('Berkeley'), problemType: 'other' });

    // Act
    await handlers.PriceQuoteRequested(request, consumerContext(request));

    // Assess
    expect(replies.sent).toHaveLength(1);
    expect(replies.sent[0]).toMatchObject({ detailType: 'PriceQuoteError', detail: { metadata: { eventId: quoteAnswerId(REQUEST, EVT_1) }, data: { errorCode: 'PRICING_UNAVAILABLE', canRetry: true } } });
  });

  it('consumes the request and answers nothing in the Emeryville silent zone', async () => {
    // Prepare
    const { replies, handlers } = setup();
    const request = requested({ location: centre('Emeryville') });

    // Act
    await handlers.PriceQuoteRequested(request, consumerContext(request));

    // Assess
    expect(replies.sent).toEqual([]);
  });
});

describe('answers against the spec', () => {
  const problemTypes: ProblemType[] = ['flat_tire', 'battery', 'lockout', 'fuel', 'tow', 'accident', 'other'];

  it.each(problemTypes)('builds a spec-valid answer for %s (with both surcharges), a response for every type with a card', async (problemType) => {
    // Prepare
    const { replies, handlers } = setup();
    const request = requested({ problemType, location: HALF_MOON_BAY, currency: 'USD' }, { occurredAt: NIGHT });
    expect(validatePriceQuoteRequested(request.detail).ok).toBe(true);

    // Act
    await handlers.PriceQuoteRequested(request, consumerContext(request));

    // Assess
    const answer = replies.sent[0];
    if (problemType === 'other') {
      expect(validatePriceQuoteError(answer?.detail)).toMatchObject({ ok: true, value: { data: { errorCode: 'UNKNOWN_PROBLEM_TYPE' } } });
      return;
    }
    expect(validatePriceQuoteResponse(answer?.detail)).toMatchObject({ ok: true, value: { data: { baseFee: rates.cards[problemType]?.baseFee, surcharges: [{ code: 'after_hours' }, { code: 'remote_area' }] } } });
  });
});
