import { callerFunction, dynamoDbFault, FaultInjector, FaultSettingsError, parseFaultSettings, tablesOf } from '../../local/faults';

// The fault injector: settings checked with every problem named, scopes with wildcards,
// rates honoured, and the same seed giving the same faults for the same calls.

describe('fault settings', () => {
  it('names every problem of a bad settings file', () => {
    expect(() => parseFaultSettings({ seed: 1.5, faults: [{ service: 'kinesis', kind: 'error', rate: 1 }, { service: 'sqs', kind: 'error', rate: 2, queue: 3, extra: true }] })).toThrow(
      new FaultSettingsError(['seed must be an integer', 'faults[0].service must be one of events, sqs, dynamodb, lambda', 'faults[1].kind must be one of duplicate for sqs', 'faults[1].rate must be a number from 0 to 1', 'faults[1].queue must be a string', 'faults[1] has unknown field(s) extra']),
    );
    expect(() => parseFaultSettings([])).toThrow(/must be an object/);
  });
});

describe('fault injector', () => {
  const settings = {
    seed: 42,
    faults: [
      { service: 'lambda', function: '*-match-consumer', kind: 'error', rate: 0.3 },
      { service: 'events', operation: 'PutEvents', kind: 'entry-failure', rate: 0.1, code: 'ThrottlingException' },
    ],
  };

  it('injects only into calls in scope, at about the rate asked for, and counts them per kind', () => {
    const injector = new FaultInjector(parseFaultSettings(settings));
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (injector.decide({ service: 'lambda', function: 'roadcall-dev-match-consumer' })) hits++;
    expect(hits).toBeGreaterThan(2700);
    expect(hits).toBeLessThan(3300);
    for (let i = 0; i < 1000; i++) expect(injector.decide({ service: 'lambda', function: 'roadcall-dev-vendor-consumer' })).toBeUndefined();
    for (let i = 0; i < 1000; i++) expect(injector.decide({ service: 'events', operation: 'ListRules' })).toBeUndefined();
    expect(injector.decide({ service: 'lambda', function: 'x-match-consumer' }, ['timeout'])).toBeUndefined();
    expect(injector.injected()).toEqual({ 'lambda/error': hits });
  });

  it('gives the same faults for the same seed and calls, and others for another seed', () => {
    const run = (seed: number): boolean[] => {
      const injector = new FaultInjector(parseFaultSettings({ ...settings, seed }));
      return Array.from({ length: 200 }, () => injector.decide({ service: 'events', operation: 'PutEvents' }) !== undefined);
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('is changed live: new settings take effect at once and the generator restarts from their seed', () => {
    const injector = new FaultInjector();
    expect(injector.active).toBe(false);
    expect(injector.decide({ service: 'sqs', queue: 'q' })).toBeUndefined();
    injector.configure({ seed: 3, faults: [{ service: 'sqs', kind: 'duplicate', rate: 1 }] });
    expect(injector.active).toBe(true);
    const seen: string[] = [];
    injector.onInject = (fault, scope) => seen.push(`${fault.label} ${scope.queue}`);
    expect(injector.decide({ service: 'sqs', queue: 'q' })?.rule.kind).toBe('duplicate');
    expect(seen).toEqual(['sqs/duplicate q']);
    expect(() => injector.configure({ faults: 'all' })).toThrow(FaultSettingsError);
    expect(injector.describe().settings.faults).toHaveLength(1);
  });
});

describe('DynamoDB faults', () => {
  const conflict = { seed: 5, faults: [{ service: 'dynamodb', table: '*-outbox', kind: 'transaction-conflict', rate: 1 }] };
  const transaction = { TransactItems: [{ Put: { TableName: 't-events', Item: {} } }, { Update: { TableName: 't-outbox', Key: {} } }, { ConditionCheck: { TableName: 't-events', Key: {} } }] };

  it('names every table a call touches: TableName, transaction items, batch RequestItems', () => {
    expect(tablesOf({ TableName: 'a' })).toEqual(['a']);
    expect(tablesOf(transaction)).toEqual(['t-events', 't-outbox']);
    expect(tablesOf({ RequestItems: { b: [], c: [] } })).toEqual(['b', 'c']);
    expect(tablesOf('nonsense')).toEqual([]);
  });

  it('cancels a transaction that touches a matching table with TransactionConflict on its first item, in the shape the SDK reads', () => {
    const injector = new FaultInjector(parseFaultSettings(conflict));
    const out = dynamoDbFault(injector, 'DynamoDB_20120810.TransactWriteItems', transaction, 'fn');
    expect(out).toEqual({
      status: 400,
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        Message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None, None]',
        CancellationReasons: [{ Code: 'TransactionConflict', Message: expect.any(String) }, { Code: 'None' }, { Code: 'None' }],
      },
    });
    // A conflict is a transaction's failure only; other tables are out of scope.
    expect(dynamoDbFault(injector, 'DynamoDB_20120810.PutItem', { TableName: 't-outbox' }, 'fn')).toBeUndefined();
    expect(dynamoDbFault(injector, 'DynamoDB_20120810.TransactWriteItems', { TransactItems: [{ Put: { TableName: 't-events' } }] }, 'fn')).toBeUndefined();
    expect(dynamoDbFault(injector, 'DynamoDBStreams_20120810.GetRecords', transaction, 'fn')).toBeUndefined();
    expect(injector.injected()).toEqual({ 'dynamodb/transaction-conflict': 1 });
  });

  it('throttles any operation in scope with ProvisionedThroughputExceededException, scoped by operation and caller', () => {
    const injector = new FaultInjector(parseFaultSettings({ seed: 5, faults: [{ service: 'dynamodb', operation: 'PutItem', function: '*-relay', kind: 'throttle', rate: 1 }] }));
    expect(dynamoDbFault(injector, 'DynamoDB_20120810.PutItem', { TableName: 'x' }, 'app-relay')).toEqual({
      status: 400,
      body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: expect.stringContaining('Injected fault') },
    });
    expect(dynamoDbFault(injector, 'DynamoDB_20120810.PutItem', { TableName: 'x' }, 'app-consumer')).toBeUndefined();
    expect(dynamoDbFault(injector, 'DynamoDB_20120810.PutItem', { TableName: 'x' }, undefined)).toBeUndefined();
    expect(dynamoDbFault(injector, 'DynamoDB_20120810.GetItem', { TableName: 'x' }, 'app-relay')).toBeUndefined();
  });

  it('fails the same calls for the same seed, at about the rate asked for', () => {
    const run = (seed: number): boolean[] => {
      const injector = new FaultInjector(parseFaultSettings({ seed, faults: [{ service: 'dynamodb', kind: 'throttle', rate: 0.02 }] }));
      return Array.from({ length: 5000 }, (_, i) => dynamoDbFault(injector, `DynamoDB_20120810.${i % 2 ? 'Query' : 'TransactWriteItems'}`, { TableName: 't' }, 'fn') !== undefined);
    };
    const first = run(11);
    expect(run(11)).toEqual(first);
    expect(run(12)).not.toEqual(first);
    const hits = first.filter(Boolean).length;
    expect(hits).toBeGreaterThan(60);
    expect(hits).toBeLessThan(140);
  });
});

describe('the caller of an AWS call', () => {
  it('is the function named in the user agent app id, without the mark Powertools appends to it', () => {
    const ua = (app: string) => ({ 'user-agent': `aws-sdk-js/3.1168.0 ua/2.1 os/linux lang/js api/eventbridge#3.1168.0 m/N,E,e app/${app}` });
    expect(callerFunction(ua('roadcall-dev-outbox-relay'))).toBe('roadcall-dev-outbox-relay');
    expect(callerFunction(ua('roadcall-dev-outbox-relay-PT-NO-OP-2.35.0-PTEnv-AWS_Lambda_nodejs22.x'))).toBe('roadcall-dev-outbox-relay');
    expect(callerFunction({ 'user-agent': 'curl/8.0' })).toBeUndefined();
  });
});
