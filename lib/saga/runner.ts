import type { OutgoingEvent } from '../envelope';
import type { Timers } from '../timers';
import type { CommandContext, DefinedSaga, SagaEvent } from './definition';
import { abortSaga, applyReply, applyTimeout, sagaEventId, startSaga, timerId, type Transition } from './engine';
import { SagaConflictError } from './errors';
import type { SagaStore } from './store';
import { TERMINAL, type SagaPhase, type SagaState, type SagaTimer } from './state';

/**
 * Runs a saga definition against a store and timers: load, decide (engine.ts), store the
 * new state with its commands in one transaction, then arm the next step's timer. A
 * version conflict (two replies at once) is decided again on the new state. An input the
 * engine ignores still re-arms the current step's timer (idempotent), so a timer lost
 * between a commit and a crash is restored by the redelivery: a saga is never left
 * waiting without one.
 */

/** The data a timeout event carries back: which saga, step, phase and attempt timed out. */
export interface SagaTimeoutData {
  sagaId: string;
  saga: string;
  step: string;
  phase: SagaPhase;
  attempt: number;
  dueAt: string;
}

export interface SagaMetric {
  name: 'SagaStarted' | 'SagaCompleted' | 'SagaCompensated' | 'SagaFailed' | 'SagaDuration' | 'SagaStepLatency' | 'SagaInputIgnored';
  unit: 'Count' | 'Milliseconds';
  value: number;
  dimensions: Record<string, string>;
}

export interface SagaRunnerOptions<Data> {
  store: SagaStore;
  timers: Timers;
  /** Builds the spec's timeout event (a local-scope message routed back to this saga's queue). */
  timeoutEvent: (data: SagaTimeoutData, context: CommandContext) => OutgoingEvent;
  /** Builds the event sent when a saga FAILED (a compensation never answered): the spec's errors-bus event. */
  failureEvent?: (state: SagaState<Data>, context: CommandContext) => OutgoingEvent;
  metric?: (metric: SagaMetric) => void;
  now?: () => number;
  /** Decisions re-made after a version conflict before giving up (the record is then retried by SQS). */
  maxConflictRetries?: number;
}

export interface SagaRunner<Data, Trigger> {
  start(trigger: SagaEvent<Trigger>): Promise<Transition<Data>>;
  reply(event: SagaEvent): Promise<Transition<Data>>;
  timeout(event: SagaEvent<SagaTimeoutData>): Promise<Transition<Data>>;
  abort(sagaId: string, reason: string, cause: SagaEvent): Promise<Transition<Data>>;
  status(sagaId: string): Promise<SagaState<Data> | undefined>;
}

const OUTCOME_METRIC = { started: 'SagaStarted', completed: 'SagaCompleted', compensated: 'SagaCompensated', failed: 'SagaFailed' } as const;

export function createSagaRunner<Data, Trigger>(def: DefinedSaga<Data, Trigger>, options: SagaRunnerOptions<Data>): SagaRunner<Data, Trigger> {
  const now = options.now ?? Date.now;
  const saga = def as unknown as DefinedSaga<Data>;

  const timerEvent = (timer: SagaTimer, state: SagaState<Data>): OutgoingEvent =>
    options.timeoutEvent(
      { sagaId: timer.sagaId, saga: def.name, step: timer.step, phase: timer.phase, attempt: timer.attempt, dueAt: timer.dueAt },
      { eventId: sagaEventId('timer', timer.id), correlationId: state.correlationId, causationId: state.history.at(-1)?.commandId ?? state.sagaId, aggregateId: state.sagaId, sequence: state.sequence, occurredAt: timer.dueAt },
    );

  /** The timer of the step a saga waits on, rebuilt from its state. */
  const waitingTimer = (state: SagaState<Data>): SagaTimer | undefined => {
    const step = def.steps[state.step];
    if (!step || TERMINAL.has(state.status) || !state.deadline) return undefined;
    return { id: timerId(def.name, state.sagaId, state.phase, step.name, state.attempt), sagaId: state.sagaId, step: step.name, phase: state.phase, attempt: state.attempt, dueAt: state.deadline };
  };

  const arm = async (timer: SagaTimer | undefined, state: SagaState<Data>): Promise<void> => {
    if (timer) await options.timers.schedule({ id: timer.id, at: timer.dueAt, event: timerEvent(timer, state) });
  };

  const record = (t: Transition<Data>, previous: SagaState<Data> | undefined): void => {
    if (!options.metric) return;
    const dimensions = { saga: def.name };
    if (t.outcome === 'ignored') return options.metric({ name: 'SagaInputIgnored', unit: 'Count', value: 1, dimensions });
    const name = OUTCOME_METRIC[t.outcome as keyof typeof OUTCOME_METRIC];
    if (name) options.metric({ name, unit: 'Count', value: 1, dimensions });
    if (t.state.endedAt) options.metric({ name: 'SagaDuration', unit: 'Milliseconds', value: Date.parse(t.state.endedAt) - Date.parse(t.state.startedAt), dimensions: { ...dimensions, status: t.state.status } });
    // Latency of each step record this transition closed.
    const closed = t.state.history.slice(0, previous ? previous.history.length : 0).filter((r, i) => r.endedAt && !previous?.history[i]?.endedAt);
    for (const r of closed) options.metric({ name: 'SagaStepLatency', unit: 'Milliseconds', value: Date.parse(r.endedAt as string) - Date.parse(r.startedAt), dimensions: { ...dimensions, step: r.step, phase: r.phase, status: r.status } });
  };

  /** Load, decide, save; again on a conflict. Then cancel the old timer and arm the new one. */
  const run = async (sagaId: string, decide: (state: SagaState<Data> | undefined) => Transition<Data>): Promise<Transition<Data>> => {
    const retries = options.maxConflictRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      const previous = await options.store.load<Data>(sagaId);
      const t = decide(previous);
      if (t.outcome === 'ignored') {
        await arm(waitingTimer(t.state), t.state);
        record(t, previous);
        return t;
      }
      const events = [...t.commands];
      if (t.outcome === 'failed' && options.failureEvent) {
        events.push(options.failureEvent(t.state, { eventId: sagaEventId(def.name, sagaId, 'failed'), correlationId: t.state.correlationId, causationId: t.state.history.at(-1)?.commandId ?? sagaId, aggregateId: sagaId, sequence: t.state.sequence + 1, occurredAt: new Date(now()).toISOString() }));
      }
      try {
        await options.store.save(t.state, events);
      } catch (error) {
        if (error instanceof SagaConflictError && attempt < retries) continue;
        throw error;
      }
      if (t.cancelTimer) await options.timers.cancel(t.cancelTimer).catch(() => false);
      await arm(t.timer, t.state);
      record(t, previous);
      return t;
    }
  };

  const sagaIdOf = (event: SagaEvent): string => {
    const id = def.sagaIdOf ? def.sagaIdOf(event) : (event.detail.data as { sagaId?: unknown } | null)?.sagaId;
    if (typeof id !== 'string' || !id) throw new TypeError(`${event.detailType} ${event.detail.metadata.eventId} names no saga (detail.data.sagaId)`);
    return id;
  };

  const missing = (sagaId: string, what: string): Transition<Data> => {
    throw new TypeError(`saga ${def.name} ${sagaId} does not exist (${what})`);
  };

  return {
    start: (trigger) =>
      run(def.sagaId(trigger), (state) => (state ? { outcome: 'ignored', reason: `saga ${state.sagaId} already started`, state, commands: [] } : startSaga(def, trigger, now()))),
    reply: (event) => {
      const sagaId = sagaIdOf(event);
      return run(sagaId, (state) => (state ? applyReply(saga, state, event, now()) : missing(sagaId, `reply ${event.detailType}`)));
    },
    timeout: (event) => {
      const { sagaId, step, phase, attempt } = event.detail.data;
      return run(sagaId, (state) => (state ? applyTimeout(saga, state, { step, phase, attempt, eventId: event.detail.metadata.eventId }, now()) : missing(sagaId, 'timeout')));
    },
    abort: (sagaId, reason, cause) => run(sagaId, (state) => (state ? abortSaga(saga, state, reason, cause, now()) : missing(sagaId, 'abort'))),
    status: (sagaId) => options.store.load<Data>(sagaId),
  };
}
