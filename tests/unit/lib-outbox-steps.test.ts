import { backoffDelay } from '../../lib/backoff';
import { createFailureMemory, markedRows, parseOutboxRow, triage, unsentRows, latestById, type OutboxRow } from '../../lib/outbox';
import { laneGroups } from '../../lib/outbox/send';
import { UNPROCESSED_BACKOFF } from '../../lib/outbox/table';
import { clip, failedUpdate, MAX_ERROR_TEXT, publishedImage, retryUpdate } from '../../lib/outbox/table-writes';

// The relay's pure steps and the outbox table's requests, alone (no DynamoDB, no bus).

const item = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  status: 'PENDING',
  createdAt: '2026-03-01T10:00:00.000Z',
  attempts: 0,
  source: 'test.orders',
  detailType: 'OrderPlaced',
  bus: 'core',
  busName: 'test-events',
  detail: { metadata: { eventId: id }, data: {} },
  resources: [],
  ...extra,
});
const row = (id: string, extra: Record<string, unknown> = {}): OutboxRow => parseOutboxRow(item(id, extra));

describe('relay steps', () => {
  it('triages inputs: PENDING rows in sending order, the rest skipped or given up', () => {
    // Prepare
    const inputs = latestById([
      { id: 'b2', item: item('b2', { aggregateId: 'b', sequence: 2 }) },
      { id: 'b1', item: item('b1', { aggregateId: 'b', sequence: 1 }) },
      { id: 'done', item: item('done', { status: 'PUBLISHED' }) },
      { id: 'bad', item: item('bad', { detail: 'not an object' }) },
      { id: 'unreadable', problem: 'image cannot be unmarshalled' },
    ]);

    // Act
    const result = triage(inputs, undefined);

    // Assess
    expect(result.rows.map((r) => r.id)).toEqual(['b1', 'b2']);
    expect([...result.items.keys()].sort()).toEqual(['b1', 'b2']);
    expect(result.skipped).toEqual(['done']);
    expect(result.unsendable).toEqual([
      { id: 'bad', item: expect.objectContaining({ id: 'bad' }), reason: 'detail is not an object' },
      { id: 'unreadable', reason: 'image cannot be unmarshalled' },
    ]);
  });

  it('trusts the rows read again over the inputs, and skips rows gone since', () => {
    // Prepare
    const inputs = latestById([{ id: 'a', item: item('a') }, { id: 'gone', item: item('gone') }]);
    const current = new Map([['a', item('a', { status: 'PUBLISHED' })]]);

    // Act
    const result = triage(inputs, current);

    // Assess
    expect(result.rows).toEqual([]);
    expect(result.skipped.sort()).toEqual(['a', 'gone']);
  });

  it('keeps the last input of a row (the newest stream image)', () => {
    expect(latestById([{ id: 'a', problem: 'old' }, { id: 'a', item: item('a') }]).get('a')).toEqual({ id: 'a', item: item('a') });
  });

  it('tells rows marked (published, or by another run) from rows sent but not marked', () => {
    // Prepare
    const rows = [row('a'), row('b'), row('c'), row('d')];
    const failure = new Error('throttled');
    const marks = new Map<string, 'published' | 'not-pending' | Error>([['a', 'published'], ['b', 'not-pending'], ['c', failure]]);

    // Act
    const { published, unmarked } = markedRows(rows, marks);

    // Assess
    expect(published).toEqual(['a', 'b']);
    expect(unmarked.map((u) => [u.row.id, u.error])).toEqual([['c', failure]]);
  });

  it('lists the rows not sent: failed ones, ones without an outcome, and unsendable ones (permanent)', () => {
    // Prepare
    const rows = [row('sent'), row('failed'), row('silent')];
    const outcomes = new Map([
      ['sent', { sent: true as const }],
      ['failed', { sent: false as const, reason: 'ThrottlingException: slow down', permanent: false }],
    ]);

    // Act
    const unsent = unsentRows(rows, outcomes, [{ id: 'bad', reason: 'id is missing' }]);

    // Assess
    expect(unsent.map((u) => [u.id, u.outcome])).toEqual([
      ['failed', { sent: false, reason: 'ThrottlingException: slow down', permanent: false }],
      ['silent', { sent: false, reason: 'not published', permanent: false }],
      ['bad', { reason: 'id is missing', permanent: true }],
    ]);
  });

  it('remembers reported stream records up to its limit, forgetting the oldest first', () => {
    // Prepare
    const memory = createFailureMemory(2);

    // Act
    memory.remember([{ itemIdentifier: '1' }, { itemIdentifier: '2' }]);
    memory.remember([{ itemIdentifier: '3' }]);

    // Assess
    expect(['1', '2', '3'].map((s) => memory.has(s))).toEqual([false, true, true]);
  });

  it('keeps an aggregate in one lane and groups each lane by bus, in order', () => {
    // Prepare
    const rows = [row('a1', { aggregateId: 'A', sequence: 1 }), row('x', { bus: 'errors' }), row('a2', { aggregateId: 'A', sequence: 2 })];

    // Act
    const lanes = laneGroups(rows, 3);

    // Assess
    const laneOfA = lanes.find((groups) => groups.some((g) => g.some((r) => r.id === 'a1')));
    expect(laneOfA?.flat().filter((r) => r.aggregateId === 'A').map((r) => r.id)).toEqual(['a1', 'a2']);
    expect(lanes.flat().every((group) => group.every((r) => r.bus === group[0]?.bus))).toBe(true);
    expect(lanes.flat(2).map((r) => r.id).sort()).toEqual(['a1', 'a2', 'x']);
  });
});

describe('outbox table requests', () => {
  it('writes a PUBLISHED image without the detail, one attempt more, with the TTL', () => {
    // Prepare
    const at = Date.parse('2026-03-01T10:00:05.000Z');

    // Act
    const image = publishedImage(item('a', { attempts: 2 }), at, 60);

    // Assess
    expect(image).not.toHaveProperty('detail');
    expect(image).toMatchObject({ id: 'a', status: 'PUBLISHED', publishedAt: '2026-03-01T10:00:05.000Z', lastAttemptAt: '2026-03-01T10:00:05.000Z', attempts: 3, expiresAt: at / 1000 + 60 });
  });

  it('conditions every failure write on PENDING, and a retry on attempts left', () => {
    // Act
    const retry = retryUpdate('outbox', 'a', 'boom', 0, 5);
    const failed = failedUpdate('outbox', 'a', 'x'.repeat(MAX_ERROR_TEXT + 10), 0);

    // Assess
    expect(retry.ConditionExpression).toBe('#s = :pending AND (attribute_not_exists(attempts) OR attempts < :last)');
    expect(retry.ExpressionAttributeValues[':last']).toBe(4);
    expect(failed.ConditionExpression).toBe('#s = :pending');
    expect(String(failed.ExpressionAttributeValues[':e'])).toHaveLength(MAX_ERROR_TEXT);
    expect(clip('short')).toBe('short');
  });

  it('waits between unprocessed batch calls as it always did: min(1000, 25 * 2^attempt) ms, no jitter', () => {
    // Act
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, UNPROCESSED_BACKOFF, () => 0));

    // Assess
    expect(delays).toEqual([1, 2, 3, 4, 5, 6].map((attempt) => Math.min(1000, 25 * 2 ** attempt)));
  });
});
