// Where the query side keeps its rows in ProjectViewsTable.
import { joinKey } from '../../../../lib/read-model';

/** One project's stream, one row per event: its sequence number is the sort key. */
export const projectKey = (projectId: string): string => joinKey('PROJECT', projectId);
export const sequenceKey = (sequence: number): string => joinKey('SEQ', String(sequence).padStart(6, '0'));
/** One owner's projects, oldest first. */
export const ownerKey = (ownerId: string): string => joinKey('OWNER', ownerId);
export const ownerSortKey = (createdAt: string, projectId: string): string => joinKey(createdAt, projectId);
