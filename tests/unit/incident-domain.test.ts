import { advance, apply, assignIncident, cancelIncident, canTransition, createIncident, fold, IncidentRuleError, LIFECYCLE, matchingFailed, matchingStarted, offerClosed, offerCreated, trackingStarted, vendorArrived, startWork, completeWork, finalPrice, type Incident, type IncidentEvent } from '../../functions/incident/domain';
import type { AssignIncidentData, CreateIncidentCommand, IncidentStatus, TrackingStartedData, VendorArrivedData } from '../../generated';

// The incident aggregate's decisions, without AWS: state transitions, refusals, duplicates.

const NOW = '2026-11-22T10:00:00.000Z';
const ID = '3600e936-9901-49b3-ba7b-1d5fa897373f';
const command: CreateIncidentCommand = {
  driverId: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
  contact: { name: 'Dana Driver', phone: '+14155550123' },
  vehicle: { make: 'Toyota', model: 'Corolla', year: 2019, plate: '8KZD427' },
  location: { coordinates: { lat: 37.7793, lon: -122.4193 } },
  problemType: 'flat_tire',
};
const assign = (sagaId: string): AssignIncidentData => ({
  sagaId,
  incidentId: ID,
  vendorId: '0b6b7f2e-1f3c-4c8e-9a51-3d2f6e9a1c01',
  offerId: '7d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a',
  reservationId: '8e2f3a4b-5c6d-4e7f-9a8b-0c1d2e3f4a5b',
  authorizationId: '9f3a4b5c-6d7e-4f8a-8b9c-1d2e3f4a5b6c',
  agreedPrice: { amountCents: 9500, currency: 'USD' },
});

const created = (): IncidentEvent[] => createIncident(command, ID, NOW);

describe('incident aggregate', () => {
  it('is created new, with the command data and version 1', () => {
    const [event] = created();
    expect(event).toMatchObject({ type: 'IncidentCreated', data: { incidentId: ID, driverId: command.driverId, status: 'new', problemType: 'flat_tire', driverContact: command.contact, createdAt: NOW } });
    expect(fold(created())).toMatchObject({ incidentId: ID, status: 'new', version: 1 });
  });

  it('cancels a live incident with IncidentCancelled and a status change, and refuses a second cancel', () => {
    const state = fold(created());
    const events = cancelIncident(state, ID, { cancelledBy: 'driver', reason: 'resolved_by_driver' }, NOW);
    expect(events.map((e) => e.type)).toEqual(['IncidentCancelled', 'IncidentStatusChanged']);
    expect(events[1]?.data).toMatchObject({ previousStatus: 'new', status: 'cancelled', changedBy: 'driver', reason: 'resolved_by_driver' });
    const after = events.reduce(apply, state);
    expect(after).toMatchObject({ status: 'cancelled', version: 3 });
    expect(() => cancelIncident(after, ID, { cancelledBy: 'driver' }, NOW)).toThrow(new IncidentRuleError('INCIDENT_FINAL', `incident ${ID} is cancelled and cannot be cancelled`));
    expect(() => cancelIncident(undefined, ID, { cancelledBy: 'driver' }, NOW)).toThrow(/does not exist/);
  });

  it('assigns once per saga, rejects a second vendor, a cancelled incident and a missing one', () => {
    const state = fold(created());
    const first = assignIncident(state, assign('a0000000-0000-4000-8000-000000000001'), NOW);
    expect(first.map((e) => e.type)).toEqual(['IncidentAssigned', 'IncidentStatusChanged']);
    const assigned = first.reduce(apply, state);
    expect(assigned).toMatchObject({ status: 'assigned', vendorId: assign('x').vendorId });
    // The same saga again: already answered, nothing new.
    expect(assignIncident(assigned, assign('a0000000-0000-4000-8000-000000000001'), NOW)).toEqual([]);
    expect(assignIncident(assigned, assign('a0000000-0000-4000-8000-000000000002'), NOW)).toMatchObject([{ type: 'IncidentAssignmentRejected', data: { reason: 'incident_already_assigned' } }]);
    const cancelled = cancelIncident(state, ID, { cancelledBy: 'dispatcher' }, NOW).reduce(apply, state);
    expect(assignIncident(cancelled, assign('a0000000-0000-4000-8000-000000000003'), NOW)).toMatchObject([{ type: 'IncidentAssignmentRejected', data: { reason: 'incident_cancelled' } }]);
    expect(assignIncident(undefined, assign('a0000000-0000-4000-8000-000000000004'), NOW)).toMatchObject([{ type: 'IncidentAssignmentRejected', data: { reason: 'incident_not_found' } }]);
  });

  it('moves to arrived only from assigned or en route, once', () => {
    const state = fold(created());
    const arrival = { trackingSessionId: 'b0000000-0000-4000-8000-000000000001', incidentId: ID, driverId: command.driverId, vendorId: assign('x').vendorId, location: { lat: 37.7, lon: -122.4 }, arrivedAt: NOW };
    expect(vendorArrived(state, arrival, NOW)).toEqual([]);
    const assigned = assignIncident(state, assign('a0000000-0000-4000-8000-000000000005'), NOW).reduce(apply, state);
    const events = vendorArrived(assigned, arrival, NOW);
    expect(events).toMatchObject([{ type: 'IncidentStatusChanged', data: { previousStatus: 'assigned', status: 'arrived', changedBy: 'vendor' } }]);
    expect(vendorArrived(events.reduce(apply, assigned), arrival, NOW)).toEqual([]);
  });

  it('follows the lifecycle: no way back from a final status, cancel and escalate from any live one', () => {
    expect(canTransition('new', 'assigned')).toBe(true);
    expect(canTransition('assigned', 'new')).toBe(false);
    expect(canTransition('in_progress', 'cancelled')).toBe(true);
    expect(canTransition('completed', 'cancelled')).toBe(false);
    expect(canTransition('cancelled', 'escalated')).toBe(false);
    expect(() => apply(undefined, { type: 'IncidentCancelled', data: { incidentId: ID, driverId: command.driverId, previousStatus: 'new', cancelledBy: 'driver', cancelledAt: NOW } })).toThrow(/before IncidentCreated/);
  });
});

describe('matching failed', () => {
  it('escalates a new incident with no vendor available, once; not an assigned or cancelled one', () => {
    const state = fold(created());
    const events = matchingFailed(state, { requestId: ID, reason: 'no_vendor_in_range', details: 'vendor: NO_VENDOR_IN_RANGE none within 40 km' }, NOW);
    expect(events.map((e) => e.type)).toEqual(['IncidentEscalated', 'IncidentStatusChanged']);
    expect(events[0]).toMatchObject({ data: { reason: 'no_vendor_available', details: `matching round ${ID}: no_vendor_in_range (vendor: NO_VENDOR_IN_RANGE none within 40 km)` } });
    const escalated = events.reduce(apply, state);
    expect(matchingFailed(escalated, { requestId: ID, reason: 'no_vendor_in_range' }, NOW)).toEqual([]);
    const assigned = assignIncident(state, assign('a0000000-0000-4000-8000-000000000009'), NOW).reduce(apply, state);
    expect(matchingFailed(assigned, { requestId: ID, reason: 'vendor_service_silent' }, NOW)).toEqual([]);
  });
});

describe('offer expiry and decline', () => {
  const expiry = (remaining: number, how: 'expired' | 'declined' = 'expired'): Parameters<typeof offerClosed>[1] => ({
    offerId: 'c0000000-0000-4000-8000-000000000001',
    remainingActiveOffers: remaining,
    how,
    at: NOW,
  });

  it('escalates when the last open offer expires and nobody is assigned, else changes nothing', () => {
    const state = fold(created());
    expect(offerClosed(state, expiry(2), NOW)).toEqual([]);
    const events = offerClosed(state, expiry(0), NOW);
    expect(events.map((e) => e.type)).toEqual(['IncidentEscalated', 'IncidentStatusChanged']);
    expect(events.reduce(apply, state)?.status).toBe('escalated');
    const assigned = assignIncident(state, assign('a0000000-0000-4000-8000-000000000009'), NOW).reduce(apply, state);
    expect(offerClosed(assigned, expiry(0), NOW)).toEqual([]);
  });

  it('escalates when the last open offer is declined, naming how it closed', () => {
    const [escalated] = offerClosed(fold(created()), expiry(0, 'declined'), NOW);
    expect(escalated).toMatchObject({ type: 'IncidentEscalated', data: { reason: 'no_vendor_accepted', details: expect.stringContaining('declined') } });
  });
});

describe('the technician\'s work', () => {
  const LATER = '2026-11-22T10:45:00.000Z';
  const assigned = () => {
    const state = fold(created());
    const command = assign('a0000000-0000-4000-8000-000000000009');
    return { state: assignIncident(state, command, NOW).reduce(apply, state), vendorId: command.vendorId, price: command.agreedPrice };
  };
  const arrived = () => {
    const a = assigned();
    return { ...a, state: vendorArrived(a.state, { incidentId: ID, vendorId: a.vendorId, arrivedAt: NOW } as never, NOW).reduce(apply, a.state) };
  };

  it('starts once the vendor arrived, then completes with the final price and the time on site', () => {
    const { state, vendorId, price } = arrived();
    const started = startWork(state, ID, { vendorId }, NOW);
    expect(started.map((e) => e.type)).toEqual(['WorkStarted', 'IncidentStatusChanged']);
    const working = started.reduce(apply, state);
    expect(working?.status).toBe('in_progress');
    const done = completeWork(working, ID, { vendorId, outcome: 'resolved', lineItems: [{ code: 'parts', description: 'valve stem', amount: { amountCents: 1_200, currency: price.currency } }, { code: 'labor', description: '15 min', amount: { amountCents: 2_500, currency: price.currency } }] }, LATER);
    expect(done[0]).toMatchObject({ type: 'WorkCompleted', data: { finalPrice: { amountCents: price.amountCents + 3_700, currency: price.currency }, durationMinutes: 45, startedAt: NOW, completedAt: LATER } });
    expect(done.reduce(apply, working)?.status).toBe('completed');
  });

  it('refuses work before arrival or after completion naming the status, and another vendor', () => {
    const { state, vendorId } = assigned();
    expect(() => startWork(state, ID, { vendorId }, NOW)).toThrow(new IncidentRuleError('INVALID_TRANSITION', `incident ${ID} is assigned: work starts once the vendor has arrived`));
    expect(() => completeWork(state, ID, { vendorId, outcome: 'resolved' }, NOW)).toThrow(/is assigned: work completes once it has started/);
    expect(() => startWork(arrived().state, ID, { vendorId: 'b0000000-0000-4000-8000-000000000001' }, NOW)).toThrow(expect.objectContaining({ code: 'NOT_ASSIGNED_VENDOR' }) as Error);
    expect(() => startWork(undefined, ID, { vendorId }, NOW)).toThrow(expect.objectContaining({ code: 'INCIDENT_NOT_FOUND' }) as Error);
  });

  it('adds billed items in the offer\'s currency only', () => {
    expect(finalPrice({ amountCents: 10_000, currency: 'USD' }, [])).toEqual({ amountCents: 10_000, currency: 'USD' });
    expect(() => finalPrice({ amountCents: 10_000, currency: 'USD' }, [{ amount: { amountCents: 5, currency: 'EUR' } }])).toThrow(/must be in USD, got EUR/);
  });
});

describe('the status machine, driven by the other services\' events', () => {
  const VENDOR = assign('x').vendorId;
  const session: TrackingStartedData = { trackingSessionId: 'b0000000-0000-4000-8000-000000000002', incidentId: ID, driverId: command.driverId, vendorId: VENDOR, destination: { lat: 37.7793, lon: -122.4193 }, startedAt: '2026-11-22T10:05:00.000Z' };
  const arrival: VendorArrivedData = { trackingSessionId: session.trackingSessionId, incidentId: ID, driverId: command.driverId, vendorId: VENDOR, location: { lat: 37.7793, lon: -122.4193 }, arrivedAt: '2026-11-22T10:20:00.000Z' };
  const run = (state: Incident | undefined, events: IncidentEvent[]): Incident | undefined => events.reduce(apply, state);
  const statuses = (events: IncidentEvent[]): string[] => events.flatMap((e) => (e.type === 'IncidentStatusChanged' ? [`${e.data.previousStatus}->${e.data.status}`] : []));

  it('walks the whole main path in order, one IncidentStatusChanged per step', () => {
    // Prepare
    let state = fold(created());
    const moves: string[] = [];
    const step = (events: IncidentEvent[]): void => {
      moves.push(...statuses(events));
      state = run(state, events);
    };

    // Act
    step(matchingStarted(state, NOW));
    step(offerCreated(state, NOW));
    step(assignIncident(state, assign('a0000000-0000-4000-8000-000000000010'), NOW));
    step(trackingStarted(state, session, NOW));
    step(vendorArrived(state, arrival, NOW));
    step(startWork(state, ID, { vendorId: VENDOR }, NOW));
    step(completeWork(state, ID, { vendorId: VENDOR, outcome: 'resolved' }, NOW));

    // Assess
    expect(moves).toEqual(['new->matching', 'matching->offered', 'offered->assigned', 'assigned->en_route', 'en_route->arrived', 'arrived->in_progress', 'in_progress->completed']);
    expect(LIFECYCLE.map((s, i) => `${LIFECYCLE[i - 1] ?? ''}->${s}`).slice(1)).toEqual(moves);
  });

  it('uses the event\'s own time and names who moved it', () => {
    const state = run(fold(created()), assignIncident(fold(created()), assign('a0000000-0000-4000-8000-000000000011'), NOW));
    expect(trackingStarted(state, session, NOW)).toEqual([{ type: 'IncidentStatusChanged', data: expect.objectContaining({ status: 'en_route', changedBy: 'vendor', changedAt: session.startedAt }) }]);
    expect(matchingStarted(fold(created()), '2026-11-22T10:00:01.000Z')).toEqual([{ type: 'IncidentStatusChanged', data: expect.objectContaining({ previousStatus: 'new', status: 'matching', changedBy: 'system', changedAt: '2026-11-22T10:00:01.000Z' }) }]);
  });

  it('ignores a duplicate and every event overtaken by a later one', () => {
    // Prepare: assigned straight from new (the offers' events are still queued).
    const state = fold(created());
    const assigned = run(state, assignIncident(state, assign('a0000000-0000-4000-8000-000000000012'), NOW));
    const arrived = run(assigned, vendorArrived(assigned, arrival, NOW));

    // Act / Assess: late matching answers and offers after the assignment, TrackingStarted after the arrival, arrival twice.
    expect(assigned?.status).toBe('assigned');
    expect(matchingStarted(assigned, NOW)).toEqual([]);
    expect(offerCreated(assigned, NOW)).toEqual([]);
    expect(arrived?.status).toBe('arrived');
    expect(trackingStarted(arrived, session, NOW)).toEqual([]);
    expect(vendorArrived(arrived, arrival, NOW)).toEqual([]);
    // A second offer of the same round, and matching after the first offer.
    const offered = run(state, offerCreated(state, NOW));
    expect(offerCreated(offered, NOW)).toEqual([]);
    expect(matchingStarted(offered, NOW)).toEqual([]);
  });

  it('moves nothing on a final incident, an unknown one, or another vendor\'s tracking', () => {
    const state = fold(created());
    const cancelled = run(state, cancelIncident(state, ID, { cancelledBy: 'driver' }, NOW));
    expect(offerCreated(cancelled, NOW)).toEqual([]);
    expect(matchingStarted(undefined, NOW)).toEqual([]);
    const assigned = run(state, assignIncident(state, assign('a0000000-0000-4000-8000-000000000013'), NOW));
    const stranger = 'c0000000-0000-4000-8000-00000000000f';
    expect(trackingStarted(assigned, { ...session, vendorId: stranger }, NOW)).toEqual([]);
    expect(vendorArrived(assigned, { ...arrival, vendorId: stranger }, NOW)).toEqual([]);
    // Before any assignment there is no vendor to track.
    expect(trackingStarted(state, session, NOW)).toEqual([]);
  });

  it('allows forward moves only: no status leads back, skipping ahead is allowed', () => {
    const all: IncidentStatus[] = [...LIFECYCLE, 'cancelled', 'escalated'];
    for (const from of LIFECYCLE) {
      for (const to of LIFECYCLE) {
        if (LIFECYCLE.indexOf(to) <= LIFECYCLE.indexOf(from)) expect({ from, to, allowed: canTransition(from, to) }).toEqual({ from, to, allowed: false });
      }
    }
    expect(canTransition('new', 'offered')).toBe(true);
    expect(canTransition('assigned', 'arrived')).toBe(true);
    expect(canTransition('offered', 'matching')).toBe(false);
    expect(canTransition('assigned', 'in_progress')).toBe(false);
    for (const to of all) expect(canTransition('completed', to)).toBe(false);
    expect(advance(fold(created()), 'completed', 'system', NOW)).toEqual([]);
  });
});
