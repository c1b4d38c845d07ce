// Where the match service keeps its offers in the read-model table.
import { joinKey } from '../../lib/read-model';

export const offerKey = (offerId: string): { pk: string; sk: string } => ({ pk: joinKey('OFFER', offerId), sk: 'STATE' });
/** The offers of one incident, by rank, through the table's gsi1. */
export const offerByIncidentKey = (incidentId: string, rank: number): { gsi1pk: string; gsi1sk: string } => ({ gsi1pk: joinKey('INCIDENT', incidentId), gsi1sk: joinKey('OFFER', rank) });
