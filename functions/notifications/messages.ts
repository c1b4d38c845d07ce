// Which notifications an event causes, and their text: plain functions, no AWS. The
// notifications service records them (a real deployment would hand them to push/SMS
// providers); this is the whole decision.
import type { NotificationsQueueEvents } from '../../generated';

export interface Notification {
  channel: 'push' | 'sms' | 'email';
  /** vendor:<id> or driver:<id> */
  recipient: string;
  text: string;
}

const usd = (m: { amountCents: number; currency: string }): string => `${(m.amountCents / 100).toFixed(2)} ${m.currency}`;
const label = (s: string): string => s.replace(/_/g, ' ');

type Data<K extends keyof NotificationsQueueEvents> = NotificationsQueueEvents[K]['data'];

/** One entry per detail-type the notifications queue receives: the compiler keeps it exhaustive. */
export const notificationsFor: { [K in keyof NotificationsQueueEvents]: (data: Data<K>) => Notification[] } = {
  OfferCreated: (d) => [{ channel: 'push', recipient: `vendor:${d.vendorId}`, text: `New job: ${label(d.problemType)}, ${d.distanceKm ?? '?'} km away, ${usd(d.price)}, ETA ${d.etaMinutes} min. Accept by ${d.expiresAt}.` }],
  OfferAccepted: (d) => [{ channel: 'push', recipient: `vendor:${d.vendorId}`, text: `You accepted the job for ${usd(d.price)}. We are confirming it with the driver.` }],
  OfferDeclined: () => [],
  OfferExpired: (d) => [{ channel: 'push', recipient: `vendor:${d.vendorId}`, text: 'The job offer expired.' }],
  IncidentStatusChanged: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, text: `Your request is now ${label(d.status)}${d.reason ? ` (${label(d.reason)})` : ''}.` }],
  IncidentAssigned: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, text: `${d.vendorName ?? 'A technician'} is on the way. Agreed price ${usd(d.agreedPrice)}.` }],
  IncidentEscalated: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, text: 'No vendor could take your request yet: a dispatcher is finding help for you now.' }],
  IncidentAssignmentRejected: (d) => [{ channel: 'push', recipient: `vendor:${d.vendorId}`, text: `The job is off (${label(d.reason)}): do not set out. Your reservation is released.` }],
  WorkCompleted: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, text: `All done (${label(d.outcome)}). How was the service? Rate it in the app.` }],
  VendorArrived: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, text: 'Your technician has arrived.' }],
  PaymentCreated: (d) => [{ channel: 'email', recipient: `driver:${d.driverId}`, text: `Payment of ${usd(d.amount)} created${d.requiresApproval ? ', awaiting approval' : ''}.` }],
  PaymentApproved: () => [],
  PaymentCompleted: (d) => [{ channel: 'email', recipient: `driver:${d.driverId}`, text: `Receipt: ${usd(d.amount)} paid.` }],
  PaymentFailed: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, text: `Your payment of ${usd(d.amount)} failed: ${d.failureMessage}` }],
  // Payments sets driverId; without it there is nobody to tell (the saga releases the vendor either way).
  PaymentAuthorizationFailed: (d) => (d.driverId ? [{ channel: 'sms', recipient: `driver:${d.driverId}`, text: `Your payment method could not be authorized (${label(d.reason)}). Update it in the app to get help.` }] : []),
  TrackingUpdated: (d) => [{ channel: 'sms', recipient: `driver:${d.driverId}`, text: `Your technician is ${d.etaMinutes} min away.` }],
};
