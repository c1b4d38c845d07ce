import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSqsRequestHandler, md5OfBody, SqsBackend } from '../../local/sqs';
import { ROOT } from '../helpers/codegen';
import { find, findAll, parseXml, type XmlElement } from '../helpers/xml';

// The SQS query protocol (what SDKs and CLIs released before SQS adopted JSON in 2023 speak):
// raw HTTP fixtures written from AWS's documents, played in order against one fresh endpoint;
// then boto3 and the aws CLI, switched to the query protocol by the SQS model they had, driving
// the same endpoint. The endpoint picks the protocol per request, as SQS does.

const FIXTURES = join(ROOT, 'tests', 'fixtures', 'sqs-query');
const SIGNATURE = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150916/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=EXAMPLE';

interface Seen {
  method: string;
  contentType: string;
  target: string | undefined;
}

let backend: SqsBackend;
let server: Server;
let endpoint: string;
const seen: Seen[] = [];

beforeAll(async () => {
  backend = new SqsBackend();
  const handler = createSqsRequestHandler(backend);
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', contentType: String(req.headers['content-type'] ?? ''), target: req.headers['x-amz-target'] as string | undefined });
    if (!handler(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  backend.baseUrl = endpoint;
});

afterAll(async () => {
  await backend.close();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
});

/** A fixture request: request line, headers, blank line, body in the documents' parsed layout. */
function readRequest(file: string, vars: Map<string, string>): { method: string; path: string; headers: Record<string, string>; body: string | undefined } {
  const text = readFileSync(join(FIXTURES, file), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = vars.get(name);
    if (value === undefined) throw new Error(`${file}: {{${name}}} was not captured before`);
    return encodeURIComponent(value);
  });
  const lines = text.trimEnd().split('\n').filter((l) => !l.startsWith('#'));
  const blank = lines.indexOf('');
  const head = blank === -1 ? lines : lines.slice(0, blank);
  const [requestLine = '', ...rest] = head;
  const continuation = rest.filter((l) => l.startsWith('&'));
  const headers = Object.fromEntries(rest.filter((l) => !l.startsWith('&') && l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const [method = 'GET', target = '/'] = requestLine.split(' ');
  const body = blank === -1 ? undefined : lines.slice(blank + 1).join('').trim();
  return { method, path: target + continuation.join(''), headers, body };
}

/** Matches an answer against an expected document: `*` any value, `{{x}}` a captured one, `{{=x}}` captures; sibling order free; no extra elements. */
function matches(expected: XmlElement, actual: XmlElement, vars: Map<string, string>, captured: Map<string, string>, path: string, problems: string[]): boolean {
  if (expected.name !== actual.name) return false;
  for (const [name, value] of Object.entries(expected.attributes)) {
    if (actual.attributes[name] !== value) return (problems.push(`${path}: attribute ${name}="${actual.attributes[name] ?? '(absent)'}", expected "${value}"`), false);
  }
  if (expected.children.length === 0 && actual.children.length === 0) {
    const want = expected.text.trim();
    const capture = /^\{\{=(\w+)\}\}$/.exec(want);
    if (capture) return (captured.set(capture[1] as string, actual.text), true);
    if (want === '*') return actual.text !== '';
    const resolved = want.replace(/\{\{(\w+)\}\}/g, (_, name: string) => (name === 'endpoint' ? endpoint : (vars.get(name) ?? `{{${name}}}`)));
    if (resolved !== actual.text) return (problems.push(`${path}: "${actual.text}", expected "${resolved}"`), false);
    return true;
  }
  const unused = [...actual.children];
  for (const child of expected.children) {
    const index = unused.findIndex((candidate) => {
      const trial = new Map(captured);
      const ok = matches(child, candidate, vars, trial, `${path}/${child.name}`, []);
      if (ok) for (const [k, v] of trial) captured.set(k, v);
      return ok;
    });
    if (index === -1) {
      // Say why, against the first element of that name.
      const sameName = unused.find((c) => c.name === child.name);
      if (sameName) matches(child, sameName, vars, new Map(captured), `${path}/${child.name}`, problems);
      else problems.push(`${path}: no <${child.name}> in the answer`);
      return false;
    }
    unused.splice(index, 1);
  }
  if (unused.length > 0) return (problems.push(`${path}: unexpected ${unused.map((u) => `<${u.name}>`).join(', ')}`), false);
  return true;
}

describe('the query protocol, from raw HTTP fixtures written from the AWS documents', () => {
  it('answers every fixture request with the documented XML, status, MD5s and error shape', async () => {
    const steps = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.http'))
      .sort();
    expect(steps.length).toBeGreaterThanOrEqual(20);
    const vars = new Map<string, string>([['endpoint', endpoint]]);
    for (const step of steps) {
      const request = readRequest(step, vars);
      const res = await fetch(`${endpoint}${request.path}`, {
        method: request.method,
        headers: { ...request.headers, authorization: SIGNATURE },
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      const text = await res.text();
      const expectedText = readFileSync(join(FIXTURES, step.replace(/\.http$/, '.xml')), 'utf8');
      const status = Number(/<!-- HTTP (\d+) -->/.exec(expectedText)?.[1]);
      const problems: string[] = [];
      const captured = new Map<string, string>();
      const ok = matches(parseXml(expectedText), parseXml(text), vars, captured, '', problems);
      expect({ step, status: res.status, contentType: res.headers.get('content-type'), ok, problems }).toEqual({ step, status, contentType: 'text/xml', ok: true, problems: [] });
      // The request id of the document is the one of the header.
      expect(find(parseXml(text), 'RequestId')?.text).toBe(res.headers.get('x-amzn-requestid'));
      for (const [k, v] of captured) vars.set(k, v);
    }
    // Every request of the fixtures went out form-encoded or as a GET, never with a JSON target.
    expect(seen.filter((s) => s.target !== undefined)).toEqual([]);
  });
});

describe('picking the protocol per request', () => {
  it('serves JSON and query callers of the same queue side by side', async () => {
    const created = await fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': 'AmazonSQS.CreateQueue', 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ QueueName: 'mixed' }) });
    expect(created.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    const { QueueUrl } = (await created.json()) as { QueueUrl: string };
    const body = 'sent with the query protocol & read with JSON <ok>\r\n';
    const sent = await fetch(QueueUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ Action: 'SendMessage', MessageBody: body }).toString() });
    const sentXml = parseXml(await sent.text());
    expect(sentXml.name).toBe('SendMessageResponse');
    expect(find(sentXml, 'MD5OfMessageBody')?.text).toBe(md5OfBody(body));
    const received = await fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': 'AmazonSQS.ReceiveMessage', 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ QueueUrl }) });
    const { Messages } = (await received.json()) as { Messages: Array<{ Body: string; MessageId: string; ReceiptHandle: string }> };
    expect(Messages.map((m) => [m.Body, m.MessageId])).toEqual([[body, find(sentXml, 'MessageId')?.text]]);
    // A JSON receipt handle deletes through the query protocol.
    const deleted = await fetch(`${endpoint}/?${new URLSearchParams({ Action: 'DeleteMessage', QueueUrl, ReceiptHandle: Messages[0]?.ReceiptHandle ?? '' }).toString()}`);
    expect(deleted.status).toBe(200);
    expect(parseXml(await deleted.text()).name).toBe('DeleteMessageResponse');
    expect(backend.getQueueAttributes('mixed', ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('answers a form POST without Action, and a non-integer parameter, in the XML error shape', async () => {
    const missing = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'QueueName=x' });
    expect(missing.status).toBe(400);
    const error = parseXml(await missing.text());
    expect([error.name, find(error, 'Type')?.text, find(error, 'Code')?.text]).toEqual(['ErrorResponse', 'Sender', 'MissingAction']);
    backend.createQueue('ints');
    const bad = await fetch(`${endpoint}/000000000000/ints?Action=ReceiveMessage&MaxNumberOfMessages=ten`);
    expect(bad.status).toBe(400);
    expect(find(parseXml(await bad.text()), 'Code')?.text).toBe('InvalidParameterValue');
  });

  it('refuses a .fifo name without FifoQueue=true, and FifoQueue=true without .fifo, on JSON too', async () => {
    const create = async (QueueName: string, Attributes: Record<string, string>): Promise<[number, unknown]> => {
      const res = await fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': 'AmazonSQS.CreateQueue', 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ QueueName, Attributes }) });
      return [res.status, await res.json()];
    };
    expect(await create('orders.fifo', {})).toEqual([400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length' }]);
    expect(await create('orders.fifo', { FifoQueue: 'false' })).toEqual([400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length' }]);
    expect(await create('orders', { FifoQueue: 'true' })).toEqual([
      400,
      { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.' },
    ]);
    expect(backend.findQueue('orders.fifo')).toBeUndefined();
    expect(backend.findQueue('orders')).toBeUndefined();
    expect((await create('orders.fifo', { FifoQueue: 'true' }))[0]).toBe(200);
    expect(backend.getQueue('orders.fifo').fifo).toBe(true);
  });

  it('refuses an oversized query body from its declared length, in the XML error shape, and keeps serving', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(64 * 1024 * 1024) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('Action=SendMessage&MessageBody=');
    });
    expect(answer.status).toBe(400);
    expect(find(parseXml(answer.body), 'Code')?.text).toBe('RequestEntityTooLarge');
    expect((await fetch(`${endpoint}/?Action=ListQueues`)).status).toBe(200);
  });

  it('keeps a JSON caller on JSON errors (x-amz-target wins over everything else)', async () => {
    const res = await fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': 'AmazonSQS.GetQueueUrl', 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ QueueName: 'absent' }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(((await res.json()) as { __type: string }).__type).toBe('com.amazonaws.sqs#QueueDoesNotExist');
  });
});

const run = promisify(execFile);

describe('boto3 and the aws CLI on the query protocol', () => {
  let dataPath: string;
  beforeAll(async () => {
    dataPath = mkdtempSync(join(tmpdir(), 'sqs-query-model-'));
    await run('python3', [join(ROOT, 'tests', 'helpers', 'sqs_query_model.py'), dataPath]);
  });
  afterAll(() => rmSync(dataPath, { recursive: true, force: true }));

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, AWS_DATA_PATH: dataPath, AWS_ACCESS_KEY_ID: 'AKIDBOTO', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });

  it('boto3 sends, receives (attributes, message attributes), changes visibility and deletes, singly and in batches, with MD5s that check', async () => {
    const from = seen.length;
    const script = String.raw`
import boto3, hashlib, json, sys
c = boto3.client('sqs', endpoint_url=sys.argv[1])
out = {'protocol': c.meta.service_model.protocol}
url = c.create_queue(QueueName='boto', Attributes={'VisibilityTimeout': '40'}, tags={'team': 'core'})['QueueUrl']
out['url'] = c.get_queue_url(QueueName='boto')['QueueUrl'] == url
attrs = {'City': {'DataType': 'String', 'StringValue': 'Any City'}, 'Population': {'DataType': 'Number', 'StringValue': '1250800'}, 'Blob': {'DataType': 'Binary', 'BinaryValue': b'\x00\x01\xff'}}
sent = c.send_message(QueueUrl=url, MessageBody='Information about the largest city in Any Region.', MessageAttributes=attrs)
out['sentMd5'] = sent['MD5OfMessageBody'] == hashlib.md5('Information about the largest city in Any Region.'.encode()).hexdigest()
out['sentAttrMd5'] = sent['MD5OfMessageAttributes']
batch = c.send_message_batch(QueueUrl=url, Entries=[{'Id': 'a', 'MessageBody': 'first <&> line\r\nsecond'}, {'Id': 'b', 'MessageBody': 'b', 'MessageAttributes': {'k': {'DataType': 'String', 'StringValue': 'v'}}}])
out['batchIds'] = sorted(e['Id'] for e in batch['Successful'])
out['batchMd5'] = all(e['MD5OfMessageBody'] == hashlib.md5(m.encode()).hexdigest() for e, m in zip(sorted(batch['Successful'], key=lambda e: e['Id']), ['first <&> line\r\nsecond', 'b']))
got = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=['All'], MessageAttributeNames=['All'], VisibilityTimeout=30)['Messages']
out['received'] = sorted(m['Body'] for m in got)
out['bodyMd5'] = all(m['MD5OfBody'] == hashlib.md5(m['Body'].encode()).hexdigest() for m in got)
city = next(m for m in got if m['Body'].startswith('Information'))
out['cityAttrs'] = {k: v.get('StringValue', list(v.get('BinaryValue', b''))) for k, v in city['MessageAttributes'].items()}
out['cityAttrMd5'] = city['MD5OfMessageAttributes']
out['systemAttrs'] = sorted(city['Attributes'])
out['senderId'] = city['Attributes']['SenderId']
handles = {m['Body']: m['ReceiptHandle'] for m in got}
c.change_message_visibility(QueueUrl=url, ReceiptHandle=handles['b'], VisibilityTimeout=0)
cv = c.change_message_visibility_batch(QueueUrl=url, Entries=[{'Id': 'x', 'ReceiptHandle': handles['first <&> line\r\nsecond'], 'VisibilityTimeout': 0}, {'Id': 'bad', 'ReceiptHandle': 'nope', 'VisibilityTimeout': 0}])
out['cvb'] = [[e['Id'] for e in cv['Successful']], [[e['Id'], e['Code'], e['SenderFault']] for e in cv['Failed']]]
c.delete_message(QueueUrl=url, ReceiptHandle=handles['Information about the largest city in Any Region.'])
again = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=['ApproximateReceiveCount'])['Messages']
out['again'] = sorted([m['Body'], m['Attributes']['ApproximateReceiveCount']] for m in again)
db = c.delete_message_batch(QueueUrl=url, Entries=[{'Id': str(i), 'ReceiptHandle': m['ReceiptHandle']} for i, m in enumerate(again)])
out['deleted'] = len(db['Successful'])
qa = c.get_queue_attributes(QueueUrl=url, AttributeNames=['VisibilityTimeout', 'ApproximateNumberOfMessages', 'QueueArn'])['Attributes']
out['attributes'] = qa
out['tags'] = c.list_queue_tags(QueueUrl=url)['Tags']
try:
    c.get_queue_url(QueueName='nope')
except c.exceptions.ClientError as e:
    out['missing'] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
for name, attributes in [('plain.fifo', {}), ('plain', {'FifoQueue': 'true'})]:
    try:
        c.create_queue(QueueName=name, Attributes=attributes)
    except c.exceptions.ClientError as e:
        out.setdefault('fifoNames', []).append([e.response['Error']['Code'], e.response['Error']['Message']])
out['fifo'] = c.create_queue(QueueName='real.fifo', Attributes={'FifoQueue': 'true'})['QueueUrl'].endswith('/real.fifo')
print(json.dumps(out))
`;
    const { stdout } = await run('python3', ['-c', script, endpoint], { env: env() });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).toEqual({
      protocol: 'query',
      url: true,
      sentMd5: true,
      sentAttrMd5: out['cityAttrMd5'],
      batchIds: ['a', 'b'],
      batchMd5: true,
      received: ['Information about the largest city in Any Region.', 'b', 'first <&> line\r\nsecond'],
      bodyMd5: true,
      cityAttrs: { City: 'Any City', Population: '1250800', Blob: [0, 1, 255] },
      cityAttrMd5: expect.stringMatching(/^[0-9a-f]{32}$/),
      systemAttrs: ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp'],
      senderId: 'AKIDBOTO',
      cvb: [['x'], [['bad', 'ReceiptHandleIsInvalid', true]]],
      again: [['b', '2'], ['first <&> line\r\nsecond', '2']],
      deleted: 2,
      attributes: { VisibilityTimeout: '40', ApproximateNumberOfMessages: '0', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:boto' },
      tags: { team: 'core' },
      missing: ['AWS.SimpleQueueService.NonExistentQueue', 400],
      fifoNames: [
        ['InvalidParameterValue', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length'],
        ['InvalidParameterValue', 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'],
      ],
      fifo: true,
    });
    // Each call really went out as a query-protocol request.
    const calls = seen.slice(from);
    expect(calls.length).toBeGreaterThanOrEqual(15);
    expect(calls.filter((s) => s.target !== undefined || !s.contentType.startsWith('application/x-www-form-urlencoded'))).toEqual([]);
  });

  it('the aws CLI sends and receives through the query protocol', async () => {
    const from = seen.length;
    const cli = (...args: string[]): Promise<{ stdout: string }> => run('aws', ['--endpoint-url', endpoint, '--output', 'json', 'sqs', ...args], { env: env() });
    const { QueueUrl } = JSON.parse((await cli('create-queue', '--queue-name', 'cli-queue')).stdout) as { QueueUrl: string };
    const sent = JSON.parse((await cli('send-message', '--queue-url', QueueUrl, '--message-body', 'My first message.', '--message-attributes', '{"PostalCode":{"DataType":"String","StringValue":"ABC123"}}')).stdout) as Record<string, string>;
    // receive-message.rst documents b8e89563...e088e74f for exactly this attribute.
    expect(sent['MD5OfMessageAttributes']).toBe('b8e89563a83b6381835710c1e088e74f');
    expect(sent['MD5OfMessageBody']).toBe(md5OfBody('My first message.'));
    const received = JSON.parse((await cli('receive-message', '--queue-url', QueueUrl, '--attribute-names', 'SenderId', 'SentTimestamp', '--message-attribute-names', 'PostalCode')).stdout) as { Messages: Array<Record<string, unknown>> };
    expect(received.Messages.map((m) => [m['Body'], m['MD5OfMessageAttributes'], Object.keys(m['Attributes'] as object).sort(), m['MessageAttributes']])).toEqual([
      ['My first message.', 'b8e89563a83b6381835710c1e088e74f', ['SenderId', 'SentTimestamp'], { PostalCode: { DataType: 'String', StringValue: 'ABC123' } }],
    ]);
    const calls = seen.slice(from);
    expect(calls).toHaveLength(3);
    expect(calls.every((s) => s.method === 'POST' && s.target === undefined && s.contentType.startsWith('application/x-www-form-urlencoded'))).toBe(true);
  });
});

describe('the query answers are well-formed XML in the SQS namespace', () => {
  it('escapes markup and keeps a carriage return of a body', async () => {
    backend.createQueue('escape');
    const body = `a<b>&"c"\r\nd`;
    await fetch(`${endpoint}/000000000000/escape`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ Action: 'SendMessage', MessageBody: body }).toString() });
    const res = await fetch(`${endpoint}/000000000000/escape?Action=ReceiveMessage`);
    const xml = parseXml(await res.text());
    expect(xml.attributes['xmlns']).toBe('http://queue.amazonaws.com/doc/2012-11-05/');
    expect(findAll(xml, 'Message').map((m) => find(m, 'Body')?.text)).toEqual([body]);
  });
});
