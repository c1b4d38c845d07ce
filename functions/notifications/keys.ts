// Where the notifications service keeps its rows in the read-model table: beside the
// incident's timeline, so one query shows what happened and what was said.
import { joinKey } from '../../lib/read-model';

export const incidentKey = (incidentId: string): string => joinKey('INCIDENT', incidentId);
/** The `index`-th notification an event caused, in time order. */
export const notificationSortKey = (occurredAt: string, eventId: string, index: number): string => joinKey('NOTIFICATION', occurredAt, eventId, index);
