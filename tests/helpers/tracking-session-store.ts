import type { SessionStore } from '../../functions/tracking/session-store';
import type { TrackingSession } from '../../functions/tracking/sessions';
import { readMetadata, type OutgoingEvent } from '../../lib/envelope';
import type { SentReply } from './participant-stores';

// In-memory stand-in for the tracking session store, with the DynamoDB store's conditions:
// create only when the session is new, update only at the version it was read, each all or
// nothing with its events (keyed by eventId like the outbox rows). The contract test holds
// the real store to the same behaviour.

export type InMemorySessionStore = SessionStore & {
  /** Events written (the outbox), in order. */
  sent: SentReply[];
  items: Map<string, TrackingSession>;
  /** Writes refused (a condition failed). */
  refused: number;
};

export function inMemorySessionStore(): InMemorySessionStore {
  const items = new Map<string, TrackingSession>();
  const sent: SentReply[] = [];
  const ids = new Set<string>();
  const idOf = (e: OutgoingEvent): string => readMetadata(e.detail).eventId ?? '';
  const store: InMemorySessionStore = {
    sent,
    items,
    refused: 0,
    async find(sessionId) {
      const found = items.get(sessionId);
      return found && structuredClone(found);
    },
    async create(session, events) {
      if (items.has(session.sessionId) || events.some((e) => ids.has(idOf(e)))) return refuse();
      return commit(session, events);
    },
    async update(session, events) {
      if (items.get(session.sessionId)?.version !== session.version - 1 || events.some((e) => ids.has(idOf(e)))) return refuse();
      return commit(session, events);
    },
  };
  function refuse(): false {
    store.refused += 1;
    return false;
  }
  function commit(session: TrackingSession, events: readonly OutgoingEvent[]): true {
    items.set(session.sessionId, structuredClone(session));
    for (const e of events) {
      ids.add(idOf(e));
      sent.push(e as SentReply);
    }
    return true;
  }
  return store;
}
