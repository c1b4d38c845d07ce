import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createIdempotency, IdempotencyConfigError } from '../../lib/idempotency';

// When idempotency is on: a configured table turns it on, Powertools' own
// POWERTOOLS_IDEMPOTENCY_DISABLED or `enabled: false` turn it off, `enabled: true` requires a table.

const client = new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const fn = async (event: { id: string }) => event.id;

describe('idempotency switch', () => {
  it('is off without IDEMPOTENCY_TABLE, and the function is returned unchanged', () => {
    const idempotency = createIdempotency({ keyPath: 'id', env: {} });
    expect([idempotency.enabled, idempotency.reason]).toEqual([false, 'IDEMPOTENCY_TABLE is not set']);
    expect(idempotency.wrap(fn)).toBe(fn);
  });

  it('is on when IDEMPOTENCY_TABLE is set', () => {
    const idempotency = createIdempotency({ keyPath: 'id', client, env: { IDEMPOTENCY_TABLE: 'roadcall-idempotency-dev' } });
    expect([idempotency.enabled, idempotency.reason]).toEqual([true, 'table roadcall-idempotency-dev, key id']);
    expect(idempotency.wrap(fn)).not.toBe(fn);
  });

  it('is off when POWERTOOLS_IDEMPOTENCY_DISABLED is true or by option, even with a table', () => {
    expect(createIdempotency({ keyPath: 'id', client, env: { IDEMPOTENCY_TABLE: 't', POWERTOOLS_IDEMPOTENCY_DISABLED: 'true' } })).toMatchObject({ enabled: false, reason: 'turned off by POWERTOOLS_IDEMPOTENCY_DISABLED' });
    expect(createIdempotency({ keyPath: 'id', client, enabled: false, env: { IDEMPOTENCY_TABLE: 't' } })).toMatchObject({ enabled: false, reason: 'turned off by option' });
  });

  it('fails loudly when required but no table is configured', () => {
    expect(() => createIdempotency({ keyPath: 'id', enabled: true, env: {} })).toThrow(IdempotencyConfigError);
  });
});
