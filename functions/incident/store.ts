// The incident aggregate in the event store: load = fold the stored events; save = append
// the new events with their outbox rows in one transaction (lib/event-store), at the
// version the decision was made on. A concurrent writer makes the append fail with a
// ConcurrencyError: the decision is made again on the new state, a few times.
import { incidentPublisher, type EventContext } from '../../generated';
import { clients } from '../../lib/clients';
import { requireEnv } from '../../lib/config';
import { ConcurrencyError, createEventStore, type EventStore } from '../../lib/event-store';
import { fold, type Incident, type IncidentEvent } from './domain';

const AGGREGATE = 'Incident';
export const MAX_DECISION_ATTEMPTS = 4;

let store: EventStore | undefined;
const eventStore = (): EventStore =>
  (store ??= createEventStore({ doc: clients.dynamoDbDocument(), table: requireEnv('EVENT_STORE_TABLE'), outboxTable: requireEnv('OUTBOX_TABLE') }));

export interface Loaded {
  state: Incident | undefined;
  events: { type: string; version: number; occurredAt: string; eventId: string }[];
}

export async function loadIncident(incidentId: string): Promise<Loaded> {
  const stored = await eventStore().load(incidentId);
  const events = stored.map((e) => ({ type: e.detailType, data: (e.detail as { data: unknown }).data }) as IncidentEvent);
  return { state: fold(events), events: stored.map((e) => ({ type: e.detailType, version: e.version, occurredAt: e.occurredAt, eventId: e.eventId })) };
}

/**
 * Runs `decide` on the current state and appends what it returns, retrying on a version
 * conflict. Returns the appended events (none when the decision was "nothing to do").
 */
export async function decide(incidentId: string, context: EventContext, decision: (state: Incident | undefined) => IncidentEvent[]): Promise<IncidentEvent[]> {
  for (let attempt = 1; ; attempt++) {
    const { state } = await loadIncident(incidentId);
    const events = decision(state);
    if (!events.length) return [];
    const version = state?.version ?? 0;
    const built = events.map((e, i) => {
      const build = incidentPublisher[e.type] as (data: unknown, ctx: EventContext) => ReturnType<(typeof incidentPublisher)['IncidentCreated']>;
      return build(e.data, { ...context, aggregateId: incidentId, sequence: version + i + 1 });
    });
    try {
      await eventStore().append({ aggregateId: incidentId, aggregateType: AGGREGATE, expectedVersion: version, events: built });
      return events;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_DECISION_ATTEMPTS) throw error;
    }
  }
}
