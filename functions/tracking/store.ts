// Where the tracking service writes, so far: only its ETA answers' outbox rows (the depots
// are reference data in the repo). A row is a conditional put keyed by eventId, so an answer
// written before is refused rather than sent twice.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clients } from '../../lib/clients';
import { WriteConditionFailedError, writeWithOutbox } from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';
import { config } from './config';

export interface EtaReplies {
  /** Writes the answer's outbox row; false when an answer with its eventId was written before (a redelivered request). */
  reply(answer: OutgoingEvent): Promise<boolean>;
}

export function createOutboxEtaReplies({ doc, outboxTable }: { doc: () => DynamoDBDocumentClient; outboxTable: () => string }): EtaReplies {
  return {
    async reply(answer) {
      try {
        await writeWithOutbox({ doc: doc(), outboxTable: outboxTable(), events: [answer] });
        return true;
      } catch (error) {
        if (error instanceof WriteConditionFailedError) return false;
        throw error;
      }
    },
  };
}

/** The deployed answers' outbox, configured on first use. */
export const etaReplies: EtaReplies = createOutboxEtaReplies({ doc: clients.dynamoDbDocument, outboxTable: () => config().outboxTable });
