import type { LoggedEvent } from '../../local/event-log';
import { InvocationLog } from '../../local/invocation-log';
import { hopFigures, hopsOf } from '../../scripts/bench/hops';

// The hop figures of bench:flow, from the cloud's own logs: the invocation log names the
// rows a stream-fed invocation handled (their keys), so a hop splits into the write and the
// stream, the relay, the queue and the handler.

const envelope = (eventId: string) => ({ id: `eb-${eventId}`, 'detail-type': 'Thing', source: 'test', detail: { metadata: { eventId }, data: {} } });

describe('hops', () => {
  it('join the outbox row, the relay invocation, the bus and the consumer invocation of each event', () => {
    const log = new InvocationLog();
    // The relay: invoked with the stream records of rows a and b at 110.
    log.record({ function: 'relay', ok: true, durationMs: 20, startedAt: 110, event: { Records: [{ dynamodb: { Keys: { id: { S: 'a' } } } }, { dynamodb: { Keys: { id: { S: 'b' } } } }] } });
    // A consumer: a at 140 (done 170), b failed at 140 and handled at 300 (done 310).
    log.record({ function: 'consumer', ok: true, durationMs: 30, startedAt: 140, event: { Records: [{ messageId: 'm1', body: JSON.stringify(envelope('a')) }, { messageId: 'm2', body: JSON.stringify(envelope('b')) }] }, result: { batchItemFailures: [{ itemIdentifier: 'm2' }] } });
    log.record({ function: 'consumer', ok: true, durationMs: 10, startedAt: 300, event: { Records: [{ messageId: 'm3', body: JSON.stringify(envelope('b')) }] } });
    // c never went through the outbox: put on the bus at 500, consumed at 504.
    log.record({ function: 'consumer', ok: true, durationMs: 6, startedAt: 504, event: { Records: [{ messageId: 'm4', body: JSON.stringify(envelope('c')) }] } });
    const invocations = log.recent();
    expect(invocations[0]?.streamKeys).toEqual(['a', 'b']);
    expect(invocations[1]?.streamKeys).toEqual([]);

    const events = [
      { at: 125, event: envelope('a') },
      { at: 128, event: envelope('b') },
      { at: 500, event: envelope('c') },
    ] as unknown as LoggedEvent[];
    const hops = hopsOf(events, invocations, { built: new Map([['a', 90], ['b', 101]]), committed: new Map([['a', 100], ['b', 104]]) });
    expect(hops.map((h) => [h.eventId, h.builtAt, h.committedAt, h.relayedAt, h.putAt, h.startedAt, h.doneAt])).toEqual([
      ['a', 90, 100, 110, 125, 140, 170],
      ['b', 101, 104, 110, 128, 300, 310],
      ['c', undefined, undefined, undefined, 500, 504, 510],
    ]);

    const f = hopFigures(hops);
    expect(f.hops).toBe(3);
    // Delivery: row committed -> consumer invoked (a 40, b 196); bare: bus -> invoked (15, 172, 4).
    expect(f.outboxHop).toEqual({ p50: 40, p95: 196 });
    expect(f.bareHop).toEqual({ p50: 15, p95: 172 });
    expect(f.outboxToDone).toEqual({ p50: 70, p95: 206 });
    expect(f.split.write).toEqual({ p50: 3, p95: 10 });
    expect(f.split.stream).toEqual({ p50: 6, p95: 10 });
    expect(f.split.relay).toEqual({ p50: 15, p95: 18 });
    expect(f.split.handler.p50).toBe(10);
  });

  it('key a stream record on every key attribute, in name order', () => {
    const log = new InvocationLog();
    log.record({ function: 'f', ok: true, durationMs: 1, event: { Records: [{ dynamodb: { Keys: { sk: { S: 'v1' }, pk: { S: 'A' } } } }, { dynamodb: { Keys: { n: { N: '7' } } } }] } });
    expect(log.recent()[0]?.streamKeys).toEqual(['A#v1', '7']);
  });
});
