// Where the match service keeps its offers in the read-model table.
import { joinKey } from '../../lib/read-model';

export const offerKey = (offerId: string): { pk: string; sk: string } => ({ pk: joinKey('OFFER', offerId), sk: 'STATE' });
/** The offers of one incident, by rank, through the table's gsi1. */
export const offerByIncidentKey = (incidentId: string, rank: number): { gsi1pk: string; gsi1sk: string } => ({ gsi1pk: joinKey('INCIDENT', incidentId), gsi1sk: joinKey('OFFER', rank) });

/** The matching round of an incident: its id is the incident's (one round per incident). */
export const matchingRequestId = (incidentId: string): string => incidentId;

/** Where a matching round lives in the read-model table. */
export const gatherKey = (requestId: string): { pk: string; sk: string } => ({ pk: joinKey('GATHER', requestId), sk: 'STATE' });
