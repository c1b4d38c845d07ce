import { GetScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { atExpression, createTimers, scheduleName, TimerInputError, timersFromEnv, type Timers } from '../../lib/timers';
import { until } from '../helpers/local-cloud';
import { schedulerHarness, serveScheduler } from '../helpers/scheduler';

// lib/timers against the local Scheduler, through the real SDK client: a timer is a
// one-time schedule that puts its event on its bus when due, deleted after it fired;
// scheduling an id twice keeps the first; cancel removes a pending one.

const event = (n: number) => ({ source: 'test.timers', detailType: 'OfferTimeoutElapsed', busName: 'core-bus', detail: { metadata: { eventId: `e-${n}` }, data: { offerId: `o-${n}` } } });

describe('lib/timers on the local Scheduler', () => {
  let h: ReturnType<typeof schedulerHarness>;
  let client: SchedulerClient;
  let close: () => Promise<void>;
  let timers: Timers;

  beforeEach(async () => {
    h = schedulerHarness();
    ({ client, close } = await serveScheduler(h.backend));
    h.backend.createGroup('roadcall-test');
    timers = createTimers({ client, group: 'roadcall-test', roleArn: 'arn:aws:iam::000000000000:role/timers', busArn: (b) => `arn:aws:events:us-east-1:000000000000:event-bus/${b}`, deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:timers-dlq' });
  });

  afterEach(async () => {
    await close();
    await h.backend.close();
  });

  it('puts the event on its bus when due, as a one-time schedule deleted after it fired', async () => {
    const { name, dueAt, created } = await timers.schedule({ id: 'offer-timeout-o-1', afterSeconds: 1, event: event(1) });
    expect(created).toBe(true);
    const schedule = await client.send(new GetScheduleCommand({ Name: name, GroupName: 'roadcall-test' }));
    expect(schedule).toMatchObject({
      ScheduleExpression: atExpression(dueAt),
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/core-bus',
        EventBridgeParameters: { DetailType: 'OfferTimeoutElapsed', Source: 'test.timers' },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:timers-dlq' },
      },
    });
    await until(() => h.fired.length, (n) => n === 1, 4000);
    expect(JSON.parse(h.fired[0]?.payload ?? '')).toEqual(event(1).detail);
    expect(h.fired[0]?.at).toBeGreaterThanOrEqual(Math.ceil(dueAt.getTime() / 1000) * 1000);
    expect(await timers.cancel('offer-timeout-o-1')).toBe(false);
  });

  it('keeps the first timer when an id is scheduled again, and cancels a pending one', async () => {
    await timers.schedule({ id: 'same', afterSeconds: 60, event: event(2) });
    const again = await timers.schedule({ id: 'same', afterSeconds: 5, event: event(3) });
    expect(again.created).toBe(false);
    expect(JSON.parse((await client.send(new GetScheduleCommand({ Name: 'same', GroupName: 'roadcall-test' }))).Target?.Input ?? '')).toEqual(event(2).detail);
    expect(await timers.cancel('same')).toBe(true);
    expect(await timers.cancel('same')).toBe(false);
    expect(h.backend.list({ group: 'roadcall-test' })).toEqual([]);
  });

  it('hashes ids the Scheduler would refuse as names, the same way every time', async () => {
    const id = 'saga#incident/8f1c…step:2';
    expect(scheduleName(id)).toMatch(/^t-[0-9a-f]{40}$/);
    expect(scheduleName(id)).toBe(scheduleName(id));
    const { name } = await timers.schedule({ id, at: new Date(Date.now() + 60_000).toISOString(), event: event(4) });
    expect(name).toBe(scheduleName(id));
    expect(await timers.cancel(id)).toBe(true);
  });

  it('refuses a timer with no due time, two due times or a bad date, naming it', async () => {
    await expect(timers.schedule({ id: 'x', event: event(5) })).rejects.toThrow(TimerInputError);
    await expect(timers.schedule({ id: 'x', at: Date.now(), afterSeconds: 1, event: event(5) })).rejects.toThrow(/exactly one of at and afterSeconds/);
    await expect(timers.schedule({ id: 'x', at: 'tomorrow', event: event(5) })).rejects.toThrow(/timer x: at is not a date/);
    await expect(timers.schedule({ id: 'x', afterSeconds: -1, event: event(5) })).rejects.toThrow(/afterSeconds/);
  });
});

it('timersFromEnv fails loudly on a missing variable', () => {
  expect(() => timersFromEnv({ TIMERS_BUS_ARN_PREFIX: 'arn:aws:events:us-east-1:1:event-bus/', TIMERS_ROLE_ARN: 'arn:aws:iam::1:role/r' })).toThrow(/TIMERS_SCHEDULE_GROUP/);
});
