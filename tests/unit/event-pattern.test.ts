import {
  compilePattern,
  InvalidEventPatternError,
  matches,
  MAX_WILDCARD_COMPLEXITY,
  validatePattern,
  type EventPatternSource,
} from '../../local/event-pattern';
import { wildcardComplexity } from '../../local/event-pattern/complexity';
import { parseWildcard, type Wildcard } from '../../local/event-pattern/wildcard';

// Operator semantics, written from the EventBridge documentation ("Creating event patterns",
// "Content filtering", "Arrays", "Comparison operators"): each operator gets a match, a
// no-match and, where AWS rejects a form, an invalid pattern.

/** An EventBridge event with the given detail (and envelope overrides). */
function ebEvent(detail: Record<string, unknown>, envelope: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail,
    ...envelope,
  };
}

/** Asserts the pattern is rejected, with a reason containing `reason`. */
function expectInvalid(pattern: unknown, reason: string): void {
  let error: unknown;
  try {
    validatePattern(pattern);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InvalidEventPatternError);
  expect((error as InvalidEventPatternError).message).toContain('Event pattern is not valid. Reason: ');
  expect((error as InvalidEventPatternError).reason).toContain(reason);
}

const yes = (pattern: EventPatternSource, event: unknown): void => expect(matches(pattern, event)).toBe(true);
const no = (pattern: EventPatternSource, event: unknown): void => expect(matches(pattern, event)).toBe(false);

describe('exact values', () => {
  const pattern = { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } };

  it('matches when every field of the pattern has one of its values in the event (extra event fields are ignored)', () => {
    yes(pattern, ebEvent({ 'instance-id': 'i-1', state: 'terminated' }));
  });

  it('does not match a different value, a missing field, or a value of another case', () => {
    no(pattern, ebEvent({ state: 'running' }));
    no(pattern, ebEvent({ 'instance-id': 'i-1' }));
    no(pattern, ebEvent({ state: 'Terminated' }));
  });

  it('compares numbers numerically (5 matches 5.0 and 5e0) but never with strings', () => {
    yes({ detail: { count: [5] } }, { detail: { count: 5.0 } });
    yes({ detail: { count: [500] } }, JSON.parse('{"detail":{"count":5e2}}'));
    no({ detail: { count: [5] } }, { detail: { count: '5' } });
    no({ detail: { count: ['5'] } }, { detail: { count: 5 } });
  });

  it('matches booleans and null exactly, and null is not the string "null" or a missing field', () => {
    yes({ detail: { enabled: [true] } }, { detail: { enabled: true } });
    no({ detail: { enabled: [true] } }, { detail: { enabled: 'true' } });
    yes({ detail: { responseElements: [null] } }, ebEvent({ responseElements: null }));
    no({ detail: { responseElements: [null] } }, ebEvent({ responseElements: 'null' }));
    no({ detail: { responseElements: [null] } }, ebEvent({}));
  });

  it('matches the empty string only against the empty string', () => {
    yes({ detail: { eventVersion: [''] } }, ebEvent({ eventVersion: '' }));
    no({ detail: { eventVersion: [''] } }, ebEvent({ eventVersion: '1' }));
  });

  it('matches an IP address literal however the event writes it', () => {
    yes({ detail: { ip: ['2001:db8::1'] } }, { detail: { ip: '2001:0DB8:0:0:0:0:0:1' } });
    no({ detail: { ip: ['10.0.0.1'] } }, { detail: { ip: '10.0.0.10' } });
  });

  it('rejects a leaf that is not a list, an empty list and a nested list', () => {
    expectInvalid({ source: 'aws.ec2' }, '"source" must be an object or an array');
    expectInvalid({ int: 42 }, '"int" must be an object or an array');
    expectInvalid({ resources: [] }, 'Empty arrays are not allowed');
    expectInvalid({ a: [['x']] }, 'Match value must be String, number, true, false, or null');
  });
});

describe('arrays', () => {
  const pattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    ],
  };

  it('matches when the pattern list and the event array have an element in common', () => {
    yes(pattern, ebEvent({}, { resources: ['arn:aws:autoscaling:us-east-1:1:group/x', 'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] }));
  });

  it('does not match when they have none, or when the event array is empty', () => {
    no(pattern, ebEvent({}, { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }));
    no(pattern, ebEvent({}, { resources: [] }));
    no({ resources: [null] }, ebEvent({}, { resources: [] }));
  });

  it('reads fields inside arrays of objects, and requires the fields of one rule to come from the same element', () => {
    const event = { detail: { items: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 5 }] } };
    yes({ detail: { items: { sku: ['B'], qty: [5] } } }, event);
    no({ detail: { items: { sku: ['A'], qty: [5] } } }, event);
    yes({ detail: { items: { sku: ['A'] } }, source: [{ exists: false }] }, event);
  });

  it('treats nested arrays as elements of the outer array', () => {
    yes({ grid: { v: [3] } }, { grid: [[{ v: 1 }, { v: 2 }], [{ v: 3 }]] });
    yes({ matrix: [4] }, { matrix: [[1, 2], [3, 4]] });
  });
});

describe('nested objects and dotted field names', () => {
  it('matches a nested path however the event spells it (nested objects or dots in keys)', () => {
    const pattern = { detail: { bucket: { name: ['photos'] } } };
    yes(pattern, { detail: { bucket: { name: 'photos' } } });
    yes(pattern, { 'detail.bucket': { name: 'photos' } });
    yes(pattern, { detail: { 'bucket.name': 'photos' } });
    yes({ 'detail.bucket.name': ['photos'] }, { detail: { bucket: { name: 'photos' } } });
    no(pattern, { detail: { bucket: { name: 'videos' } } });
  });

  it('matches events that are bare objects, or JSON text, and never non-objects', () => {
    yes({ a: ['x'] }, { a: 'x' });
    yes('{"a":["x"]}', '{"a":"x"}');
    no({ a: ['x'] }, '["x"]');
    no({ a: ['x'] }, 'not json');
    no({ a: ['x'] }, null);
    no({ a: ['x'] }, ['x']);
  });

  it('does not read inherited properties of the event', () => {
    no({ constructor: [{ exists: true }] }, {});
    yes({ constructor: ['c'] }, JSON.parse('{"constructor":"c"}'));
  });

  it('rejects a pattern that is not an object, an empty object and text that is not JSON', () => {
    expectInvalid(['not', 'a', 'dict'], 'Filter is not an object');
    expectInvalid(42, 'Filter is not an object');
    expectInvalid({ detail: {} }, 'Empty objects are not allowed');
    expectInvalid('{"source": [', 'Filter is not valid JSON');
  });
});

describe('prefix', () => {
  it('matches a string that starts with the prefix', () => {
    yes({ time: [{ prefix: '2017-10-02' }] }, ebEvent({}, { time: '2017-10-02T18:43:48Z' }));
    yes({ time: [{ prefix: '' }] }, ebEvent({}, { time: '' }));
  });

  it('does not match other strings or non-strings', () => {
    no({ time: [{ prefix: '2017-10-02' }] }, ebEvent({}, { time: '2017-10-03T18:43:48Z' }));
    no({ detail: { n: [{ prefix: '12' }] } }, { detail: { n: 123 } });
  });

  it('with equals-ignore-case, matches the prefix in any case', () => {
    const pattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    yes(pattern, ebEvent({ service: 'eventbridge' }));
    yes(pattern, ebEvent({ service: 'EVENTBRIDGE' }));
    no(pattern, ebEvent({ service: 'sns' }));
  });

  it('rejects a non-string prefix and an unknown nested operator', () => {
    expectInvalid({ time: [{ prefix: 123 }] }, 'prefix match pattern must be a string');
    expectInvalid({ time: [{ prefix: ['2022'] }] }, 'prefix match pattern must be a string');
    expectInvalid({ a: [{ prefix: { 'invalid-expression': ['abc'] } }] }, 'Unsupported prefix pattern: invalid-expression');
    expectInvalid({ a: [{ prefix: { 'equals-ignore-case': 5 } }] }, 'equals-ignore-case match pattern must be a string');
  });
});

describe('suffix', () => {
  it('matches a string that ends with the suffix', () => {
    yes({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' });
  });

  it('does not match other endings', () => {
    no({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.jpg' });
  });

  it('with equals-ignore-case, matches the suffix in any case', () => {
    const pattern = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    yes(pattern, { detail: { FileName: 'IMAGE.PNG' } });
    no(pattern, { detail: { FileName: 'image.gif' } });
  });

  it('rejects a non-string suffix and extra keys', () => {
    expectInvalid({ FileName: [{ suffix: 123 }] }, 'suffix match pattern must be a string');
    expectInvalid({ a: [{ suffix: 'child', foo: [] }] }, 'Only one key allowed in match expression');
  });
});

describe('equals-ignore-case', () => {
  const pattern = { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] };

  it('matches the whole value in any case', () => {
    yes(pattern, ebEvent({}));
    yes({ name: [{ 'equals-ignore-case': 'straße' }] }, { name: 'STRASSE' });
  });

  it('does not match a different value, a part of it or a non-string', () => {
    no(pattern, ebEvent({}, { 'detail-type': 'EC2 Instance State-change' }));
    no({ k: [{ 'equals-ignore-case': 'k' }] }, { k: '\u212a' }); // the Kelvin sign is not a case of k
    no({ n: [{ 'equals-ignore-case': '1' }] }, { n: 1 });
  });

  it('rejects a list or an object as operand', () => {
    expectInvalid({ 'detail-type': [{ 'equals-ignore-case': ['ec2'] }] }, 'equals-ignore-case match pattern must be a string');
    expectInvalid({ 'detail-type': [{ 'equals-ignore-case': { prefix: 'ec2' } }] }, 'equals-ignore-case match pattern must be a string');
  });
});

describe('anything-but', () => {
  it('with one string or number, matches any other value (of any type) but not a missing field', () => {
    const state = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    yes(state, ebEvent({ state: 'running' }));
    yes(state, ebEvent({ state: null }));
    yes(state, ebEvent({ state: 7 }));
    no(state, ebEvent({ state: 'initializing' }));
    no(state, ebEvent({}));
    yes({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ebEvent({ 'x-limit': 456 }));
    no({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ebEvent({ 'x-limit': 123.0 }));
  });

  it('with a list, matches values outside the list', () => {
    const pattern = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    yes(pattern, ebEvent({ state: 'running' }));
    no(pattern, ebEvent({ state: 'stopped' }));
    yes({ detail: { x: [{ 'anything-but': [100, 200, 300] }] } }, ebEvent({ x: 150 }));
    no({ detail: { x: [{ 'anything-but': [100, 200, 300] }] } }, ebEvent({ x: 200 }));
  });

  it('with prefix, suffix, equals-ignore-case or wildcard, matches strings that do not fit (and non-strings)', () => {
    yes({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ebEvent({ state: 'running' }));
    no({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ebEvent({ state: 'initializing' }));
    yes({ detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, ebEvent({ FileName: 'notes.md' }));
    no({ detail: { FileName: [{ 'anything-but': { suffix: ['.txt', '.md'] } }] } }, ebEvent({ FileName: 'notes.md' }));
    yes({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'overloaded'] } }] } }, ebEvent({ state: 'running' }));
    no({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'overloaded'] } }] } }, ebEvent({ state: 'STOPPED' }));
    yes({ detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, ebEvent({ FilePath: 'src/main.ts' }));
    no({ detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, ebEvent({ FilePath: 'src/lib/x.ts' }));
    yes({ detail: { n: [{ 'anything-but': { prefix: 'init' } }] } }, ebEvent({ n: 12 }));
  });

  it('rejects null, booleans, mixed lists, nested operators and empty prefixes', () => {
    expectInvalid({ detail: { state: [{ 'anything-but': null }] } }, 'Value of anything-but must be an array or single string/number value.');
    expectInvalid({ detail: { state: [{ 'anything-but': ['stopped', null] }] } }, 'Inside anything but list, start|null|boolean is not supported.');
    expectInvalid({ a: [{ 'anything-but': ['child0', 111] }] }, 'mixed type is not supported');
    expectInvalid({ a: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] }, 'Value of anything-but must be an array or single string/number value.');
    expectInvalid({ a: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'Unsupported anything-but pattern: numeric');
    expectInvalid({ a: [{ 'anything-but': { prefix: '' } }] }, 'Null prefix/suffix not allowed');
    expectInvalid({ a: [{ 'anything-but': { suffix: 27 } }] }, 'prefix/suffix match pattern must be a string');
    expectInvalid({ a: [{ 'anything-but': { 'equals-ignore-case': [1, 2] } }] }, 'Inside anything-but/equals-ignore-case list');
    expectInvalid({ a: [{ 'anything-but': { wildcard: 'foo**bar' } }] }, 'Consecutive wildcard characters at pos 4');
    expectInvalid({ a: [{ 'anything-but': 'child', foo: [] }] }, 'Too many elements in numeric expression');
  });
});

describe('numeric', () => {
  const pattern = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };

  it('matches numbers inside every range', () => {
    yes(pattern, ebEvent({ 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 }));
    yes({ n: [{ numeric: ['>=', -1.5] }] }, { n: -1.5 });
  });

  it('does not match numbers outside a range, at an open bound, or strings that look like numbers', () => {
    no(pattern, ebEvent({ 'c-count': 0, 'd-count': 7, 'x-limit': 301.8 }));
    no(pattern, ebEvent({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 }));
    no(pattern, ebEvent({ 'c-count': 5, 'd-count': 7, 'x-limit': 301.9 }));
    no({ n: [{ numeric: ['>', 0] }] }, { n: '5' });
  });

  it('rejects malformed ranges', () => {
    expectInvalid({ n: [{ numeric: 10 }] }, 'Value of numeric must be an array.');
    expectInvalid({ n: [{ numeric: ['>', 0, '>', 0] }] }, 'Bad numeric range operator: >');
    expectInvalid({ n: [{ numeric: ['>', 0, '<'] }] }, 'Value of < must be numeric');
    expectInvalid({ n: [{ numeric: ['<', 1, '>', 0] }] }, 'Too many elements in numeric expression');
    expectInvalid({ n: [{ numeric: ['>', 30, '<', 1] }] }, 'Bottom must be less than top');
    expectInvalid({ n: [{ numeric: ['==', 1] }] }, 'Unrecognized numeric range operator: ==');
    expectInvalid({ n: [{ numeric: ['=', '5'] }] }, 'Value of equals must be numeric');
    expectInvalid({ n: [{ numeric: ['>', 1, '<', 30, false] }] }, 'Too many terms in numeric range expression');
    expectInvalid({ n: [{ NUMERIC: ['=', 5] }] }, 'Unrecognized match type NUMERIC');
  });
});

describe('cidr', () => {
  it('matches IPv4 and IPv6 addresses inside the block', () => {
    yes({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, ebEvent({ sourceIPAddress: '10.0.0.255' }));
    yes({ detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } }, ebEvent({ sourceIPAddress: '2001:db8:1234:1a00:9691:9503:25ad:1761' }));
  });

  it('does not match addresses outside it, the other family or non-addresses', () => {
    no({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, ebEvent({ sourceIPAddress: '10.0.1.0' }));
    no({ detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } }, ebEvent({ sourceIPAddress: '2001:db8:1234:1a01::1' }));
    no({ detail: { sourceIPAddress: [{ cidr: '0.0.0.0/0' }] } }, ebEvent({ sourceIPAddress: '::1' }));
    no({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/8' }] } }, ebEvent({ sourceIPAddress: 'ten.0.0.1' }));
  });

  it('rejects malformed blocks', () => {
    expectInvalid({ ip: [{ cidr: 'bad-filter' }] }, "Malformed CIDR, one '/' required");
    expectInvalid({ ip: [{ cidr: 'xx.11.xx/8' }] }, 'Nonstandard IP address: xx.11.xx');
    expectInvalid({ ip: [{ cidr: 'bad-/64filter' }] }, 'Malformed CIDR, mask bits must be an integer');
    expectInvalid({ ip: [{ cidr: ['10.0.0.0/8'] }] }, 'prefix match pattern must be a string');
    expectInvalid({ ip: [{ cidr: '999.0.0.0/8' }] }, 'Invalid IP address: 999.0.0.0');
  });
});

describe('exists', () => {
  it('exists: true matches any leaf value, including null, and not a missing field', () => {
    yes({ detail: { state: [{ exists: true }] } }, ebEvent({ state: 'running' }));
    yes({ detail: { state: [{ exists: true }] } }, ebEvent({ state: null }));
    no({ detail: { state: [{ exists: true }] } }, ebEvent({}));
  });

  it('exists: false matches a missing field and not a present one', () => {
    yes({ detail: { state: [{ exists: false }] } }, ebEvent({}));
    no({ detail: { state: [{ exists: false }] } }, ebEvent({ state: 'running' }));
  });

  it('only sees leaves: an object or an empty array counts as absent', () => {
    const event = ebEvent({ state: { name: 'running' }, tags: [] });
    no({ detail: { state: [{ exists: true }] } }, event);
    yes({ detail: { state: [{ exists: false }] } }, event);
    yes({ detail: { tags: [{ exists: false }] } }, event);
    yes({ detail: { state: { name: [{ exists: true }] } } }, event);
  });

  it('rejects anything but true or false, and a second key', () => {
    expectInvalid({ x: [{ exists: 'badString' }] }, 'exists match pattern must be either true or false.');
    expectInvalid({ x: [{ exists: true, extraKey: 'extraValue' }] }, 'Only one key allowed in match expression');
    expectInvalid({ my_key: [{ EXISTS: true }] }, 'Unrecognized match type EXISTS');
  });
});

describe('wildcard', () => {
  const pattern = { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] };

  it('matches any run of characters, also an empty one', () => {
    yes(pattern, { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' });
    yes({ f: [{ wildcard: '*.png' }] }, { f: '.png' });
    yes({ f: [{ wildcard: 'a*b*c' }] }, { f: 'abxbc' });
  });

  it('does not match when a literal part is missing, and \\* is a literal star', () => {
    no(pattern, { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' });
    no({ f: [{ wildcard: 'a*b*c' }] }, { f: 'acb' });
    yes({ f: [{ wildcard: 'file\\*.txt' }] }, { f: 'file*.txt' });
    no({ f: [{ wildcard: 'file\\*.txt' }] }, { f: 'file1.txt' });
    yes({ f: [{ wildcard: 'back\\\\slash' }] }, { f: 'back\\slash' });
  });

  it('rejects consecutive stars, bad escapes, non-strings and rules that are too complex', () => {
    expectInvalid({ EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] }, 'Consecutive wildcard characters at pos 26');
    expectInvalid({ f: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 2');
    expectInvalid({ f: [{ wildcard: 123 }] }, 'wildcard match pattern must be a string');
    expectInvalid({ EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] }, 'Rule is too complex');
    expect(() => validatePattern({ f: [{ wildcard: '*/bin/*.jar' }, { wildcard: '*/bin/*.class' }] })).not.toThrow();
  });

  it('measures complexity as aws/event-ruler does (its documented examples)', () => {
    const w = (texts: string[]): Wildcard[] => texts.map((t) => parseWildcard(t) as Wildcard);
    expect(wildcardComplexity(w(['*aa']), 100, false)).toBe(3);
    expect(wildcardComplexity(w(['a*b*bb']), 100, false)).toBe(5);
    expect(wildcardComplexity(w(['a*aaa', 'aa*aa']), 100, false)).toBe(7);
    expect(wildcardComplexity(w(['*:*:*:*:*:event-bus/*']), 100)).toBeGreaterThan(MAX_WILDCARD_COMPLEXITY);
    expect(wildcardComplexity(w(['*:stack/A/*', '*:stack/B/*', '*:stack/C/*']), 100)).toBeLessThanOrEqual(MAX_WILDCARD_COMPLEXITY);
  });
});

describe('$or', () => {
  const pattern = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'], metricType: ['MetricType'] }] };

  it('matches when the shared fields and any one alternative match', () => {
    yes(pattern, { source: 'aws.cloudwatch', metricName: 'CPUUtilization' });
    yes(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/EC2', metricType: 'MetricType' });
    yes({ detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }] } }, ebEvent({ 'd-count': 3 }));
  });

  it('does not match when no alternative matches, or the shared fields do not', () => {
    no(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/EC2' });
    no(pattern, { source: 'aws.ec2', metricName: 'CPUUtilization' });
  });

  it('rejects fewer than two alternatives, non-objects and operator names as fields', () => {
    expectInvalid({ $or: [{ metricName: ['CPUUtilization'] }] }, 'There must have at least 2 Objects in $or relationship.');
    expectInvalid({ detail: { $or: [{ a: ['x'] }, [{ b: ['y'] }]] } }, 'Only JSON object is allowed in array of $or relationship.');
    expectInvalid({ $or: { a: ['x'] } }, 'It must be an Array followed with $or.');
    expectInvalid({ $or: [{ numeric: ['x'] }, { a: ['y'] }] }, 'numeric is Ruler reserved fieldName');
  });
});

describe('the API', () => {
  it('accepts JSON text and objects alike, and a compiled pattern matches many events', () => {
    const compiled = compilePattern('{"source":["app.orders"],"detail":{"total":[{"numeric":[">",100]}]}}');
    expect(compiled.matches({ source: 'app.orders', detail: { total: 150 } })).toBe(true);
    expect(compiled.matches({ source: 'app.orders', detail: { total: 50 } })).toBe(false);
    expect(compiled.pattern).toEqual({ source: ['app.orders'], detail: { total: [{ numeric: ['>', 100] }] } });
  });

  it('names the offending field in the error', () => {
    let error: InvalidEventPatternError | undefined;
    try {
      matches({ detail: { FileName: [{ suffix: 1 }] } }, {});
    } catch (e) {
      error = e as InvalidEventPatternError;
    }
    expect(error?.path).toBe('detail.FileName');
    expect(error?.code).toBe('InvalidEventPatternException');
    expect(error?.message).toBe('Event pattern is not valid. Reason: suffix match pattern must be a string (at "detail.FileName")');
  });

  it('rejects unknown operators, even ones event-ruler knows but EventBridge does not document', () => {
    expectInvalid({ a: [{ foo: 'child' }] }, 'Unrecognized match type foo');
    expectInvalid({ a: [{ exactly: 'x' }] }, 'Unrecognized match type exactly');
    expectInvalid({ a: [{}] }, 'Match expression name not found');
  });
});
