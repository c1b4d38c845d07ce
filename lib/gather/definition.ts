import type { OutgoingEvent } from '../envelope';
import { GatherDefinitionError } from './errors';

/**
 * A scatter-gather (seed 000) is data plus pure functions: the responders asked, each with
 * the request it is sent, the detail-types that answer it (a response or an error), and
 * whether the result needs it (required) or can do without it (optional: the domain falls
 * back). One deadline bounds the wait. The engine (engine.ts) decides every state change
 * from this and the gather's state; nothing here touches AWS.
 */

/** A received answer as the engine sees it: its detail-type and `{ metadata, data }` detail. */
export interface GatherEvent<D = unknown> {
  detailType: string;
  detail: { metadata: { eventId: string; correlationId: string }; data: D };
}

/** What a request builder gets: ids that make the request event deterministic and traceable. */
export interface RequestContext {
  requestId: string;
  /** The same on every retry of the same start, so a duplicate lands on the same outbox row. */
  eventId: string;
  correlationId: string;
  causationId: string;
  /** When answers stop counting (ISO 8601). */
  deadline: string;
  occurredAt: string;
}

export interface Responder<Input> {
  /** The request event sent to this responder (built by the service's generated publisher). */
  request: (input: Input, context: RequestContext) => OutgoingEvent;
  /** Detail-types of its answers that carry a result. */
  response: readonly string[];
  /** Detail-types of its answers that say it cannot answer. */
  error: readonly string[];
  /** Without a response from it the gather FAILED; an optional responder's absence makes it PARTIAL. */
  required: boolean;
}

export interface GatherDefinition<Input> {
  /** Names the gather in ids, timers, logs and metrics (letters, digits, `-`). */
  name: string;
  responders: Readonly<Record<string, Responder<Input>>>;
  /** How long answers are waited for. */
  deadlineSeconds: number;
  /** Where an answer names its round (default `detail.data.requestId`). */
  requestIdOf?: (event: GatherEvent) => string | undefined;
}

/** Which responder and kind a detail-type is an answer of. */
export interface AnswerRole {
  responder: string;
  kind: 'response' | 'error';
}

/** Checks a definition once (at module load) and indexes its answers by detail-type. */
export function defineGather<Input>(definition: GatherDefinition<Input>): GatherDefinition<Input> & { answers: ReadonlyMap<string, AnswerRole> } {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9-]{1,40}$/.test(definition.name)) problems.push(`name "${definition.name}" must be 1-40 letters, digits or '-'`);
  const names = Object.keys(definition.responders);
  if (!names.length) problems.push('a gather needs at least one responder');
  if (!(definition.deadlineSeconds > 0)) problems.push('deadlineSeconds must be > 0 (a gather must never wait forever)');
  const answers = new Map<string, AnswerRole>();
  for (const [responder, r] of Object.entries(definition.responders)) {
    if (!r.response.length) problems.push(`responder ${responder} has no response type`);
    for (const [types, kind] of [[r.response, 'response'], [r.error, 'error']] as const) {
      for (const type of types) {
        const taken = answers.get(type);
        if (taken) problems.push(`${type} (${kind} of ${responder}) is already the ${taken.kind} of ${taken.responder}`);
        else answers.set(type, { responder, kind });
      }
    }
  }
  if (problems.length) throw new GatherDefinitionError(definition.name, problems);
  return { ...definition, answers };
}

export type DefinedGather<Input> = ReturnType<typeof defineGather<Input>>;
