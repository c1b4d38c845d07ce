// The example's outbox relay (lib/outbox): one function for the outbox table's stream and the
// sweeper schedule. A row given up after its last attempt is marked FAILED and reported on the
// errors bus as the spec's ErrorOccurred in the relay's own name (the spec's `outbox` service).
import * as events from '../../generated/publishers/outbox';
import { createOutboxRelayHandler } from '../../../../lib/outbox';

export const handler = createOutboxRelayHandler({ service: 'outbox-relay', errorEvent: events.ErrorOccurred });
