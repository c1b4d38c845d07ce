import type { ReleaseVendorData, ReserveVendorData } from '../../generated';
import { makeHandlers } from '../../functions/vendor/consumer';
import { inMemoryVendorDirectory } from '../../functions/vendor/directory-store';
import { vendors as directory, type DirectoryVendor } from '../../functions/vendor/directory';
import { reservationIdOf } from '../../functions/vendor/reservations';
import { consumerContext, delivered } from '../helpers/handlers';
import { inMemoryReservationStore } from '../helpers/participant-stores';
import { inMemoryAvailabilityStore } from '../helpers/responder-stores';

// The vendor service as the assignment saga's participant, on an in-memory store: it holds
// capacity and answers each saga once (duplicates, compensations sent again, a release
// before the reservation), and frees an incident's capacity when the incident is cancelled.

const SAGA = '8f47d79b-b49c-4cb8-8c28-5a85a2e175ff';
const OTHER_SAGA = '4098a1a3-e469-4493-a290-b2e7b2b5f7ff';
const INCIDENT = '3600e936-9901-49b3-ba7b-1d5fa897373f';
const OTHER_INCIDENT = 'a77bfd69-7800-4bcb-8afb-0f9d0739d9e6';
const OFFER = '0c0b6f36-3f0e-4b7e-9d3c-6a1c2b3d4e5f';
const ONE_TRUCK = '27bd1736-9f50-46e6-b0eb-d6146587b256';
const CLOSED = '72d2e685-80a3-43f4-8bc8-a496df018008';
const vendors: DirectoryVendor[] = [
  { vendorId: ONE_TRUCK, name: 'One Truck Towing', location: { lat: 37.77, lon: -122.41 }, services: ['tow', 'flat_tire'], rating: 4.5, available: true, capacity: 1 },
  { vendorId: CLOSED, name: 'Closed Today Tow', location: { lat: 37.75, lon: -122.44 }, services: ['tow'], rating: 4.1, available: false, capacity: 2 },
];
const now = () => '2025-03-14T09:12:59.117Z';

const reserve = (over: Partial<ReserveVendorData> = {}, eventId = 'cmd-reserve-1') =>
  delivered('ReserveVendor', 'roadcall.match', { sagaId: SAGA, incidentId: INCIDENT, vendorId: ONE_TRUCK, offerId: OFFER, problemType: 'tow', holdUntil: '2025-03-14T09:17:58.602Z', ...over } satisfies ReserveVendorData, { eventId, correlationId: 'corr-saga' });
const release = (over: Partial<ReleaseVendorData> = {}, eventId = 'cmd-release-1') =>
  delivered('ReleaseVendor', 'roadcall.match', { sagaId: SAGA, incidentId: INCIDENT, vendorId: ONE_TRUCK, reservationId: reservationIdOf(SAGA), reason: 'payment_authorization_failed', ...over } satisfies ReleaseVendorData, { eventId, correlationId: 'corr-saga' });
const cancelled = (incidentId: string) =>
  delivered('IncidentCancelled', 'roadcall.incident', { incidentId, driverId: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', previousStatus: 'matching' as const, cancelledBy: 'driver' as const, cancelledAt: '2025-03-14T09:13:10Z' }, { eventId: `cancel-${incidentId}` });

const workCompleted = (incidentId: string, eventId = `done-${incidentId}`) =>
  delivered('WorkCompleted', 'roadcall.incident', { incidentId, driverId: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', vendorId: ONE_TRUCK, outcome: 'resolved' as const, finalPrice: { amountCents: 12000, currency: 'USD' }, startedAt: '2025-03-14T10:00:00Z', completedAt: '2025-03-14T10:40:00Z' }, { eventId });

function setup() {
  const store = inMemoryReservationStore();
  return { store, handlers: makeHandlers({ reservations: store, availability: inMemoryAvailabilityStore(), directory: inMemoryVendorDirectory(vendors), now }) };
}

describe('ReserveVendor', () => {
  it('holds one unit of the vendor capacity and replies VendorReserved with the saga id, correlation and causation', async () => {
    // Prepare
    const { store, handlers } = setup();
    const command = reserve();

    // Act
    await handlers.ReserveVendor(command, consumerContext(command));

    // Assess
    expect(store.active.get(ONE_TRUCK)).toBe(1);
    expect(store.sent).toHaveLength(1);
    expect(store.sent[0]).toMatchObject({
      detailType: 'VendorReserved',
      detail: {
        metadata: { correlationId: 'corr-saga', causationId: 'cmd-reserve-1', aggregateId: reservationIdOf(SAGA), sequence: 1, producer: 'vendor' },
        data: { sagaId: SAGA, incidentId: INCIDENT, vendorId: ONE_TRUCK, reservationId: reservationIdOf(SAGA), reservedUntil: '2025-03-14T09:17:58.602Z' },
      },
    });
  });

  it('answers a duplicate command (even with a new event id) with nothing: no second hold, no second reply', async () => {
    // Prepare
    const { store, handlers } = setup();
    await handlers.ReserveVendor(reserve(), consumerContext(reserve()));
    const again = reserve({}, 'cmd-reserve-resent');

    // Act
    await handlers.ReserveVendor(again, consumerContext(again));

    // Assess
    expect(store.active.get(ONE_TRUCK)).toBe(1);
    expect(store.sent.map((e) => e.detailType)).toEqual(['VendorReserved']);
  });

  it('fails with capacity_exceeded when the vendor is full, and a redelivery after capacity frees still holds nothing', async () => {
    // Prepare
    const { store, handlers } = setup();
    const first = reserve({ sagaId: OTHER_SAGA, incidentId: OTHER_INCIDENT }, 'cmd-other');
    await handlers.ReserveVendor(first, consumerContext(first));
    const command = reserve();

    // Act
    await handlers.ReserveVendor(command, consumerContext(command));
    const freed = release({ sagaId: OTHER_SAGA, incidentId: OTHER_INCIDENT }, 'cmd-release-other');
    await handlers.ReleaseVendor(freed, consumerContext(freed));
    await handlers.ReserveVendor(command, consumerContext(command));

    // Assess
    const replies = store.sent.filter((e) => e.detail.data['sagaId'] === SAGA);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ detailType: 'VendorReservationFailed', detail: { metadata: { causationId: 'cmd-reserve-1' }, data: { sagaId: SAGA, vendorId: ONE_TRUCK, reason: 'capacity_exceeded' } } });
    expect(replies[0]?.detail.metadata).not.toHaveProperty('aggregateId');
    expect(store.active.get(ONE_TRUCK)).toBe(0);
  });

  it.each([
    ['an unknown vendor', { vendorId: 'f0f0f0f0-0000-4000-8000-000000000000' }, 'vendor_not_found'],
    ['an unavailable vendor', { vendorId: CLOSED }, 'vendor_unavailable'],
    ['a service the vendor does not offer', { problemType: 'lockout' as const }, 'vendor_unavailable'],
  ])('fails for %s with the schema reason and holds nothing', async (_case, over, reason) => {
    // Prepare
    const { store, handlers } = setup();
    const command = reserve(over);

    // Act
    await handlers.ReserveVendor(command, consumerContext(command));

    // Assess
    expect(store.sent).toHaveLength(1);
    expect(store.sent[0]).toMatchObject({ detailType: 'VendorReservationFailed', detail: { data: { sagaId: SAGA, reason } } });
    expect([...store.active.values()].every((n) => n === 0)).toBe(true);
  });
});

describe('ReleaseVendor', () => {
  it('gives the held capacity back and replies VendorReleased once, however often the compensation is sent', async () => {
    // Prepare
    const { store, handlers } = setup();
    await handlers.ReserveVendor(reserve(), consumerContext(reserve()));
    const first = release();
    const resent = release({}, 'cmd-release-2');

    // Act
    await handlers.ReleaseVendor(first, consumerContext(first));
    await handlers.ReleaseVendor(resent, consumerContext(resent));

    // Assess
    expect(store.active.get(ONE_TRUCK)).toBe(0);
    expect(store.items.get(`${INCIDENT}|${reservationIdOf(SAGA)}`)).toMatchObject({ status: 'RELEASED', releasedAt: now() });
    expect(store.sent.map((e) => e.detailType)).toEqual(['VendorReserved', 'VendorReleased']);
    expect(store.sent[1]).toMatchObject({ detail: { metadata: { correlationId: 'corr-saga', causationId: 'cmd-release-1', aggregateId: reservationIdOf(SAGA), sequence: 2 }, data: { sagaId: SAGA, reservationId: reservationIdOf(SAGA), releasedAt: now() } } });
  });

  it('replies VendorReleased when nothing was reserved (the step timed out first), and a late ReserveVendor then holds nothing', async () => {
    // Prepare
    const { store, handlers } = setup();
    const compensation = release({ reason: 'saga_timeout' });
    const late = reserve();

    // Act
    await handlers.ReleaseVendor(compensation, consumerContext(compensation));
    await handlers.ReserveVendor(late, consumerContext(late));

    // Assess
    expect(store.sent.map((e) => e.detailType)).toEqual(['VendorReleased']);
    expect(store.sent[0]?.detail.metadata).not.toHaveProperty('aggregateId');
    expect(store.active.get(ONE_TRUCK) ?? 0).toBe(0);
  });

  it('replies VendorReleased once for a reservation that had failed', async () => {
    // Prepare
    const { store, handlers } = setup();
    const failed = reserve({ vendorId: CLOSED });
    await handlers.ReserveVendor(failed, consumerContext(failed));
    const compensation = release({ vendorId: CLOSED });

    // Act
    await handlers.ReleaseVendor(compensation, consumerContext(compensation));
    await handlers.ReleaseVendor(compensation, consumerContext(compensation));

    // Assess
    expect(store.sent.map((e) => e.detailType)).toEqual(['VendorReservationFailed', 'VendorReleased']);
  });
});

describe('IncidentCancelled', () => {
  it('frees the capacity held for the incident without replying; the saga ReleaseVendor then replies once and frees nothing twice', async () => {
    // Prepare
    const { store, handlers } = setup();
    await handlers.ReserveVendor(reserve(), consumerContext(reserve()));
    const cancel = cancelled(INCIDENT);
    const compensation = release({ reason: 'incident_cancelled' });

    // Act
    await handlers.IncidentCancelled(cancel, consumerContext(cancel));
    const afterCancel = { active: store.active.get(ONE_TRUCK), replies: store.sent.length };
    await handlers.ReleaseVendor(compensation, consumerContext(compensation));

    // Assess
    expect(afterCancel).toEqual({ active: 0, replies: 1 });
    expect(store.active.get(ONE_TRUCK)).toBe(0);
    expect(store.sent.map((e) => e.detailType)).toEqual(['VendorReserved', 'VendorReleased']);
  });

  it('leaves the reservations of other incidents held', async () => {
    // Prepare
    const { store, handlers } = setup();
    await handlers.ReserveVendor(reserve(), consumerContext(reserve()));
    const cancel = cancelled(OTHER_INCIDENT);

    // Act
    await handlers.IncidentCancelled(cancel, consumerContext(cancel));

    // Assess
    expect(store.active.get(ONE_TRUCK)).toBe(1);
    expect(store.sent).toHaveLength(1);
  });
});

describe('WorkCompleted', () => {
  it("frees the job's capacity once, without replying, so the vendor can be reserved again", async () => {
    // Prepare
    const { store, handlers } = setup();
    await handlers.ReserveVendor(reserve(), consumerContext(reserve()));
    const done = workCompleted(INCIDENT);
    const again = workCompleted(INCIDENT, 'done-redelivered');
    const next = reserve({ sagaId: OTHER_SAGA, incidentId: OTHER_INCIDENT }, 'cmd-reserve-2');

    // Act
    await handlers.WorkCompleted(done, consumerContext(done));
    const afterDone = store.active.get(ONE_TRUCK);
    await handlers.WorkCompleted(again, consumerContext(again));
    await handlers.ReserveVendor(next, consumerContext(next));

    // Assess
    expect(afterDone).toBe(0);
    expect(store.items.get(`${INCIDENT}|${reservationIdOf(SAGA)}`)?.status).toBe('RELEASED');
    expect(store.active.get(ONE_TRUCK)).toBe(1);
    expect(store.sent.map((e) => e.detailType)).toEqual(['VendorReserved', 'VendorReserved']);
  });

  it('leaves the reservations of other incidents held', async () => {
    // Prepare
    const { store, handlers } = setup();
    await handlers.ReserveVendor(reserve(), consumerContext(reserve()));
    const done = workCompleted(OTHER_INCIDENT);

    // Act
    await handlers.WorkCompleted(done, consumerContext(done));

    // Assess
    expect(store.active.get(ONE_TRUCK)).toBe(1);
  });
});

describe('vendor directory', () => {
  it('gives every vendor a capacity of at least one job', () => {
    for (const v of directory) expect(v.capacity).toBeGreaterThanOrEqual(1);
  });
});
