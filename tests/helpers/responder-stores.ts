import type { AvailabilityStore } from '../../functions/vendor/availability-store';
import { readMetadata, type OutgoingEvent } from '../../lib/envelope';
import type { SentReply } from './participant-stores';

// In-memory stand-ins for what the scatter-gather responders write: the answer's outbox row
// (keyed by eventId like the real rows, so an answer written twice is refused), and the
// vendor service's capacity counters.

export interface InMemoryReplies {
  /** The answers written (the outbox), in order. */
  sent: SentReply[];
  /** Writes the answer unless its eventId is there (false then, as the outbox's conditional put). */
  reply(answer: OutgoingEvent): Promise<boolean>;
}

export function inMemoryReplies(): InMemoryReplies {
  const sent: SentReply[] = [];
  const ids = new Set<string>();
  return {
    sent,
    async reply(answer) {
      const id = readMetadata(answer.detail).eventId ?? '';
      if (ids.has(id)) return false;
      ids.add(id);
      sent.push(answer as SentReply);
      return true;
    },
  };
}

/** The vendor service's availability store: `active` jobs per vendor id (set it to fill a vendor), and the vendor ids each read asked for. */
export function inMemoryAvailabilityStore(active = new Map<string, number>()): AvailabilityStore & InMemoryReplies & { active: Map<string, number>; reads: string[][] } {
  const replies = inMemoryReplies();
  const reads: string[][] = [];
  return {
    ...replies,
    active,
    reads,
    async activeJobs(vendorIds) {
      reads.push([...vendorIds]);
      return new Map(vendorIds.flatMap((id) => (active.has(id) ? [[id, active.get(id) as number] as const] : [])));
    },
  };
}
