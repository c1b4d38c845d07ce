import type { IncidentAssignmentRejectedData, IncidentEscalatedData, IncidentStatusChangedData, OfferCreatedData, OfferDeclinedData, PaymentAuthorizationFailedData, PaymentFailedData } from '../../generated';
import { makeHandlers } from '../../functions/notifications/consumer';
import { notificationsFor } from '../../functions/notifications/messages';
import { createInMemoryReadModel } from '../../lib/read-model';
import { consumerContext, delivered } from '../helpers/handlers';

// The notifications service: which messages an event causes (plain functions), and the
// handlers recording them once per event, against an in-memory read model.

const offerCreated: OfferCreatedData = {
  offerId: 'off-1',
  incidentId: 'inc-1',
  vendorId: 'ven-7',
  problemType: 'flat_tire',
  location: { lat: 40.7, lon: -74 },
  distanceKm: 3.2,
  price: { amountCents: 8950, currency: 'USD' },
  etaMinutes: 12,
  rank: 1,
  expiresAt: '2025-03-14T09:14:04Z',
  createdAt: '2025-03-14T09:12:04Z',
};
const statusChanged: IncidentStatusChangedData = { incidentId: 'inc-1', driverId: 'drv-1', previousStatus: 'new', status: 'en_route', changedBy: 'system', reason: 'vendor_dispatched', changedAt: '2025-03-14T09:12:04Z' };
const offerDeclined: OfferDeclinedData = { offerId: 'off-1', incidentId: 'inc-1', vendorId: 'ven-7', reason: 'too_far', declinedAt: '2025-03-14T09:13:00Z' };

describe('notificationsFor', () => {
  it('tells the vendor about a new job: problem, distance, price, ETA and deadline', () => {
    // Act
    const notifications = notificationsFor.OfferCreated(offerCreated);

    // Assess
    expect(notifications).toEqual([{ channel: 'push', recipient: 'vendor:ven-7', text: 'New job: flat tire, 3.2 km away, 89.50 USD, ETA 12 min. Accept by 2025-03-14T09:14:04Z.' }]);
  });

  it('says "?" km when the distance is unknown', () => {
    // Prepare
    const { distanceKm: _unknown, ...withoutDistance } = offerCreated;

    // Act
    const [notification] = notificationsFor.OfferCreated(withoutDistance);

    // Assess
    expect(notification?.text).toContain(', ? km away,');
  });

  it('texts the driver a status change with its reason, underscores as spaces', () => {
    expect(notificationsFor.IncidentStatusChanged(statusChanged)).toEqual([{ channel: 'sms', recipient: 'driver:drv-1', text: 'Your request is now en route (vendor dispatched).' }]);
    const { reason: _none, ...noReason } = statusChanged;
    expect(notificationsFor.IncidentStatusChanged(noReason)[0]?.text).toBe('Your request is now en route.');
  });

  it('sends nothing for a declined offer', () => {
    expect(notificationsFor.OfferDeclined(offerDeclined)).toEqual([]);
  });

  it('texts the driver why a payment failed', () => {
    // Prepare
    const failed: PaymentFailedData = { paymentId: 'pay-1', incidentId: 'inc-1', driverId: 'drv-1', amount: { amountCents: 12000, currency: 'USD' }, failureCode: 'card_declined', failureMessage: 'card declined', canRetry: true, attempt: 1, failedAt: '2025-03-14T10:00:00Z' };

    // Act
    const notifications = notificationsFor.PaymentFailed(failed);

    // Assess
    expect(notifications).toEqual([{ channel: 'sms', recipient: 'driver:drv-1', text: 'Your payment of 120.00 USD failed: card declined' }]);
  });
});

describe('notificationsFor, assignment saga outcomes', () => {
  it('texts the driver that a dispatcher is finding help when the incident is escalated', () => {
    // Prepare
    const escalated: IncidentEscalatedData = { incidentId: 'inc-1', driverId: 'drv-1', previousStatus: 'matching', reason: 'no_vendor_accepted', escalatedAt: '2025-03-14T09:20:00Z' };

    // Act
    const notifications = notificationsFor.IncidentEscalated(escalated);

    // Assess
    expect(notifications).toEqual([{ channel: 'sms', recipient: 'driver:drv-1', text: expect.stringContaining('a dispatcher is finding help') }]);
  });

  it('tells the vendor the job is off, and why, when the assignment is rejected', () => {
    // Prepare
    const rejected: IncidentAssignmentRejectedData = { sagaId: 'saga-1', incidentId: 'inc-1', vendorId: 'ven-7', reason: 'incident_cancelled', rejectedAt: '2025-03-14T09:20:00Z' };

    // Act
    const notifications = notificationsFor.IncidentAssignmentRejected(rejected);

    // Assess
    expect(notifications).toEqual([{ channel: 'push', recipient: 'vendor:ven-7', text: expect.stringMatching(/^The job is off \(incident cancelled\)/) }]);
  });

  it('asks the driver to update the payment method when the authorization failed, and tells nobody without a driver', () => {
    // Prepare
    const failed: PaymentAuthorizationFailedData = { sagaId: 'saga-1', incidentId: 'inc-1', driverId: 'drv-1', reason: 'insufficient_funds', canRetry: true, failedAt: '2025-03-14T09:20:00Z' };
    const { driverId: _unknown, ...withoutDriver } = failed;

    // Act
    const notifications = notificationsFor.PaymentAuthorizationFailed(failed);

    // Assess
    expect(notifications).toEqual([{ channel: 'sms', recipient: 'driver:drv-1', text: expect.stringContaining('(insufficient funds). Update it in the app') }]);
    expect(notificationsFor.PaymentAuthorizationFailed(withoutDriver)).toEqual([]);
  });
});

describe('notifications handlers (in-memory read model)', () => {
  const now = () => '2025-03-14T09:12:05.000Z';

  it('records each notification in the incident partition, keyed by the causing event', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    const handlers = makeHandlers({ readModel, now });
    const event = delivered('OfferCreated', 'roadcall.match', offerCreated, { eventId: 'evt-9', occurredAt: '2025-03-14T09:12:04.000Z', correlationId: 'corr-9' });

    // Act
    await handlers.OfferCreated(event, consumerContext(event));

    // Assess
    expect(readModel.items()).toEqual([
      {
        pk: 'INCIDENT#inc-1',
        sk: 'NOTIFICATION#2025-03-14T09:12:04.000Z#evt-9#0',
        channel: 'push',
        recipient: 'vendor:ven-7',
        text: expect.stringContaining('New job: flat tire'),
        incidentId: 'inc-1',
        causedBy: { eventId: 'evt-9', detailType: 'OfferCreated' },
        correlationId: 'corr-9',
        sentAt: '2025-03-14T09:12:05.000Z',
      },
    ]);
  });

  it('records a redelivered event once', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    const handlers = makeHandlers({ readModel, now });
    const event = delivered('IncidentStatusChanged', 'roadcall.incident', statusChanged);

    // Act
    await handlers.IncidentStatusChanged(event, consumerContext(event));
    await handlers.IncidentStatusChanged(event, consumerContext(event));

    // Assess
    expect(readModel.items()).toHaveLength(1);
  });

  it('writes nothing for an event that causes no notification', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    const handlers = makeHandlers({ readModel, now });
    const event = delivered('OfferDeclined', 'roadcall.match', offerDeclined);

    // Act
    await handlers.OfferDeclined(event, consumerContext(event));

    // Assess
    expect(readModel.items()).toEqual([]);
  });
});
