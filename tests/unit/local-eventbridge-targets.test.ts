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
