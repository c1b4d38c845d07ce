import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeBackend, type Rule } from '../../local/eventbridge/backend';
import { handleEventBridgeRequest } from '../../local/eventbridge/protocol';
import { parseSchedule } from '../../local/eventbridge/schedule';
import { planFromTemplate } from '../../local/template/plan';

// Archives (CreateArchive / UpdateArchive / DeleteArchive / DescribeArchive / ListArchives),
// the input checks AWS makes on names, patterns and schedules (for the API and for a
// template's resources alike), PutEvents refusing `aws.*` sources, and deliveries that no
// retry can cure going to the dead-letter queue at once.

const ACCOUNT = '000000000000';
const BUS_ARN = (name: string): string => `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/${name}`;

function backendWith(options: { dataDir?: string; now?: () => number } = {}): { backend: EventBridgeBackend; payloads: string[]; dead: { queue: string; payload: string; attributes: Record<string, string> }[]; call: (op: string, input: Record<string, unknown>) => { status: number; body: Record<string, unknown> } } {
  const payloads: string[] = [];
  const dead: { queue: string; payload: string; attributes: Record<string, string> }[] = [];
  const backend = new EventBridgeBackend({
    region: 'us-east-1',
    accountId: ACCOUNT,
    retryBaseMs: 1,
    ...options,
    deliver: async (_t, payload) => void payloads.push(payload),
    deadLetter: async (queue, payload, attributes) => void dead.push({ queue, payload, attributes }),
  });
  const call = (op: string, input: Record<string, unknown>): { status: number; body: Record<string, unknown> } => handleEventBridgeRequest(backend, `AWSEvents.${op}`, input) as { status: number; body: Record<string, unknown> };
  return { backend, payloads, dead, call };
}

const errorOf = (out: { status: number; body: Record<string, unknown> }): [number, unknown] => [out.status, out.body['__type']];

describe('archives', () => {
  it('CreateArchive answers the ARN, state and creation time; DescribeArchive every AWS field', () => {
    let clock = Date.UTC(2026, 11, 3, 9, 0, 0);
    const { call } = backendWith({ now: () => clock });
    const created = call('CreateArchive', { ArchiveName: 'orders', EventSourceArn: BUS_ARN('default'), Description: 'shop orders', EventPattern: '{"source":["shop"]}', RetentionDays: 7 });
    expect(created).toEqual({ status: 200, body: { ArchiveArn: `arn:aws:events:us-east-1:${ACCOUNT}:archive/orders`, State: 'ENABLED', CreationTime: clock / 1000 } });
    clock += 5000;
    expect(call('DescribeArchive', { ArchiveName: 'orders' }).body).toEqual({
      ArchiveArn: `arn:aws:events:us-east-1:${ACCOUNT}:archive/orders`,
      ArchiveName: 'orders',
      EventSourceArn: BUS_ARN('default'),
      Description: 'shop orders',
      EventPattern: '{"source":["shop"]}',
      State: 'ENABLED',
      RetentionDays: 7,
      SizeBytes: 0,
      EventCount: 0,
      CreationTime: (clock - 5000) / 1000,
    });
  });

  it('records only the events its pattern matches, and never replayed events', async () => {
    const { backend, call } = backendWith();
    call('CreateArchive', { ArchiveName: 'shop-only', EventSourceArn: BUS_ARN('default'), EventPattern: '{"source":["shop"]}' });
    call('CreateArchive', { ArchiveName: 'everything', EventSourceArn: BUS_ARN('default') });
    backend.putEvents([
      { Source: 'shop', DetailType: 'Order', Detail: '{"id":1}' },
      { Source: 'billing', DetailType: 'Invoice', Detail: '{"id":2}' },
    ]);
    const describe = (name: string): Record<string, unknown> => call('DescribeArchive', { ArchiveName: name }).body;
    expect(describe('shop-only')['EventCount']).toBe(1);
    expect(describe('everything')['EventCount']).toBe(2);
    expect(describe('shop-only')['SizeBytes']).toBeGreaterThan(0);
    expect(describe('everything')['SizeBytes'] as number).toBeGreaterThan(describe('shop-only')['SizeBytes'] as number);
    backend.startReplay({ name: 'r', archiveArn: `arn:aws:events:us-east-1:${ACCOUNT}:archive/everything`, start: 0, end: Date.now() + 1000, destinationArn: BUS_ARN('default') });
    await backend.drain();
    expect(backend.describeReplay('r')).toMatchObject({ state: 'COMPLETED', replayed: 2 });
    expect(describe('everything')['EventCount']).toBe(2);
  });

  it('UpdateArchive replaces description, retention and pattern; what it records follows the new pattern', () => {
    const { backend, call } = backendWith();
    call('CreateArchive', { ArchiveName: 'a', EventSourceArn: BUS_ARN('default'), EventPattern: '{"source":["shop"]}', RetentionDays: 1 });
    const updated = call('UpdateArchive', { ArchiveName: 'a', Description: 'now billing', EventPattern: '{"source":["billing"]}', RetentionDays: 30 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ ArchiveArn: `arn:aws:events:us-east-1:${ACCOUNT}:archive/a`, State: 'ENABLED' });
    backend.putEvents([{ Source: 'shop', DetailType: 'x', Detail: '{}' }, { Source: 'billing', DetailType: 'x', Detail: '{}' }]);
    expect(call('DescribeArchive', { ArchiveName: 'a' }).body).toMatchObject({ Description: 'now billing', EventPattern: '{"source":["billing"]}', RetentionDays: 30, EventCount: 1 });
    expect(errorOf(call('UpdateArchive', { ArchiveName: 'nope' }))).toEqual([400, 'ResourceNotFoundException']);
    expect(errorOf(call('UpdateArchive', { ArchiveName: 'a', EventPattern: '{"source":"shop"}' }))).toEqual([400, 'InvalidEventPatternException']);
  });

  it('CreateArchive refuses what AWS refuses', () => {
    const { call } = backendWith();
    call('CreateArchive', { ArchiveName: 'taken', EventSourceArn: BUS_ARN('default') });
    expect(errorOf(call('CreateArchive', { ArchiveName: 'taken', EventSourceArn: BUS_ARN('default') }))).toEqual([400, 'ResourceAlreadyExistsException']);
    expect(errorOf(call('CreateArchive', { ArchiveName: 'x', EventSourceArn: BUS_ARN('no-such-bus') }))).toEqual([400, 'ResourceNotFoundException']);
    expect(errorOf(call('CreateArchive', { ArchiveName: 'x', EventSourceArn: 'default' }))).toEqual([400, 'ValidationException']);
    expect(errorOf(call('CreateArchive', { ArchiveName: 'bad name', EventSourceArn: BUS_ARN('default') }))).toEqual([400, 'ValidationException']);
    expect(errorOf(call('CreateArchive', { ArchiveName: 'a'.repeat(49), EventSourceArn: BUS_ARN('default') }))).toEqual([400, 'ValidationException']);
    expect(call('CreateArchive', { ArchiveName: 'a'.repeat(48), EventSourceArn: BUS_ARN('default') }).status).toBe(200);
    expect(errorOf(call('CreateArchive', { ArchiveName: 'x', EventSourceArn: BUS_ARN('default'), EventPattern: 'not json' }))).toEqual([400, 'InvalidEventPatternException']);
    expect(errorOf(call('CreateArchive', { ArchiveName: 'x', EventSourceArn: BUS_ARN('default'), RetentionDays: -1 }))).toEqual([400, 'ValidationException']);
    expect(errorOf(call('CreateArchive', { ArchiveName: 'x', EventSourceArn: BUS_ARN('default'), Description: 'd'.repeat(513) }))).toEqual([400, 'ValidationException']);
  });

  it('ListArchives filters by name prefix, source bus or state (one at a time) and pages with Limit / NextToken', () => {
    const { backend, call } = backendWith();
    backend.createBus('other');
    for (const name of ['a1', 'a2', 'a3']) call('CreateArchive', { ArchiveName: name, EventSourceArn: BUS_ARN('default') });
    call('CreateArchive', { ArchiveName: 'b1', EventSourceArn: BUS_ARN('other') });
    const names = (input: Record<string, unknown>): string[] => ((call('ListArchives', input).body['Archives'] as { ArchiveName: string }[]) ?? []).map((a) => a.ArchiveName);
    expect(names({})).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect(names({ NamePrefix: 'a' })).toEqual(['a1', 'a2', 'a3']);
    expect(names({ EventSourceArn: BUS_ARN('other') })).toEqual(['b1']);
    expect(names({ State: 'ENABLED' })).toHaveLength(4);
    expect(names({ State: 'DISABLED' })).toEqual([]);
    expect(errorOf(call('ListArchives', { NamePrefix: 'a', State: 'ENABLED' }))).toEqual([400, 'ValidationException']);
    expect(errorOf(call('ListArchives', { State: 'SLEEPING' }))).toEqual([400, 'ValidationException']);
    const first = call('ListArchives', { Limit: 3 }).body;
    expect((first['Archives'] as unknown[]).length).toBe(3);
    expect(typeof first['NextToken']).toBe('string');
    const second = call('ListArchives', { Limit: 3, NextToken: first['NextToken'] }).body;
    expect((second['Archives'] as { ArchiveName: string }[]).map((a) => a.ArchiveName)).toEqual(['b1']);
    expect(second['NextToken']).toBeUndefined();
    expect(call('ListArchives', {}).body['Archives']).toEqual(expect.arrayContaining([expect.objectContaining({ ArchiveName: 'b1', EventSourceArn: BUS_ARN('other'), State: 'ENABLED', RetentionDays: 0, EventCount: 0, SizeBytes: 0 })]));
  });

  it('DeleteArchive removes it and its file; a data folder keeps the others for the template across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'eb-archives-'));
    try {
      const first = backendWith({ dataDir });
      first.call('CreateArchive', { ArchiveName: 'kept', EventSourceArn: BUS_ARN('default') });
      first.call('CreateArchive', { ArchiveName: 'gone', EventSourceArn: BUS_ARN('default') });
      first.backend.putEvents([{ Source: 'shop', DetailType: 'x', Detail: '{"n":1}' }]);
      expect(first.call('DeleteArchive', { ArchiveName: 'gone' })).toEqual({ status: 200, body: {} });
      expect(errorOf(first.call('DescribeArchive', { ArchiveName: 'gone' }))).toEqual([400, 'ResourceNotFoundException']);
      expect(errorOf(first.call('DeleteArchive', { ArchiveName: 'gone' }))).toEqual([400, 'ResourceNotFoundException']);
      expect(existsSync(join(dataDir, 'archives', 'gone.jsonl'))).toBe(false);
      // Made again under the same name, it is a new, empty archive.
      first.call('CreateArchive', { ArchiveName: 'gone', EventSourceArn: BUS_ARN('default') });
      expect(first.call('DescribeArchive', { ArchiveName: 'gone' }).body['EventCount']).toBe(0);
      first.call('DeleteArchive', { ArchiveName: 'gone' });
      await first.backend.close();
      expect(readdirSync(join(dataDir, 'archives'))).toEqual(['kept.jsonl']);
      expect(readFileSync(join(dataDir, 'archives', 'kept.jsonl'), 'utf8')).toContain('"n":1');
      // A template's archive picks its events up again at the next start; CreateArchive starts afresh.
      const second = backendWith({ dataDir });
      second.backend.addArchive('kept', 'default');
      expect(second.call('DescribeArchive', { ArchiveName: 'kept' }).body['EventCount']).toBe(1);
      await second.backend.close();
      const third = backendWith({ dataDir });
      third.call('CreateArchive', { ArchiveName: 'kept', EventSourceArn: BUS_ARN('default') });
      expect(third.call('DescribeArchive', { ArchiveName: 'kept' }).body['EventCount']).toBe(0);
      await third.backend.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('names, patterns and schedules, checked as AWS checks them', () => {
  const rule = (over: Partial<Rule>): Rule => ({ name: 'r', arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/r`, busName: 'default', pattern: { source: ['x'] }, schedule: undefined, enabled: true, targets: [], ...over });

  it('rule names: letters, digits, . - _ and 64 characters at most', () => {
    const { call } = backendWith();
    expect(call('PutRule', { Name: 'a.b-c_D9', EventPattern: '{"source":["x"]}' }).status).toBe(200);
    expect(call('PutRule', { Name: 'r'.repeat(64), EventPattern: '{"source":["x"]}' }).status).toBe(200);
    const long = call('PutRule', { Name: 'r'.repeat(65), EventPattern: '{"source":["x"]}' });
    expect(errorOf(long)).toEqual([400, 'ValidationException']);
    expect(long.body['message']).toMatch(/^1 validation error detected: Value 'r{65}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 64$/);
    const bad = call('PutRule', { Name: 'no spaces', EventPattern: '{"source":["x"]}' });
    expect(bad.body['message']).toContain("Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
    expect(errorOf(call('PutRule', { Name: 'a:b', EventPattern: '{"source":["x"]}' }))).toEqual([400, 'ValidationException']);
  });

  it('bus names: no "/", 256 characters at most', () => {
    const { call } = backendWith();
    expect(errorOf(call('CreateEventBus', { Name: 'a/b' }))).toEqual([400, 'ValidationException']);
    expect(errorOf(call('CreateEventBus', { Name: 'b'.repeat(257) }))).toEqual([400, 'ValidationException']);
    expect(errorOf(call('CreateEventBus', { Name: 'sp ace' }))).toEqual([400, 'ValidationException']);
    expect(call('CreateEventBus', { Name: 'b'.repeat(256) }).status).toBe(200);
    expect(errorOf(call('CreateEventBus', { Name: 'default' }))).toEqual([400, 'ResourceAlreadyExistsException']);
  });

  it('event patterns: 2,048 characters at most', () => {
    const { call } = backendWith();
    const sized = (n: number): string => {
      const head = '{"source":["';
      const tail = '"]}';
      return `${head}${'s'.repeat(n - head.length - tail.length)}${tail}`;
    };
    expect(sized(2048)).toHaveLength(2048);
    expect(call('PutRule', { Name: 'big', EventPattern: sized(2048) }).status).toBe(200);
    expect(errorOf(call('PutRule', { Name: 'big', EventPattern: sized(2049) }))).toEqual([400, 'InvalidEventPatternException']);
    expect(errorOf(call('CreateArchive', { ArchiveName: 'big', EventSourceArn: BUS_ARN('default'), EventPattern: sized(2049) }))).toEqual([400, 'InvalidEventPatternException']);
  });

  it.each([
    ['rate(1 minute)', 200],
    ['rate(5 minutes)', 200],
    ['rate(1 hour)', 200],
    ['rate(2 days)', 200],
    ['cron(0 12 * * ? *)', 200],
    ['cron(0/15 8-17 ? * MON-FRI *)', 200],
    ['cron(0 0 L * ? 2027)', 200],
    ['rate(1 minutes)', 400],
    ['rate(5 minute)', 400],
    ['rate(0 minutes)', 400],
    ['rate(1 week)', 400],
    ['cron(0 12 * * ?)', 400],
    ['cron(0 12 * * * *)', 400],
    ['cron(0 12 ? * ? *)', 400],
    ['cron(61 12 * * ? *)', 400],
    ['every minute', 400],
  ])('ScheduleExpression %s -> %d', (expression, status) => {
    const { call } = backendWith();
    const out = call('PutRule', { Name: 'tick', ScheduleExpression: expression });
    expect(out.status).toBe(status);
    if (status === 400) {
      expect(out.body['__type']).toBe('ValidationException');
      expect(out.body['message']).toMatch(/^Parameter ScheduleExpression is not valid/);
    }
  });

  it.each([
    ['cron(0 10 ? * 6#3 *)', Date.UTC(2026, 11, 1), Date.UTC(2026, 11, 18, 10)], // the third Friday
    ['cron(0 10 ? * FRI#1 *)', Date.UTC(2026, 11, 1), Date.UTC(2026, 11, 4, 10)],
    ['cron(0 10 ? * 6L *)', Date.UTC(2026, 11, 1), Date.UTC(2026, 11, 25, 10)], // the last Friday
    ['cron(0 10 15W * ? *)', Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 16, 10)], // the 15th is a Sunday: Monday
    ['cron(0 10 1W * ? *)', Date.UTC(2026, 7, 1, 11), Date.UTC(2026, 7, 3, 10)], // the 1st is a Saturday: Monday the 3rd, not July
    ['cron(0 10 LW * ? *)', Date.UTC(2027, 0, 1), Date.UTC(2027, 0, 29, 10)], // the 31st is a Sunday: Friday
    ['cron(0 10 L * ? *)', Date.UTC(2027, 1, 1), Date.UTC(2027, 1, 28, 10)],
  ])('%s after %d fires at %d (the user guide\'s L, W and # wildcards)', (expression, after, expected) => {
    expect(parseSchedule(expression).next(after)).toBe(expected);
    expect(backendWith().call('PutRule', { Name: 'w', ScheduleExpression: expression }).status).toBe(200);
  });

  it.each(['cron(0 10 ? * 6#6 *)', 'cron(0 10 15W * 6 *)', 'cron(0 10 ? * 15W *)', 'cron(0 10 W * ? *)', 'cron(0 10 ? * 8L *)'])('%s is refused', (expression) => {
    expect(errorOf(backendWith().call('PutRule', { Name: 'w', ScheduleExpression: expression }))).toEqual([400, 'ValidationException']);
  });

  it('schedules only on the default bus', () => {
    const { backend, call } = backendWith();
    backend.createBus('custom');
    const out = call('PutRule', { Name: 'tick', EventBusName: 'custom', ScheduleExpression: 'rate(5 minutes)' });
    expect(out).toEqual({ status: 400, body: { __type: 'ValidationException', message: 'ScheduleExpression is supported only on the default event bus.' } });
    expect(() => backend.putRule(rule({ busName: 'custom', pattern: undefined, schedule: 'rate(1 minute)' }))).toThrow('ScheduleExpression is supported only on the default event bus.');
  });

  it("a template's rules, buses and archives are held to the same checks", () => {
    const plan = planFromTemplate(
      {
        Resources: {
          Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'shop' } },
          Tick: { Type: 'AWS::Events::Rule', Properties: { Name: 'tick', EventBusName: { Ref: 'Bus' }, ScheduleExpression: 'rate(1 minute)' } },
          Long: { Type: 'AWS::Events::Rule', Properties: { Name: 'x'.repeat(65), EventPattern: { source: ['shop'] } } },
          Archive: { Type: 'AWS::Events::Archive', Properties: { ArchiveName: 'bad name', SourceArn: { 'Fn::GetAtt': ['Bus', 'Arn'] } } },
        },
      } as Parameters<typeof planFromTemplate>[0],
      { region: 'us-east-1', accountId: ACCOUNT, endpoints: { aws: 'http://127.0.0.1:1', http: 'http://127.0.0.1:2' } },
    );
    const { backend } = backendWith();
    for (const bus of plan.buses) backend.createBus(bus.name);
    const [tick, long] = plan.rules.map((r) => rule({ name: r.name, arn: r.arn, busName: r.busName, pattern: r.pattern, schedule: r.schedule }));
    expect(() => backend.putRule(tick as Rule)).toThrow('ScheduleExpression is supported only on the default event bus.');
    expect(() => backend.putRule(long as Rule)).toThrow(/Member must have length less than or equal to 64/);
    const archive = plan.archives[0];
    expect(() => backend.addArchive(archive?.name ?? '', archive?.busName ?? '')).toThrow(/Member must satisfy regular expression pattern/);
  });
});

describe('PutEvents', () => {
  it('refuses an aws.* source per entry with NotAuthorizedForSourceException; the other entries go through', async () => {
    const { backend, call, payloads } = backendWith();
    backend.putRule({ name: 'all', arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/all`, busName: 'default', pattern: { 'detail-type': ['x'] }, schedule: undefined, enabled: true, targets: [] });
    backend.setTargets(undefined, 'all', [{ id: 't', arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, maximumRetryAttempts: 0, maximumEventAgeSeconds: 60, deadLetterArn: undefined, input: undefined }]);
    const out = call('PutEvents', { Entries: [{ Source: 'aws.ec2', DetailType: 'x', Detail: '{}' }, { Source: 'shop', DetailType: 'x', Detail: '{}' }, { Source: 'aws.events', DetailType: 'x', Detail: '{}' }] });
    expect(out.status).toBe(200);
    expect(out.body['FailedEntryCount']).toBe(2);
    const entries = out.body['Entries'] as Record<string, unknown>[];
    expect(entries[0]).toEqual({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' });
    expect(entries[1]).toEqual({ EventId: expect.any(String) });
    expect(entries[2]).toMatchObject({ ErrorCode: 'NotAuthorizedForSourceException' });
    await backend.drain();
    expect(payloads.map((p) => (JSON.parse(p) as { source: string }).source)).toEqual(['shop']);
    // EventBridge forwarding an AWS event from one bus to another is not a caller's PutEvents.
    expect(backend.putEvents([{ Source: 'aws.events', DetailType: 'x', Detail: '{}' }], { forwarded: true }).FailedEntryCount).toBe(0);
  });
});

describe('delivery failures no retry can cure', () => {
  it('go to the dead-letter queue at once, with RETRY_ATTEMPTS 0; a retryable one is retried first', async () => {
    const attempts: string[] = [];
    const dead: Record<string, string>[] = [];
    const backend = new EventBridgeBackend({
      region: 'us-east-1',
      accountId: ACCOUNT,
      retryBaseMs: 1,
      deliver: async (target) => {
        attempts.push(target.id);
        throw Object.assign(new Error(`${target.id} failed`), target.id === 'gone' ? { code: 'ResourceNotFoundException', retryable: false } : { code: 'Throttled' });
      },
      deadLetter: async (_q, _p, attributes) => void dead.push(attributes),
    });
    const target = (id: string): Rule['targets'][number] => ({ id, arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${id}`, maximumRetryAttempts: 3, maximumEventAgeSeconds: 3600, deadLetterArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq`, input: undefined });
    backend.putRule({ name: 'r', arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/r`, busName: 'default', pattern: { source: ['shop'] }, schedule: undefined, enabled: true, targets: [target('gone'), target('busy')] });
    backend.putEvents([{ Source: 'shop', DetailType: 'x', Detail: '{}' }]);
    await backend.drain();
    expect(attempts.filter((a) => a === 'gone')).toHaveLength(1);
    expect(attempts.filter((a) => a === 'busy')).toHaveLength(4);
    expect(dead.find((d) => d['TARGET_ARN']?.endsWith(':gone'))).toMatchObject({ ERROR_CODE: 'ResourceNotFoundException', RETRY_ATTEMPTS: '0' });
    expect(dead.find((d) => d['TARGET_ARN']?.endsWith(':busy'))).toMatchObject({ ERROR_CODE: 'Throttled', RETRY_ATTEMPTS: '3', EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts' });
  });
});

describe('the archive operations answer malformed requests with AWS errors, never a 500', () => {
  it('generated Create/Update/Delete/Describe/ListArchives calls get 200 or a 400 { __type, message }', async () => {
    const fc = (await import('fast-check')).default;
    const { backend, call } = backendWith();
    backend.createBus('b1');
    const any = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null), fc.json({ maxDepth: 2 }).map((j) => JSON.parse(j) as unknown));
    const body = fc.record(
      {
        ArchiveName: fc.oneof(fc.constantFrom('a1', 'a2', 'bad name', '', 'x'.repeat(49)), any),
        EventSourceArn: fc.oneof(fc.constantFrom(BUS_ARN('default'), BUS_ARN('b1'), BUS_ARN('nope'), 'arn:x'), any),
        EventPattern: fc.oneof(fc.constantFrom('{"source":["x"]}', '{"source":"x"}', '[]', 'null', '{', `{"source":["${'s'.repeat(2040)}"]}`), any),
        RetentionDays: fc.oneof(fc.integer({ min: -2, max: 400 }), any),
        Description: fc.oneof(fc.string({ maxLength: 600 }), any),
        NamePrefix: fc.oneof(fc.constantFrom('a', 'b'), any),
        State: fc.oneof(fc.constantFrom('ENABLED', 'DISABLED', 'NOPE'), any),
        Limit: fc.oneof(fc.integer({ min: -1, max: 120 }), any),
        NextToken: fc.oneof(fc.constantFrom('MQ', 'LTE', '!!'), any),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.constantFrom('CreateArchive', 'UpdateArchive', 'DeleteArchive', 'DescribeArchive', 'ListArchives'), body, (operation, input) => {
        const out = call(operation, input as Record<string, unknown>);
        expect([200, 400]).toContain(out.status);
        if (out.status === 400) {
          expect(typeof out.body['__type']).toBe('string');
          expect(typeof out.body['message']).toBe('string');
        }
        expect(call('ListArchives', {}).status).toBe(200);
      }),
      { seed: 16, numRuns: 1500 },
    );
    await backend.close();
  });
});
