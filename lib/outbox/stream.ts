import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { OUTBOX_STATUS } from './row';

/** A stream record that asks for a row to be sent. */
export interface StreamCandidate {
  /** The record's SequenceNumber: what `batchItemFailures` reports. */
  sequenceNumber: string;
  /** The row's id (from the record's keys). */
  id: string;
  /** NewImage, unmarshalled (undefined when it could not be: `problem` says why). */
  image?: Record<string, unknown>;
  problem?: string;
}

export interface StreamSelection {
  candidates: StreamCandidate[];
  /** Records that ask for nothing: REMOVE, not PENDING, or PENDING -> PENDING updates (attempt counts). */
  ignored: number;
  /** Records without keys or sequence number: cannot be sent nor reported (logged by the relay). */
  unusable: { eventID?: string; reason: string }[];
}

type Image = Record<string, AttributeValue>;

const statusOf = (image: Image | undefined): string | undefined => image?.['status']?.S;

/**
 * The records the relay must act on: INSERT or MODIFY whose NewImage is PENDING and whose
 * OldImage was not (a new row, or a row put back to PENDING by an operator). A PENDING ->
 * PENDING update is the relay's own record of a failed attempt: that row's retry comes from
 * the stream retrying the original record (reported in batchItemFailures) or from the
 * sweeper, not from this record, so one failure never turns into two attempts.
 */
export function selectPending(event: DynamoDBStreamEvent): StreamSelection {
  const selection: StreamSelection = { candidates: [], ignored: 0, unusable: [] };
  for (const record of event.Records ?? []) {
    const change = record.dynamodb;
    const newImage = change?.NewImage as Image | undefined;
    const oldImage = change?.OldImage as Image | undefined;
    const wanted = (record.eventName === 'INSERT' || record.eventName === 'MODIFY') && statusOf(newImage) === OUTBOX_STATUS.pending && !(record.eventName === 'MODIFY' && statusOf(oldImage) === OUTBOX_STATUS.pending);
    if (!wanted) {
      selection.ignored++;
      continue;
    }
    const id = (change?.Keys as Image | undefined)?.['id']?.S ?? newImage?.['id']?.S;
    const sequenceNumber = change?.SequenceNumber;
    if (!id || !sequenceNumber) {
      selection.unusable.push({ ...(record.eventID ? { eventID: record.eventID } : {}), reason: !id ? 'no id key' : 'no SequenceNumber' });
      continue;
    }
    selection.candidates.push({ sequenceNumber, id, ...imageOf(record) });
  }
  return selection;
}

function imageOf(record: DynamoDBRecord): { image?: Record<string, unknown>; problem?: string } {
  try {
    return { image: unmarshall(record.dynamodb?.NewImage as Image) };
  } catch (error) {
    // e.g. a number beyond Number.MAX_SAFE_INTEGER in the detail
    return { problem: `NewImage cannot be read: ${(error as Error).message}` };
  }
}
