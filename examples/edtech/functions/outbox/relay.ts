// The relays of the services' outboxes (lib/outbox): one function per outbox table
// (serverless.yml: users-, payments-, lessons- and booking-outbox-relay, each with its own
// OUTBOX_TABLE, stream and sweeper schedule). The seed's outbox policy: at most 3 attempts
// (the bus publisher retries each with exponential backoff), then the row is FAILED and
// counted (OutboxEventsFailed metric + alarm): the spec has no errors bus.
import { createOutboxRelayHandler } from '../../../../lib/outbox';

export const MAX_ATTEMPTS = 3;

export const handler = createOutboxRelayHandler({ service: 'outbox-relay', maxAttempts: MAX_ATTEMPTS });
