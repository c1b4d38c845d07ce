import type { DriverVelocity, Payment } from '../../functions/payments/payments';
import type { PaymentStore } from '../../functions/payments/store';
import { readMetadata, type OutgoingEvent } from '../../lib/envelope';
import type { SentReply } from './participant-stores';

// An in-memory stand-in for the payments service's PaymentStore, with the same conditions as
// the DynamoDB one (all or nothing: the payment's status, the driver's counter version, and
// the events' eventIds like the outbox rows), so handler tests can count what was written.
// The contract test (tests/contract/payments-store.test.ts) holds the real store to it.

export function inMemoryPaymentStore(): PaymentStore & { sent: SentReply[]; items: Map<string, Payment>; counters: Map<string, DriverVelocity> } {
  const items = new Map<string, Payment>();
  const counters = new Map<string, DriverVelocity>();
  const sent: SentReply[] = [];
  const ids = new Set<string>();
  const id = (e: OutgoingEvent): string => readMetadata(e.detail).eventId ?? '';
  const commit = (allowed: boolean, events: readonly OutgoingEvent[], apply: () => void): boolean => {
    if (!allowed || events.some((e) => ids.has(id(e)))) return false;
    apply();
    for (const e of events) {
      ids.add(id(e));
      sent.push(e as SentReply);
    }
    return true;
  };
  return {
    sent,
    items,
    counters,
    async find(paymentId) {
      const found = items.get(paymentId);
      return found && structuredClone(found);
    },
    async velocity(driverId) {
      const found = counters.get(driverId);
      return found && structuredClone(found);
    },
    create: async (payment, velocity, events) =>
      commit(!items.has(payment.paymentId) && (counters.get(velocity.driverId)?.version ?? 0) === velocity.version - 1, events, () => {
        items.set(payment.paymentId, structuredClone(payment));
        counters.set(velocity.driverId, structuredClone(velocity));
      }),
    replace: async (payment, from, events) =>
      commit(items.get(payment.paymentId)?.status === from, events, () => {
        items.set(payment.paymentId, structuredClone(payment));
      }),
  };
}
