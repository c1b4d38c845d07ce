import type { IncidentAssignmentRejectedData, IncidentEscalatedData, IncidentStatus, IncidentStatusChangedData, OfferCreatedData, OfferDeclinedData, PaymentApprovedData, PaymentAuthorizationFailedData, PaymentCompletedData, PaymentFailedData, PaymentFlaggedData, TrackingStartedData } from '../../generated';
import { makeHandlers } from '../../functions/notifications/consumer';
import { ANNOUNCED_ELSEWHERE, notificationsFor, REVIEW_INBOX } from '../../functions/notifications/messages';
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
const statusChanged: IncidentStatusChangedData = { incidentId: 'inc-1', driverId: 'drv-1', previousStatus: 'arrived', status: 'in_progress', changedBy: 'vendor', reason: 'work_started', changedAt: '2025-03-14T09:12:04Z' };
const offerDeclined: OfferDeclinedData = { offerId: 'off-1', incidentId: 'inc-1', vendorId: 'ven-7', reason: 'too_far', declinedAt: '2025-03-14T09:13:00Z' };

describe('notificationsFor', () => {
  it('tells the vendor about a new job: problem, distance, price, ETA and deadline', () => {
    // Act
    const notifications = notificationsFor.OfferCreated(offerCreated);

    // Assess
    expect(notifications).toEqual([{ channel: 'push', recipient: 'vendor:ven-7', template: 'offer.created.vendor', text: 'New job: flat tire, 3.2 km away, 89.50 USD, ETA 12 min. Accept by 2025-03-14T09:14:04Z.' }]);
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
    expect(notificationsFor.IncidentStatusChanged(statusChanged)).toEqual([{ channel: 'sms', recipient: 'driver:drv-1', template: 'incident.in_progress.driver', text: 'Your request is now in progress (work started).' }]);
    const { reason: _none, ...noReason } = statusChanged;
    expect(notificationsFor.IncidentStatusChanged(noReason)[0]?.text).toBe('Your request is now in progress.');
  });

  it('texts a status change only when no other event announces it, so the driver is not told twice', () => {
    // Prepare
    const all: IncidentStatus[] = ['new', 'matching', 'offered', 'assigned', 'en_route', 'arrived', 'in_progress', 'completed', 'cancelled', 'escalated'];

    // Act
    const told = all.filter((status) => notificationsFor.IncidentStatusChanged({ ...statusChanged, status }).length > 0);

    // Assess
    expect(told).toEqual(['new', 'matching', 'offered', 'in_progress', 'cancelled']);
    expect([...ANNOUNCED_ELSEWHERE].sort()).toEqual(['arrived', 'assigned', 'completed', 'en_route', 'escalated']);
  });

  it('acknowledges a declined offer to its vendor, with the reason', () => {
    expect(notificationsFor.OfferDeclined(offerDeclined)).toEqual([{ channel: 'push', recipient: 'vendor:ven-7', template: 'offer.declined.vendor', text: 'You declined the job (too far).' }]);
  });

  it('tells the driver the technician set out, with the ETA when tracking has one', () => {
    // Prepare
    const started: TrackingStartedData = { trackingSessionId: 'trk-1', incidentId: 'inc-1', driverId: 'drv-1', vendorId: 'ven-7', destination: { lat: 40.7, lon: -74 }, etaMinutes: 14, startedAt: '2025-03-14T09:13:01Z' };
    const { etaMinutes: _eta, ...withoutEta } = started;

    // Act
    const [withEta] = notificationsFor.TrackingStarted(started);
    const [noEta] = notificationsFor.TrackingStarted(withoutEta);

    // Assess
    expect(withEta).toEqual({ channel: 'push', recipient: 'driver:drv-1', template: 'tracking.started.driver', text: 'Your technician is on the way, ETA 14 min. Follow them live in the app.' });
    expect(noEta?.text).toBe('Your technician is on the way. Follow them live in the app.');
  });

  it('texts the driver why a payment failed', () => {
    // Prepare
    const failed: PaymentFailedData = { paymentId: 'pay-1', incidentId: 'inc-1', driverId: 'drv-1', amount: { amountCents: 12000, currency: 'USD' }, failureCode: 'CARD_DECLINED', failureMessage: 'card declined', canRetry: false, attempt: 1, failedAt: '2025-03-14T10:00:00Z' };

    // Act
    const notifications = notificationsFor.PaymentFailed(failed);

    // Assess
    expect(notifications).toEqual([{ channel: 'sms', recipient: 'driver:drv-1', template: 'payment.failed.driver', text: 'Your payment of 120.00 USD failed: card declined. Update your payment method in the app.' }]);
    // The processor was down (the capture retried already): the card is fine, the driver may retry later.
    const [retryable] = notificationsFor.PaymentFailed({ ...failed, failureCode: 'PROCESSOR_UNAVAILABLE', failureMessage: 'processor unavailable (3 attempts)', canRetry: true, attempt: 3 });
    expect(retryable).toMatchObject({ template: 'payment.failed-retryable.driver', text: expect.stringContaining('Nothing was charged') });
  });

  it('tells the driver of a back-office approval only, and nobody without a driver id', () => {
    // Prepare
    const approved: PaymentApprovedData = { paymentId: 'pay-1', incidentId: 'inc-1', driverId: 'drv-1', amount: { amountCents: 75000, currency: 'USD' }, approvedBy: 'ops-ana', approvedAt: '2025-03-14T10:00:00Z' };
    const { driverId: _older, ...olderEvent } = approved;

    // Act / Assess
    expect(notificationsFor.PaymentApproved(approved)).toEqual([{ channel: 'email', recipient: 'driver:drv-1', template: 'payment.approved.driver', text: 'Your payment of 750.00 USD is approved and will be charged now.' }]);
    expect(notificationsFor.PaymentApproved({ ...approved, approvedBy: 'auto' })).toEqual([]);
    expect(notificationsFor.PaymentApproved(olderEvent)).toEqual([]);
  });

  it('sends the receipt to the driver and the payout notice to the vendor', () => {
    const completed: PaymentCompletedData = { paymentId: 'pay-1', incidentId: 'inc-1', driverId: 'drv-1', vendorId: 'ven-7', amount: { amountCents: 9050, currency: 'USD' }, processorTransactionId: 'tx-1', completedAt: '2025-03-14T10:00:00Z' };
    expect(notificationsFor.PaymentCompleted(completed).map((n) => [n.channel, n.recipient, n.template])).toEqual([
      ['email', 'driver:drv-1', 'payment.completed.driver'],
      ['push', 'vendor:ven-7', 'payment.payout.vendor'],
    ]);
  });

  it('puts a flagged payment in the back office\'s review inbox, never the driver\'s', () => {
    const flagged: PaymentFlaggedData = { paymentId: 'pay-1', incidentId: 'inc-1', driverId: 'drv-1', amount: { amountCents: 90000, currency: 'USD' }, riskScore: 80, reasons: ['amount_above_threshold', 'velocity'], reviewRequired: true, flaggedAt: '2025-03-14T10:00:00Z' };
    expect(notificationsFor.PaymentFlagged(flagged)).toEqual([{ channel: 'email', recipient: REVIEW_INBOX, template: 'payment.flagged.backoffice', text: 'Payment pay-1 of 900.00 USD held for review (risk 80: amount above threshold, velocity).' }]);
  });
});

describe('notificationsFor, assignment saga outcomes', () => {
  it('texts the driver that a dispatcher is finding help when the incident is escalated', () => {
    // Prepare
    const escalated: IncidentEscalatedData = { incidentId: 'inc-1', driverId: 'drv-1', previousStatus: 'matching', reason: 'no_vendor_accepted', escalatedAt: '2025-03-14T09:20:00Z' };

    // Act
    const notifications = notificationsFor.IncidentEscalated(escalated);

    // Assess
    expect(notifications).toEqual([{ channel: 'sms', recipient: 'driver:drv-1', template: 'incident.escalated.driver', text: expect.stringContaining('a dispatcher is finding help') }]);
  });

  it('tells the vendor the job is off, and why, when the assignment is rejected', () => {
    // Prepare
    const rejected: IncidentAssignmentRejectedData = { sagaId: 'saga-1', incidentId: 'inc-1', vendorId: 'ven-7', reason: 'incident_cancelled', rejectedAt: '2025-03-14T09:20:00Z' };

    // Act
    const notifications = notificationsFor.IncidentAssignmentRejected(rejected);

    // Assess
    expect(notifications).toEqual([{ channel: 'push', recipient: 'vendor:ven-7', template: 'assignment.rejected.vendor', text: expect.stringMatching(/^The job is off \(incident cancelled\)/) }]);
  });

  it('asks the driver to update the payment method when the authorization failed, and tells nobody without a driver', () => {
    // Prepare
    const failed: PaymentAuthorizationFailedData = { sagaId: 'saga-1', incidentId: 'inc-1', driverId: 'drv-1', reason: 'insufficient_funds', canRetry: true, failedAt: '2025-03-14T09:20:00Z' };
    const { driverId: _unknown, ...withoutDriver } = failed;

    // Act
    const notifications = notificationsFor.PaymentAuthorizationFailed(failed);

    // Assess
    expect(notifications).toEqual([{ channel: 'sms', recipient: 'driver:drv-1', template: 'payment.authorization-failed.driver', text: expect.stringContaining('(insufficient funds). Update it in the app') }]);
    expect(notificationsFor.PaymentAuthorizationFailed(withoutDriver)).toEqual([]);
  });
});

describe('notifications handlers (in-memory read model)', () => {
  const now = () => '2025-03-14T09:12:05.000Z';

  it('records both recipients of an event once each, indexed in the event\'s key', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    const handlers = makeHandlers({ readModel, now });
    const completed: PaymentCompletedData = { paymentId: 'pay-1', incidentId: 'inc-1', driverId: 'drv-1', vendorId: 'ven-7', amount: { amountCents: 9050, currency: 'USD' }, processorTransactionId: 'tx-1', completedAt: '2025-03-14T10:00:00Z' };
    const event = delivered('PaymentCompleted', 'roadcall.payment', completed, { eventId: 'evt-p', occurredAt: '2025-03-14T10:00:00.000Z' });

    // Act
    await handlers.PaymentCompleted(event, consumerContext(event));
    await handlers.PaymentCompleted(event, consumerContext(event));

    // Assess
    expect(readModel.items().map((n) => [n['sk'], n['recipient']])).toEqual([
      ['NOTIFICATION#2025-03-14T10:00:00.000Z#evt-p#0', 'driver:drv-1'],
      ['NOTIFICATION#2025-03-14T10:00:00.000Z#evt-p#1', 'vendor:ven-7'],
    ]);
  });

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
        template: 'offer.created.vendor',
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
    const event = delivered('IncidentStatusChanged', 'roadcall.incident', { ...statusChanged, status: 'arrived' as const });

    // Act
    await handlers.IncidentStatusChanged(event, consumerContext(event));

    // Assess
    expect(readModel.items()).toEqual([]);
  });
});
