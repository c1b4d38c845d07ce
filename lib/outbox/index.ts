export { createOutboxRelay, OUTBOX_METRICS } from './relay';
export type { OutboxErrorEventBuilder, OutboxRelay, OutboxRelayOptions, RelayOutcome } from './relay';
export { createOutboxRelayHandler } from './handler';
export type { OutboxRelayHandlerOptions } from './handler';
export { OutboxError } from './errors';
