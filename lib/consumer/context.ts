import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { BusPublisher, PublishedEvent } from '../bus';
import { causedBy, type BuiltEvent, type EventBridgeEvent, type EventContext, type OutgoingEvent } from '../envelope';
import type { TransactWrite } from '../outbox/row';
import { OutboxMissingError } from './errors';

/** Context options of events emitted while handling one (causation is set by the stack). */
export type EmitOptions = Omit<EventContext, 'causedBy' | 'correlationId' | 'causationId'>;

/** What `ctx.commit` writes: the handler's own state changes and the events they cause, in one transaction. */
export interface CommitInput {
  /** Built with `ctx.causedBy`; each needs an envelope eventId. */
  events: readonly OutgoingEvent[];
  /** The service's own writes, as transaction items (`{ Put: { TableName, Item, ConditionExpression } }`...). */
  writes?: readonly TransactWrite[];
}

/**
 * Writes state and outbox rows in one DynamoDB transaction: `createOutboxWriter()` of
 * lib/event-store (given to the consumer, so a consumer that commits nothing does not
 * bundle the transaction code).
 */
export type OutboxWriter = (input: CommitInput) => Promise<{ eventIds: string[] }>;

/** What every handler receives besides its typed event. */
export interface ConsumerContext {
  /** The consumer's logger; every line carries correlationId, eventId, detailType, queue, messageId. */
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly lambdaContext: Context;
  readonly queue: string;
  readonly messageId: string;
  /** SQS receive count (1 = first delivery). */
  readonly attempt: number;
  /** EventContext for builders: the correlationId is inherited, causationId = this eventId. */
  readonly causedBy: EventContext;
  /**
   * THE way to emit: the handler's state change and the events it causes in one transaction
   * through the outbox (the relay publishes them after the commit, never before). Needs the
   * consumer's `outbox` option. See lib/consumer/README.md "Emitting events".
   */
  commit(input: CommitInput): Promise<{ eventIds: string[] }>;
  /**
   * Builds an event caused by the one being handled and puts it on the bus NOW, outside any
   * transaction: if the handler then fails, the event is out anyway, and if a write before it
   * committed and this publish fails, the state changed without its event. Only for events
   * derived purely from the input, with a deterministic eventId (a retry sends the same
   * event, consumers dedupe it), and no state written. Otherwise use `commit`.
   */
  publishDirect<X, D extends string, T>(build: (data: X, context?: EventContext) => BuiltEvent<D, T>, data: X, options?: EmitOptions): Promise<PublishedEvent>;
}

export interface ContextDeps {
  logger: Logger;
  metrics: Metrics;
  queue: string;
  publisher: () => BusPublisher;
  outbox: OutboxWriter | undefined;
}

/** The ConsumerContext of one record: its causation, and the two ways out for events. */
export function consumerContext(deps: ContextDeps, event: EventBridgeEvent, lambdaContext: Context, messageId: string, attempt: number): ConsumerContext {
  const causation = causedBy(event as EventBridgeEvent<string, { metadata: { eventId: string; correlationId: string } }>);
  return {
    logger: deps.logger,
    metrics: deps.metrics,
    lambdaContext,
    queue: deps.queue,
    messageId,
    attempt,
    causedBy: causation,
    commit(input) {
      if (!deps.outbox) return Promise.reject(new OutboxMissingError(deps.queue));
      return deps.outbox(input);
    },
    async publishDirect(build, data, emitOptions) {
      const [published] = await deps.publisher().publish(build(data, { ...emitOptions, ...causation }));
      return published as PublishedEvent;
    },
  };
}
