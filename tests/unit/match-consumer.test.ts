import type { IncidentCreatedData } from '../../generated';
import { makeHandlers } from '../../functions/match/consumer';
import type { PlannedOffer } from '../../functions/match/offers';
import type { OfferStore } from '../../functions/match/store';
import { consumerContext, delivered } from '../helpers/handlers';

// The match consumer with an in-memory offer store: a new incident gets offers (rows and
// OfferCreated events stored together), a duplicate delivery changes nothing, and events
// still to implement fail (so they reach the DLQ rather than being acknowledged).

/** Offers by offer id; `create` is all-or-nothing like the transaction it stands for. */
function inMemoryOfferStore(): OfferStore & { stored: Map<string, PlannedOffer> } {
  const stored = new Map<string, PlannedOffer>();
  return {
    stored,
    async create(offers) {
      if (offers.some((o) => stored.has(String(o.row['offerId'])))) return false;
      for (const o of offers) stored.set(String(o.row['offerId']), o);
      return true;
    },
  };
}

const INCIDENT_ID = '7d8f5a77-850f-4407-bd20-048a57f1a06f';
const CAUSE_ID = '13572aea-8447-4b78-98ac-264355789699';
const incident = (problemType: IncidentCreatedData['problemType'], coordinates = { lat: 37.7749, lon: -122.4194 }): IncidentCreatedData => ({
  incidentId: INCIDENT_ID,
  driverId: '2f0c7c35-0f42-4a64-8b1e-6c9d1f7f3b21',
  driverContact: { name: 'Dana Driver', phone: '+1 555 0100' },
  vehicle: { make: 'Toyota', model: 'Corolla', year: 2019, plate: '7ABC123' },
  location: { coordinates },
  problemType,
  status: 'new',
  createdAt: '2025-03-14T09:12:04Z',
});
const now = () => new Date('2025-03-14T09:12:05.000Z');

describe('match handlers (in-memory offer store)', () => {
  it('stores an offer row and its OfferCreated event per selected vendor, caused by the incident', async () => {
    // Prepare
    const offers = inMemoryOfferStore();
    const handlers = makeHandlers({ offers, now });
    const event = delivered('IncidentCreated', 'roadcall.incident', incident('flat_tire'), { eventId: CAUSE_ID, correlationId: 'corr-7' });

    // Act
    await handlers.IncidentCreated(event, consumerContext(event));

    // Assess
    const stored = [...offers.stored.values()];
    expect(stored).toHaveLength(3);
    expect(stored.map((o) => o.row['rank'])).toEqual([1, 2, 3]);
    for (const { row, event: offerCreated } of stored) {
      expect(row).toMatchObject({ pk: `OFFER#${String(row['offerId'])}`, sk: 'STATE', gsi1pk: `INCIDENT#${INCIDENT_ID}`, gsi1sk: `OFFER#${String(row['rank'])}`, status: 'open', expiresAt: '2025-03-14T09:14:05.000Z' });
      expect(offerCreated.detailType).toBe('OfferCreated');
      expect(offerCreated.detail.metadata).toMatchObject({ correlationId: 'corr-7', causationId: CAUSE_ID, aggregateId: row['offerId'], sequence: 1 });
    }
  });

  it('makes the same offers for a duplicate delivery, so the store finds them there and nothing changes', async () => {
    // Prepare
    const offers = inMemoryOfferStore();
    const handlers = makeHandlers({ offers, now });
    const event = delivered('IncidentCreated', 'roadcall.incident', incident('flat_tire'), { eventId: CAUSE_ID });
    await handlers.IncidentCreated(event, consumerContext(event));
    const first = [...offers.stored.keys()];

    // Act
    await handlers.IncidentCreated(event, consumerContext(event));

    // Assess
    expect([...offers.stored.keys()]).toEqual(first);
    expect(await offers.create([...offers.stored.values()])).toBe(false);
  });

  it('stores nothing when no vendor can take the incident', async () => {
    // Prepare
    const offers = inMemoryOfferStore();
    const handlers = makeHandlers({ offers, now });
    const event = delivered('IncidentCreated', 'roadcall.incident', incident('flat_tire', { lat: 0, lon: 0 }));

    // Act
    await handlers.IncidentCreated(event, consumerContext(event));

    // Assess
    expect(offers.stored.size).toBe(0);
  });

  it('fails an event it does not handle yet, naming it, so the record is retried and reaches the DLQ', async () => {
    // Prepare
    const handlers = makeHandlers({ offers: inMemoryOfferStore(), now });
    const event = delivered('IncidentCancelled', 'roadcall.incident', { incidentId: 'inc-1' } as never);

    // Act
    const outcome = handlers.IncidentCancelled(event, consumerContext(event));

    // Assess
    await expect(outcome).rejects.toThrow(`IncidentCancelled handler not implemented (event ${event.id})`);
  });
});
