import { join } from 'node:path';
import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  ValidationException,
  type CreateScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { parseScheduleExpression } from '../../local/scheduler';
import { schedulerHarness as harness, serveScheduler, type Fired } from '../helpers/scheduler';
import { freshDir } from '../helpers/codegen';
import { until } from '../helpers/local-cloud';

// The local EventBridge Scheduler, driven by the real @aws-sdk/client-scheduler: schedule
// groups and schedules, validation and errors as AWS answers them, one-time schedules
// firing within a second of their time, retries then the DLQ, and state across restarts.

const ROLE = 'arn:aws:iam::000000000000:role/scheduler-role';
const BUS = 'arn:aws:events:us-east-1:000000000000:event-bus/timers-bus';

/** `at(...)` for a time `ms` from now, in UTC, to the second (the expression has no finer unit). */
function atIn(ms: number): { expression: string; due: number } {
  const due = Math.ceil((Date.now() + ms) / 1000) * 1000;
  return { expression: `at(${new Date(due).toISOString().slice(0, 19)})`, due };
}

const schedule = (name: string, expression: string, extra: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput => ({
  Name: name,
  ScheduleExpression: expression,
  FlexibleTimeWindow: { Mode: 'OFF' },
  Target: { Arn: BUS, RoleArn: ROLE, Input: JSON.stringify({ name }), EventBridgeParameters: { DetailType: 'TimerElapsed', Source: 'test.timers' } },
  ...extra,
});

describe('local Scheduler API with the real SDK client', () => {
  let h: ReturnType<typeof harness>;
  let client: SchedulerClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    h = harness();
    ({ client, close } = await serveScheduler(h.backend));
  });

  afterEach(async () => {
    await close();
    await h.backend.close();
  });

  it('fires a one-time schedule within a second of its time, then deletes it (ActionAfterCompletion DELETE)', async () => {
    await client.send(new CreateScheduleGroupCommand({ Name: 'timers-test' }));
    const { expression, due } = atIn(1500);
    const created = await client.send(new CreateScheduleCommand(schedule('offer-1', expression, { GroupName: 'timers-test', ActionAfterCompletion: 'DELETE' })));
    expect(created.ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/timers-test/offer-1');
    const got = await client.send(new GetScheduleCommand({ Name: 'offer-1', GroupName: 'timers-test' }));
    expect(got).toMatchObject({ Name: 'offer-1', GroupName: 'timers-test', State: 'ENABLED', ActionAfterCompletion: 'DELETE', ScheduleExpression: expression });
    expect(got.CreationDate).toBeInstanceOf(Date);

    await until(() => h.fired.length, (n) => n === 1, 5000);
    const fired = h.fired[0] as Fired;
    expect(fired.at - due).toBeGreaterThanOrEqual(0);
    expect(fired.at - due).toBeLessThan(1000);
    expect(fired.payload).toBe('{"name":"offer-1"}');
    expect(fired.target.EventBridgeParameters).toEqual({ DetailType: 'TimerElapsed', Source: 'test.timers' });
    await expect(client.send(new GetScheduleCommand({ Name: 'offer-1', GroupName: 'timers-test' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers errors as AWS does: validation, conflicts, unknown names and groups', async () => {
    await expect(client.send(new CreateScheduleCommand(schedule('bad name!', 'rate(5 minutes)')))).rejects.toBeInstanceOf(ValidationException);
    await expect(client.send(new CreateScheduleCommand({ ...schedule('x', 'rate(5 minutes)'), FlexibleTimeWindow: undefined } as unknown as CreateScheduleCommandInput))).rejects.toBeInstanceOf(ValidationException);
    await expect(client.send(new CreateScheduleCommand(schedule('x', 'rate(1 minutes)')))).rejects.toThrow(/rate\(1 minute\)/);
    await expect(client.send(new CreateScheduleCommand(schedule('x', 'cron(0 9 * * * *)')))).rejects.toThrow(/day-of-month and day-of-week/);
    await expect(client.send(new CreateScheduleCommand(schedule('x', 'at(2026-02-30T10:00:00)')))).rejects.toBeInstanceOf(ValidationException);
    await expect(client.send(new CreateScheduleCommand(schedule('x', 'rate(5 minutes)', { ScheduleExpressionTimezone: 'Mars/Olympus' })))).rejects.toThrow(/IANA/);
    await expect(client.send(new CreateScheduleCommand(schedule('x', 'rate(5 minutes)', { GroupName: 'nope' })))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await client.send(new CreateScheduleCommand(schedule('x', 'rate(5 minutes)')));
    await expect(client.send(new CreateScheduleCommand(schedule('x', 'rate(5 minutes)')))).rejects.toBeInstanceOf(ConflictException);
    await expect(client.send(new GetScheduleCommand({ Name: 'missing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('updates (a whole replacement), lists by group, prefix and state with pages, and deletes a group with its schedules', async () => {
    await client.send(new CreateScheduleGroupCommand({ Name: 'g1' }));
    for (let i = 0; i < 5; i++) await client.send(new CreateScheduleCommand(schedule(`t-${i}`, 'rate(1 day)', { GroupName: 'g1' })));
    await client.send(new CreateScheduleCommand(schedule('other', 'rate(1 day)')));
    await client.send(new UpdateScheduleCommand({ ...schedule('t-0', 'rate(2 days)', { GroupName: 'g1' }), State: 'DISABLED' }));
    expect(await client.send(new GetScheduleCommand({ Name: 't-0', GroupName: 'g1' }))).toMatchObject({ State: 'DISABLED', ScheduleExpression: 'rate(2 days)' });

    const first = await client.send(new ListSchedulesCommand({ GroupName: 'g1', NamePrefix: 't-', MaxResults: 3 }));
    expect(first.Schedules?.map((s) => s.Name)).toEqual(['t-0', 't-1', 't-2']);
    const second = await client.send(new ListSchedulesCommand({ GroupName: 'g1', NamePrefix: 't-', MaxResults: 3, NextToken: first.NextToken }));
    expect(second.Schedules?.map((s) => s.Name)).toEqual(['t-3', 't-4']);
    expect(second.NextToken).toBeUndefined();
    expect((await client.send(new ListSchedulesCommand({ State: 'DISABLED' }))).Schedules?.map((s) => s.Name)).toEqual(['t-0']);

    await client.send(new DeleteScheduleGroupCommand({ Name: 'g1' }));
    expect((await client.send(new ListSchedulesCommand({}))).Schedules?.map((s) => s.Name)).toEqual(['other']);
  });
});

it('retries a failing target under its RetryPolicy, then sends the payload to the DLQ with the reason', async () => {
  const h = harness({ fail: () => true });
  try {
    h.backend.create({
      Name: 'doomed',
      ScheduleExpression: atIn(0).expression,
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: BUS, RoleArn: ROLE, Input: '{"n":1}', RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:timers-dlq' } },
    });
    await until(() => h.dead.length, (n) => n === 1, 5000);
    expect(h.dead[0]).toMatchObject({ queue: 'arn:aws:sqs:us-east-1:000000000000:timers-dlq', payload: '{"n":1}', attributes: { ERROR_CODE: 'AccessDenied', ERROR_MESSAGE: 'bus refused it', 'X-Amz-Scheduler-Attempt': '3' } });
  } finally {
    await h.backend.close();
  }
});

it('keeps pending schedules across a restart, and fires once one that came due while it was down', async () => {
  const dataDir = join(freshDir('scheduler-restart'), 'data');
  const first = harness({ dataDir });
  const { expression, due } = atIn(1200);
  first.backend.create({ Name: 'pending', ScheduleExpression: expression, FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: BUS, RoleArn: ROLE, Input: '{}' } });
  await first.backend.close();

  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now() + 200)));
  expect(first.fired).toHaveLength(0);
  const second = harness({ dataDir });
  try {
    await until(() => second.fired.length, (n) => n === 1, 3000);
    expect(second.backend.get('pending').State).toBe('ENABLED');
    await second.backend.close();
    // Fired once: a third start does not fire it again.
    const third = harness({ dataDir });
    await new Promise((r) => setTimeout(r, 300));
    expect(third.fired).toHaveLength(0);
    await third.backend.close();
  } finally {
    await second.backend.close();
  }
});

describe('schedule expressions in time zones', () => {
  const origin = Date.UTC(2026, 0, 1);

  it('reads cron and at() on the zone wall clock, across daylight-saving time', () => {
    const nineInNewYork = parseScheduleExpression('cron(0 9 * * ? *)', { timezone: 'America/New_York', origin });
    expect(new Date(nineInNewYork.next(Date.UTC(2026, 11, 2, 12)) as number).toISOString()).toBe('2026-12-02T14:00:00.000Z');
    expect(new Date(nineInNewYork.next(Date.UTC(2026, 6, 2, 12)) as number).toISOString()).toBe('2026-07-02T13:00:00.000Z');
    const at = parseScheduleExpression('at(2026-07-14T10:30:00)', { timezone: 'Europe/Paris', origin });
    expect(at.oneTime).toBe(true);
    expect(new Date(at.next(origin) as number).toISOString()).toBe('2026-07-14T08:30:00.000Z');
    expect(at.next(Date.UTC(2026, 6, 15))).toBeUndefined();
  });

  it('skips a wall time the spring-forward jump skips, and runs one the fall-back hour repeats once (AWS DST rules)', () => {
    const halfPastTwo = parseScheduleExpression('cron(30 2 * * ? *)', { timezone: 'America/New_York', origin });
    // 2026-03-08 02:30 does not exist in New York: the next invocation is on the 9th (EDT, UTC-4).
    expect(new Date(halfPastTwo.next(Date.UTC(2026, 2, 7, 12)) as number).toISOString()).toBe('2026-03-09T06:30:00.000Z');
    expect(parseScheduleExpression('at(2026-03-08T02:30:00)', { timezone: 'America/New_York', origin }).next(origin)).toBeUndefined();
    // 2026-11-01 01:30 happens twice in New York: invoked once, then the next day.
    const halfPastOne = parseScheduleExpression('cron(30 1 * * ? *)', { timezone: 'America/New_York', origin });
    const once = halfPastOne.next(Date.UTC(2026, 10, 1, 0)) as number;
    expect(new Date(once).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(new Date(halfPastOne.next(once) as number).toISOString()).toBe('2026-11-02T06:30:00.000Z');
  });

  it('counts rate() from the start date and stops at the end date', () => {
    const start = Date.UTC(2026, 0, 1, 0, 0);
    const rate = parseScheduleExpression('rate(10 minutes)', { origin, startDate: start, endDate: start + 30 * 60_000 });
    expect(rate.next(start - 5000)).toBe(start);
    expect(rate.next(start + 1) as number).toBe(start + 10 * 60_000);
    expect(rate.next(start + 25 * 60_000)).toBe(start + 30 * 60_000);
    expect(rate.next(start + 30 * 60_000)).toBeUndefined();
  });
});
