import fc from 'fast-check';
import { EventBridgeBackend, type Rule } from '../../local/eventbridge/backend';
import { handleEventBridgeRequest } from '../../local/eventbridge/protocol';
import { planFromTemplate } from '../../local/template/plan';

// Rule targets declared in a CloudFormation template (AWS::Events::Rule Targets) get the same
// Input / InputPath / InputTransformer / SqsParameters as targets given to PutTargets, and the
// bus checks them the same way.

const endpoints = { aws: 'http://127.0.0.1:4000', http: 'http://127.0.0.1:4001' };
const opts = { region: 'us-east-1', accountId: '000000000000', endpoints };

function template(target: Record<string, unknown>): Parameters<typeof planFromTemplate>[0] {
  return {
    Resources: {
      Orders: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'orders' } },
      OrdersFifo: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'orders.fifo', FifoQueue: true } },
      OnOrder: { Type: 'AWS::Events::Rule', Properties: { Name: 'on-order', EventPattern: { source: ['shop'] }, Targets: [{ Id: 'q', ...target }] } },
    },
  } as Parameters<typeof planFromTemplate>[0];
}

function recordingBackend(): { backend: EventBridgeBackend; payloads: string[] } {
  const payloads: string[] = [];
  const backend = new EventBridgeBackend({ region: 'us-east-1', accountId: '000000000000', retryBaseMs: 1, deliver: async (_t, payload) => void payloads.push(payload), deadLetter: async () => undefined });
  return { backend, payloads };
}

const ruleOf = (plan: ReturnType<typeof planFromTemplate>): Rule => {
  const r = plan.rules[0];
  if (!r) throw new Error('no rule planned');
  return { name: r.name, arn: r.arn, busName: r.busName, pattern: r.pattern, schedule: r.schedule, enabled: r.enabled, targets: r.targets };
};

describe('template rule targets', () => {
  it('carry InputTransformer (with Fn::GetAtt arns resolved) and deliver the filled template', async () => {
    const plan = planFromTemplate(template({ Arn: { 'Fn::GetAtt': ['Orders', 'Arn'] }, InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"order": <id>, "rule": <aws.events.rule-name>}' } }), opts);
    expect(plan.rules[0]?.targets[0]).toMatchObject({ arn: 'arn:aws:sqs:us-east-1:000000000000:orders', inputTransformer: { inputPathsMap: { id: '$.detail.id' }, inputTemplate: '{"order": <id>, "rule": <aws.events.rule-name>}' } });
    const { backend, payloads } = recordingBackend();
    backend.putRule(ruleOf(plan));
    backend.putEvents([{ Source: 'shop', DetailType: 'Order', Detail: '{"id":"o-1"}' }]);
    await backend.drain();
    expect(payloads).toEqual(['{"order": "o-1", "rule": "on-order"}']);
    // ListTargetsByRule answers it as the template gave it.
    const listed = handleEventBridgeRequest(backend, 'AWSEvents.ListTargetsByRule', { Rule: 'on-order' });
    expect(listed.body).toMatchObject({ Targets: [{ Id: 'q', InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"order": <id>, "rule": <aws.events.rule-name>}' } }] });
  });

  it('carry InputPath and SqsParameters', async () => {
    const plan = planFromTemplate(template({ Arn: { 'Fn::GetAtt': ['OrdersFifo', 'Arn'] }, InputPath: '$.detail', SqsParameters: { MessageGroupId: 'g1' } }), opts);
    expect(plan.rules[0]?.targets[0]).toMatchObject({ inputPath: '$.detail', sqsParameters: { messageGroupId: 'g1' } });
    const { backend, payloads } = recordingBackend();
    backend.putRule(ruleOf(plan));
    backend.putEvents([{ Source: 'shop', DetailType: 'Order', Detail: '{"id":"o-2"}' }]);
    await backend.drain();
    expect(payloads).toEqual(['{"id":"o-2"}']);
  });

  it('are checked like PutTargets: a FIFO target without a group, two input forms', () => {
    const { backend } = recordingBackend();
    expect(() => backend.putRule(ruleOf(planFromTemplate(template({ Arn: { 'Fn::GetAtt': ['OrdersFifo', 'Arn'] } }), opts)))).toThrow('Parameter(s) SqsParameters must be specified for target: q.');
    expect(() => backend.putRule(ruleOf(planFromTemplate(template({ Arn: { 'Fn::GetAtt': ['Orders', 'Arn'] }, Input: '{}', InputPath: '$' }), opts)))).toThrow(/Only one of Input, InputPath, or InputTransformer/);
  });
});

describe('schedule rules and their state', () => {
  it('a disabled schedule rule fires nothing; enabled again, it fires its targets with their input', async () => {
    const { backend, payloads } = recordingBackend();
    const rule: Rule = { name: 'tick', arn: 'arn:aws:events:us-east-1:000000000000:rule/tick', busName: 'default', pattern: undefined, schedule: 'rate(1 minute)', enabled: true, targets: [] };
    backend.putRule(rule);
    backend.setTargets(undefined, 'tick', [{ id: 't', arn: 'arn:aws:sqs:us-east-1:000000000000:q', maximumRetryAttempts: 0, maximumEventAgeSeconds: 60, deadLetterArn: undefined, input: undefined, inputTransformer: { inputPathsMap: { type: '$.detail-type' }, inputTemplate: '"<aws.events.rule-name>: <type>"' } }]);
    backend.setRuleState(undefined, 'tick', false);
    backend.fireSchedule(rule);
    await backend.drain();
    expect(payloads).toEqual([]);
    backend.setRuleState(undefined, 'tick', true);
    backend.fireSchedule(rule);
    await backend.drain();
    expect(payloads).toEqual(['"tick: Scheduled Event"']);
  });
});

describe('the new operations answer malformed requests with AWS errors, never a 500', () => {
  it('generated PutTargets / rule / bus / tag / permission calls get 200 or a 400 { __type, message }', () => {
    const { backend } = recordingBackend();
    backend.createBus('b1');
    backend.putRule({ name: 'r1', arn: 'arn:aws:events:us-east-1:000000000000:rule/r1', busName: 'default', pattern: { source: ['x'] }, schedule: undefined, enabled: true, targets: [] });
    const any = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null), fc.json({ maxDepth: 2 }).map((j) => JSON.parse(j) as unknown));
    const template = fc.oneof(fc.constantFrom('{"a": <v>}', '"<v> is <aws.events.rule-name>"', '{<v>: 1}', '', '<v>', '{"a": "<v>" '), fc.string({ maxLength: 40 }), any);
    const transformer = fc.record({ InputPathsMap: fc.oneof(fc.dictionary(fc.constantFrom('v', 'aws.events.event', 'a b', '__proto__', 'x'), fc.oneof(fc.constantFrom('$.detail', '$.a[0]', 'bad', '$[x]'), any), { maxKeys: 3 }), any), InputTemplate: template }, { requiredKeys: [] });
    const target = fc.record(
      { Id: fc.oneof(fc.constantFrom('t1', 't2'), any), Arn: fc.oneof(fc.constantFrom('arn:aws:sqs:us-east-1:000000000000:q', 'arn:aws:sqs:us-east-1:000000000000:q.fifo'), any), Input: fc.oneof(fc.json(), any), InputPath: fc.oneof(fc.constantFrom('$.detail', 'nope'), any), InputTransformer: fc.oneof(transformer, any), SqsParameters: fc.oneof(fc.record({ MessageGroupId: any }), any) },
      { requiredKeys: [] },
    );
    const arn = fc.oneof(fc.constantFrom('arn:aws:events:us-east-1:000000000000:rule/r1', 'arn:aws:events:us-east-1:000000000000:event-bus/b1', 'arn:aws:events:us-east-1:000000000000:rule/b1/zz', 'arn:x'), any);
    const body = fc.record(
      {
        Rule: fc.oneof(fc.constant('r1'), any),
        Name: fc.oneof(fc.constantFrom('r1', 'b1', 'default', 'new-bus', 'a/b'), any),
        EventBusName: fc.oneof(fc.constantFrom('default', 'b1'), any),
        Targets: fc.oneof(fc.array(target, { maxLength: 3 }), any),
        ResourceARN: arn,
        Tags: fc.oneof(fc.array(fc.record({ Key: any, Value: any }, { requiredKeys: [] }), { maxLength: 3 }), any),
        TagKeys: fc.oneof(fc.array(any, { maxLength: 2 }), any),
        Policy: fc.oneof(fc.json({ maxDepth: 2 }), any),
        StatementId: any,
        Principal: any,
        Action: fc.oneof(fc.constant('events:PutEvents'), any),
        RemoveAllPermissions: any,
        Description: any,
      },
      { requiredKeys: [] },
    );
    const operations = ['PutTargets', 'ListTargetsByRule', 'EnableRule', 'DisableRule', 'CreateEventBus', 'DeleteEventBus', 'DescribeEventBus', 'ListEventBuses', 'PutPermission', 'RemovePermission', 'TagResource', 'UntagResource', 'ListTagsForResource'];
    fc.assert(
      fc.property(fc.constantFrom(...operations), body, (operation, input) => {
        const out = handleEventBridgeRequest(backend, `AWSEvents.${operation}`, input);
        expect([200, 400]).toContain(out.status);
        if (out.status === 400) {
          const error = out.body as { __type?: unknown; message?: unknown };
          expect(typeof error.__type).toBe('string');
          expect(typeof error.message).toBe('string');
        }
        // Whatever was accepted can be listed and described again.
        expect(handleEventBridgeRequest(backend, 'AWSEvents.ListTargetsByRule', { Rule: 'r1' }).status).toBe(200);
        expect(handleEventBridgeRequest(backend, 'AWSEvents.ListEventBuses', {}).status).toBe(200);
      }),
      { seed: 16, numRuns: 2000 },
    );
  });
});
