// Offers for a new incident: the selected vendors become OfferCreated events, stored with
// the offer rows and their outbox rows in one transaction. Ids are derived from the
// incident and vendor, so a duplicate IncidentCreated finds its offers already there.
import { type EventContext, type IncidentCreatedData } from '../../generated';
import * as matchEvents from '../../generated/publishers/match';
import { nameUuid } from '../../lib/ids';
import { offerByIncidentKey, offerKey } from './keys';
import { vendors } from './registry';
import { selectVendors } from './selection';

/** Namespace of match's derived ids (a fixed random UUID). */
export const MATCH_NAMESPACE = '5a0c7f0e-4f3b-4d52-9a7e-3b1f1f6f2c11';
/** How long a vendor has to accept an offer. */
export const OFFER_TTL_SECONDS = 120;

export interface PlannedOffer {
  row: Record<string, unknown>;
  event: ReturnType<(typeof matchEvents)['OfferCreated']>;
}

export function planOffers(incident: IncidentCreatedData, context: EventContext, now: Date): PlannedOffer[] {
  const picks = selectVendors(vendors, { location: incident.location.coordinates, problemType: incident.problemType });
  const createdAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + OFFER_TTL_SECONDS * 1000).toISOString();
  return picks.map((c) => {
    const offerId = nameUuid(MATCH_NAMESPACE, 'offer', incident.incidentId, c.vendor.vendorId);
    const data = {
      offerId,
      incidentId: incident.incidentId,
      vendorId: c.vendor.vendorId,
      problemType: incident.problemType,
      location: incident.location.coordinates,
      distanceKm: c.distanceKm,
      price: { amountCents: c.priceCents, currency: 'USD' },
      etaMinutes: c.etaMinutes,
      rank: c.rank,
      expiresAt,
      createdAt,
    };
    const event = matchEvents.OfferCreated(data, { ...context, eventId: nameUuid(MATCH_NAMESPACE, 'OfferCreated', offerId), aggregateId: offerId, sequence: 1, occurredAt: now });
    const row = { ...offerKey(offerId), ...offerByIncidentKey(incident.incidentId, c.rank), ...data, vendorName: c.vendor.name, status: 'open', version: 1 };
    return { row, event };
  });
}
