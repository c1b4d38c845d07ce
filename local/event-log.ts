/**
 * Recent bus traffic of the local cloud, for `GET /local/events` (the demo, tail and console
 * read it): a bounded in-memory log, filterable by correlation id and time.
 */
import type { EventBridgeEvent } from './eventbridge/types';

export interface LoggedEvent {
  at: number;
  bus: string;
  rules: string[];
  event: EventBridgeEvent;
}

/** Entries kept; older ones are dropped first. */
const CAPACITY = 20_000;

export class EventLog {
  private readonly entries: LoggedEvent[] = [];

  record(entry: Omit<LoggedEvent, 'at'>): void {
    this.entries.push({ at: Date.now(), ...entry });
    if (this.entries.length > CAPACITY) this.entries.splice(0, this.entries.length - CAPACITY);
  }

  /** Events seen on the buses, oldest first, optionally of one correlation id or after a time. */
  recent(filter: { correlationId?: string; since?: number } = {}): LoggedEvent[] {
    return this.entries.filter((e) => {
      if (filter.since !== undefined && e.at < filter.since) return false;
      if (!filter.correlationId) return true;
      const metadata = (e.event.detail as { metadata?: { correlationId?: unknown } } | null)?.metadata;
      return metadata?.correlationId === filter.correlationId;
    });
  }
}
