// The assignment saga (seed 004 flow 2): the steps, replies, compensations and timeouts are
// declared in the spec (asyncapi/match/service.yaml, x-sagas.assignment); this file gives
// the pure functions: the saga id, its data, and each command's data from it.
import type { Money } from '../../generated';
import type { AssignmentSagaHandlers } from '../../generated/sagas/match';
import { assignmentSagaId } from './board';

export interface AssignmentData {
  offerId: string;
  incidentId: string;
  vendorId: string;
  vendorName?: string;
  driverId: string;
  price: Money;
  etaMinutes: number;
  /** Until when the vendor holds capacity for this job if the saga does not finish. */
  holdUntil: string;
  reservationId?: string;
  authorizationId?: string;
}

/** How long a vendor's reservation holds while the saga runs. */
const HOLD_MINUTES = 10;

type CompensationReason = 'vendor_reservation_failed' | 'payment_authorization_failed' | 'incident_assignment_rejected' | 'incident_cancelled' | 'saga_timeout';

/** Why the saga compensates, in the spec's words, from the engine's reason (lib/saga names the failing reply or the timeout). */
export function compensationReason(reason: string | undefined): CompensationReason {
  if (!reason) return 'saga_timeout';
  if (reason.includes('VendorReservationFailed')) return 'vendor_reservation_failed';
  if (reason.includes('PaymentAuthorizationFailed')) return 'payment_authorization_failed';
  if (reason.includes('IncidentAssignmentRejected')) return 'incident_assignment_rejected';
  if (reason.includes(INCIDENT_CANCELLED)) return 'incident_cancelled';
  return 'saga_timeout';
}

/** The abort reason the consumer gives when the incident is cancelled mid-saga. */
export const INCIDENT_CANCELLED = 'incident cancelled';

/** The saga's pure part: the generated step map (generated/sagas/match.ts) makes every piece required. */
export const assignment: AssignmentSagaHandlers<AssignmentData> = {
  sagaId: (trigger) => assignmentSagaId(trigger.detail.data.offerId),
  init: ({ detail: { data: d } }) => ({
    offerId: d.offerId,
    incidentId: d.incidentId,
    vendorId: d.vendorId,
    ...(d.vendorName ? { vendorName: d.vendorName } : {}),
    driverId: d.driverId,
    price: d.price,
    etaMinutes: d.etaMinutes,
    holdUntil: new Date(Date.parse(d.acceptedAt) + HOLD_MINUTES * 60_000).toISOString(),
  }),
  steps: {
    reserveVendor: {
      command: (d) => ({ sagaId: assignmentSagaId(d.offerId), incidentId: d.incidentId, vendorId: d.vendorId, offerId: d.offerId, holdUntil: d.holdUntil }),
      onVendorReserved: (d, reply) => ({ ...d, reservationId: reply.detail.data.reservationId }),
      compensation: (d, context) => ({
        sagaId: assignmentSagaId(d.offerId),
        incidentId: d.incidentId,
        vendorId: d.vendorId,
        ...(d.reservationId ? { reservationId: d.reservationId } : {}),
        reason: compensationReason(context.reason),
      }),
    },
    authorizePayment: {
      command: (d) => ({ sagaId: assignmentSagaId(d.offerId), incidentId: d.incidentId, driverId: d.driverId, vendorId: d.vendorId, offerId: d.offerId, amount: d.price }),
      onPaymentAuthorized: (d, reply) => ({ ...d, authorizationId: reply.detail.data.authorizationId }),
      compensation: (d, context) => ({
        sagaId: assignmentSagaId(d.offerId),
        incidentId: d.incidentId,
        ...(d.authorizationId ? { authorizationId: d.authorizationId } : {}),
        reason: compensationReason(context.reason),
      }),
    },
    assignIncident: {
      // Both ids are known here: the step runs only after both replies arrived.
      command: (d) => ({
        sagaId: assignmentSagaId(d.offerId),
        incidentId: d.incidentId,
        vendorId: d.vendorId,
        ...(d.vendorName ? { vendorName: d.vendorName } : {}),
        offerId: d.offerId,
        reservationId: d.reservationId ?? '',
        authorizationId: d.authorizationId ?? '',
        agreedPrice: d.price,
        etaMinutes: d.etaMinutes,
      }),
      onIncidentAssigned: (d) => d,
    },
  },
};
