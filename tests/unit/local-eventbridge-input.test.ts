import { EventBridgeError } from '../../local/eventbridge/errors';
import { checkTargetInput, selectPath, targetPayload, transformInput } from '../../local/eventbridge/input';
import type { EventBridgeEvent, InputTransformer, Target } from '../../local/eventbridge/types';

// What a rule target receives, written from the EventBridge user guide ("Amazon EventBridge
// input transformation": its example EC2 event, its Input Path, the table of templates with
// their outputs, and "Common issues with transforming input") and the API reference
// (InputTransformer, Target). Each documented output is asserted as text where the guide gives
// the exact text, as parsed JSON where it only shows the JSON reformatted.

/** The guide's example Amazon EC2 event. */
const ec2Event: EventBridgeEvent = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
};

/** The guide's Input Path for it. */
const inputPathsMap = { timestamp: '$.time', instance: '$.detail.instance-id', state: '$.detail.state', resource: '$.resources[0]' };

/** The rule the guide's reserved-variable examples show. */
const context = { ruleName: 'example', ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example', ingestionTime: '2015-11-11T21:29:55.123Z' };

const transform = (inputTemplate: string, paths: Record<string, string> = inputPathsMap, event: EventBridgeEvent = ec2Event): string =>
  transformInput({ inputPathsMap: paths, inputTemplate }, event, context);

describe('InputTransformer: the user guide\'s examples give its documented output', () => {
  it('simple string', () => {
    expect(transform('"instance <instance> is in <state>"')).toBe('"instance i-0123456789 is in RUNNING"');
  });

  it('string with escaped quotes (the console behaviour the guide shows)', () => {
    expect(transform('"instance \\"<instance>\\" is in <state>"')).toBe('"instance \\"i-0123456789\\" is in RUNNING"');
  });

  it('simple JSON: string variables outside quotes are quoted', () => {
    expect(transform('{\n  "instance" : <instance>,\n  "state": <state>\n}')).toBe('{\n  "instance" : "i-0123456789",\n  "state": "RUNNING"\n}');
  });

  it('JSON with strings and variables', () => {
    const out = transform('{\n "instance" : <instance>,\n "state": "<state>",\n "instanceStatus": "instance \\"<instance>\\" is in <state>"\n}');
    expect(out).toBe('{\n "instance" : "i-0123456789",\n "state": "RUNNING",\n "instanceStatus": "instance \\"i-0123456789\\" is in RUNNING"\n}');
    expect(JSON.parse(out)).toEqual({ instance: 'i-0123456789', state: 'RUNNING', instanceStatus: 'instance "i-0123456789" is in RUNNING' });
  });

  it('JSON with a mix of variables and static information', () => {
    const out = transform('{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n  "Transformed" : "Yes"\n}\n');
    expect(JSON.parse(out)).toEqual({ instance: 'i-0123456789', state: [9, 'RUNNING', true], Transformed: 'Yes' });
  });

  it('reserved variables in JSON: rule ARN and name quoted, <aws.events.event> the original event without detail', () => {
    const out = transform('{\n  "instance" : <instance>,\n  "state": <state>,\n  "ruleArn" : <aws.events.rule-arn>,\n  "ruleName" : <aws.events.rule-name>,\n  "originalEvent" : <aws.events.event>\n}');
    // The guide elides originalEvent ("commented for brevity"); its shape is the one AWS was
    // recorded giving (LocalStack's AWS-validated snapshot): detailType, the ingestion time, no detail.
    const originalEvent = { version: '0', id: ec2Event.id, detailType: ec2Event['detail-type'], source: 'aws.ec2', account: '123456789012', time: context.ingestionTime, region: 'us-east-1', resources: ec2Event.resources };
    expect(JSON.parse(out)).toEqual({ instance: 'i-0123456789', state: 'RUNNING', ruleArn: context.ruleArn, ruleName: 'example', originalEvent });
  });

  it('reserved variables in a string', () => {
    expect(transform('"<aws.events.rule-name> triggered"')).toBe('"example triggered"');
  });

  it('<aws.events.event.json> is the full event, and string variables need no quotes in JSON (common issues)', () => {
    const out = transform('{"ruleArn" : <aws.events.rule-arn>, "ruleName" : <aws.events.rule-name>, "originalEvent" : <aws.events.event.json>}');
    expect(JSON.parse(out)).toEqual({ ruleArn: context.ruleArn, ruleName: 'example', originalEvent: ec2Event });
  });

  it('an object referenced inside a string loses its inner quotes (common issues: "Detail is <detail>")', () => {
    expect(transform('"Detail is <detail>"', { detail: '$.detail' })).toBe('"Detail is {instance-id:i-0123456789,state:RUNNING}"');
  });

  it('an object placed as a value is written as JSON (common issues: {"detail": <detail>})', () => {
    const out = transform('{"detail": <detail>}', { detail: '$.detail' });
    expect(out).toBe('{"detail": {"instance-id":"i-0123456789","state":"RUNNING"}}');
  });

  it('the API reference\'s JSON template with variables in quotes and out', () => {
    const event = { ...ec2Event, detail: { instance: 'i-0123456789', status: 'RUNNING' } };
    const out = transform('{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<status>\\""}', { instance: '$.detail.instance', status: '$.detail.status' }, event);
    expect(JSON.parse(out)).toEqual({ myInstance: 'i-0123456789', myStatus: 'i-0123456789 is in state "RUNNING"' });
  });

  it('a multi-line text template: each line its own quoted string (common issues)', () => {
    const event = { ...ec2Event, detail: { severity: 'HIGH', findingArn: 'arn:aws:inspector2:us-east-1:123456789012:finding/f1', description: 'Open port' } };
    const out = transform('"<severity> severity finding <Finding_ID>"\n"Description: <Description>"', { severity: '$.detail.severity', Finding_ID: '$.detail.findingArn', Description: '$.detail.description' }, event);
    expect(out).toBe('"HIGH severity finding arn:aws:inspector2:us-east-1:123456789012:finding/f1"\n"Description: Open port"');
  });

  it('a variable whose path is not in the event is not created: null as a JSON value, nothing inside a string (as AWS was recorded doing)', () => {
    expect(transform('{"a": <missing>, "b": "x<missing>y"}', { missing: '$.detail.nope' })).toBe('{"a": null, "b": "xy"}');
  });

  it('values are not escaped when they fill the template (common issues)', () => {
    const event = { ...ec2Event, detail: { note: 'say "hi"' } };
    expect(transform('"<note>"', { note: '$.detail.note' }, event)).toBe('"say "hi""');
  });

  it('array indices and the ingestion time', () => {
    const out = transform('{"resource": <resource>, "at": <aws.events.event.ingestion-time>, "t": "<timestamp>"}');
    expect(JSON.parse(out)).toEqual({ resource: 'arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111', at: context.ingestionTime, t: '2015-11-11T21:29:54Z' });
  });

  it('numbers and booleans are written as JSON in and out of quotes', () => {
    const event = { ...ec2Event, detail: { count: 3, ok: true } };
    expect(transform('{"count": <count>, "ok": <ok>, "text": "<count> items, ok=<ok>"}', { count: '$.detail.count', ok: '$.detail.ok' }, event)).toBe('{"count": 3, "ok": true, "text": "3 items, ok=true"}');
  });
});

describe('JSONPath as EventBridge supports it', () => {
  it('dot notation, dashes, array indices and wildcards', () => {
    expect(selectPath(ec2Event, '$.detail.instance-id')).toBe('i-0123456789');
    expect(selectPath(ec2Event, '$.resources[0]')).toBe('arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111');
    expect(selectPath(ec2Event, '$.detail.*')).toEqual(['i-0123456789', 'RUNNING']);
    expect(selectPath(ec2Event, '$.resources[*]')).toEqual(ec2Event.resources);
    expect(selectPath(ec2Event, '$')).toEqual(ec2Event);
  });

  it('selects nothing for a missing key or index', () => {
    expect(selectPath(ec2Event, '$.detail.nope')).toBeUndefined();
    expect(selectPath(ec2Event, '$.resources[3]')).toBeUndefined();
    expect(selectPath(ec2Event, '$.detail.state.deeper')).toBeUndefined();
  });
});

describe('what the target receives', () => {
  const target = (fields: Partial<Target>): Target => ({ id: 't1', arn: 'arn:aws:sqs:us-east-1:123456789012:q', maximumRetryAttempts: 0, maximumEventAgeSeconds: 60, deadLetterArn: undefined, input: undefined, ...fields });

  it('the whole event by default', () => {
    expect(JSON.parse(targetPayload(target({}), ec2Event, context))).toEqual(ec2Event);
  });

  it('Input: the constant JSON text, the event ignored', () => {
    expect(targetPayload(target({ input: '{"fixed":true}' }), ec2Event, context)).toBe('{"fixed":true}');
  });

  it('InputPath: the part of the event it selects', () => {
    expect(targetPayload(target({ inputPath: '$.detail' }), ec2Event, context)).toBe('{"instance-id":"i-0123456789","state":"RUNNING"}');
    expect(targetPayload(target({ inputPath: '$.detail.state' }), ec2Event, context)).toBe('"RUNNING"');
  });

  it('InputTransformer: the filled template', () => {
    expect(targetPayload(target({ inputTransformer: { inputPathsMap: { state: '$.detail.state' }, inputTemplate: '{"s": <state>}' } }), ec2Event, context)).toBe('{"s": "RUNNING"}');
  });
});

describe('PutTargets checks on the input fields', () => {
  const check = (fields: Partial<Target>): EventBridgeError | undefined => {
    try {
      checkTargetInput({ id: 't1', input: undefined, ...fields });
      return undefined;
    } catch (error) {
      return error as EventBridgeError;
    }
  };
  const transformer = (inputTemplate: string, inputPathsMap: Record<string, string> = {}): InputTransformer => ({ inputTemplate, inputPathsMap });

  it('accepts each of the documented forms', () => {
    expect(check({ input: '{"a":1}' })).toBeUndefined();
    expect(check({ inputPath: '$.detail' })).toBeUndefined();
    expect(check({ inputTransformer: transformer('"instance <instance> is in <state>"', inputPathsMap) })).toBeUndefined();
    expect(check({ inputTransformer: transformer('{"instance": <instance>, "all": <aws.events.event.json>}', inputPathsMap) })).toBeUndefined();
  });

  it('refuses more than one of Input, InputPath and InputTransformer', () => {
    const error = check({ input: '{}', inputPath: '$.detail' });
    expect(error?.code).toBe('ValidationException');
    expect(error?.message).toMatch(/Only one of Input, InputPath, or InputTransformer/);
    expect(check({ inputPath: '$', inputTransformer: transformer('"x"') })?.code).toBe('ValidationException');
  });

  it('refuses an Input that is not JSON text, and a path that is not JSONPath', () => {
    expect(check({ input: 'not json' })?.code).toBe('ValidationException');
    expect(check({ inputPath: 'detail.state' })?.code).toBe('ValidationException');
    expect(check({ inputTransformer: transformer('"<a>"', { a: 'detail' }) })?.code).toBe('ValidationException');
  });

  it('refuses reserved and malformed InputPathsMap keys, and more than 100 of them', () => {
    expect(check({ inputTransformer: transformer('"<aws.events.rule-name>"', { 'aws.events.rule-name': '$.detail' }) })?.message).toMatch(/reserved/);
    expect(check({ inputTransformer: transformer('"<a b>"', { 'a b': '$.detail' }) })?.message).toMatch(/A-Za-z0-9/);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.detail']));
    expect(check({ inputTransformer: transformer('"x"', many) })?.message).toMatch(/less than or equal to 100/);
    const hundred = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`v${i}`, '$.detail']));
    expect(check({ inputTransformer: transformer('"x"', hundred) })).toBeUndefined();
  });

  it('refuses an empty template or one over 8192 characters', () => {
    expect(check({ inputTransformer: transformer('') })?.code).toBe('ValidationException');
    expect(check({ inputTransformer: transformer(`"${'x'.repeat(8191)}"`) })?.code).toBe('ValidationException');
    expect(check({ inputTransformer: transformer(`"${'x'.repeat(8190)}"`) })).toBeUndefined();
  });

  it('refuses a placeholder that names no variable, with AWS\'s message', () => {
    expect(check({ inputTransformer: transformer('"<instance> and <notdefinedkey>"', inputPathsMap) })?.message).toBe('InputTemplate for target t1 contains invalid placeholder notdefinedkey.');
    expect(check({ inputTransformer: transformer('"<aws.events.event.ingestion-time> <aws.events.rule-arn>"') })).toBeUndefined();
  });

  it('refuses a JSON template that is not JSON, or uses a placeholder as an object key', () => {
    expect(check({ inputTransformer: transformer('{<instance>: 1}', inputPathsMap) })?.message).toMatch(/^Invalid InputTemplate for target t1/);
    expect(check({ inputTransformer: transformer('{"a": <instance>', inputPathsMap) })?.code).toBe('ValidationException');
  });
});
