import { ConcurrencyError, createAggregate, EventStoreWriteError, type AppendInput, type EventStore, type StoredEvent } from '../../lib/event-store';
import type { OutgoingEvent } from '../../lib/envelope';

// lib/event-store createAggregate: the decide-append-retry loop over an EventStore, with an
// in-memory store (no DynamoDB): state folded from the stored events, the decision's events
// built at the next versions, a concurrent append answered by deciding again, a few times.

type CounterEvent = { type: 'Added'; data: { by: number } } | { type: 'Reset'; data: { reason?: string } };

/** An EventStore in an array; `conflicts` appends by "another writer" happen just before the next appends. */
function inMemoryStore(conflicts = 0): EventStore & { events: StoredEvent[]; appends: AppendInput[] } {
  const events: StoredEvent[] = [];
  const appends: AppendInput[] = [];
  const put = (aggregateId: string, event: OutgoingEvent): void => {
    const detail = event.detail as { metadata: { eventId: string; occurredAt: string; correlationId: string }; data: unknown };
    events.push({ aggregateId, version: events.length + 1, aggregateType: 'Counter', eventId: detail.metadata.eventId, source: event.source, detailType: event.detailType, occurredAt: detail.metadata.occurredAt, correlationId: detail.metadata.correlationId, detail });
  };
  let pending = conflicts;
  return {
    events,
    appends,
    async load() {
      return events.map((e) => ({ ...e }));
    },
    async append(input) {
      appends.push(input);
      if (pending > 0) {
        pending -= 1;
        put(input.aggregateId, built('Added', { by: 100 }, { eventId: `other-${pending}`, sequence: events.length + 1 }));
        throw new ConcurrencyError(input.aggregateId, input.expectedVersion);
      }
      for (const e of input.events) put(input.aggregateId, e);
      return { version: events.length, eventIds: [] };
    },
  };
}

function built(type: string, data: unknown, context: { eventId?: string; sequence?: number; aggregateId?: string; correlationId?: string }): OutgoingEvent {
  const metadata = { eventId: context.eventId ?? `e-${String(context.sequence)}`, correlationId: context.correlationId ?? 'c-1', occurredAt: '2026-03-01T10:00:00.000Z', aggregateId: context.aggregateId, sequence: context.sequence };
  return { source: 'test.counter', detailType: type, bus: 'core', busName: 'test', detail: { metadata, data } };
}

const fold = (events: readonly CounterEvent[]): number | undefined => (events.length ? events.reduce((total, e) => (e.type === 'Added' ? total + e.data.by : 0), 0) : undefined);
const builders = { Added: (data: { by: number }, context: object) => built('Added', data, context), Reset: (data: { reason?: string }, context: object) => built('Reset', data, context) };

describe('createAggregate', () => {
  it('decides on the folded state and appends the events at the next versions, with the caller context', async () => {
    // Prepare
    const store = inMemoryStore();
    const counter = createAggregate<number, CounterEvent>({ store, aggregateType: 'Counter', fold, builders });
    await counter.decide('c-1', { correlationId: 'corr-1' }, () => [{ type: 'Added', data: { by: 2 } }]);

    // Act
    const decided = await counter.decide('c-1', { correlationId: 'corr-2' }, (state): CounterEvent[] => [{ type: 'Added', data: { by: (state ?? 0) * 10 } }, { type: 'Reset', data: {} }]);

    // Assess
    expect(decided).toEqual([{ type: 'Added', data: { by: 20 } }, { type: 'Reset', data: {} }]);
    expect(store.appends.at(-1)).toMatchObject({ aggregateId: 'c-1', aggregateType: 'Counter', expectedVersion: 1 });
    expect(store.events.map((e) => [e.version, e.detailType, (e.detail['metadata'] as { sequence: number; aggregateId: string; correlationId: string }).sequence])).toEqual([
      [1, 'Added', 1],
      [2, 'Added', 2],
      [3, 'Reset', 3],
    ]);
    expect(store.events[2]?.detail['metadata']).toMatchObject({ aggregateId: 'c-1', correlationId: 'corr-2' });
    await expect(counter.load('c-1')).resolves.toMatchObject({ state: 0, version: 3 });
  });

  it('appends nothing when the decision is that nothing happens', async () => {
    // Prepare
    const store = inMemoryStore();
    const counter = createAggregate<number, CounterEvent>({ store, aggregateType: 'Counter', fold, builders });

    // Act
    const decided = await counter.decide('c-1', {}, () => []);

    // Assess
    expect(decided).toEqual([]);
    expect(store.appends).toEqual([]);
  });

  it('decides again on the new state when another writer appended first', async () => {
    // Prepare
    const store = inMemoryStore(2);
    const seen: (number | undefined)[] = [];
    const counter = createAggregate<number, CounterEvent>({ store, aggregateType: 'Counter', fold, builders });

    // Act
    await counter.decide('c-1', {}, (state) => {
      seen.push(state);
      return [{ type: 'Added', data: { by: 1 } }];
    });

    // Assess
    expect(seen).toEqual([undefined, 100, 200]);
    expect(store.appends.map((a) => a.expectedVersion)).toEqual([0, 1, 2]);
    await expect(counter.load('c-1')).resolves.toMatchObject({ state: 201, version: 3 });
  });

  it('gives up after maxAttempts conflicts with the ConcurrencyError, and never retries other errors', async () => {
    // Prepare
    const busy = createAggregate<number, CounterEvent>({ store: inMemoryStore(5), aggregateType: 'Counter', fold, builders, maxAttempts: 3 });
    const failing = inMemoryStore();
    failing.append = async (input) => {
      failing.appends.push(input);
      throw new EventStoreWriteError('network down');
    };
    const broken = createAggregate<number, CounterEvent>({ store: () => failing, aggregateType: 'Counter', fold, builders });
    const add = (): CounterEvent[] => [{ type: 'Added', data: { by: 1 } }];

    // Act
    const conflict = busy.decide('c-1', {}, add);
    const failure = broken.decide('c-1', {}, add);

    // Assess
    await expect(conflict).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(failure).rejects.toBeInstanceOf(EventStoreWriteError);
    expect(failing.appends).toHaveLength(1);
  });
});
