import { nameUuid } from '../ids';
import type { OutgoingEvent } from '../envelope';
import type { DefinedGather, GatherEvent } from './definition';
import type { Answer, GatherState, GatherStatus } from './state';

/**
 * The gather's decisions as pure functions of its definition, its state and the input:
 * what to send at the start, which answer counts, and when and how the gather ends. The
 * runner (runner.ts) stores what these decide.
 */

/** Namespace of the ids lib/gather derives (request event ids). */
const GATHER_NAMESPACE = '5f0e7f8a-2b0c-4d4e-9a51-6c1d2e3f4a5b';

/** An id lib/gather derives for an event of a round (the same on every retry). */
export function gatherEventId(...name: string[]): string {
  return nameUuid(GATHER_NAMESPACE, ...name);
}

/** The id of a gather's deadline timer. */
export function deadlineTimerId(gather: string, requestId: string): string {
  return `${gather}-${requestId}-deadline`;
}

/** The gather's first state and the request sent to each responder (ids derived from the round, so a retry sends the same events). */
export function startGather<Input>(def: DefinedGather<Input>, requestId: string, input: Input, cause: { eventId: string; correlationId: string }, now: number): { state: GatherState<Input>; requests: OutgoingEvent[] } {
  const startedAt = new Date(now).toISOString();
  const deadline = new Date(now + def.deadlineSeconds * 1000).toISOString();
  const requests = Object.entries(def.responders).map(([name, r]) =>
    r.request(input, { requestId, eventId: gatherEventId(def.name, requestId, name), correlationId: cause.correlationId, causationId: cause.eventId, deadline, occurredAt: startedAt }),
  );
  const responders = Object.fromEntries(Object.entries(def.responders).map(([name, r]) => [name, { required: r.required }]));
  return { state: { requestId, gather: def.name, status: 'PENDING', input, responders, answers: {}, correlationId: cause.correlationId, startedAt, deadline, version: 1 }, requests };
}

/** The round and responder an event answers, with the answer to record; undefined when it is no answer of this gather. */
export function answerOf<Input>(def: DefinedGather<Input>, event: GatherEvent, now: number): { requestId: string; responder: string; answer: Answer } | undefined {
  const role = def.answers.get(event.detailType);
  if (!role) return undefined;
  const requestId = def.requestIdOf ? def.requestIdOf(event) : (event.detail.data as { requestId?: unknown } | null)?.requestId;
  if (typeof requestId !== 'string' || !requestId) return undefined;
  return { requestId, responder: role.responder, answer: { kind: role.kind, detailType: event.detailType, eventId: event.detail.metadata.eventId, at: new Date(now).toISOString(), data: event.detail.data } };
}

/** Why an answer would not be recorded on this state; undefined when it counts. */
export function refusal<Input>(state: GatherState<Input>, responder: string, answeredAt: string): string | undefined {
  if (state.status !== 'PENDING') return `gather ${state.requestId} already ended ${state.status}`;
  if (!state.responders[responder]) return `${responder} was not asked in gather ${state.requestId}`;
  if (state.answers[responder]) return `${responder} already answered gather ${state.requestId}`;
  if (answeredAt > state.deadline) return `${responder} answered after the deadline ${state.deadline}`;
  return undefined;
}

/**
 * How the gather ends, or undefined while it must still wait: when every responder
 * answered, or at the deadline with what arrived. A required responder without a response
 * (it errored or stayed silent) makes it FAILED; an optional one, PARTIAL.
 */
export function outcome<Input>(state: GatherState<Input>, atDeadline: boolean): { status: Exclude<GatherStatus, 'PENDING'>; reason: string } | undefined {
  if (state.status !== 'PENDING') return undefined;
  const names = Object.keys(state.responders);
  const silent = names.filter((n) => !state.answers[n]);
  if (silent.length && !atDeadline) return undefined;
  const errored = names.filter((n) => state.answers[n]?.kind === 'error');
  const missing = (list: string[]) => list.filter((n) => state.responders[n]?.required);
  const describe = (what: string, list: string[]) => (list.length ? [`${list.join(', ')} ${what}`] : []);
  const requiredMissing = [...missing(errored), ...missing(silent)];
  const notes = [...describe('answered with an error', errored), ...describe('did not answer by the deadline', silent)];
  if (requiredMissing.length) return { status: 'FAILED', reason: `required ${requiredMissing.join(', ')} gave no response: ${notes.join('; ')}` };
  if (notes.length) return { status: 'PARTIAL', reason: notes.join('; ') };
  return { status: 'COMPLETE', reason: 'every responder answered' };
}

/** The ended state. */
export function ended<Input>(state: GatherState<Input>, end: { status: Exclude<GatherStatus, 'PENDING'>; reason: string }, now: number): GatherState<Input> {
  return { ...state, status: end.status, reason: end.reason, endedAt: new Date(now).toISOString(), version: state.version + 1 };
}
