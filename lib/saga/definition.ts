import type { EventContext, OutgoingEvent } from '../envelope';
import { SagaDefinitionError } from './errors';

/**
 * A saga is data plus pure functions: ordered steps, each a command sent to a participant
 * with its success and failure replies, an optional compensation (a command and its reply)
 * that undoes the step, and a timeout. The engine (engine.ts) decides every transition from
 * this and the saga's state; nothing here touches AWS.
 */

/** A received event as the engine sees it: its detail-type and `{ metadata, data }` detail. */
export interface SagaEvent<D = unknown> {
  detailType: string;
  detail: { metadata: { eventId: string; correlationId: string; occurredAt?: string }; data: D };
}

/** What a command builder gets: the ids that make the command event deterministic and traceable. */
export interface CommandContext {
  /** The same on every retry of the same transition, so a duplicate lands on the same outbox row. */
  eventId: string;
  correlationId: string;
  causationId: string;
  /** The saga is the aggregate of its commands: aggregateId = sagaId, sequence = per-saga count. */
  aggregateId: string;
  sequence: number;
  occurredAt: string;
  /** For a compensation: why the saga compensates (a failure reply, a timeout, an abort). */
  reason?: string;
}

/** The envelope ids of a command event from its context (what a generated publisher takes). */
export function commandEventContext(c: CommandContext): EventContext {
  return { eventId: c.eventId, correlationId: c.correlationId, causationId: c.causationId, aggregateId: c.aggregateId, sequence: c.sequence, occurredAt: c.occurredAt };
}

export type CommandBuilder<Data> = (data: Data, context: CommandContext) => OutgoingEvent;

export interface SagaStep<Data> {
  name: string;
  command: CommandBuilder<Data>;
  /** Detail-types of the replies that complete the step. */
  success: readonly string[];
  /** Detail-types of the replies that fail it (the saga then compensates). */
  failure: readonly string[];
  /** Folds a success reply into the saga data (e.g. keep the reservation id). */
  onSuccess?: (data: Data, reply: SagaEvent) => Data;
  compensation?: { command: CommandBuilder<Data>; reply: readonly string[] };
  /** No reply within this time: the step failed (and may still have happened: it is compensated too). */
  timeoutSeconds: number;
}

export interface SagaDefinition<Data, Trigger = unknown> {
  /** Names the saga in ids, timers, logs and metrics (letters, digits, `-`). */
  name: string;
  /** The saga id derived from the triggering event, so a duplicate trigger starts nothing new. */
  sagaId: (trigger: SagaEvent<Trigger>) => string;
  /** The saga's initial data from its trigger. */
  init: (trigger: SagaEvent<Trigger>) => Data;
  steps: readonly SagaStep<Data>[];
  /** Where a reply names its saga (default `detail.data.sagaId`). */
  sagaIdOf?: (event: SagaEvent) => string | undefined;
  /** Compensation commands that get no reply in time are sent again, this many times in all (default 3). */
  compensationAttempts?: number;
  /** Timeout of a compensation step when its step gives none (default the step's timeout). */
  compensationTimeoutSeconds?: number;
  /**
   * Each command sent again waits this many times longer than the attempt before it (default
   * 2: 15 s, 30 s, 60 s), so a participant behind a backed-up queue is given time to answer
   * instead of being declared lost while its reply is on its way.
   */
  retryBackoffRate?: number;
}

export const DEFAULT_COMPENSATION_ATTEMPTS = 3;
export const DEFAULT_RETRY_BACKOFF_RATE = 2;

/** Which step and role a detail-type plays in a saga, for routing replies. */
export interface ReplyRole {
  step: number;
  role: 'success' | 'failure' | 'compensated';
}

/**
 * Checks a definition once (at module load, so a mistake fails the deployment's first
 * invocation, not a saga half-way) and indexes its replies: every reply type must belong
 * to exactly one step and role, or the engine could not tell what a reply answers.
 */
export function defineSaga<Data, Trigger = unknown>(definition: SagaDefinition<Data, Trigger>): SagaDefinition<Data, Trigger> & { replies: ReadonlyMap<string, ReplyRole> } {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9-]{1,40}$/.test(definition.name)) problems.push(`name "${definition.name}" must be 1-40 letters, digits or '-'`);
  if (!definition.steps.length) problems.push('a saga needs at least one step');
  const replies = new Map<string, ReplyRole>();
  const names = new Set<string>();
  definition.steps.forEach((step, index) => {
    if (names.has(step.name)) problems.push(`step name "${step.name}" is used twice`);
    names.add(step.name);
    if (!step.success.length) problems.push(`step ${step.name} has no success reply`);
    if (!(step.timeoutSeconds > 0)) problems.push(`step ${step.name} needs a timeoutSeconds > 0 (a saga must never wait forever)`);
    const roles: [readonly string[], ReplyRole['role']][] = [[step.success, 'success'], [step.failure, 'failure'], [step.compensation?.reply ?? [], 'compensated']];
    for (const [types, role] of roles) {
      for (const type of types) {
        const taken = replies.get(type);
        if (taken) problems.push(`reply ${type} of step ${step.name} (${role}) is already the ${taken.role} reply of step ${definition.steps[taken.step]?.name}`);
        else replies.set(type, { step: index, role });
      }
    }
    if (step.compensation && !step.compensation.reply.length) problems.push(`the compensation of step ${step.name} has no reply`);
  });
  if ((definition.compensationAttempts ?? DEFAULT_COMPENSATION_ATTEMPTS) < 1) problems.push('compensationAttempts must be at least 1');
  if (!((definition.retryBackoffRate ?? DEFAULT_RETRY_BACKOFF_RATE) >= 1)) problems.push('retryBackoffRate must be at least 1');
  if (problems.length) throw new SagaDefinitionError(definition.name, problems);
  return { ...definition, replies };
}

export type DefinedSaga<Data, Trigger = unknown> = ReturnType<typeof defineSaga<Data, Trigger>>;
