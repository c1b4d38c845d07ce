import type { OutgoingEvent } from '../envelope';
import type { Timers } from '../timers';
import type { DefinedGather, GatherEvent } from './definition';
import { answerOf, deadlineTimerId, ended, gatherEventId, outcome, refusal, startGather } from './engine';
import type { GatherResult, GatherStore } from './store';
import type { GatherState } from './state';

/**
 * Runs a gather definition against a store and timers. start: the round and its requests
 * (one transaction), then the deadline timer. answer: the answer recorded with a
 * conditional update; when it was the last one, the round ends. deadline: the round ends
 * with what arrived. Ending is one transaction guarded by `status = PENDING` that also
 * stores the domain's result, so it happens exactly once, however many answers, timers and
 * redeliveries race. A redelivered answer that was recorded before (the function died
 * before ending the round) still ends it.
 */

/** The data of a gather's deadline event (the spec's timer message). */
export interface GatherDeadlineData {
  requestId: string;
  gather: string;
  deadline: string;
}

export interface GatherMetric {
  name: 'GatherStarted' | 'GatherEnded' | 'GatherDuration' | 'GatherAnswer' | 'GatherAnswerLatency' | 'GatherAnswerIgnored';
  unit: 'Count' | 'Milliseconds';
  value: number;
  dimensions: Record<string, string>;
}

export interface GatherRunnerOptions<Input> {
  store: GatherStore;
  timers: Timers;
  /** Builds the spec's deadline event (a local-scope timer message routed back to this service's queue). */
  deadlineEvent: (data: GatherDeadlineData, context: { eventId: string; correlationId: string; occurredAt: string }) => OutgoingEvent;
  /** The domain's result of an ended round (its status says how it ended), stored and published with the end. */
  result: (state: GatherState<Input>) => GatherResult;
  metric?: (metric: GatherMetric) => void;
  now?: () => number;
}

export type AnswerOutcome = 'recorded' | 'ended' | 'ignored';

export interface GatherRunner<Input> {
  start(requestId: string, input: Input, cause: { eventId: string; correlationId: string }): Promise<{ started: boolean; state: GatherState<Input> }>;
  answer(event: GatherEvent): Promise<{ outcome: AnswerOutcome; reason?: string; state?: GatherState<Input> }>;
  deadline(event: GatherEvent<GatherDeadlineData>): Promise<{ outcome: 'ended' | 'ignored'; state?: GatherState<Input> }>;
  status(requestId: string): Promise<GatherState<Input> | undefined>;
}

export function createGatherRunner<Input>(def: DefinedGather<Input>, options: GatherRunnerOptions<Input>): GatherRunner<Input> {
  const { store, timers } = options;
  const now = options.now ?? Date.now;
  const metric = (name: GatherMetric['name'], value: number, dimensions: Record<string, string> = {}, unit: GatherMetric['unit'] = 'Count'): void =>
    options.metric?.({ name, unit, value, dimensions: { gather: def.name, ...dimensions } });

  const arm = async (state: GatherState<Input>): Promise<void> => {
    const event = options.deadlineEvent({ requestId: state.requestId, gather: def.name, deadline: state.deadline }, { eventId: gatherEventId(def.name, state.requestId, 'deadline'), correlationId: state.correlationId, occurredAt: state.deadline });
    await timers.schedule({ id: deadlineTimerId(def.name, state.requestId), at: state.deadline, event });
  };

  /** Ends a PENDING round if it is time; the domain's result goes with it. */
  const end = async (state: GatherState<Input>, atDeadline: boolean): Promise<GatherState<Input> | undefined> => {
    const how = outcome(state, atDeadline);
    if (!how) return undefined;
    const final = ended(state, how, now());
    if (!(await store.finish(final, options.result(final)))) return undefined;
    if (!atDeadline) await timers.cancel(deadlineTimerId(def.name, state.requestId)).catch(() => false);
    metric('GatherEnded', 1, { status: final.status });
    metric('GatherDuration', Date.parse(final.endedAt as string) - Date.parse(final.startedAt), { status: final.status }, 'Milliseconds');
    return final;
  };

  return {
    async start(requestId, input, cause) {
      const { state, requests } = startGather(def, requestId, input, cause, now());
      const started = await store.create(state, requests);
      const current = started ? state : ((await store.load<Input>(requestId)) ?? state);
      // Again on a redelivery: a timer lost between the commit and a crash is armed now (idempotent per round).
      if (current.status === 'PENDING') await arm(current);
      if (started) metric('GatherStarted', 1);
      return { started, state: current };
    },
    async answer(event) {
      const found = answerOf(def, event, now());
      if (!found) return { outcome: 'ignored', reason: `${event.detailType} is no answer of gather ${def.name}` };
      const { requestId, responder, answer } = found;
      const recorded = await store.record<Input>(requestId, responder, answer);
      const state = recorded ?? (await store.load<Input>(requestId));
      if (!state) return { outcome: 'ignored', reason: `gather ${requestId} does not exist` };
      if (recorded) {
        metric('GatherAnswer', 1, { responder, kind: answer.kind });
        metric('GatherAnswerLatency', Date.parse(answer.at) - Date.parse(state.startedAt), { responder }, 'Milliseconds');
      } else metric('GatherAnswerIgnored', 1, { responder });
      const final = await end(state, false);
      if (final) return { outcome: 'ended', state: final };
      return recorded ? { outcome: 'recorded', state } : { outcome: 'ignored', reason: refusal(state, responder, answer.at) ?? 'answered meanwhile', state };
    },
    async deadline(event) {
      const state = await store.load<Input>(event.detail.data.requestId);
      if (!state) return { outcome: 'ignored' };
      const final = await end(state, true);
      return final ? { outcome: 'ended', state: final } : { outcome: 'ignored', state };
    },
    status: (requestId) => store.load<Input>(requestId),
  };
}
