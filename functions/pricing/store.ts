// Where the pricing service writes: only its answers' outbox rows (it keeps no state; the
// rate cards are reference data in the repo), each at most once (lib/event-store createOnceSender).
import { clients } from '../../lib/clients';
import { createOnceSender } from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';
import { config } from './config';

export interface QuoteReplies {
  /** Writes the answer's outbox row; false when an answer with its eventId was written before (a redelivered request). */
  reply(answer: OutgoingEvent): Promise<boolean>;
}

const sender = createOnceSender({ doc: clients.dynamoDbDocument, outboxTable: () => config().outboxTable });

/** The deployed answers' outbox, configured on first use. */
export const quoteReplies: QuoteReplies = { reply: (answer) => sender.send(answer) };
