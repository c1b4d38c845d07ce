// The outbox relay of the platform (seed 002): one function for the outbox table's stream
// and for the sweeper schedule (`{ "sweep": true }` every minute). Rows are published to
// their bus with the bus publisher; a row given up after its last attempt is marked FAILED
// and reported on the errors bus as the spec's ErrorOccurred, in the relay's own name: the
// spec's `outbox` service (asyncapi/outbox/service.yaml), so the error's producer is
// `outbox`, not a domain service (lib/outbox/README.md).
import * as events from '../../generated/publishers/outbox';
import { createOutboxRelayHandler } from '../../lib/outbox';

export const handler = createOutboxRelayHandler({
  service: 'outbox-relay',
  errorEvent: events.ErrorOccurred,
});
