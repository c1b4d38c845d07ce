import type { OutgoingEvent } from '../envelope';
import { nameUuid } from '../ids';
import { DEFAULT_COMPENSATION_ATTEMPTS, DEFAULT_RETRY_BACKOFF_RATE, type CommandContext, type DefinedSaga, type SagaEvent } from './definition';
import { TERMINAL, type SagaPhase, type SagaState, type SagaTimer, type StepRecord } from './state';

/**
 * The saga engine: pure functions from (definition, state, input) to a transition. No
 * clock, no I/O: the caller passes `now`, stores the new state with the commands in one
 * transaction (through the outbox), then arms the timer. A transition that changes nothing
 * (a duplicate, late, out-of-order or stale input) says so (`outcome: 'ignored'`, `reason`)
 * and is not stored, so no step ever advances twice.
 */

export type Outcome = 'started' | 'advanced' | 'completed' | 'compensating' | 'compensated' | 'failed' | 'ignored';

export interface Transition<Data> {
  outcome: Outcome;
  /** Why an input was ignored, or why the saga compensates or failed. */
  reason?: string;
  state: SagaState<Data>;
  /** Command events to send with the state (same transaction). */
  commands: OutgoingEvent[];
  /** The timer to arm for the step now waited on (none when the saga ended). */
  timer?: SagaTimer;
  /** The timer of the step just left, to cancel (best effort: a timer may still fire, and is then ignored). */
  cancelTimer?: string;
}

/** Namespace of the saga's deterministic command ids (a fixed UUID). */
const COMMAND_NAMESPACE = '3f0f8a4e-5b1d-4c8e-9a63-6d2f1c0b7e15';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A deterministic event id for something the saga sends (the same on every retry of the same transition). */
export function sagaEventId(...name: string[]): string {
  return nameUuid(COMMAND_NAMESPACE, ...name);
}

export function timerId(sagaName: string, sagaId: string, phase: SagaPhase, step: string, attempt: number): string {
  return `${sagaName}-${sagaId}-${phase === 'forward' ? 'f' : 'c'}-${step}-${attempt}`;
}

function ignored<Data>(state: SagaState<Data>, reason: string): Transition<Data> {
  return { outcome: 'ignored', reason, state, commands: [] };
}

/** Closes the record of the step being waited on. */
function close<Data>(state: SagaState<Data>, status: StepRecord['status'], now: number, reply?: SagaEvent): void {
  const record = state.history[state.history.length - 1];
  if (!record || record.status !== 'WAITING') return;
  record.status = status;
  record.endedAt = iso(now);
  if (reply) record.reply = { detailType: reply.detailType, eventId: reply.detail.metadata.eventId };
}

function currentTimer<Data>(def: DefinedSaga<Data>, state: SagaState<Data>): string | undefined {
  const step = def.steps[state.step];
  return step && !TERMINAL.has(state.status) ? timerId(def.name, state.sagaId, state.phase, step.name, state.attempt) : undefined;
}

/** Sends the command (or compensation) of `stepIndex` and waits for its reply until its timeout. */
function send<Data>(def: DefinedSaga<Data>, state: SagaState<Data>, stepIndex: number, phase: SagaPhase, attempt: number, causationId: string, now: number): { command: OutgoingEvent; timer: SagaTimer } {
  const step = def.steps[stepIndex];
  if (!step) throw new RangeError(`saga ${def.name} has no step ${stepIndex}`);
  const build = phase === 'forward' ? step.command : step.compensation?.command;
  if (!build) throw new RangeError(`step ${step.name} of saga ${def.name} has no compensation`);
  const context: CommandContext = {
    eventId: sagaEventId(def.name, state.sagaId, phase, step.name, String(attempt)),
    correlationId: state.correlationId,
    causationId,
    aggregateId: state.sagaId,
    sequence: state.sequence + 1,
    occurredAt: iso(now),
    ...(phase === 'compensation' && state.reason ? { reason: state.reason } : {}),
  };
  const command = build(state.data, context);
  const base = phase === 'forward' ? step.timeoutSeconds : (def.compensationTimeoutSeconds ?? step.timeoutSeconds);
  const timeout = base * (def.retryBackoffRate ?? DEFAULT_RETRY_BACKOFF_RATE) ** (attempt - 1);
  Object.assign(state, { step: stepIndex, phase, attempt, sequence: state.sequence + 1, deadline: iso(now + timeout * 1000) });
  state.history.push({ step: step.name, phase, attempt, status: 'WAITING', commandId: context.eventId, startedAt: iso(now) });
  const timer: SagaTimer = { id: timerId(def.name, state.sagaId, phase, step.name, attempt), sagaId: state.sagaId, step: step.name, phase, attempt, dueAt: state.deadline as string };
  return { command, timer };
}

/** Undoes `steps` (those with a compensation) in reverse order; COMPENSATED at once when none has one. */
function compensate<Data>(def: DefinedSaga<Data>, state: SagaState<Data>, steps: number[], reason: string, causationId: string, now: number, cancelTimer: string | undefined): Transition<Data> {
  state.reason = reason;
  state.pending = [...new Set(steps)].filter((i) => def.steps[i]?.compensation).sort((a, b) => b - a);
  const first = state.pending[0];
  if (first === undefined) {
    Object.assign(state, { status: 'COMPENSATED', endedAt: iso(now) });
    delete state.deadline;
    return { outcome: 'compensated', reason, state, commands: [], ...(cancelTimer ? { cancelTimer } : {}) };
  }
  state.status = 'COMPENSATING';
  const { command, timer } = send(def, state, first, 'compensation', 1, causationId, now);
  return { outcome: 'compensating', reason, state, commands: [command], timer, ...(cancelTimer ? { cancelTimer } : {}) };
}

const copy = <Data>(state: SagaState<Data>): SagaState<Data> => structuredClone(state);

/** Starts a saga from its trigger: state version 1 and the first step's command. */
export function startSaga<Data, Trigger>(def: DefinedSaga<Data, Trigger>, trigger: SagaEvent<Trigger>, now: number): Transition<Data> {
  const state: SagaState<Data> = {
    sagaId: def.sagaId(trigger),
    saga: def.name,
    status: 'RUNNING',
    data: def.init(trigger),
    correlationId: trigger.detail.metadata.correlationId,
    step: 0,
    phase: 'forward',
    attempt: 1,
    completed: [],
    pending: [],
    startedAt: iso(now),
    sequence: 0,
    version: 1,
    history: [],
  };
  const { command, timer } = send(def as DefinedSaga<Data>, state, 0, 'forward', 1, trigger.detail.metadata.eventId, now);
  return { outcome: 'started', state, commands: [command], timer };
}

/** A reply from a participant. */
export function applyReply<Data>(def: DefinedSaga<Data>, current: SagaState<Data>, reply: SagaEvent, now: number): Transition<Data> {
  const role = def.replies.get(reply.detailType);
  if (!role) return ignored(current, `${reply.detailType} is not a reply of saga ${def.name}`);
  if (TERMINAL.has(current.status)) return ignored(current, `saga already ${current.status}`);
  const stepName = def.steps[role.step]?.name ?? '?';
  const expected = current.phase === 'forward' ? role.role !== 'compensated' : role.role === 'compensated';
  if (!expected || role.step !== current.step) {
    const why = role.step < current.step || current.completed.includes(role.step) || current.phase === 'compensation' ? 'late or duplicate' : 'out-of-order';
    return ignored(current, `${why} reply ${reply.detailType} (step ${stepName}, ${role.role}) while ${current.status} at step ${def.steps[current.step]?.name} (${current.phase})`);
  }
  const state = copy(current);
  state.version += 1;
  const cancelTimer = currentTimer(def, current);
  const cause = reply.detail.metadata.eventId;
  if (role.role === 'failure') {
    close(state, 'FAILED', now, reply);
    return compensate(def, state, state.completed, `step ${stepName} failed: ${reply.detailType}`, cause, now, cancelTimer);
  }
  if (role.role === 'compensated') {
    close(state, 'COMPENSATED', now, reply);
    state.pending.shift();
    const next = state.pending[0];
    if (next === undefined) {
      Object.assign(state, { status: 'COMPENSATED', endedAt: iso(now) });
      delete state.deadline;
      return { outcome: 'compensated', ...(state.reason ? { reason: state.reason } : {}), state, commands: [], ...(cancelTimer ? { cancelTimer } : {}) };
    }
    const { command, timer } = send(def, state, next, 'compensation', 1, cause, now);
    return { outcome: 'compensating', state, commands: [command], timer, ...(cancelTimer ? { cancelTimer } : {}) };
  }
  close(state, 'SUCCEEDED', now, reply);
  state.completed.push(role.step);
  const onSuccess = def.steps[role.step]?.onSuccess;
  if (onSuccess) state.data = onSuccess(state.data, reply);
  const next = role.step + 1;
  if (next >= def.steps.length) {
    Object.assign(state, { status: 'COMPLETED', endedAt: iso(now) });
    delete state.deadline;
    return { outcome: 'completed', state, commands: [], ...(cancelTimer ? { cancelTimer } : {}) };
  }
  const { command, timer } = send(def, state, next, 'forward', 1, cause, now);
  return { outcome: 'advanced', state, commands: [command], timer, ...(cancelTimer ? { cancelTimer } : {}) };
}

/** The timer of a step fired. Only the timer of the step and attempt waited on counts. */
export function applyTimeout<Data>(def: DefinedSaga<Data>, current: SagaState<Data>, fired: { phase: SagaPhase; step: string; attempt: number; eventId: string }, now: number): Transition<Data> {
  if (TERMINAL.has(current.status)) return ignored(current, `saga already ${current.status}`);
  const waiting = def.steps[current.step];
  if (!waiting || fired.phase !== current.phase || fired.step !== waiting.name || fired.attempt !== current.attempt) {
    return ignored(current, `stale timer (${fired.phase} ${fired.step} attempt ${fired.attempt}); waiting on ${current.phase} ${waiting?.name} attempt ${current.attempt}`);
  }
  const state = copy(current);
  state.version += 1;
  close(state, 'TIMED_OUT', now);
  const attempts = def.compensationAttempts ?? DEFAULT_COMPENSATION_ATTEMPTS;
  if (current.phase === 'forward') {
    if (!waiting.compensation) {
      // A step that cannot be undone may still take effect after its timeout: compensating the
      // steps before it would leave it done alone. It is sent again (a participant answers a
      // saga's command once) and awaited; when it never answers, the saga FAILED for a person.
      if (current.attempt < attempts) {
        const { command, timer } = send(def, state, current.step, 'forward', current.attempt + 1, fired.eventId, now);
        return { outcome: 'advanced', reason: `step ${waiting.name} timed out and cannot be undone; sent again, attempt ${current.attempt + 1} of ${attempts}`, state, commands: [command], timer };
      }
      const reason = `step ${waiting.name} got no reply after ${attempts} attempts and cannot be undone: the steps before it are left in place`;
      Object.assign(state, { status: 'FAILED', endedAt: iso(now), reason });
      delete state.deadline;
      return { outcome: 'failed', reason, state, commands: [] };
    }
    // The step may still take effect after its timeout: it is compensated with the completed ones.
    return compensate(def, state, [...state.completed, current.step], `step ${waiting.name} timed out`, fired.eventId, now, undefined);
  }
  if (current.attempt < attempts) {
    const { command, timer } = send(def, state, current.step, 'compensation', current.attempt + 1, fired.eventId, now);
    return { outcome: 'compensating', reason: `compensation of ${waiting.name} timed out; attempt ${current.attempt + 1} of ${attempts}`, state, commands: [command], timer };
  }
  const reason = `compensation of step ${waiting.name} got no reply after ${attempts} attempts${state.reason ? ` (compensating because ${state.reason})` : ''}`;
  Object.assign(state, { status: 'FAILED', endedAt: iso(now), reason });
  delete state.deadline;
  return { outcome: 'failed', reason, state, commands: [] };
}

/** An outside event ends the saga early (e.g. the incident was cancelled): undo what was done, and what is in flight. */
export function abortSaga<Data>(def: DefinedSaga<Data>, current: SagaState<Data>, reason: string, cause: SagaEvent, now: number): Transition<Data> {
  if (TERMINAL.has(current.status)) return ignored(current, `saga already ${current.status}`);
  if (current.status === 'COMPENSATING') return ignored(current, `saga already compensating (${current.reason})`);
  const state = copy(current);
  state.version += 1;
  close(state, 'ABANDONED', now, cause);
  return compensate(def, state, [...state.completed, current.step], reason, cause.detail.metadata.eventId, now, currentTimer(def, current));
}
