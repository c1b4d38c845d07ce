import { makeHandlers } from '../../functions/incident/consumer';
import { assignIncident, createIncident, fold, type Incident, type IncidentEvent } from '../../functions/incident/domain';
import type { Incidents } from '../../functions/incident/store';
import type { AssignIncidentData, OfferCreatedData, TrackingStartedData, VendorArrivedData, VendorAvailabilityResponseData } from '../../generated';
import { consumerContext, delivered } from '../helpers/handlers';

// The incident consumer's status moves on the other services' events, delivered in order,
// out of order and twice, against an in-memory aggregate (the decisions are domain.ts's).

const NOW = '2025-03-14T09:12:30.000Z';
const ID = '3600e936-9901-49b3-ba7b-1d5fa897373f';
const DRIVER = '653018e1-43dd-4f3a-9315-65653b87475b';
const VENDOR = '57a202e4-0fc3-4554-9092-44656b4f1879';

/** The aggregate in a Map: decide folds the stored events, appends what the decision returns. */
function inMemoryIncidents(): Incidents & { events: (id: string) => IncidentEvent[] } {
  const stored = new Map<string, IncidentEvent[]>();
  return {
    events: (id) => stored.get(id) ?? [],
    async load(id) {
      const events = stored.get(id) ?? [];
      return { state: fold(events), version: events.length, events: [] } as unknown as Awaited<ReturnType<Incidents['load']>>;
    },
    async decide(id, _context, decision) {
      const events = stored.get(id) ?? [];
      const decided = decision(fold(events) as Incident | undefined);
      stored.set(id, [...events, ...decided]);
      return decided;
    },
  };
}

const answer = { requestId: ID, incidentId: ID, vendors: [], respondedAt: NOW } as unknown as VendorAvailabilityResponseData;
const offer = { offerId: 'c0000000-0000-4000-8000-000000000001', incidentId: ID, vendorId: VENDOR, createdAt: NOW } as unknown as OfferCreatedData;
const session: TrackingStartedData = { trackingSessionId: 'b0000000-0000-4000-8000-000000000001', incidentId: ID, driverId: DRIVER, vendorId: VENDOR, destination: { lat: 37.7793, lon: -122.4193 }, startedAt: NOW };
const arrival: VendorArrivedData = { trackingSessionId: session.trackingSessionId, incidentId: ID, driverId: DRIVER, vendorId: VENDOR, location: { lat: 37.7793, lon: -122.4193 }, arrivedAt: NOW };
const assign: AssignIncidentData = { sagaId: 'a0000000-0000-4000-8000-000000000001', incidentId: ID, vendorId: VENDOR, offerId: offer.offerId, reservationId: 'r0000000-0000-4000-8000-000000000001', authorizationId: 'p0000000-0000-4000-8000-000000000001', agreedPrice: { amountCents: 9050, currency: 'USD' } };

function setup() {
  const incidents = inMemoryIncidents();
  const handlers = makeHandlers({ incidents, now: () => NOW });
  const created = createIncident({ driverId: DRIVER, contact: { name: 'Maria', phone: '+14155550142' }, vehicle: { make: 'Toyota', model: 'Corolla', year: 2019, plate: '8KZD427' }, location: { coordinates: { lat: 37.7793, lon: -122.4193 } }, problemType: 'flat_tire' }, ID, NOW);
  void incidents.decide(ID, {} as never, () => created);
  const moves = (): string[] => incidents.events(ID).flatMap((e) => (e.type === 'IncidentStatusChanged' ? [`${e.data.previousStatus}->${e.data.status}`] : []));
  const deliver = {
    answer: async () => { const e = delivered('VendorAvailabilityResponse', 'roadcall.vendor', answer); await handlers.VendorAvailabilityResponse(e, consumerContext(e)); },
    offer: async () => { const e = delivered('OfferCreated', 'roadcall.match', offer); await handlers.OfferCreated(e, consumerContext(e)); },
    assign: async () => { const e = delivered('AssignIncident', 'roadcall.match', assign); await handlers.AssignIncident(e, consumerContext(e)); },
    tracking: async () => { const e = delivered('TrackingStarted', 'roadcall.tracking', session); await handlers.TrackingStarted(e, consumerContext(e)); },
    arrival: async () => { const e = delivered('VendorArrived', 'roadcall.tracking', arrival); await handlers.VendorArrived(e, consumerContext(e)); },
  };
  return { incidents, moves, deliver };
}

describe('incident consumer: status moves from other services\' events', () => {
  it('moves through matching, offered, assigned, en route and arrived when the events come in order', async () => {
    // Prepare
    const { moves, deliver } = setup();

    // Act
    await deliver.answer();
    await deliver.offer();
    await deliver.assign();
    await deliver.tracking();
    await deliver.arrival();

    // Assess
    expect(moves()).toEqual(['new->matching', 'matching->offered', 'offered->assigned', 'assigned->en_route', 'en_route->arrived']);
  });

  it('changes nothing for duplicates and for events overtaken by later ones', async () => {
    // Prepare
    const { moves, deliver } = setup();

    // Act: the offer before the round's answer, the assignment, the arrival before the session's start, everything twice.
    await deliver.offer();
    await deliver.offer();
    await deliver.answer();
    await deliver.assign();
    await deliver.assign();
    await deliver.offer();
    await deliver.arrival();
    await deliver.tracking();
    await deliver.arrival();

    // Assess
    expect(moves()).toEqual(['new->offered', 'offered->assigned', 'assigned->arrived']);
  });

  it('ignores a saga\'s assignment it answered before (same saga id), with no second status change', async () => {
    const { incidents, deliver } = setup();
    await deliver.assign();
    const before = incidents.events(ID).length;
    expect(assignIncident(fold(incidents.events(ID)), assign, NOW)).toEqual([]);
    await deliver.assign();
    expect(incidents.events(ID)).toHaveLength(before);
  });
});
