import type { IncidentCreatedData } from '../../generated';
import { acceptOffer, assignmentSagaId, type OfferBoard } from '../../functions/match/board';
import { makeHandlers } from '../../functions/match/consumer';
import type { PlannedOffer } from '../../functions/match/offers';
import { createMatchingRunner } from '../../functions/match/matching';
import { createAssignmentRunner } from '../../functions/match/saga';
import { boardEvents, type OfferStore } from '../../functions/match/store';
import type { OutgoingEvent } from '../../lib/envelope';
import { createInMemoryGatherStore, type GatherStore } from '../../lib/gather';
import { createInMemorySagaStore } from '../../lib/saga';
import { fakeTimers } from '../helpers/fake-timers';
import { consumerContext, delivered } from '../helpers/handlers';

// The match consumer with in-memory stores: a new incident starts a matching round; when
// vendor, pricing and tracking answered (or at the deadline) it gets offers (rows, board and
// OfferCreated events stored together) and one expiry timer per offer; the board decides
// expiry; an accepted offer runs the assignment saga to its end, and the board learns it.

type Published = { detailType: string; data: Record<string, unknown>; metadata: Record<string, unknown> };

/** Offers, boards and the events they stored, all-or-nothing per write like the transactions they stand for. */
function inMemoryOfferStore(): OfferStore & { stored: Map<string, PlannedOffer>; boards: Map<string, OfferBoard>; outbox: Published[] } {
  const stored = new Map<string, PlannedOffer>();
  const boards = new Map<string, OfferBoard>();
  const outbox: Published[] = [];
  const publish = (events: readonly OutgoingEvent[]): void => {
    for (const e of events) outbox.push({ detailType: e.detailType, ...(e.detail as { data: Record<string, unknown>; metadata: Record<string, unknown> }) });
  };
  const boardOf = (ref: { incidentId: string } | { offerId: string }): OfferBoard | undefined => {
    const incidentId = 'incidentId' in ref ? ref.incidentId : (stored.get(ref.offerId)?.row['incidentId'] as string | undefined);
    return incidentId ? structuredClone(boards.get(incidentId)) : undefined;
  };
  return {
    stored,
    boards,
    outbox,
    board: async (ref) => boardOf(ref),
    async update(ref, context, decide) {
      const current = boardOf(ref);
      const change = current && decide(current);
      if (!change) return undefined;
      boards.set(change.board.incidentId, structuredClone(change.board));
      publish(boardEvents(change, context, new Date('2025-03-14T09:12:30.000Z')));
      return change;
    },
  };
}

/** The in-memory gather store, whose round ends store the offers and board the result writes carry, as the transaction would. */
function gatherStoreOver(offers: ReturnType<typeof inMemoryOfferStore>): GatherStore & { outbox: OutgoingEvent[] } {
  const inner = createInMemoryGatherStore();
  return {
    ...inner,
    async finish(state, result) {
      if (!(await inner.finish(state, result))) return false;
      for (const write of result.writes) {
        const item = write.Put?.Item as Record<string, unknown> | undefined;
        if (!item) continue;
        if (item['sk'] === 'BOARD') offers.boards.set((item['board'] as OfferBoard).incidentId, structuredClone(item['board'] as OfferBoard));
        else offers.stored.set(String(item['offerId']), { row: item, event: result.events.find((e) => (e.detail as { data: { offerId?: string } }).data.offerId === item['offerId']) as PlannedOffer['event'] });
      }
      for (const e of result.events) offers.outbox.push({ detailType: e.detailType, ...(e.detail as { data: Record<string, unknown>; metadata: Record<string, unknown> }) });
      return true;
    },
  };
}

const INCIDENT_ID = '7d8f5a77-850f-4407-bd20-048a57f1a06f';
const DRIVER_ID = '2f0c7c35-0f42-4a64-8b1e-6c9d1f7f3b21';
const CAUSE_ID = '13572aea-8447-4b78-98ac-264355789699';
const incident = (problemType: IncidentCreatedData['problemType'], coordinates = { lat: 37.7749, lon: -122.4194 }): IncidentCreatedData => ({
  incidentId: INCIDENT_ID,
  driverId: DRIVER_ID,
  driverContact: { name: 'Dana Driver', phone: '+1 555 0100' },
  vehicle: { make: 'Toyota', model: 'Corolla', year: 2019, plate: '7ABC123' },
  location: { coordinates },
  problemType,
  status: 'new',
  createdAt: '2025-03-14T09:12:04Z',
});
const now = () => new Date('2025-03-14T09:12:05.000Z');

function setup() {
  const offers = inMemoryOfferStore();
  const timers = fakeTimers();
  const sagaStore = createInMemorySagaStore();
  const runner = createAssignmentRunner({ store: sagaStore, timers, now: () => now().getTime() });
  const gathers = gatherStoreOver(offers);
  const matching = createMatchingRunner({ store: gathers, timers, table: () => 'read-models', offerTtlSeconds: () => 120, now: () => now().getTime() });
  const handlers = makeHandlers({ offers, sagas: () => runner, matching: () => matching, timers, now });
  return { offers, timers, sagaStore, runner, gathers, handlers };
}

const VENDORS = ['0c7d1a52-1f0e-4a55-8f6e-2b1a3c4d5e01', '0c7d1a52-1f0e-4a55-8f6e-2b1a3c4d5e02', '0c7d1a52-1f0e-4a55-8f6e-2b1a3c4d5e03', '0c7d1a52-1f0e-4a55-8f6e-2b1a3c4d5e04'];
const usd = (amountCents: number) => ({ amountCents, currency: 'USD' });

/** Delivers one answer of the incident's matching round to its handler. */
async function answerRound(s: ReturnType<typeof setup>, detailType: string, source: string, data: Record<string, unknown>, eventId = `${detailType}-1`) {
  const event = delivered(detailType, source, { requestId: INCIDENT_ID, incidentId: INCIDENT_ID, ...data }, { eventId, correlationId: 'corr-7' });
  const handler = (s.handlers as unknown as Record<string, (e: unknown, c: unknown) => Promise<void>>)[detailType];
  if (!handler) throw new Error(`no handler for ${detailType}`);
  await handler(event, consumerContext(event));
}

const availability = { vendors: VENDORS.map((vendorId, i) => ({ vendorId, name: `Vendor ${i + 1}`, distanceKm: 2 + i * 3, rating: 4.5, capabilities: ['flat_tire'] })), respondedAt: '2025-03-14T09:12:05.100Z' };
const quote = { quoteId: '5d1c0b9a-8e7f-4a6b-9c5d-4e3f2a1b0c9d', baseFee: usd(6_000), serviceFee: usd(1_000), perKmRate: usd(200), validUntil: '2025-03-14T10:12:05Z' };
const etas = { estimates: VENDORS.map((vendorId, i) => ({ vendorId, etaMinutes: 8 + i * 6, distanceKm: 2.6 + i * 4, basis: 'depot' })), computedAt: '2025-03-14T09:12:05.200Z' };

/** A new incident whose matching round got every answer: three offers. */
async function withOffers() {
  const s = setup();
  const event = delivered('IncidentCreated', 'roadcall.incident', incident('flat_tire'), { eventId: CAUSE_ID, correlationId: 'corr-7' });
  await s.handlers.IncidentCreated(event, consumerContext(event));
  await answerRound(s, 'VendorAvailabilityResponse', 'roadcall.vendor', availability);
  await answerRound(s, 'PriceQuoteResponse', 'roadcall.pricing', quote);
  await answerRound(s, 'EtaResponse', 'roadcall.tracking', etas);
  const ids = [...s.offers.stored.keys()];
  return { ...s, ids };
}

/** Accepts an offer on the board (as the HTTP command does) and delivers its OfferAccepted to the consumer. */
async function accept(s: Awaited<ReturnType<typeof withOffers>>, offerId: string) {
  const change = await s.offers.update({ offerId }, { correlationId: 'corr-7' }, (b) => acceptOffer(b, offerId, b.offers[offerId]?.vendorId ?? '', now().toISOString()));
  const event = delivered('OfferAccepted', 'roadcall.match', change?.events[0]?.data as never, { eventId: change?.events[0]?.eventId ?? 'x', correlationId: 'corr-7' });
  await s.handlers.OfferAccepted(event as never, consumerContext(event));
  return assignmentSagaId(offerId);
}

/** Delivers a participant's reply for the saga. */
async function replyWith(s: ReturnType<typeof setup>, detailType: string, source: string, data: Record<string, unknown>, eventId: string) {
  const event = delivered(detailType, source, data, { eventId, correlationId: 'corr-7' });
  const handler = (s.handlers as unknown as Record<string, (e: unknown, c: unknown) => Promise<void>>)[detailType];
  if (!handler) throw new Error(`no handler for ${detailType}`);
  await handler(event, consumerContext(event));
}

const sent = (s: ReturnType<typeof setup>): string[] => s.sagaStore.outbox.map((e) => e.detailType);

describe('match handlers: offers', () => {
  it('starts a matching round: one request to vendor, pricing and tracking each, and the round deadline timer', async () => {
    // Prepare
    const s = setup();
    const event = delivered('IncidentCreated', 'roadcall.incident', incident('flat_tire'), { eventId: CAUSE_ID, correlationId: 'corr-7' });

    // Act
    await s.handlers.IncidentCreated(event, consumerContext(event));
    await s.handlers.IncidentCreated(event, consumerContext(event));

    // Assess
    expect(s.gathers.outbox.map((e) => e.detailType)).toEqual(['VendorAvailabilityRequested', 'PriceQuoteRequested', 'EtaRequested']);
    expect(s.gathers.outbox[0]?.detail).toMatchObject({ data: { requestId: INCIDENT_ID, incidentId: INCIDENT_ID, problemType: 'flat_tire', radiusKm: 40, respondBy: '2025-03-14T09:12:15.000Z' }, metadata: { correlationId: 'corr-7', causationId: CAUSE_ID } });
    expect(s.timers.pending.get(`matching-${INCIDENT_ID}-deadline`)).toMatchObject({ at: '2025-03-14T09:12:15.000Z', event: { detailType: 'MatchingDeadlineElapsed' } });
    expect(s.offers.stored.size).toBe(0);
  });

  it('stores an offer row and its OfferCreated event per ranked vendor once every responder answered, with the quote, the ETA and one expiry timer each', async () => {
    // Prepare + Act
    const s = await withOffers();

    // Assess
    const stored = [...s.offers.stored.values()];
    expect(stored).toHaveLength(3);
    expect(stored.map((o) => [o.row['rank'], o.row['vendorId']])).toEqual([[1, VENDORS[0]], [2, VENDORS[1]], [3, VENDORS[2]]]);
    for (const { row, event: offerCreated } of stored) {
      expect(row).toMatchObject({ pk: `OFFER#${String(row['offerId'])}`, sk: 'STATE', gsi1pk: `INCIDENT#${INCIDENT_ID}`, gsi1sk: `OFFER#${String(row['rank'])}`, status: 'open', expiresAt: '2025-03-14T09:14:05.000Z', priceBasis: 'quoted', etaBasis: 'tracking', requestId: INCIDENT_ID });
      expect(offerCreated.detailType).toBe('OfferCreated');
      expect(offerCreated.detail.metadata).toMatchObject({ correlationId: 'corr-7', aggregateId: row['offerId'], sequence: 1 });
      expect(s.timers.pending.get(`offer-${String(row['offerId'])}`)).toMatchObject({ at: '2025-03-14T09:14:05.000Z', event: { detailType: 'OfferTimeoutElapsed' } });
    }
    expect(stored[0]?.row).toMatchObject({ etaMinutes: 8, distanceKm: 2.6, price: usd(6_000 + 1_000 + Math.round(2.6 * 200)) });
    expect(s.offers.boards.get(INCIDENT_ID)).toMatchObject({ driverId: DRIVER_ID, version: 1 });
    expect(s.timers.cancelled).toContain(`matching-${INCIDENT_ID}-deadline`);
  });

  it('makes no second set of offers for a duplicated answer or a late deadline tick', async () => {
    // Prepare
    const s = await withOffers();

    // Act
    await answerRound(s, 'EtaResponse', 'roadcall.tracking', etas);
    await answerRound(s, 'MatchingDeadlineElapsed', 'roadcall.match', { gather: 'matching', deadline: '2025-03-14T09:12:15.000Z' });

    // Assess
    expect(s.offers.outbox.filter((e) => e.detailType === 'OfferCreated')).toHaveLength(3);
    expect(s.offers.stored.size).toBe(3);
  });

  it('offers with the fallbacks at the deadline when pricing and tracking stayed silent, marked as estimates', async () => {
    // Prepare
    const s = setup();
    const event = delivered('IncidentCreated', 'roadcall.incident', incident('flat_tire'), { eventId: CAUSE_ID, correlationId: 'corr-7' });
    await s.handlers.IncidentCreated(event, consumerContext(event));
    await answerRound(s, 'VendorAvailabilityResponse', 'roadcall.vendor', availability);

    // Act
    await answerRound(s, 'MatchingDeadlineElapsed', 'roadcall.match', { gather: 'matching', deadline: '2025-03-14T09:12:15.000Z' });

    // Assess
    const rows = [...s.offers.stored.values()].map((o) => o.row);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r['priceBasis'] === 'estimated' && r['etaBasis'] === 'straight_line')).toBe(true);
    expect((await s.gathers.load(INCIDENT_ID))?.status).toBe('PARTIAL');
  });

  it('publishes MatchingFailed, and stores no offer, when vendor answers that nobody is in range', async () => {
    // Prepare
    const s = setup();
    const event = delivered('IncidentCreated', 'roadcall.incident', incident('tow', { lat: 0, lon: 0 }), { eventId: CAUSE_ID, correlationId: 'corr-7' });
    await s.handlers.IncidentCreated(event, consumerContext(event));

    // Act
    await answerRound(s, 'VendorAvailabilityError', 'roadcall.vendor', { errorCode: 'NO_VENDOR_IN_RANGE', errorMessage: 'no tow vendor within 40 km', canRetry: false });
    await answerRound(s, 'PriceQuoteResponse', 'roadcall.pricing', quote);
    await answerRound(s, 'EtaResponse', 'roadcall.tracking', { estimates: [], computedAt: '2025-03-14T09:12:05.200Z' });

    // Assess
    expect(s.offers.stored.size).toBe(0);
    const failed = s.gathers.outbox.filter((e) => e.detailType === 'MatchingFailed');
    expect(failed.map((e) => (e.detail as { data: unknown }).data)).toEqual([expect.objectContaining({ incidentId: INCIDENT_ID, reason: 'no_vendor_in_range', details: 'vendor: NO_VENDOR_IN_RANGE no tow vendor within 40 km' })]);
    expect((await s.gathers.load(INCIDENT_ID))?.status).toBe('FAILED');
  });

  it('expires an open offer when its timer fires, counting the offers still active; a second tick changes nothing', async () => {
    // Prepare
    const s = await withOffers();
    const [first, second] = s.ids;
    const tick = (offerId: string) => delivered('OfferTimeoutElapsed', 'roadcall.match', { offerId, incidentId: INCIDENT_ID, expiresAt: now().toISOString(), firedAt: now().toISOString() }, { eventId: `tick-${offerId}` });

    // Act
    await s.handlers.OfferTimeoutElapsed(tick(first as string), consumerContext(tick(first as string)));
    await s.handlers.OfferTimeoutElapsed(tick(first as string), consumerContext(tick(first as string)));
    await s.handlers.OfferTimeoutElapsed(tick(second as string), consumerContext(tick(second as string)));

    // Assess
    const expired = s.offers.outbox.filter((e) => e.detailType === 'OfferExpired');
    expect(expired.map((e) => [e.data['offerId'], e.data['remainingActiveOffers']])).toEqual([
      [first, 2],
      [second, 1],
    ]);
    expect(expired[0]?.metadata).toMatchObject({ aggregateId: first, sequence: 2 });
  });
});

describe('match handlers: the assignment saga', () => {
  it('runs reserve, authorize, assign to COMPLETED; the offer is assigned and the other offers expire', async () => {
    // Prepare
    const s = await withOffers();
    const offerId = s.ids[0] as string;

    // Act
    const sagaId = await accept(s, offerId);
    await replyWith(s, 'VendorReserved', 'roadcall.vendor', { sagaId, reservationId: 'c2d9a9a4-5b8e-4c1d-9f3a-7e6b5d4c3b2a' }, 'r1');
    await replyWith(s, 'PaymentAuthorized', 'roadcall.payment', { sagaId, authorizationId: 'a1b2c3d4-5b8e-4c1d-9f3a-7e6b5d4c3b2a' }, 'r2');
    await replyWith(s, 'IncidentAssigned', 'roadcall.incident', { sagaId, incidentId: INCIDENT_ID }, 'r3');

    // Assess
    expect(sent(s)).toEqual(['ReserveVendor', 'AuthorizePayment', 'AssignIncident']);
    expect(s.sagaStore.outbox[2]?.detail).toMatchObject({ data: { reservationId: 'c2d9a9a4-5b8e-4c1d-9f3a-7e6b5d4c3b2a', authorizationId: 'a1b2c3d4-5b8e-4c1d-9f3a-7e6b5d4c3b2a', agreedPrice: { currency: 'USD' } } });
    expect((await s.runner.status(sagaId))?.status).toBe('COMPLETED');
    const board = s.offers.boards.get(INCIDENT_ID);
    expect(board?.closed).toBe('assigned');
    expect(Object.values(board?.offers ?? {}).map((o) => o.status).sort()).toEqual(['assigned', 'expired', 'expired']);
    expect(s.offers.outbox.filter((e) => e.detailType === 'OfferExpired').every((e) => e.data['incidentAlreadyAccepted'] === true)).toBe(true);
    // The other offers' timers are cancelled (the accepted offer's is the accept command's to cancel).
    expect([...s.timers.pending.keys()].filter((id) => id.startsWith('offer-'))).toEqual([`offer-${offerId}`]);
  });

  it('compensates a declined payment by releasing the vendor; the offer is withdrawn and the others stay open', async () => {
    // Prepare
    const s = await withOffers();
    const sagaId = await accept(s, s.ids[0] as string);
    await replyWith(s, 'VendorReserved', 'roadcall.vendor', { sagaId, reservationId: 'c2d9a9a4-5b8e-4c1d-9f3a-7e6b5d4c3b2a' }, 'r1');

    // Act
    await replyWith(s, 'PaymentAuthorizationFailed', 'roadcall.payment', { sagaId, reason: 'card_declined' }, 'r2');
    await replyWith(s, 'VendorReleased', 'roadcall.vendor', { sagaId }, 'r3');

    // Assess
    expect(sent(s)).toEqual(['ReserveVendor', 'AuthorizePayment', 'ReleaseVendor']);
    expect(s.sagaStore.outbox[2]?.detail).toMatchObject({ data: { reason: 'payment_authorization_failed', reservationId: 'c2d9a9a4-5b8e-4c1d-9f3a-7e6b5d4c3b2a' } });
    expect((await s.runner.status(sagaId))?.status).toBe('COMPENSATED');
    const withdrawn = s.offers.outbox.filter((e) => e.detailType === 'OfferExpired');
    expect(withdrawn.map((e) => [e.data['offerId'], e.data['remainingActiveOffers']])).toEqual([[s.ids[0], 2]]);
  });

  it('compensates in reverse order when the incident is cancelled mid-saga (void, then release), and no open offer is left', async () => {
    // Prepare
    const s = await withOffers();
    const sagaId = await accept(s, s.ids[0] as string);
    await replyWith(s, 'VendorReserved', 'roadcall.vendor', { sagaId, reservationId: 'c2d9a9a4-5b8e-4c1d-9f3a-7e6b5d4c3b2a' }, 'r1');
    await replyWith(s, 'PaymentAuthorized', 'roadcall.payment', { sagaId, authorizationId: 'a1b2c3d4-5b8e-4c1d-9f3a-7e6b5d4c3b2a' }, 'r2');
    const cancelled = delivered('IncidentCancelled', 'roadcall.incident', { incidentId: INCIDENT_ID } as never, { eventId: 'cancel-1' });

    // Act
    await s.handlers.IncidentCancelled(cancelled, consumerContext(cancelled));
    await replyWith(s, 'IncidentAssignmentRejected', 'roadcall.incident', { sagaId, reason: 'incident_cancelled' }, 'r3');
    await replyWith(s, 'PaymentAuthorizationVoided', 'roadcall.payment', { sagaId }, 'r4');
    await replyWith(s, 'VendorReleased', 'roadcall.vendor', { sagaId }, 'r5');

    // Assess
    expect(sent(s)).toEqual(['ReserveVendor', 'AuthorizePayment', 'AssignIncident', 'VoidPaymentAuthorization', 'ReleaseVendor']);
    expect(s.sagaStore.outbox[3]?.detail).toMatchObject({ data: { reason: 'incident_cancelled' } });
    expect((await s.runner.status(sagaId))?.status).toBe('COMPENSATED');
    const board = s.offers.boards.get(INCIDENT_ID);
    expect(board?.closed).toBe('cancelled');
    expect(Object.values(board?.offers ?? {}).map((o) => o.status).sort()).toEqual(['expired', 'expired', 'withdrawn']);
  });

  it('ignores a duplicate reply and a stale step timer: no step advances twice', async () => {
    // Prepare
    const s = await withOffers();
    const sagaId = await accept(s, s.ids[0] as string);
    await replyWith(s, 'VendorReserved', 'roadcall.vendor', { sagaId, reservationId: 'c2d9a9a4-5b8e-4c1d-9f3a-7e6b5d4c3b2a' }, 'r1');
    const stale = delivered('SagaStepTimedOut', 'roadcall.match', { sagaId, saga: 'assignment', step: 'reserveVendor', phase: 'forward', attempt: 1, dueAt: now().toISOString() } as never, { eventId: 't1' });

    // Act
    await replyWith(s, 'VendorReserved', 'roadcall.vendor', { sagaId, reservationId: 'c2d9a9a4-5b8e-4c1d-9f3a-7e6b5d4c3b2a' }, 'r1-again');
    await s.handlers.SagaStepTimedOut(stale, consumerContext(stale));

    // Assess
    expect(sent(s)).toEqual(['ReserveVendor', 'AuthorizePayment']);
    expect((await s.runner.status(sagaId))?.version).toBe(2);
  });

  it('ignores an IncidentAssigned that names no saga (an assignment made elsewhere)', async () => {
    // Prepare
    const s = await withOffers();
    const event = delivered('IncidentAssigned', 'roadcall.incident', { incidentId: INCIDENT_ID } as never, { eventId: 'a1' });

    // Act + Assess
    await expect(s.handlers.IncidentAssigned(event, consumerContext(event))).resolves.toBeUndefined();
    expect(s.sagaStore.states.size).toBe(0);
  });
});
