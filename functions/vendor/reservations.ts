// Vendor reservations for the assignment saga: plain functions, no AWS. Whether a vendor can
// be held, and the saga replies. Ids derive from the saga, so a duplicate command (or a
// compensation sent again) lands on the same reservation and the same reply eventId.
import type { EventContext, ReleaseVendorData, ReserveVendorData } from '../../generated';
import * as vendorEvents from '../../generated/publishers/vendor';
import { nameUuid } from '../../lib/ids';
import type { DirectoryVendor } from './directory';

/** Namespace of the vendor service's derived ids (a fixed random UUID). */
export const VENDOR_NAMESPACE = '8c4b1d2e-6f0a-4b7e-a3d9-5e2c7f8b1a46';

export type ReservationStatus = 'HELD' | 'FAILED' | 'RELEASED';

/** One reservation per saga: HELD capacity, a FAILED attempt, or RELEASED (also when nothing was ever held). */
export interface Reservation {
  reservationId: string;
  sagaId: string;
  incidentId: string;
  vendorId: string;
  status: ReservationStatus;
  /** True while (HELD) or after (RELEASED) it counted against the vendor's capacity. */
  held: boolean;
  holdUntil?: string;
  decidedAt: string;
  releasedAt?: string;
}

export type FailureReason = vendorEvents.VendorSends['VendorReservationFailed']['data']['reason'];
export type ReserveDecision = { ok: true; capacity: number } | { ok: false; reason: FailureReason; message: string };

export type VendorReply = ReturnType<typeof vendorEvents.VendorReserved> | ReturnType<typeof vendorEvents.VendorReservationFailed> | ReturnType<typeof vendorEvents.VendorReleased>;

/** The reservation of a saga (one per saga: a saga reserves one vendor). */
export const reservationIdOf = (sagaId: string): string => nameUuid(VENDOR_NAMESPACE, 'reservation', sagaId);

/** Can `vendor` be held for the command? Capacity itself is checked by the store, atomically. */
export function decideReservation(vendor: DirectoryVendor | undefined, command: Pick<ReserveVendorData, 'vendorId' | 'problemType'>): ReserveDecision {
  if (!vendor) return { ok: false, reason: 'vendor_not_found', message: `No vendor ${command.vendorId} in the directory.` };
  if (!vendor.available) return { ok: false, reason: 'vendor_unavailable', message: `${vendor.name} takes no work at the moment.` };
  if (command.problemType && !vendor.services.includes(command.problemType)) return { ok: false, reason: 'vendor_unavailable', message: `${vendor.name} does not handle ${command.problemType}.` };
  return { ok: true, capacity: vendor.capacity };
}

/** The reservation a command asks for, before it is decided. */
export function reservationFor(command: ReserveVendorData, status: ReservationStatus, now: string): Reservation {
  return { reservationId: reservationIdOf(command.sagaId), sagaId: command.sagaId, incidentId: command.incidentId, vendorId: command.vendorId, status, held: status === 'HELD', holdUntil: command.holdUntil, decidedAt: now };
}

/** What a ReleaseVendor that finds no reservation stores, so a ReserveVendor arriving after it holds nothing. */
export function releasedUnheld(command: ReleaseVendorData, now: string): Reservation {
  return { reservationId: reservationIdOf(command.sagaId), sagaId: command.sagaId, incidentId: command.incidentId, vendorId: command.vendorId, status: 'RELEASED', held: false, decidedAt: now, releasedAt: now };
}

const replyContext = (reply: string, sagaId: string, cause: EventContext, now: string): EventContext => ({ ...cause, eventId: nameUuid(VENDOR_NAMESPACE, reply, sagaId), occurredAt: now });

export function reservedReply(r: Reservation, cause: EventContext, now: string): VendorReply {
  return vendorEvents.VendorReserved(
    { sagaId: r.sagaId, incidentId: r.incidentId, vendorId: r.vendorId, reservationId: r.reservationId, reservedUntil: r.holdUntil ?? now },
    { ...replyContext('VendorReserved', r.sagaId, cause, now), aggregateId: r.reservationId, sequence: 1 },
  );
}

export function failedReply(command: ReserveVendorData, reason: FailureReason, message: string, cause: EventContext, now: string): VendorReply {
  // No reservation exists, so the reply is about no aggregate (as in the spec's example).
  return vendorEvents.VendorReservationFailed({ sagaId: command.sagaId, incidentId: command.incidentId, vendorId: command.vendorId, reason, message, failedAt: now }, replyContext('VendorReservationFailed', command.sagaId, cause, now));
}

/** VendorReleased: once per saga, whether capacity was freed now, earlier, or never held. */
export function releasedReply(command: ReleaseVendorData, wasHeld: boolean, cause: EventContext, now: string): VendorReply {
  const data = { sagaId: command.sagaId, incidentId: command.incidentId, vendorId: command.vendorId, reservationId: reservationIdOf(command.sagaId), releasedAt: now };
  const context = replyContext('VendorReleased', command.sagaId, cause, now);
  return vendorEvents.VendorReleased(data, wasHeld ? { ...context, aggregateId: data.reservationId, sequence: 2 } : context);
}
