export { createOutboxRelay } from './relay';
export { OUTBOX_METRICS, DEFAULT_MAX_ATTEMPTS, DEFAULT_SWEEP_LIMIT, DEFAULT_SWEEP_OLDER_THAN_MS } from './relay-options';
export { counts, triage, markedRows, unsentRows, latestById, createFailureMemory } from './triage';
export type { OutboxRelay, OutboxRelayOptions, RecheckMode, SweepOptions, SweepReport } from './relay-options';
export type { RelayInput, RelayReport } from './triage';
export type { MarkingMode } from './send';
export { createOutboxRelayHandler, OUTBOX_ENV } from './handler';
export type { OutboxRelayEvent, OutboxRelayHandler, OutboxRelayHandlerOptions, SweepEvent, SweepSummary } from './handler';
export { toOutboxErrorData, errorEventContext, OUTBOX_ERROR_CODES } from './error-event';
export type { OutboxErrorEventData, OutboxFailure } from './error-event';
export { selectPending } from './stream';
export type { StreamCandidate, StreamSelection } from './stream';
export {
  OUTBOX_STATUS,
  OUTBOX_STATUS_INDEX,
  PUBLISHED_ROW_TTL_SECONDS,
  outboxWrites,
  toOutboxRow,
  parseOutboxRow,
  toOutgoingEvent,
  compareForSending,
  outboxEventProblems,
} from './row';
export type { OutboxRow, OutboxStatus, TransactWrite } from './row';
export { OutboxError, OutboxEventInvalidError, OutboxRowInvalidError, OutboxStoreError } from './errors';
