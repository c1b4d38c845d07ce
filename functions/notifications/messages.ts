// Which notifications an event causes, and their text: plain functions, no AWS. The
// notifications service records them (a real deployment would hand them to push/SMS/email
// providers); this is the whole decision.
//
// Selection rules (seed 004: vendors hear about offers, drivers about their incident and
// payment; tests/unit/notifications.test.ts):
// - one notification per event and recipient, on the channel that fits it;
// - an event tells the party it concerns: offers the vendor (an accepted one the driver too),
//   incident and tracking events the driver, a completed payment both;
// - IncidentStatusChanged texts the driver only for the statuses no other event announces
//   (matching, offered, in_progress, cancelled): assigned, en_route, arrived, completed and
//   escalated have their own message (IncidentAssigned, TrackingStarted, VendorArrived,
//   WorkCompleted, IncidentEscalated), so the driver is not told twice;
// - PaymentApproved tells the driver only of a back-office approval (an automatic one comes
//   with PaymentCreated, which already said the amount);
// - PaymentFlagged goes to the back office's review inbox, never to the driver;
// - an event without the party's id (an older event version) tells nobody.
import type { NotificationsQueueEvents } from '../../generated';

export interface Notification {
  channel: 'push' | 'sms' | 'email';
  /** vendor:<id>, driver:<id> or backoffice:<inbox> (ids, never a phone number or an address: the provider looks them up). */
  recipient: string;
  /** The message template, `<event>.<audience>`: what a provider would render, in the recipient's language. */
  template: string;
  text: string;
}

const usd = (m: { amountCents: number; currency: string }): string => `${(m.amountCents / 100).toFixed(2)} ${m.currency}`;
const label = (s: string): string => s.replace(/_/g, ' ');
const AUTO_APPROVER = 'auto';
/** The back office's inbox for payments held for review. */
export const REVIEW_INBOX = 'backoffice:payments-review';

/** Statuses announced by their own event's notification, so their IncidentStatusChanged sends none. */
export const ANNOUNCED_ELSEWHERE: ReadonlySet<string> = new Set(['assigned', 'en_route', 'arrived', 'completed', 'escalated']);

type Data<K extends keyof NotificationsQueueEvents> = NotificationsQueueEvents[K]['data'];

/** One entry per detail-type the notifications queue receives: the compiler keeps it exhaustive. */
export const notificationsFor: { [K in keyof NotificationsQueueEvents]: (data: Data<K>) => Notification[] } = {
  OfferCreated: (d) => [{ channel: 'push', recipient: `vendor:${d.vendorId}`, template: 'offer.created.vendor', text: `New job: ${label(d.problemType)}, ${d.distanceKm ?? '?'} km away, ${usd(d.price)}, ETA ${d.etaMinutes} min. Accept by ${d.expiresAt}.` }],
  OfferAccepted: (d) => [
    { channel: 'push', recipient: `vendor:${d.vendorId}`, template: 'offer.accepted.vendor', text: `You accepted the job for ${usd(d.price)}. We are confirming it with the driver.` },
    { channel: 'sms', recipient: `driver:${d.driverId}`, template: 'offer.accepted.driver', text: `Help is confirmed: a technician accepted your request, ETA ${d.etaMinutes} min.` },
  ],
  OfferDeclined: (d) => [{ channel: 'push', recipient: `vendor:${d.vendorId}`, template: 'offer.declined.vendor', text: `You declined the job (${label(d.reason)}).` }],
  OfferExpired: (d) => [{ channel: 'push', recipient: `vendor:${d.vendorId}`, template: 'offer.expired.vendor', text: 'The job offer expired.' }],
  IncidentStatusChanged: (d) =>
    ANNOUNCED_ELSEWHERE.has(d.status) ? [] : [{ channel: 'sms', recipient: `driver:${d.driverId}`, template: `incident.${d.status}.driver`, text: `Your request is now ${label(d.status)}${d.reason ? ` (${label(d.reason)})` : ''}.` }],
  IncidentAssigned: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, template: 'incident.assigned.driver', text: `${d.vendorName ?? 'A technician'} is assigned to your request. Agreed price ${usd(d.agreedPrice)}.` }],
  IncidentEscalated: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, template: 'incident.escalated.driver', text: 'No vendor could take your request yet: a dispatcher is finding help for you now.' }],
  IncidentAssignmentRejected: (d) => [{ channel: 'push', recipient: `vendor:${d.vendorId}`, template: 'assignment.rejected.vendor', text: `The job is off (${label(d.reason)}): do not set out. Your reservation is released.` }],
  TrackingStarted: (d) => [{ channel: 'push', recipient: `driver:${d.driverId}`, template: 'tracking.started.driver', text: `Your technician is on the way${d.etaMinutes === undefined ? '' : `, ETA ${d.etaMinutes} min`}. Follow them live in the app.` }],
  TrackingUpdated: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, template: 'tracking.near.driver', text: `Your technician is ${d.etaMinutes} min away.` }],
  VendorArrived: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, template: 'vendor.arrived.driver', text: 'Your technician has arrived.' }],
  WorkCompleted: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, template: 'work.completed.driver', text: `All done (${label(d.outcome)}). How was the service? Rate it in the app.` }],
  PaymentCreated: (d) => [{ channel: 'email', recipient: `driver:${d.driverId}`, template: d.requiresApproval ? 'payment.pending.driver' : 'payment.created.driver', text: `Payment of ${usd(d.amount)} created${d.requiresApproval ? ', awaiting approval' : ''}.` }],
  PaymentApproved: (d) => (d.driverId && d.approvedBy !== AUTO_APPROVER ? [{ channel: 'email', recipient: `driver:${d.driverId}`, template: 'payment.approved.driver', text: `Your payment of ${usd(d.amount)} is approved and will be charged now.` }] : []),
  PaymentCompleted: (d) => [
    { channel: 'email', recipient: `driver:${d.driverId}`, template: 'payment.completed.driver', text: `Receipt: ${usd(d.amount)} paid.` },
    { channel: 'push', recipient: `vendor:${d.vendorId}`, template: 'payment.payout.vendor', text: `Payout of ${usd(d.amount)} on its way for the job.` },
  ],
  PaymentFailed: (d) => [
    {
      channel: 'sms',
      recipient: `driver:${d.driverId}`,
      // canRetry: the card is fine, the processor was not (the capture already tried again); the driver may retry later.
      template: d.canRetry ? 'payment.failed-retryable.driver' : 'payment.failed.driver',
      text: d.canRetry ? `Your payment of ${usd(d.amount)} could not be taken (${d.failureMessage}). Nothing was charged: retry from the app later.` : `Your payment of ${usd(d.amount)} failed: ${d.failureMessage}. Update your payment method in the app.`,
    },
  ],
  PaymentFlagged: (d) => [{ channel: 'email', recipient: REVIEW_INBOX, template: 'payment.flagged.backoffice', text: `Payment ${d.paymentId} of ${usd(d.amount)} held for review (risk ${d.riskScore}: ${d.reasons.map(label).join(', ')}).` }],
  // Payments sets driverId; without it there is nobody to tell (the saga releases the vendor either way).
  PaymentAuthorizationFailed: (d) => (d.driverId ? [{ channel: 'sms', recipient: `driver:${d.driverId}`, template: 'payment.authorization-failed.driver', text: `Your payment method could not be authorized (${label(d.reason)}). Update it in the app to get help.` }] : []),
};
