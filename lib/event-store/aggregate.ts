import type { EventContext } from '../envelope';
import type { OutgoingEvent } from '../envelope';
import { ConcurrencyError } from './errors';
import { appendContext, type EventStore, type StoredEvent } from './store';

/** An event as an aggregate's decision returns it: its detail-type and data (the envelope is built on append). */
export interface DecidedEvent {
  readonly type: string;
  readonly data: unknown;
}

/** A builder per detail-type the aggregate decides (a generated publisher fits: `incidentPublisher`). */
export type EventBuilders<E extends DecidedEvent> = {
  readonly [K in E['type']]: (data: Extract<E, { type: K }>['data'], context: EventContext) => OutgoingEvent;
};

export interface AggregateReaderOptions<S, E extends DecidedEvent> {
  /** The event store, or a function giving it on first use (so a module can be imported without its configuration). */
  store: EventStore | (() => EventStore);
  /** The aggregate's state from its events (undefined: it does not exist). */
  fold: (events: readonly E[]) => S | undefined;
}

export interface AggregateOptions<S, E extends DecidedEvent> extends AggregateReaderOptions<S, E> {
  /** Recorded on every stored event (`Order`, `Incident`...). */
  aggregateType: string;
  builders: EventBuilders<E>;
  /** Decisions made per call before a ConcurrencyError is given up and thrown (default 4). */
  maxAttempts?: number;
}

export interface LoadedAggregate<S> {
  state: S | undefined;
  /** The version of the last stored event (0: none). */
  version: number;
  events: StoredEvent[];
}

/** The read side of an aggregate: its state and stored events. */
export interface AggregateReader<S> {
  load(aggregateId: string): Promise<LoadedAggregate<S>>;
}

/** An event-sourced aggregate: load its state, decide and append with optimistic concurrency. */
export interface Aggregate<S, E extends DecidedEvent> extends AggregateReader<S> {
  /**
   * Runs `decision` on the current state and appends what it returns (with the outbox rows,
   * lib/event-store), at the version the decision was made on. When another writer appended
   * first (ConcurrencyError) the state is loaded and the decision made again, up to
   * `maxAttempts` times. Returns the appended events (none when the decision was "nothing to do").
   */
  decide(aggregateId: string, context: EventContext, decision: (state: S | undefined) => readonly E[]): Promise<readonly E[]>;
}

export const DEFAULT_DECISION_ATTEMPTS = 4;

const storeOf = (store: EventStore | (() => EventStore)): EventStore => (typeof store === 'function' ? store() : store);

/**
 * Loads an aggregate: its stored events folded into state. For read-only callers (a query
 * API), which then bundle no event builders.
 */
export function createAggregateReader<S, E extends DecidedEvent>(options: AggregateReaderOptions<S, E>): AggregateReader<S> {
  return {
    async load(aggregateId) {
      const events = await storeOf(options.store).load(aggregateId);
      // The store holds what the builders made from these events: detail-type and data come back as they went in.
      const decided = events.map((e) => ({ type: e.detailType, data: e.detail['data'] }) as E);
      return { state: options.fold(decided), version: events.at(-1)?.version ?? 0, events };
    },
  };
}

/**
 * The decide-append-retry loop of an event-sourced aggregate over an EventStore, generic
 * in its state and events: the domain gives `fold`, the builders and its decisions.
 *
 * @example
 * const orders = createAggregate({ store: () => eventStore, aggregateType: 'Order', fold, builders: ordersPublisher });
 * await orders.decide(orderId, ctx.causedBy, (state) => placeOrder(state, command, now()));
 */
export function createAggregate<S, E extends DecidedEvent>(options: AggregateOptions<S, E>): Aggregate<S, E> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_DECISION_ATTEMPTS;
  // Builders are looked up by the decided event's type: each one's data type is its own, checked where `builders` is given.
  const build = (event: E, context: EventContext): OutgoingEvent => (options.builders[event.type as E['type']] as (data: unknown, context: EventContext) => OutgoingEvent)(event.data, context);

  const { load } = createAggregateReader(options);

  return {
    load,
    async decide(aggregateId, context, decision) {
      for (let attempt = 1; ; attempt++) {
        const { state, version } = await load(aggregateId);
        const decided = decision(state);
        if (!decided.length) return [];
        const events = decided.map((e, i) => build(e, appendContext(context, aggregateId, version, i)));
        try {
          await storeOf(options.store).append({ aggregateId, aggregateType: options.aggregateType, expectedVersion: version, events });
          return decided;
        } catch (error) {
          if (!(error instanceof ConcurrencyError) || attempt >= maxAttempts) throw error;
        }
      }
    },
  };
}
