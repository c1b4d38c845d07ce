// The example's outbox relay (lib/outbox): one function for the outbox table's stream and
// the sweeper schedule. The spec has no errors bus, so a row given up after its last attempt
// is marked FAILED and counted (metric + alarm), with no error event.
import { createOutboxRelayHandler } from '../../../../lib/outbox';

export const handler = createOutboxRelayHandler({ service: 'outbox-relay' });
