import type { IncidentAssignedData, PaymentFlaggedData } from '../../generated';
import { makeHandlers } from '../../functions/reporting/consumer';
import { countShard } from '../../functions/reporting/keys';
import { makeApi } from '../../functions/reporting/queries';
import { timelineRow } from '../../functions/reporting/timeline';
import { createInMemoryReadModel } from '../../lib/read-model';
import { consumerContext, delivered, httpCall, silenceOutput } from '../helpers/handlers';

// The reporting read model: the timeline row an event adds (plain function), the handlers
// recording every event once with its counter, and the query API, on an in-memory read model.

silenceOutput();

const assigned: IncidentAssignedData = {
  sagaId: 'saga-1',
  incidentId: 'inc-1',
  driverId: 'drv-1',
  vendorId: 'ven-7',
  vendorName: 'Quick Tow',
  offerId: 'off-1',
  agreedPrice: { amountCents: 8950, currency: 'USD' },
  status: 'assigned',
  assignedAt: '2025-03-14T09:13:00Z',
};
const assignedEvent = delivered('IncidentAssigned', 'roadcall.incident', assigned, { eventId: 'evt-2', occurredAt: '2025-03-14T09:13:00.000Z', aggregateId: 'inc-1', sequence: 3 });

describe('timelineRow', () => {
  it('keys the row by incident and time, and keeps a summary of the telling fields', () => {
    // Act
    const row = timelineRow(assignedEvent);

    // Assess
    expect(row).toEqual({
      pk: 'INCIDENT#inc-1',
      sk: 'TIMELINE#2025-03-14T09:13:00.000Z#evt-2',
      incidentId: 'inc-1',
      eventId: 'evt-2',
      detailType: 'IncidentAssigned',
      source: 'roadcall.incident',
      producer: 'incident',
      correlationId: 'corr-1',
      occurredAt: '2025-03-14T09:13:00.000Z',
      sequence: 3,
      summary: { status: 'assigned', vendorId: 'ven-7', vendorName: 'Quick Tow', offerId: 'off-1', sagaId: 'saga-1', agreedPrice: { amountCents: 8950, currency: 'USD' } },
    });
  });

  it('falls back to the envelope aggregate when the data names no incident, and has no sequence when the envelope has none', () => {
    // Prepare
    const event = delivered('Custom', 'roadcall.test', { note: 'x' }, { aggregateId: 'inc-2' });

    // Act
    const row = timelineRow(event);

    // Assess
    expect(row).toMatchObject({ pk: 'INCIDENT#inc-2', incidentId: 'inc-2', summary: {} });
    expect(row).not.toHaveProperty('sequence');
  });

  it('gives no row for an event of no incident', () => {
    expect(timelineRow(delivered('Custom', 'roadcall.test', { note: 'x' }))).toBeUndefined();
  });
});

describe('reporting handlers and queries (in-memory read model)', () => {
  it('records the timeline row and counts the event type once, however often it is delivered', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    const handlers = makeHandlers({ readModel });

    // Act
    await handlers.IncidentAssigned(assignedEvent, consumerContext(assignedEvent));
    await handlers.IncidentAssigned(assignedEvent, consumerContext(assignedEvent));

    // Assess
    expect(await readModel.queryAll({ pk: 'INCIDENT#inc-1' })).toHaveLength(1);
    expect(await readModel.queryAll({ pk: 'COUNTS' })).toEqual([{ pk: 'COUNTS', sk: `IncidentAssigned#${countShard(assignedEvent.detail.metadata.eventId)}`, count: 1 }]);
  });

  it('counts an event without an incident once, through a marker row', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    const handlers = makeHandlers({ readModel });
    // Every event of the spec names its incident today; the marker keeps a future one without it counted once.
    const flagged = { paymentId: 'pay-1' } as unknown as PaymentFlaggedData;
    const event = delivered('PaymentFlagged', 'roadcall.payment', flagged, { eventId: 'evt-5' });

    // Act
    await handlers.PaymentFlagged(event, consumerContext(event));
    await handlers.PaymentFlagged(event, consumerContext(event));

    // Assess
    expect(readModel.items()).toEqual([
      { pk: 'COUNTS', sk: `PaymentFlagged#${countShard('evt-5')}`, count: 1 },
      { pk: 'EVENT#evt-5', sk: 'COUNTED' },
    ]);
  });

  it('answers the timeline of an incident in time order, without keys, and 404 for an unknown one', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    const handlers = makeHandlers({ readModel });
    const earlier = delivered('IncidentAssigned', 'roadcall.incident', assigned, { eventId: 'evt-1', occurredAt: '2025-03-14T09:12:00.000Z' });
    await handlers.IncidentAssigned(assignedEvent, consumerContext(assignedEvent));
    await handlers.IncidentAssigned(earlier, consumerContext(earlier));
    const api = makeApi({ readModel, now: () => new Date('2025-03-14T12:00:00Z') });

    // Act
    const found = await httpCall(api, 'GET', '/reports/incidents/inc-1/timeline');
    const missing = await httpCall(api, 'GET', '/reports/incidents/inc-404/timeline');

    // Assess
    expect(found.statusCode).toBe(200);
    expect(found.body).toMatchObject({ incidentId: 'inc-1', events: 2 });
    expect((found.body['timeline'] as Record<string, unknown>[]).map((r) => [r['eventId'], r['pk'], r['sk']])).toEqual([
      ['evt-1', undefined, undefined],
      ['evt-2', undefined, undefined],
    ]);
    expect(missing.statusCode).toBe(404);
  });

  it('answers the counts per event type, summed over the counter shards', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    const handlers = makeHandlers({ readModel });
    const second = delivered('IncidentAssigned', 'roadcall.incident', assigned, { eventId: 'evt-3' });
    // Two events counted on two rows (different shards), so the answer must add them up.
    expect(countShard(second.detail.metadata.eventId)).not.toBe(countShard(assignedEvent.detail.metadata.eventId));
    await handlers.IncidentAssigned(assignedEvent, consumerContext(assignedEvent));
    await handlers.IncidentAssigned(second, consumerContext(second));

    // Act
    const { statusCode, body } = await httpCall(makeApi({ readModel, now: () => new Date('2025-03-14T12:00:00Z') }), 'GET', '/reports/counts');

    // Assess
    expect(statusCode).toBe(200);
    expect(body['counts']).toEqual({ IncidentAssigned: 2 });
  });
});
