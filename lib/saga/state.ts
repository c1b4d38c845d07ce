/** The state of one saga, as stored (one item per saga) and as the status API shows it. */

export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED' | 'FAILED';
export type SagaPhase = 'forward' | 'compensation';

export const TERMINAL: ReadonlySet<SagaStatus> = new Set(['COMPLETED', 'COMPENSATED', 'FAILED']);

export interface StepRecord {
  step: string;
  phase: SagaPhase;
  attempt: number;
  status: 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'COMPENSATED' | 'ABANDONED';
  /** The command's eventId. */
  commandId: string;
  startedAt: string;
  endedAt?: string;
  /** The reply (detail-type and eventId) that ended it, if one did. */
  reply?: { detailType: string; eventId: string };
}

export interface SagaState<Data> {
  sagaId: string;
  saga: string;
  status: SagaStatus;
  data: Data;
  correlationId: string;
  /** The step waiting for its reply (forward), or being compensated. */
  step: number;
  phase: SagaPhase;
  attempt: number;
  /** Steps that succeeded, in order. */
  completed: number[];
  /** While compensating: the steps still to undo, the current one first. */
  pending: number[];
  /** Why the saga compensates or failed. */
  reason?: string;
  /** When the current step times out (ISO). */
  deadline?: string;
  startedAt: string;
  endedAt?: string;
  /** Commands sent so far (the sequence of the saga's command events). */
  sequence: number;
  /** Optimistic-concurrency version: 1 when started, +1 per stored transition. */
  version: number;
  history: StepRecord[];
}

/** The timer guarding the step a saga waits on; its fields come back in the timeout event. */
export interface SagaTimer {
  /** Timer id: one per saga, step, phase and attempt. */
  id: string;
  sagaId: string;
  step: string;
  phase: SagaPhase;
  attempt: number;
  dueAt: string;
}
