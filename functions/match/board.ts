// The offers of one incident as one record, the "board": which offer is open, accepted
// (its assignment saga runs), assigned, declined, expired or withdrawn. Every decision that
// needs to know the other offers (how many are still active, is one already assigned) is
// made on the board and stored with a version check, so two offers that expire at the same
// instant cannot both believe another one is still open. Plain functions, no AWS.
import type { Money, OfferAcceptedData, OfferDeclinedData, OfferExpiredData } from '../../generated';
import { nameUuid } from '../../lib/ids';

/** Namespace of match's derived ids (a fixed random UUID). */
export const MATCH_NAMESPACE = '5a0c7f0e-4f3b-4d52-9a7e-3b1f1f6f2c11';

export type OfferStatus = 'open' | 'accepted' | 'assigned' | 'declined' | 'expired' | 'withdrawn';

export interface BoardOffer {
  offerId: string;
  vendorId: string;
  vendorName?: string;
  rank: number;
  price: Money;
  etaMinutes: number;
  expiresAt: string;
  status: OfferStatus;
  /** Events of the offer so far (OfferCreated is 1): the next one's sequence. */
  sequence: number;
}

export interface OfferBoard {
  incidentId: string;
  driverId: string;
  /** Set once: no offer can be accepted any more. */
  closed?: 'assigned' | 'cancelled';
  offers: Record<string, BoardOffer>;
  /** Optimistic-concurrency version of the stored board. */
  version: number;
}

/** An event a board decision emits, with the id and sequence that make it deterministic. */
export type BoardEvent =
  | { type: 'OfferAccepted'; eventId: string; offerId: string; sequence: number; data: OfferAcceptedData }
  | { type: 'OfferDeclined'; eventId: string; offerId: string; sequence: number; data: OfferDeclinedData }
  | { type: 'OfferExpired'; eventId: string; offerId: string; sequence: number; data: OfferExpiredData };

export interface BoardChange {
  board: OfferBoard;
  events: BoardEvent[];
  /** Offers whose expiry timer is no longer needed. */
  answered: string[];
}

/** Why a vendor's command on an offer is refused; the HTTP layer maps the code to a status. */
export class OfferRuleError extends Error {
  constructor(
    readonly code: 'OFFER_NOT_FOUND' | 'NOT_YOUR_OFFER' | 'OFFER_NOT_OPEN' | 'INCIDENT_CLOSED',
    message: string,
  ) {
    super(message);
    this.name = 'OfferRuleError';
  }
}

/** The saga that assigns the vendor of an accepted offer: one per offer, so a duplicate OfferAccepted starts nothing. */
export const assignmentSagaId = (offerId: string): string => nameUuid(MATCH_NAMESPACE, 'assignment', offerId);

const ACTIVE: ReadonlySet<OfferStatus> = new Set(['open', 'accepted']);
const activeCount = (board: OfferBoard): number => Object.values(board.offers).filter((o) => ACTIVE.has(o.status)).length;

function change(board: OfferBoard): OfferBoard {
  return { ...board, offers: Object.fromEntries(Object.entries(board.offers).map(([id, o]) => [id, { ...o }])), version: board.version + 1 };
}

function offerOf(board: OfferBoard, offerId: string): BoardOffer {
  const offer = board.offers[offerId];
  if (!offer) throw new OfferRuleError('OFFER_NOT_FOUND', `offer ${offerId} is not an offer of incident ${board.incidentId}`);
  return offer;
}

/** Moves `offer` (a copy on the new board) to `status` and emits its OfferExpired. */
function expire(board: OfferBoard, offer: BoardOffer, status: 'expired' | 'withdrawn', now: string): BoardEvent {
  offer.status = status;
  offer.sequence += 1;
  const accepted = Object.values(board.offers).some((o) => o.offerId !== offer.offerId && (o.status === 'accepted' || o.status === 'assigned'));
  return {
    type: 'OfferExpired',
    eventId: nameUuid(MATCH_NAMESPACE, 'OfferExpired', offer.offerId),
    offerId: offer.offerId,
    sequence: offer.sequence,
    data: { offerId: offer.offerId, incidentId: board.incidentId, vendorId: offer.vendorId, expiresAt: offer.expiresAt, expiredAt: now, remainingActiveOffers: activeCount(board), ...(accepted ? { incidentAlreadyAccepted: true } : {}) },
  };
}

/** A vendor accepts its open offer: OfferAccepted, which starts the offer's assignment saga. */
export function acceptOffer(current: OfferBoard, offerId: string, vendorId: string, now: string): BoardChange {
  const seen = offerOf(current, offerId);
  if (seen.vendorId !== vendorId) throw new OfferRuleError('NOT_YOUR_OFFER', `offer ${offerId} was made to another vendor`);
  if (current.closed) throw new OfferRuleError('INCIDENT_CLOSED', `incident ${current.incidentId} is ${current.closed}; offer ${offerId} can no longer be accepted`);
  if (seen.status !== 'open') throw new OfferRuleError('OFFER_NOT_OPEN', `offer ${offerId} is ${seen.status}, not open`);
  const board = change(current);
  const offer = offerOf(board, offerId);
  offer.status = 'accepted';
  offer.sequence += 1;
  const data: OfferAcceptedData = { offerId, incidentId: board.incidentId, vendorId, driverId: board.driverId, ...(offer.vendorName ? { vendorName: offer.vendorName } : {}), price: offer.price, etaMinutes: offer.etaMinutes, acceptedAt: now };
  return { board, events: [{ type: 'OfferAccepted', eventId: nameUuid(MATCH_NAMESPACE, 'OfferAccepted', offerId), offerId, sequence: offer.sequence, data }], answered: [offerId] };
}

/** A vendor declines its open offer: OfferDeclined, with the offers still active (0: the incident escalates). */
export function declineOffer(current: OfferBoard, offerId: string, vendorId: string, reason: OfferDeclinedData['reason'], comment: string | undefined, now: string): BoardChange {
  const seen = offerOf(current, offerId);
  if (seen.vendorId !== vendorId) throw new OfferRuleError('NOT_YOUR_OFFER', `offer ${offerId} was made to another vendor`);
  if (seen.status !== 'open') throw new OfferRuleError('OFFER_NOT_OPEN', `offer ${offerId} is ${seen.status}, not open`);
  const board = change(current);
  const offer = offerOf(board, offerId);
  offer.status = 'declined';
  offer.sequence += 1;
  const data: OfferDeclinedData = { offerId, incidentId: board.incidentId, vendorId, reason, ...(comment ? { comment } : {}), remainingActiveOffers: activeCount(board), declinedAt: now };
  return { board, events: [{ type: 'OfferDeclined', eventId: nameUuid(MATCH_NAMESPACE, 'OfferDeclined', offerId), offerId, sequence: offer.sequence, data }], answered: [offerId] };
}

/** An offer's timer fired: it expires if it is still open; otherwise the tick changes nothing (undefined). */
export function offerTimedOut(current: OfferBoard, offerId: string, now: string): BoardChange | undefined {
  if (current.offers[offerId]?.status !== 'open') return undefined;
  const board = change(current);
  return { board, events: [expire(board, offerOf(board, offerId), 'expired', now)], answered: [offerId] };
}

/**
 * The assignment saga of an accepted offer ended. COMPLETED: the offer is assigned and
 * the incident's other open offers expire. COMPENSATED or FAILED: the offer is withdrawn
 * (OfferExpired tells the vendor, and the incident escalates if it was the last one).
 * Undefined when the board already knows (a redelivered reply).
 */
export function sagaEnded(current: OfferBoard, offerId: string, outcome: 'COMPLETED' | 'COMPENSATED' | 'FAILED', now: string): BoardChange | undefined {
  if (current.offers[offerId]?.status !== 'accepted') return undefined;
  const board = change(current);
  const offer = offerOf(board, offerId);
  if (outcome !== 'COMPLETED') return { board, events: [expire(board, offer, 'withdrawn', now)], answered: [] };
  offer.status = 'assigned';
  board.closed = 'assigned';
  const others = Object.values(board.offers).filter((o) => o.status === 'open');
  return { board, events: others.map((o) => expire(board, o, 'expired', now)), answered: others.map((o) => o.offerId) };
}

/**
 * The incident was cancelled: no offer can be accepted any more, and the open ones expire.
 * Accepted offers keep their status until their sagas (aborted by the caller) end.
 */
export function incidentCancelled(current: OfferBoard, now: string): BoardChange | undefined {
  if (current.closed) return undefined;
  const board = change(current);
  board.closed = 'cancelled';
  const open = Object.values(board.offers).filter((o) => o.status === 'open');
  return { board, events: open.map((o) => expire(board, o, 'expired', now)), answered: open.map((o) => o.offerId) };
}

/** The offers whose assignment saga runs (to abort when the incident is cancelled). */
export const acceptedOffers = (board: OfferBoard): BoardOffer[] => Object.values(board.offers).filter((o) => o.status === 'accepted');
