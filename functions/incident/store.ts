// The incident aggregate in the event store: load = fold the stored events; decide = run a
// decision on the state and append its events with their outbox rows in one transaction,
// again on a version conflict (lib/event-store createAggregate).
import * as incidentEvents from '../../generated/publishers/incident';
import { clients } from '../../lib/clients';
import { createAggregate, createAggregateReader, createEventStore, type Aggregate, type AggregateReader, type EventStore } from '../../lib/event-store';
import { config } from './config';
import { fold, type Incident, type IncidentEvent } from './domain';

export type Incidents = Aggregate<Incident, IncidentEvent>;

/** The incident aggregate over `store`. */
export function createIncidents(store: EventStore | (() => EventStore)): Incidents {
  return createAggregate<Incident, IncidentEvent>({ store, aggregateType: 'Incident', fold, builders: incidentEvents });
}

/** The incident's state and events, for read-only callers (no event builders bundled). */
export function createIncidentReader(store: EventStore | (() => EventStore)): AggregateReader<Incident> {
  return createAggregateReader<Incident, IncidentEvent>({ store, fold });
}

let store: EventStore | undefined;
/** The deployed event store, built on first use. */
export const eventStore = (): EventStore => (store ??= createEventStore({ doc: clients.dynamoDbDocument(), table: config().eventStoreTable, outboxTable: config().outboxTable }));
