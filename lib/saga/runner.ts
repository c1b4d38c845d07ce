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

/** What one runner's steps share: the definition, its options, the clock. */
interface RunnerDeps<Data> {
  def: DefinedSaga<Data>;
  options: SagaRunnerOptions<Data>;
  now: () => number;
}

/** The event a step's timer puts on the bus: the spec's timeout message, with the saga's correlation. */
function timerEvent<Data>({ def, options }: RunnerDeps<Data>, timer: SagaTimer, state: SagaState<Data>): OutgoingEvent {
  return options.timeoutEvent(
    { sagaId: timer.sagaId, saga: def.name, step: timer.step, phase: timer.phase, attempt: timer.attempt, dueAt: timer.dueAt },
    { eventId: sagaEventId('timer', timer.id), correlationId: state.correlationId, causationId: state.history.at(-1)?.commandId ?? state.sagaId, aggregateId: state.sagaId, sequence: state.sequence, occurredAt: timer.dueAt },
  );
}

/** The timer of the step a saga waits on, rebuilt from its state (none once it ended). */
function waitingTimer<Data>(def: DefinedSaga<Data>, state: SagaState<Data>): SagaTimer | undefined {
  const step = def.steps[state.step];
  if (!step || TERMINAL.has(state.status) || !state.deadline) return undefined;
  return { id: timerId(def.name, state.sagaId, state.phase, step.name, state.attempt), sagaId: state.sagaId, step: step.name, phase: state.phase, attempt: state.attempt, dueAt: state.deadline };
}

async function arm<Data>(deps: RunnerDeps<Data>, timer: SagaTimer | undefined, state: SagaState<Data>): Promise<void> {
  if (timer) await deps.options.timers.schedule({ id: timer.id, at: timer.dueAt, event: timerEvent(deps, timer, state) });
}

/** The metrics of a transition: its outcome, the saga's duration when it ended, the latency of each step record it closed. */
function recordMetrics<Data>({ def, options }: RunnerDeps<Data>, t: Transition<Data>, previous: SagaState<Data> | undefined): void {
  if (!options.metric) return;
  const dimensions = { saga: def.name };
  if (t.outcome === 'ignored') return options.metric({ name: 'SagaInputIgnored', unit: 'Count', value: 1, dimensions });
  const name = OUTCOME_METRIC[t.outcome as keyof typeof OUTCOME_METRIC];
  if (name) options.metric({ name, unit: 'Count', value: 1, dimensions });
  if (t.state.endedAt) options.metric({ name: 'SagaDuration', unit: 'Milliseconds', value: Date.parse(t.state.endedAt) - Date.parse(t.state.startedAt), dimensions: { ...dimensions, status: t.state.status } });
  const closed = t.state.history.slice(0, previous ? previous.history.length : 0).filter((r, i) => r.endedAt && !previous?.history[i]?.endedAt);
  for (const r of closed) options.metric({ name: 'SagaStepLatency', unit: 'Milliseconds', value: Date.parse(r.endedAt as string) - Date.parse(r.startedAt), dimensions: { ...dimensions, step: r.step, phase: r.phase, status: r.status } });
}

/** The events stored with a transition: its commands, and the errors-bus event when the saga FAILED. */
function eventsOf<Data>({ def, options, now }: RunnerDeps<Data>, t: Transition<Data>): OutgoingEvent[] {
  if (t.outcome !== 'failed' || !options.failureEvent) return [...t.commands];
  const { sagaId } = t.state;
  const context: CommandContext = { eventId: sagaEventId(def.name, sagaId, 'failed'), correlationId: t.state.correlationId, causationId: t.state.history.at(-1)?.commandId ?? sagaId, aggregateId: sagaId, sequence: t.state.sequence + 1, occurredAt: new Date(now()).toISOString() };
  return [...t.commands, options.failureEvent(t.state, context)];
}

/** Load, decide, save; again on a conflict. Then cancel the old timer and arm the new one. */
async function run<Data>(deps: RunnerDeps<Data>, sagaId: string, decide: (state: SagaState<Data> | undefined) => Transition<Data>): Promise<Transition<Data>> {
  const { options } = deps;
  const retries = options.maxConflictRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    const previous = await options.store.load<Data>(sagaId);
    const t = decide(previous);
    if (t.outcome === 'ignored') {
      await arm(deps, waitingTimer(deps.def, t.state), t.state);
      recordMetrics(deps, t, previous);
      return t;
    }
    try {
      await options.store.save(t.state, eventsOf(deps, t));
    } catch (error) {
      if (error instanceof SagaConflictError && attempt < retries) continue;
      throw error;
    }
    if (t.cancelTimer) await options.timers.cancel(t.cancelTimer).catch(() => false);
    await arm(deps, t.timer, t.state);
    recordMetrics(deps, t, previous);
    return t;
  }
}

function sagaIdOf(def: DefinedSaga<unknown>, event: SagaEvent): string {
  const id = def.sagaIdOf ? def.sagaIdOf(event) : (event.detail.data as { sagaId?: unknown } | null)?.sagaId;
  if (typeof id !== 'string' || !id) throw new TypeError(`${event.detailType} ${event.detail.metadata.eventId} names no saga (detail.data.sagaId)`);
  return id;
}

export function createSagaRunner<Data, Trigger>(def: DefinedSaga<Data, Trigger>, options: SagaRunnerOptions<Data>): SagaRunner<Data, Trigger> {
  const saga = def as unknown as DefinedSaga<Data>;
  const deps: RunnerDeps<Data> = { def: saga, options, now: options.now ?? Date.now };
  const missing = (sagaId: string, what: string): never => {
    throw new TypeError(`saga ${def.name} ${sagaId} does not exist (${what})`);
  };
  return {
    start: (trigger) => run(deps, def.sagaId(trigger), (state) => (state ? { outcome: 'ignored', reason: `saga ${state.sagaId} already started`, state, commands: [] } : startSaga(def, trigger, deps.now()))),
    reply: (event) => {
      const sagaId = sagaIdOf(saga as DefinedSaga<unknown>, event);
      return run(deps, sagaId, (state) => (state ? applyReply(saga, state, event, deps.now()) : missing(sagaId, `reply ${event.detailType}`)));
    },
    timeout: (event) => {
      const { sagaId, step, phase, attempt } = event.detail.data;
      return run(deps, sagaId, (state) => (state ? applyTimeout(saga, state, { step, phase, attempt, eventId: event.detail.metadata.eventId }, deps.now()) : missing(sagaId, 'timeout')));
    },
    abort: (sagaId, reason, cause) => run(deps, sagaId, (state) => (state ? abortSaga(saga, state, reason, cause, deps.now()) : missing(sagaId, 'abort'))),
    status: (sagaId) => options.store.load<Data>(sagaId),
  };
}
