import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { OutgoingEvent } from '../../lib/envelope';
import {
  compareForSending,
  OutboxEventInvalidError,
  OutboxRowInvalidError,
  outboxWrites,
  parseOutboxRow,
  selectPending,
  toOutboxErrorData,
  toOutboxRow,
  type OutboxRow,
} from '../../lib/outbox';

// The outbox row format, the stream record selection and the error data: plain functions,
// no AWS.

const event = (eventId: string, extra: Record<string, unknown> = {}): OutgoingEvent => ({
  source: 'test.orders',
  detailType: 'OrderPlaced',
  bus: 'core',
  busName: 'test-events',
  resources: ['arn:aws:test:::order/1'],
  detail: { metadata: { eventId, correlationId: 'corr-1', eventVersion: '1.0', occurredAt: '2026-03-01T10:00:00.000Z', ...extra }, data: { n: 1 } },
});

describe('outbox rows', () => {
  it('builds a PENDING row keyed by the envelope eventId, with what the relay needs to send and order it', () => {
    expect(toOutboxRow(event('e-1', { aggregateId: 'o-1', sequence: 3 }), '2026-03-01T10:00:01.000Z')).toEqual({
      id: 'e-1',
      status: 'PENDING',
      createdAt: '2026-03-01T10:00:01.000Z',
      attempts: 0,
      source: 'test.orders',
      detailType: 'OrderPlaced',
      bus: 'core',
      busName: 'test-events',
      detail: event('e-1', { aggregateId: 'o-1', sequence: 3 }).detail,
      resources: ['arn:aws:test:::order/1'],
      aggregateId: 'o-1',
      sequence: 3,
      correlationId: 'corr-1',
    });
  });

  it('gives conditional puts that never overwrite an existing row', () => {
    const [put] = outboxWrites('outbox', [event('e-2')], '2026-03-01T10:00:00.000Z');
    expect(put?.Put).toMatchObject({ TableName: 'outbox', ConditionExpression: 'attribute_not_exists(id)', Item: { id: 'e-2', status: 'PENDING' } });
  });

  it('refuses events without an envelope eventId, naming every problem', () => {
    const bad: OutgoingEvent = { source: '', detailType: 'X', bus: 'core', busName: 'b', detail: { data: {} } };
    let error: unknown;
    try {
      outboxWrites('outbox', [event('ok'), bad]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutboxEventInvalidError);
    expect((error as OutboxEventInvalidError).problems).toEqual(['X: source is empty', 'X: detail.metadata.eventId is missing (the outbox row is keyed by it)']);
  });

  it('parses items read back, and names what makes an item unsendable', () => {
    const row = toOutboxRow(event('e-3'), '2026-03-01T10:00:00.000Z');
    expect(parseOutboxRow({ ...row })).toEqual(row);
    expect(() => parseOutboxRow({ ...row, detail: 'text' })).toThrow(OutboxRowInvalidError);
    expect(() => parseOutboxRow({ ...row, status: 'SENT' })).toThrow(/status "SENT" is not one of PENDING, PUBLISHED, FAILED/);
    expect(() => parseOutboxRow({ id: 'x', status: 'PENDING' })).toThrow(/source is missing/);
  });

  it('orders rows by aggregate then sequence, rows without aggregate by creation time', () => {
    const r = (id: string, aggregateId: string | undefined, sequence: number | undefined, createdAt: string): OutboxRow => ({
      ...toOutboxRow(event(id), createdAt),
      ...(aggregateId ? { aggregateId } : {}),
      ...(sequence ? { sequence } : {}),
    });
    const rows = [r('a3', 'A', 3, 't1'), r('x2', undefined, undefined, 't5'), r('b1', 'B', 1, 't0'), r('a1', 'A', 1, 't9'), r('x1', undefined, undefined, 't4'), r('a2', 'A', 2, 't0')];
    expect([...rows].sort(compareForSending).map((x) => x.id)).toEqual(['x1', 'x2', 'a1', 'a2', 'a3', 'b1']);
  });
});

describe('stream record selection', () => {
  const image = (status: string, attempts = 0) => marshall({ ...toOutboxRow(event('e-9'), '2026-03-01T10:00:00.000Z'), status, attempts }) as never;
  let seq = 100;
  const record = (eventName: DynamoDBRecord['eventName'], newStatus?: string, oldStatus?: string, keys = true): DynamoDBRecord => ({
    eventID: `ev-${seq}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      ...(keys ? { Keys: { id: { S: 'e-9' } } } : {}),
      SequenceNumber: String(seq++),
      ...(newStatus ? { NewImage: image(newStatus, oldStatus === 'PENDING' ? 1 : 0) } : {}),
      ...(oldStatus ? { OldImage: image(oldStatus) } : {}),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  });

  it('acts on new PENDING rows and rows put back to PENDING; ignores attempt bumps, marks and removals', () => {
    const streamEvent: DynamoDBStreamEvent = {
      Records: [
        record('INSERT', 'PENDING'), // a new row
        record('MODIFY', 'PENDING', 'PENDING'), // the relay recorded a failed attempt: retried by the stream or the sweeper, not by this record
        record('MODIFY', 'PUBLISHED', 'PENDING'), // marked
        record('MODIFY', 'PENDING', 'FAILED'), // an operator requeued a FAILED row
        record('REMOVE', undefined, 'PUBLISHED'), // TTL
        record('INSERT', 'PENDING', undefined, false), // no Keys: the id is read from the image
        { eventID: 'ev-x', eventName: 'INSERT', dynamodb: { Keys: { id: { S: 'e-10' } }, NewImage: image('PENDING') } }, // no SequenceNumber: cannot be reported
      ],
    };
    const selection = selectPending(streamEvent);
    expect(selection.candidates.map((c) => [c.id, c.sequenceNumber, c.image?.['status']])).toEqual([
      ['e-9', '100', 'PENDING'],
      ['e-9', '103', 'PENDING'],
      ['e-9', '105', 'PENDING'],
    ]);
    expect(selection.ignored).toBe(3);
    expect(selection.unusable).toEqual([{ eventID: 'ev-x', reason: 'no SequenceNumber' }]);
  });
});

describe('error event data', () => {
  it('describes a given-up row with the event to republish, and an unsendable one as not retryable', () => {
    const row = { ...toOutboxRow(event('9916ff4f-5dc3-4f69-af1e-fb2845cf7e9a', { aggregateId: 'o-1', sequence: 2 }), '2026-03-01T10:00:00.000Z'), attempts: 5 };
    const data = toOutboxErrorData({ id: row.id, row, reason: 'InternalFailure: boom', attempts: 5, permanent: false }, { service: 'outbox-relay', functionName: 'relay-fn', table: 'outbox' });
    expect(data).toEqual({
      errorCode: 'OUTBOX_PUBLISH_FAILED',
      errorMessage: 'OrderPlaced 9916ff4f-5dc3-4f69-af1e-fb2845cf7e9a not published after 5 attempt(s); last error: InternalFailure: boom',
      severity: 'CRITICAL',
      context: { service: 'outbox-relay', function: 'relay-fn', outboxTable: 'outbox', eventId: row.id, detailType: 'OrderPlaced', source: 'test.orders', bus: 'core', aggregateId: 'o-1', sequence: 2, attempt: 5 },
      canRetry: true,
      failedEvent: { source: 'test.orders', 'detail-type': 'OrderPlaced', detail: row.detail, resources: row.resources },
    });
    const refused = toOutboxErrorData({ id: 'not-a-uuid', item: { id: 'not-a-uuid' }, reason: 'detail is not an object', attempts: 1, permanent: true }, { service: 's', functionName: 'f', table: 't' });
    expect(refused).toMatchObject({ errorCode: 'OUTBOX_EVENT_REFUSED', canRetry: false, failedEvent: { outboxItem: { id: 'not-a-uuid' } } });
    expect(refused.context).not.toHaveProperty('eventId');
  });
});
