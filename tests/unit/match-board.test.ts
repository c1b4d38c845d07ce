import { acceptOffer, declineOffer, incidentCancelled, offerTimedOut, OfferRuleError, sagaEnded, type OfferBoard } from '../../functions/match/board';

// The offer board's decisions, pure: who may accept or decline, what is still active, and
// what a saga's end or a cancellation does to the other offers.

const NOW = '2025-03-14T09:12:30.000Z';
const V = ['0b6b7f2e-1f3c-4c8e-9a51-3d2f6e9a1c01', '0b6b7f2e-1f3c-4c8e-9a51-3d2f6e9a1c02', '0b6b7f2e-1f3c-4c8e-9a51-3d2f6e9a1c03'] as const;
const O = ['c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000003'] as const;

function board(): OfferBoard {
  const offers = O.map((offerId, i) => ({ offerId, vendorId: V[i] as string, rank: i + 1, price: { amountCents: 9000 + i, currency: 'USD' }, etaMinutes: 10 + i, expiresAt: NOW, status: 'open' as const, sequence: 1 }));
  return { incidentId: 'i-1', driverId: 'd-1', offers: Object.fromEntries(offers.map((o) => [o.offerId, o])), version: 1 };
}

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (error) {
    return error instanceof OfferRuleError ? error.code : 'other';
  }
  return undefined;
};

describe('offer board', () => {
  it('accepts an open offer of its own vendor: OfferAccepted at the next sequence, with the driver, and a new version', () => {
    // Act
    const change = acceptOffer(board(), O[0], V[0], NOW);

    // Assess
    expect(change.board.version).toBe(2);
    expect(change.board.offers[O[0]]?.status).toBe('accepted');
    expect(change.events).toEqual([expect.objectContaining({ type: 'OfferAccepted', offerId: O[0], sequence: 2, data: expect.objectContaining({ driverId: 'd-1', vendorId: V[0], acceptedAt: NOW }) })]);
  });

  it('refuses another vendor, a second answer, and any accept once the incident is closed, naming why', () => {
    // Prepare
    const accepted = acceptOffer(board(), O[0], V[0], NOW).board;
    const assigned = sagaEnded(accepted, O[0], 'COMPLETED', NOW)?.board as OfferBoard;

    // Act + Assess
    expect(codeOf(() => acceptOffer(board(), O[0], V[1], NOW))).toBe('NOT_YOUR_OFFER');
    expect(codeOf(() => acceptOffer(accepted, O[0], V[0], NOW))).toBe('OFFER_NOT_OPEN');
    expect(codeOf(() => declineOffer(accepted, O[0], V[0], 'busy', undefined, NOW))).toBe('OFFER_NOT_OPEN');
    expect(codeOf(() => acceptOffer(assigned, O[1], V[1], NOW))).toBe('INCIDENT_CLOSED');
    expect(codeOf(() => acceptOffer(board(), 'nope', V[0], NOW))).toBe('OFFER_NOT_FOUND');
  });

  it('lets two offers of one incident be accepted at once (each saga decides; the incident assigns one)', () => {
    // Act
    const both = acceptOffer(acceptOffer(board(), O[0], V[0], NOW).board, O[1], V[1], NOW).board;

    // Assess
    expect([both.offers[O[0]]?.status, both.offers[O[1]]?.status]).toEqual(['accepted', 'accepted']);
  });

  it('counts the offers still active when one is declined or expires; an accepted offer counts as active', () => {
    // Prepare
    const accepted = acceptOffer(board(), O[0], V[0], NOW).board;

    // Act
    const declined = declineOffer(accepted, O[1], V[1], 'too_far', 'across the bridge', NOW);
    const expired = offerTimedOut(declined.board, O[2], NOW);

    // Assess
    expect(declined.events[0]?.data).toMatchObject({ remainingActiveOffers: 2, reason: 'too_far', comment: 'across the bridge' });
    expect(expired?.events[0]?.data).toMatchObject({ offerId: O[2], remainingActiveOffers: 1, incidentAlreadyAccepted: true });
    expect(offerTimedOut(expired?.board as OfferBoard, O[2], NOW)).toBeUndefined();
    expect(offerTimedOut(accepted, O[0], NOW)).toBeUndefined();
  });

  it('withdraws an offer whose saga compensated (OfferExpired with 0 left when it was the last), once', () => {
    // Prepare
    let b = acceptOffer(board(), O[0], V[0], NOW).board;
    b = (offerTimedOut(b, O[1], NOW) as { board: OfferBoard }).board;
    b = (offerTimedOut(b, O[2], NOW) as { board: OfferBoard }).board;

    // Act
    const ended = sagaEnded(b, O[0], 'COMPENSATED', NOW);

    // Assess
    expect(ended?.board.offers[O[0]]?.status).toBe('withdrawn');
    expect(ended?.events[0]?.data).toMatchObject({ offerId: O[0], remainingActiveOffers: 0 });
    expect(ended?.events[0]?.data).not.toHaveProperty('incidentAlreadyAccepted');
    expect(sagaEnded(ended?.board as OfferBoard, O[0], 'COMPENSATED', NOW)).toBeUndefined();
  });

  it('on cancellation closes the board and expires the open offers, leaving accepted ones to their sagas; twice changes nothing', () => {
    // Prepare
    const accepted = acceptOffer(board(), O[0], V[0], NOW).board;

    // Act
    const cancelled = incidentCancelled(accepted, NOW);

    // Assess
    expect(cancelled?.board.closed).toBe('cancelled');
    expect(cancelled?.events.map((e) => e.offerId)).toEqual([O[1], O[2]]);
    expect(cancelled?.board.offers[O[0]]?.status).toBe('accepted');
    expect(incidentCancelled(cancelled?.board as OfferBoard, NOW)).toBeUndefined();
  });
});
