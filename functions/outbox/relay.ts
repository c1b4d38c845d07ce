// The outbox relay of the platform (seed 002): one function for the outbox table's stream
// and for the sweeper schedule (`{ "sweep": true }` every minute). Rows are published to
// their bus with the bus publisher; a row given up after its last attempt is marked FAILED
// and reported on the errors bus as the spec's ErrorOccurred (lib/outbox/README.md).
import * as events from '../../generated/publishers/incident';
import { createOutboxRelayHandler } from '../../lib/outbox';

export const handler = createOutboxRelayHandler({
  service: 'outbox-relay',
  // Any service's builder of the errors-bus event would do; incident's is used for the relay.
  errorEvent: events.ErrorOccurred,
});
