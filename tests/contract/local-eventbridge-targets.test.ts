/**
 * Rule targets of the local EventBridge, driven by the real `@aws-sdk/client-eventbridge` and
 * `@aws-sdk/client-sqs` clients against one local endpoint (as `npm start` serves them): what
 * an SQS queue receives with Input, InputPath or InputTransformer, ListTargetsByRule giving
 * back what PutTargets was given, PutTargets refusing what AWS refuses, FIFO queue targets;
 * then EnableRule / DisableRule, DeleteEventBus, DescribeEventBus and tags on buses and rules.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemovePermissionCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeBackend } from '../../local/eventbridge/backend';
import { handleEventBridgeRequest } from '../../local/eventbridge/protocol';
import { readJson } from '../../local/http/body';
import { send } from '../../local/http/endpoint';
import { FunctionRunner } from '../../local/lambda/runner';
import { createSqsRequestHandler, SqsBackend } from '../../local/sqs';
import { deliverToTarget } from '../../local/wiring';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';
let dir: string;
let server: Server;
let sqsBackend: SqsBackend;
let events: EventBridgeBackend;
let eb: EventBridgeClient;
let sqs: SQSClient;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eb-targets-'));
  sqsBackend = new SqsBackend({ region, accountId: '123456789012', baseUrl: 'http://127.0.0.1' });
  const runner = new FunctionRunner({ root: dir, buildDir: dir, baseEnvironment: {} });
  events = new EventBridgeBackend({
    region,
    accountId: '123456789012',
    retryBaseMs: 5,
    deliver: (target, payload) => deliverToTarget({ sqs: sqsBackend, events, runner, log: () => undefined }, target, payload),
    deadLetter: async () => undefined,
  });
  const sqsHandler = createSqsRequestHandler(sqsBackend);
  server = createServer((req, res) => {
    if (sqsHandler(req, res)) return;
    const target = String(req.headers['x-amz-target'] ?? '');
    void readJson(req).then((body) => {
      const out = handleEventBridgeRequest(events, target, body);
      send(res, out.status, out.body, 'application/x-amz-json-1.1');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  eb = new EventBridgeClient({ endpoint, region, credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint, region, credentials });
});

afterAll(async () => {
  eb.destroy();
  sqs.destroy();
  await new Promise((r) => server.close(r));
  await events.close();
  await sqsBackend.close();
  rmSync(dir, { recursive: true, force: true });
});

async function queue(attributes: Record<string, string> = {}, suffix = ''): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `eb-q${++n}${suffix}`, Attributes: attributes }));
  if (!QueueUrl) throw new Error('no QueueUrl');
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl, arn: Attributes?.QueueArn ?? '' };
}

async function rule(targets: Target[]): Promise<string> {
  const name = `rule-${++n}`;
  await eb.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: [`test.${name}`] }) }));
  await eb.send(new PutTargetsCommand({ Rule: name, Targets: targets }));
  return name;
}

async function publish(ruleName: string, detail: unknown): Promise<void> {
  const out = await eb.send(new PutEventsCommand({ Entries: [{ Source: `test.${ruleName}`, DetailType: 'Instance State', Detail: JSON.stringify(detail) }] }));
  expect(out.FailedEntryCount).toBe(0);
  await events.drain();
}

async function bodies(url: string): Promise<{ body: string | undefined; group: string | undefined }[]> {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['MessageGroupId'] }));
  return Messages.map((m) => ({ body: m.Body, group: m.Attributes?.MessageGroupId }));
}

async function refusal(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to be refused');
}

describe('rule targets through the real SDK clients', () => {
  it('an SQS target with an InputTransformer receives the filled template, not the event', async () => {
    const q = await queue();
    const transformer = { InputPathsMap: { instance: '$.detail.instance-id', state: '$.detail.state' }, InputTemplate: '{"instance": <instance>, "status": "instance <instance> is in <state>", "rule": <aws.events.rule-name>}' };
    const name = await rule([{ Id: 'transformed', Arn: q.arn, InputTransformer: transformer }]);

    const listed = await eb.send(new ListTargetsByRuleCommand({ Rule: name }));
    expect(listed.Targets?.[0]).toMatchObject({ Id: 'transformed', Arn: q.arn, InputTransformer: transformer });

    await publish(name, { 'instance-id': 'i-0123456789', state: 'RUNNING' });
    const got = await bodies(q.url);
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0]?.body ?? '')).toEqual({ instance: 'i-0123456789', status: 'instance i-0123456789 is in RUNNING', rule: name });
  });

  it('Input sends its constant text and InputPath the part of the event it selects; ListTargetsByRule gives both back', async () => {
    const constant = await queue();
    const part = await queue();
    const name = await rule([
      { Id: 'constant', Arn: constant.arn, Input: '{"wake":"up"}' },
      { Id: 'part', Arn: part.arn, InputPath: '$.detail.order' },
    ]);
    const listed = await eb.send(new ListTargetsByRuleCommand({ Rule: name }));
    expect(listed.Targets?.map((t) => [t.Id, t.Input, t.InputPath])).toEqual([
      ['constant', '{"wake":"up"}', undefined],
      ['part', undefined, '$.detail.order'],
    ]);

    await publish(name, { order: { id: 7, lines: ['a'] } });
    expect((await bodies(constant.url)).map((m) => m.body)).toEqual(['{"wake":"up"}']);
    expect((await bodies(part.url)).map((m) => m.body)).toEqual(['{"id":7,"lines":["a"]}']);
  });

  it('PutTargets refuses what AWS refuses, with ValidationException (400)', async () => {
    const q = await queue();
    const name = await rule([]);
    const both = await refusal(eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 't', Arn: q.arn, Input: '{}', InputPath: '$.detail' }] })));
    expect(both).toMatchObject({ name: 'ValidationException', status: 400 });
    const reserved = await refusal(eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 't', Arn: q.arn, InputTransformer: { InputPathsMap: { 'aws.events.rule-name': '$.source' }, InputTemplate: '"<aws.events.rule-name>"' } }] })));
    expect(reserved.name).toBe('ValidationException');
    const badJson = await refusal(eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 't', Arn: q.arn, InputTransformer: { InputPathsMap: { k: '$.source' }, InputTemplate: '{<k>: 1}' } }] })));
    expect(badJson.message).toMatch(/^Invalid InputTemplate for target t/);
    expect((await eb.send(new ListTargetsByRuleCommand({ Rule: name }))).Targets).toEqual([]);
  });

  it('a FIFO queue target needs SqsParameters.MessageGroupId, and its messages carry that group', async () => {
    const q = await queue({ FifoQueue: 'true', ContentBasedDeduplication: 'true' }, '.fifo');
    const name = await rule([]);
    const refused = await refusal(eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'fifo', Arn: q.arn }] })));
    expect(refused).toMatchObject({ name: 'ValidationException', message: 'Parameter(s) SqsParameters must be specified for target: fifo.' });

    await eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'fifo', Arn: q.arn, SqsParameters: { MessageGroupId: 'orders' }, InputPath: '$.detail' }] }));
    expect((await eb.send(new ListTargetsByRuleCommand({ Rule: name }))).Targets?.[0]?.SqsParameters).toEqual({ MessageGroupId: 'orders' });
    await publish(name, { n: 1 });
    await publish(name, { n: 2 });
    expect(await bodies(q.url)).toEqual([
      { body: '{"n":1}', group: 'orders' },
      { body: '{"n":2}', group: 'orders' },
    ]);
  });
});

describe('rules and buses through the real SDK client', () => {
  it('a DISABLED rule delivers nothing; DescribeRule shows the state; EnableRule brings delivery back', async () => {
    const q = await queue();
    const name = await rule([{ Id: 'q', Arn: q.arn, InputPath: '$.detail' }]);
    await eb.send(new DisableRuleCommand({ Name: name }));
    expect((await eb.send(new DescribeRuleCommand({ Name: name }))).State).toBe('DISABLED');
    await publish(name, { n: 1 });
    expect(await bodies(q.url)).toEqual([]);

    await eb.send(new EnableRuleCommand({ Name: name }));
    expect((await eb.send(new DescribeRuleCommand({ Name: name }))).State).toBe('ENABLED');
    await publish(name, { n: 2 });
    expect((await bodies(q.url)).map((m) => m.body)).toEqual(['{"n":2}']);

    expect(await refusal(eb.send(new DisableRuleCommand({ Name: 'no-such-rule' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
  });

  it('a rule created DISABLED (PutRule State) delivers nothing', async () => {
    const q = await queue();
    const name = `rule-${++n}`;
    await eb.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: [`test.${name}`] }), State: 'DISABLED' }));
    await eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'q', Arn: q.arn }] }));
    await publish(name, { n: 1 });
    expect(await bodies(q.url)).toEqual([]);
  });

  it('DescribeEventBus answers Name, Arn, Description, CreationTime, LastModifiedTime, and Policy once one is set', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const created = await eb.send(new CreateEventBusCommand({ Name: 'described', Description: 'orders bus' }));
    expect(created.EventBusArn).toBe('arn:aws:events:us-east-1:123456789012:event-bus/described');
    const bus = await eb.send(new DescribeEventBusCommand({ Name: 'described' }));
    expect(bus).toMatchObject({ Name: 'described', Arn: created.EventBusArn, Description: 'orders bus' });
    expect(bus.Policy).toBeUndefined();
    expect(bus.CreationTime?.getTime()).toBeGreaterThanOrEqual(before);
    expect(bus.LastModifiedTime?.getTime()).toBe(bus.CreationTime?.getTime());
    expect((await eb.send(new DescribeEventBusCommand({ Name: created.EventBusArn }))).Name).toBe('described');

    await eb.send(new PutPermissionCommand({ EventBusName: 'described', Action: 'events:PutEvents', Principal: '111122223333', StatementId: 'partner' }));
    const withPolicy = await eb.send(new DescribeEventBusCommand({ Name: 'described' }));
    expect(JSON.parse(withPolicy.Policy ?? '{}')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'events:PutEvents', Resource: created.EventBusArn }],
    });
    await eb.send(new RemovePermissionCommand({ EventBusName: 'described', StatementId: 'partner' }));
    expect((await eb.send(new DescribeEventBusCommand({ Name: 'described' }))).Policy).toBeUndefined();
    expect(await refusal(eb.send(new RemovePermissionCommand({ EventBusName: 'described', StatementId: 'partner' })))).toMatchObject({ name: 'ResourceNotFoundException' });

    const defaultBus = await eb.send(new DescribeEventBusCommand({}));
    expect(defaultBus).toMatchObject({ Name: 'default', Arn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' });
    expect(await refusal(eb.send(new DescribeEventBusCommand({ Name: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
  });

  it('DeleteEventBus refuses the default bus and a bus with rules, then deletes it', async () => {
    expect(await refusal(eb.send(new DeleteEventBusCommand({ Name: 'default' })))).toMatchObject({ name: 'ValidationException', message: 'Cannot delete event bus default.', status: 400 });
    await eb.send(new CreateEventBusCommand({ Name: 'doomed' }));
    await eb.send(new PutRuleCommand({ Name: 'on-doomed', EventBusName: 'doomed', EventPattern: '{"source":["x"]}' }));
    expect(await refusal(eb.send(new DeleteEventBusCommand({ Name: 'doomed' })))).toMatchObject({ name: 'ValidationException', message: "EventBus can't be deleted since it has rules.", status: 400 });
    expect((await eb.send(new DescribeEventBusCommand({ Name: 'doomed' }))).Name).toBe('doomed');

    await eb.send(new DeleteRuleCommand({ Name: 'on-doomed', EventBusName: 'doomed' }));
    await eb.send(new DeleteEventBusCommand({ Name: 'doomed' }));
    expect((await refusal(eb.send(new DescribeEventBusCommand({ Name: 'doomed' })))).name).toBe('ResourceNotFoundException');
    const out = await eb.send(new PutEventsCommand({ Entries: [{ Source: 'x', DetailType: 'y', Detail: '{}', EventBusName: 'doomed' }] }));
    expect(out.Entries?.[0]?.ErrorCode).toBe('ResourceNotFoundException');
    // Deleting a bus that is not there succeeds, as on AWS.
    await eb.send(new DeleteEventBusCommand({ Name: 'doomed' }));
  });

  it('TagResource / UntagResource / ListTagsForResource on buses and rules; Tags on CreateEventBus and PutRule', async () => {
    const { EventBusArn = '' } = await eb.send(new CreateEventBusCommand({ Name: 'tagged', Tags: [{ Key: 'team', Value: 'orders' }] }));
    const { RuleArn = '' } = await eb.send(new PutRuleCommand({ Name: 'tagged-rule', EventBusName: 'tagged', EventPattern: '{"source":["x"]}', Tags: [{ Key: 'env', Value: 'dev' }] }));
    expect(RuleArn).toBe('arn:aws:events:us-east-1:123456789012:rule/tagged/tagged-rule');
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: EventBusArn }))).Tags).toEqual([{ Key: 'team', Value: 'orders' }]);
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: RuleArn }))).Tags).toEqual([{ Key: 'env', Value: 'dev' }]);

    await eb.send(new TagResourceCommand({ ResourceARN: RuleArn, Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'owner', Value: 'me' }] }));
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: RuleArn }))).Tags).toEqual([{ Key: 'env', Value: 'prod' }, { Key: 'owner', Value: 'me' }]);
    await eb.send(new UntagResourceCommand({ ResourceARN: RuleArn, TagKeys: ['env', 'absent'] }));
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: RuleArn }))).Tags).toEqual([{ Key: 'owner', Value: 'me' }]);

    const defaultRule = await eb.send(new PutRuleCommand({ Name: `rule-${++n}`, EventPattern: '{"source":["x"]}' }));
    await eb.send(new TagResourceCommand({ ResourceARN: defaultRule.RuleArn, Tags: [{ Key: 'k', Value: '' }] }));
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: defaultRule.RuleArn }))).Tags).toEqual([{ Key: 'k', Value: '' }]);

    const missing = 'arn:aws:events:us-east-1:123456789012:rule/tagged/no-such-rule';
    expect(await refusal(eb.send(new ListTagsForResourceCommand({ ResourceARN: missing })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    expect((await refusal(eb.send(new TagResourceCommand({ ResourceARN: missing, Tags: [{ Key: 'a', Value: 'b' }] })))).name).toBe('ResourceNotFoundException');
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect((await refusal(eb.send(new TagResourceCommand({ ResourceARN: EventBusArn, Tags: tooMany })))).name).toBe('LimitExceededException');

    // A rule deleted and created again starts without the old tags.
    await eb.send(new RemoveTargetsCommand({ Rule: 'tagged-rule', EventBusName: 'tagged', Ids: [] }));
    await eb.send(new DeleteRuleCommand({ Name: 'tagged-rule', EventBusName: 'tagged' }));
    await eb.send(new PutRuleCommand({ Name: 'tagged-rule', EventBusName: 'tagged', EventPattern: '{"source":["x"]}' }));
    expect((await eb.send(new ListTagsForResourceCommand({ ResourceARN: RuleArn }))).Tags).toEqual([]);
  });
});
