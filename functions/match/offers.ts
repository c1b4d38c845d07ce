// Offers for a new incident: the selected vendors become OfferCreated events, stored with
// the offer rows and their outbox rows in one transaction. Ids are derived from the
// incident and vendor, so a duplicate IncidentCreated finds its offers already there.
import { type EventContext } from '../../generated';
import * as matchEvents from '../../generated/publishers/match';
import { nameUuid } from '../../lib/ids';
import { MATCH_NAMESPACE, type OfferBoard } from './board';
import { OFFER_TTL_SECONDS } from './config';
import { offerByIncidentKey, offerKey } from './keys';
import type { GeoPoint, RankedOffer } from './selection';

/** What matching knows of the incident it finds vendors for (from IncidentCreated). */
export interface MatchingInput {
  incidentId: string;
  driverId: string;
  problemType: 'flat_tire' | 'battery' | 'lockout' | 'fuel' | 'tow' | 'accident' | 'other';
  location: GeoPoint;
}

export interface PlannedOffer {
  row: Record<string, unknown>;
  event: ReturnType<(typeof matchEvents)['OfferCreated']>;
}

/** The ranked vendors of a round as offers: rows and OfferCreated events, ids derived from incident and vendor. */
export function planOffers(incident: MatchingInput, ranked: readonly RankedOffer[], requestId: string, context: EventContext, now: Date, ttlSeconds: number = OFFER_TTL_SECONDS): PlannedOffer[] {
  const createdAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
  return ranked.map((c) => {
    const offerId = nameUuid(MATCH_NAMESPACE, 'offer', incident.incidentId, c.vendorId);
    const data = {
      offerId,
      incidentId: incident.incidentId,
      vendorId: c.vendorId,
      requestId,
      problemType: incident.problemType,
      location: incident.location,
      distanceKm: c.distanceKm,
      price: { amountCents: c.priceCents, currency: 'USD' },
      priceBasis: c.priceBasis,
      etaMinutes: c.etaMinutes,
      etaBasis: c.etaBasis,
      rank: c.rank,
      expiresAt,
      createdAt,
    };
    const event = matchEvents.OfferCreated(data, { ...context, eventId: nameUuid(MATCH_NAMESPACE, 'OfferCreated', offerId), aggregateId: offerId, sequence: 1, occurredAt: now });
    const row = { ...offerKey(offerId), ...offerByIncidentKey(incident.incidentId, c.rank), ...data, vendorName: c.name, status: 'open', version: 1 };
    return { row, event };
  });
}

/** The board of a new incident's offers: all open, each at its first event (OfferCreated). */
export function newBoard(incident: Pick<MatchingInput, 'incidentId' | 'driverId'>, planned: readonly PlannedOffer[]): OfferBoard {  const offers = planned.map(({ event: { detail: { data: d } }, row }) => ({
    offerId: d.offerId,
    vendorId: d.vendorId,
    ...(typeof row['vendorName'] === 'string' ? { vendorName: row['vendorName'] } : {}),
    rank: d.rank,
    price: d.price,
    etaMinutes: d.etaMinutes,
    expiresAt: d.expiresAt,
    status: 'open' as const,
    sequence: 1,
  }));
  return { incidentId: incident.incidentId, driverId: incident.driverId, offers: Object.fromEntries(offers.map((o) => [o.offerId, o])), version: 1 };
}
