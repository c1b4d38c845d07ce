import type { ErrorOccurredData } from '../../generated';
import { makeHandlers } from '../../functions/errors/consumer';
import { makeApi } from '../../functions/errors/queries';
import { createInMemoryReadModel } from '../../lib/read-model';
import { consumerContext, delivered, httpCall, silenceOutput } from '../helpers/handlers';

// The errors service: every ErrorOccurred stored once per flow with a counter per error
// code, and GET /errors/{correlationId} listing all of a flow's errors, on an in-memory read model.

silenceOutput();

const error = (errorCode: string): ErrorOccurredData => ({
  errorCode,
  errorMessage: `${errorCode} happened`,
  severity: 'ERROR',
  context: { service: 'match', function: 'match-consumer', queue: 'match-queue', attempt: 3 },
  canRetry: true,
  failedEvent: { detail: { data: { driverContact: { phone: '+1 555 0100' } } } } as unknown as ErrorOccurredData['failedEvent'],
});
const occurred = (errorCode: string, eventId: string, occurredAt: string) => delivered('ErrorOccurred', 'roadcall.errors', error(errorCode), { eventId, occurredAt, correlationId: 'flow-1', causationId: 'cause-1', producer: 'match' });

describe('errors handlers and query (in-memory read model)', () => {
  it('stores an error under its flow, with its failed event, and counts its code once however often it is delivered', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    const handlers = makeHandlers({ readModel });
    const event = occurred('VALIDATION_FAILED', 'evt-1', '2025-03-14T09:12:04.000Z');

    // Act
    await handlers.ErrorOccurred(event, consumerContext(event));
    await handlers.ErrorOccurred(event, consumerContext(event));

    // Assess
    expect(await readModel.queryAll({ pk: 'ERRORS#flow-1' })).toEqual([
      expect.objectContaining({ sk: '2025-03-14T09:12:04.000Z#evt-1', eventId: 'evt-1', causationId: 'cause-1', producer: 'match', errorCode: 'VALIDATION_FAILED', severity: 'ERROR', canRetry: true, failedEvent: expect.any(Object) }),
    ]);
    expect(await readModel.queryAll({ pk: 'COUNTS' })).toEqual([{ pk: 'COUNTS', sk: 'ERROR#VALIDATION_FAILED', count: 1 }]);
  });

  it('lists every error of a flow oldest first, beyond one page of 100, without keys or failed events', async () => {
    // Prepare
    const readModel = createInMemoryReadModel();
    const handlers = makeHandlers({ readModel });
    for (let i = 0; i < 120; i++) {
      const event = occurred(`E${i}`, `evt-${String(i).padStart(3, '0')}`, new Date(Date.UTC(2025, 2, 14, 9, 0, 120 - i)).toISOString());
      await handlers.ErrorOccurred(event, consumerContext(event));
    }

    // Act
    const { statusCode, body } = await httpCall(makeApi({ readModel }), 'GET', '/errors/flow-1');

    // Assess
    const errors = body['errors'] as Record<string, unknown>[];
    expect(statusCode).toBe(200);
    expect(body['correlationId']).toBe('flow-1');
    expect(errors).toHaveLength(120);
    expect(errors[0]).toMatchObject({ eventId: 'evt-119', errorCode: 'E119' });
    expect(errors.some((e) => 'pk' in e || 'sk' in e || 'failedEvent' in e)).toBe(false);
  });

  it('answers an empty list for a flow without errors', async () => {
    // Act
    const { statusCode, body } = await httpCall(makeApi({ readModel: createInMemoryReadModel() }), 'GET', '/errors/flow-0');

    // Assess
    expect(statusCode).toBe(200);
    expect(body['errors']).toEqual([]);
  });
});
