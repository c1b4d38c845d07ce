import { join } from 'node:path';
import { GetScheduleGroupCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createTimers } from '../../lib/timers';
import { LocalCloud } from '../../local/runtime';
import { freshDir, ROOT } from '../helpers/codegen';
import { until, type Json } from '../helpers/local-cloud';

// Timers on the local cloud: the template's schedule group exists, lib/timers schedules an
// event through the Scheduler API on the AWS endpoint, and the due event reaches the bus,
// its rule and its queue within a second; a pending timer survives a restart.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

const template: Json = {
  Resources: {
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'timers-bus' } },
    Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'timers-queue' } },
    Rule: { Type: 'AWS::Events::Rule', Properties: { Name: 'timers-rule', EventBusName: { Ref: 'Bus' }, EventPattern: { 'detail-type': ['OfferTimeoutElapsed'] }, Targets: [{ Id: 'q', Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }] } },
    Group: { Type: 'AWS::Scheduler::ScheduleGroup', Properties: { Name: 'timers-test' } },
    Role: { Type: 'AWS::IAM::Role', Properties: {} },
  },
};

function cloudIn(dir: string, dataDir: string | undefined): LocalCloud {
  return new LocalCloud({ root: ROOT, template, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir, buildDir: join(dir, 'build'), dynamodb: false, watch: false });
}

function timersOf(cloud: LocalCloud): { scheduler: SchedulerClient; timers: ReturnType<typeof createTimers> } {
  const scheduler = new SchedulerClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials });
  return {
    scheduler,
    timers: createTimers({ client: scheduler, group: 'timers-test', roleArn: `arn:aws:iam::${cloud.accountId}:role/Role`, busArn: (b) => `arn:aws:events:${cloud.region}:${cloud.accountId}:event-bus/${b}` }),
  };
}

const event = { source: 'test.match', detailType: 'OfferTimeoutElapsed', busName: 'timers-bus', detail: { metadata: { eventId: 'e-1' }, data: { offerId: 'o-1' } } };

async function received(cloud: LocalCloud): Promise<{ body: Json; at: number }[]> {
  const sqs = new SQSClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials });
  try {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${cloud.urls.aws}/${cloud.accountId}/timers-queue`, WaitTimeSeconds: 1 }));
    return (out.Messages ?? []).map((m) => ({ body: JSON.parse(m.Body ?? '{}') as Json, at: Date.now() }));
  } finally {
    sqs.destroy();
  }
}

it('puts a timer event on its bus within a second of its due time, through the template schedule group', async () => {
  const dir = freshDir('timers-fire');
  const cloud = cloudIn(dir, undefined);
  await cloud.start();
  const { scheduler, timers } = timersOf(cloud);
  try {
    expect((await scheduler.send(new GetScheduleGroupCommand({ Name: 'timers-test' }))).State).toBe('ACTIVE');
    const { dueAt } = await timers.schedule({ id: 'offer-timeout-o-1', afterSeconds: 1, event });
    const due = Math.ceil(dueAt.getTime() / 1000) * 1000;
    const [first] = await until(() => received(cloud), (m) => m.length > 0, 5000);
    expect(first?.body).toMatchObject({ source: 'test.match', 'detail-type': 'OfferTimeoutElapsed', detail: event.detail });
    const fired = cloud.recentEvents().find((e) => e.event['detail-type'] === 'OfferTimeoutElapsed');
    expect((fired?.at ?? 0) - due).toBeLessThan(1000);
    expect((fired?.at ?? 0) - due).toBeGreaterThanOrEqual(0);
    expect((await scheduler.send(new ListSchedulesCommand({ GroupName: 'timers-test' }))).Schedules).toEqual([]);
  } finally {
    scheduler.destroy();
    await cloud.stop();
  }
}, 60_000);

it('keeps a pending timer across a restart with a data folder, and fires it after', async () => {
  const dir = freshDir('timers-restart');
  const dataDir = join(dir, 'data');
  const first = cloudIn(dir, dataDir);
  await first.start();
  const a = timersOf(first);
  await a.timers.schedule({ id: 'offer-timeout-o-2', afterSeconds: 3, event });
  a.scheduler.destroy();
  await first.stop();

  const second = cloudIn(dir, dataDir);
  await second.start();
  const b = timersOf(second);
  try {
    expect((await b.scheduler.send(new ListSchedulesCommand({ GroupName: 'timers-test' }))).Schedules?.map((s) => s.Name)).toEqual(['offer-timeout-o-2']);
    await until(() => received(second), (m) => m.length > 0, 8000);
  } finally {
    b.scheduler.destroy();
    await second.stop();
  }
}, 60_000);
