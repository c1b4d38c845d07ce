import type { Authorization, AuthorizationStatus } from '../../functions/payments/authorizations';
import type { AuthorizationStore } from '../../functions/payments/store';
import type { Reservation } from '../../functions/vendor/reservations';
import type { ReservationStore } from '../../functions/vendor/store';
import { readMetadata, type OutgoingEvent } from '../../lib/envelope';

// In-memory stand-ins for the saga participants' DynamoDB stores, with the same conditions
// (all or nothing, replies keyed by eventId like the outbox rows), so handler tests can
// count what was held and what was answered. The contract tests hold the real stores to it.

/** A reply as written: every participant reply is a spec envelope. */
export type SentReply = OutgoingEvent & { detail: { metadata: Record<string, unknown>; data: Record<string, unknown> } };

/** The replies written (the outbox), in order. */
interface Outbox {
  sent: SentReply[];
  /** Adds the reply unless its eventId is there; false when it is (the transaction would be cancelled). */
  fits(reply: OutgoingEvent | undefined): boolean;
  add(reply: OutgoingEvent | undefined): void;
}

function outbox(): Outbox {
  const sent: SentReply[] = [];
  const ids = new Set<string>();
  const id = (e: OutgoingEvent): string => readMetadata(e.detail).eventId ?? '';
  return {
    sent,
    fits: (reply) => !reply || !ids.has(id(reply)),
    add: (reply) => {
      if (!reply) return;
      ids.add(id(reply));
      sent.push(reply as SentReply);
    },
  };
}

export function inMemoryReservationStore(): ReservationStore & { sent: SentReply[]; active: Map<string, number>; items: Map<string, Reservation> } {
  const items = new Map<string, Reservation>();
  const active = new Map<string, number>();
  const out = outbox();
  const key = (r: { incidentId: string; reservationId: string }): string => `${r.incidentId}|${r.reservationId}`;
  return {
    sent: out.sent,
    active,
    items,
    async find(incidentId, reservationId) {
      const found = items.get(key({ incidentId, reservationId }));
      return found && { ...found };
    },
    async heldFor(incidentId) {
      return [...items.values()].filter((r) => r.incidentId === incidentId && r.status === 'HELD').map((r) => ({ ...r }));
    },
    async hold(reservation, capacity, reply) {
      if (items.has(key(reservation)) || !out.fits(reply)) return 'exists';
      if ((active.get(reservation.vendorId) ?? 0) >= capacity) return 'full';
      active.set(reservation.vendorId, (active.get(reservation.vendorId) ?? 0) + 1);
      items.set(key(reservation), { ...reservation });
      out.add(reply);
      return 'held';
    },
    async record(reservation, reply) {
      if (items.has(key(reservation)) || !out.fits(reply)) return false;
      items.set(key(reservation), { ...reservation });
      out.add(reply);
      return true;
    },
    async release(reservation, releasedAt, reply) {
      const current = items.get(key(reservation));
      if (current?.status !== 'HELD' || !out.fits(reply) || !(active.get(reservation.vendorId) ?? 0)) return false;
      items.set(key(reservation), { ...current, status: 'RELEASED', releasedAt });
      active.set(reservation.vendorId, (active.get(reservation.vendorId) ?? 0) - 1);
      out.add(reply);
      return true;
    },
    async reply(reply) {
      if (!out.fits(reply)) return false;
      out.add(reply);
      return true;
    },
  };
}

export function inMemoryAuthorizationStore(): AuthorizationStore & { sent: SentReply[]; items: Map<string, Authorization> } {
  const items = new Map<string, Authorization>();
  const out = outbox();
  const write = (authorization: Authorization, allowed: boolean, reply: OutgoingEvent | undefined): boolean => {
    if (!allowed || !out.fits(reply)) return false;
    items.set(authorization.sagaId, { ...authorization });
    out.add(reply);
    return true;
  };
  return {
    sent: out.sent,
    items,
    async find(sagaId) {
      const found = items.get(sagaId);
      return found && { ...found };
    },
    async forIncident(incidentId) {
      return [...items.values()].filter((a) => a.incidentId === incidentId).map((a) => ({ ...a }));
    },
    create: async (authorization, reply) => write(authorization, !items.has(authorization.sagaId), reply),
    replace: async (authorization, from: AuthorizationStatus, reply) => write(authorization, items.get(authorization.sagaId)?.status === from, reply),
    async reply(reply) {
      if (!out.fits(reply)) return false;
      out.add(reply);
      return true;
    },
  };
}
