// Where the tracking service writes its ETA answers: their outbox rows only (the depots are
// reference data in the repo), each at most once (lib/event-store createOnceSender).
// Tracking sessions have their own store (session-store.ts).
import { clients } from '../../lib/clients';
import { createOnceSender } from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';
import { config } from './config';

export interface EtaReplies {
  /** Writes the answer's outbox row; false when an answer with its eventId was written before (a redelivered request). */
  reply(answer: OutgoingEvent): Promise<boolean>;
}

const sender = createOnceSender({ doc: clients.dynamoDbDocument, outboxTable: () => config().outboxTable });

/** The deployed answers' outbox, configured on first use. */
export const etaReplies: EtaReplies = { reply: (answer) => sender.send(answer) };
