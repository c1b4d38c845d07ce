// Where the pricing service writes: only its answers' outbox rows (it keeps no state; the
// rate cards are reference data in the repo). A row is a conditional put keyed by eventId,
// so an answer written before is refused rather than sent twice.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clients } from '../../lib/clients';
import { WriteConditionFailedError, writeWithOutbox } from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';
import { config } from './config';

export interface QuoteReplies {
  /** Writes the answer's outbox row; false when an answer with its eventId was written before (a redelivered request). */
  reply(answer: OutgoingEvent): Promise<boolean>;
}

export function createOutboxQuoteReplies({ doc, outboxTable }: { doc: () => DynamoDBDocumentClient; outboxTable: () => string }): QuoteReplies {
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
export const quoteReplies: QuoteReplies = createOutboxQuoteReplies({ doc: clients.dynamoDbDocument, outboxTable: () => config().outboxTable });
