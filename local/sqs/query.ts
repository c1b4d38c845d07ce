/**
 * The AWS query protocol of SQS, which every SDK and CLI released before SQS adopted JSON
 * (2023) speaks: `Action=<Operation>` with form-encoded parameters, in a POST body
 * (`application/x-www-form-urlencoded`) or a GET query string, sent to the endpoint or to a
 * queue URL; XML answers in the `2012-11-05` namespace with `ResponseMetadata/RequestId`, and
 * failures as `ErrorResponse/Error/{Type,Code,Message}` carrying the legacy query error codes
 * (`AWS.SimpleQueueService.NonExistentQueue`...).
 *
 * The parameters are the query names of the SQS API (flattened lists and maps:
 * `AttributeName.1`, `Attribute.1.Name`/`.Value`, `MessageAttribute.1.Value.StringValue`,
 * `SendMessageBatchRequestEntry.1.Id`...); they are turned into the JSON protocol's input and
 * run by the same operation table, so both protocols answer alike.
 */
import type { SqsBackend } from './backend';
import { SqsError } from './errors';
import { runSqsOperation, type SqsRequestOptions } from './protocol';
import { Fields, type JsonObject } from './request-fields';

/** The XML namespace of SQS answers. */
export const SQS_XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';
export const SQS_QUERY_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export interface SqsQueryResponse {
  status: number;
  /** `text/xml` document. */
  body: string;
  headers: Record<string, string>;
}

/** Query names of flattened string lists, and their JSON names. */
const LISTS: Readonly<Record<string, string>> = {
  AttributeName: 'AttributeNames',
  MessageAttributeName: 'MessageAttributeNames',
  MessageSystemAttributeName: 'MessageSystemAttributeNames',
  TagKey: 'TagKeys',
  AWSAccountId: 'AWSAccountIds',
  ActionName: 'Actions',
};

/** Query names of the batch entries (all become `Entries`). */
const ENTRY_LISTS = new Set(['SendMessageBatchRequestEntry', 'DeleteMessageBatchRequestEntry', 'ChangeMessageVisibilityBatchRequestEntry']);

/** Element names of result lists, per JSON member (batch results depend on the action). */
const RESULT_LIST_ELEMENTS: Readonly<Record<string, string>> = {
  QueueUrls: 'QueueUrl',
  queueUrls: 'QueueUrl',
  Messages: 'Message',
  Failed: 'BatchResultErrorEntry',
  Results: 'ListMessageMoveTasksResultEntry',
};

/** One node of the parameter tree: `a.1.b=x` is `{ a: { 1: { b: 'x' } } }`. */
type Node = string | { [key: string]: Node };

/** Whether a request speaks the query protocol: no JSON target, and an `Action` in the form body or query string (or a form body at all). */
export function looksLikeSqsQuery(method: string | undefined, url: string | undefined, contentType: string | undefined, target: string | undefined): boolean {
  if (target) return false;
  if ((contentType ?? '').toLowerCase().startsWith(SQS_QUERY_CONTENT_TYPE) && method === 'POST') return true;
  try {
    return new URL(url ?? '/', 'http://local').searchParams.has('Action');
  } catch {
    // Not a URL at all: not an SQS request.
    return false;
  }
}

/**
 * Runs one query-protocol call: `params` are the form body and query string merged, `path`
 * the request path (a queue URL's path names the queue when `QueueUrl` is absent), `origin`
 * the scheme and host the client used. Never throws.
 */
export async function handleSqsQuery(
  backend: SqsBackend,
  params: URLSearchParams,
  request: { path: string; origin: string; requestId: string },
  options: SqsRequestOptions = {},
): Promise<SqsQueryResponse> {
  const action = params.get('Action') ?? '';
  try {
    if (action === '') throw new SqsQueryError('MissingAction', 'No action was supplied with this request.');
    const input = queryInput(action, params);
    const segments = request.path.split('/').filter(Boolean);
    if (input['QueueUrl'] === undefined && segments.length >= 2) input['QueueUrl'] = `${request.origin}/${segments.join('/')}`;
    const result = await runSqsOperation(backend, action, new Fields(input, true), options);
    return { status: 200, body: successXml(action, result, request.requestId), headers: xmlHeaders(request.requestId) };
  } catch (error) {
    return queryErrorResponse(error, request.requestId);
  }
}

/** A query-protocol failure that has no JSON counterpart (no `Action`). */
export class SqsQueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SqsQueryError';
  }
}

/** The XML error answer for any thrown value: the query code and HTTP status of the SQS error; anything else is `InternalError` (500). */
export function queryErrorResponse(error: unknown, requestId: string): SqsQueryResponse {
  let status: number;
  let code: string;
  let sender: boolean;
  let message: string;
  if (error instanceof SqsError) {
    // The query API answers every client error with 400 (the JSON protocol's 404s included).
    status = error.senderFault ? 400 : error.status;
    code = error.queryErrorHeader.split(';')[0] ?? error.code;
    sender = error.senderFault;
    message = error.message;
  } else if (error instanceof SqsQueryError) {
    status = 400;
    code = error.code;
    sender = true;
    message = error.message;
  } else {
    status = 500;
    code = 'InternalError';
    sender = false;
    message = `Internal error: ${error instanceof Error ? error.message : String(error)}`;
  }
  const body =
    `<?xml version="1.0"?><ErrorResponse xmlns="${SQS_XML_NAMESPACE}"><Error><Type>${sender ? 'Sender' : 'Receiver'}</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status, body, headers: xmlHeaders(requestId) };
}

function xmlHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
}

/** The JSON protocol's input for a query request. */
export function queryInput(action: string, params: URLSearchParams): JsonObject {
  const tree: { [key: string]: Node } = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    insert(tree, key.split('.'), value);
  }
  return convert(action, tree);
}

function insert(tree: { [key: string]: Node }, path: string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    tree[head] = value;
    return;
  }
  const child = tree[head];
  const next: { [key: string]: Node } = typeof child === 'object' ? child : {};
  tree[head] = next;
  insert(next, rest, value);
}

/** The members of a flattened list: `X.1, X.2...` in index order, or a lone `X` (the documented `AttributeName=All`). */
function members(node: Node): Node[] {
  if (typeof node === 'string') return [node];
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => node[k] as Node);
  }
  return [node];
}

function field(node: Node, name: string): Node | undefined {
  return typeof node === 'object' ? node[name] : undefined;
}

function text(node: Node | undefined): string | undefined {
  return typeof node === 'string' ? node : undefined;
}

/** `Name`/`Value` (or `Key`/`Value`) pairs into a map. */
function pairs(node: Node, key: string, value: (v: Node | undefined) => unknown): JsonObject {
  const out: JsonObject = {};
  for (const entry of members(node)) {
    const name = text(field(entry, key));
    if (name !== undefined) out[name] = value(field(entry, 'Value'));
  }
  return out;
}

function attributeValue(node: Node | undefined): JsonObject {
  if (node === undefined || typeof node === 'string') return {};
  const out: JsonObject = {};
  for (const name of ['DataType', 'StringValue', 'BinaryValue']) {
    const v = text(node[name]);
    if (v !== undefined) out[name] = v;
  }
  const stringList = node['StringListValue'];
  if (stringList !== undefined) out['StringListValues'] = members(stringList).map(text).filter((v) => v !== undefined);
  const binaryList = node['BinaryListValue'];
  if (binaryList !== undefined) out['BinaryListValues'] = members(binaryList).map(text).filter((v) => v !== undefined);
  return out;
}

function convert(action: string, tree: { [key: string]: Node }): JsonObject {
  const out: JsonObject = {};
  for (const [key, node] of Object.entries(tree)) {
    const list = LISTS[key];
    if (list !== undefined) out[list] = members(node).map(text).filter((v) => v !== undefined);
    else if (ENTRY_LISTS.has(key)) out['Entries'] = members(node).map((entry) => (typeof entry === 'string' ? {} : convert(action, entry)));
    else if (key === 'Attribute') out['Attributes'] = pairs(node, 'Name', text);
    else if (key === 'Tag') out[action === 'CreateQueue' ? 'tags' : 'Tags'] = pairs(node, 'Key', text);
    else if (key === 'MessageAttribute') out['MessageAttributes'] = pairs(node, 'Name', attributeValue);
    else if (key === 'MessageSystemAttribute') out['MessageSystemAttributes'] = pairs(node, 'Name', attributeValue);
    else out[key] = typeof node === 'string' ? node : convert(action, node);
  }
  return out;
}

/** `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…</ResponseMetadata></ActionResponse>`; operations without output have no Result element. */
function successXml(action: string, result: JsonObject, requestId: string): string {
  const hasResult = !NO_RESULT.has(action);
  const inner = hasResult ? `<${action}Result>${resultXml(action, result)}</${action}Result>` : '';
  return `<?xml version="1.0"?><${action}Response xmlns="${SQS_XML_NAMESPACE}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

/** Operations whose query answer has no `<Action>Result>` element. */
const NO_RESULT = new Set(['AddPermission', 'ChangeMessageVisibility', 'DeleteMessage', 'DeleteQueue', 'PurgeQueue', 'RemovePermission', 'SetQueueAttributes', 'TagQueue', 'UntagQueue']);

/** The members of a JSON result as query XML elements. */
function resultXml(action: string, value: JsonObject): string {
  let xml = '';
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if (key === 'Attributes') xml += mapXml('Attribute', 'Name', v as JsonObject, (x) => escapeXml(String(x)));
    else if (key === 'Tags') xml += mapXml('Tag', 'Key', v as JsonObject, (x) => escapeXml(String(x)));
    else if (key === 'MessageAttributes') xml += mapXml('MessageAttribute', 'Name', v as JsonObject, (x) => resultXml(action, x as JsonObject));
    else if (Array.isArray(v)) {
      const element = key === 'Successful' ? `${action}ResultEntry` : (RESULT_LIST_ELEMENTS[key] ?? key);
      for (const item of v) xml += `<${element}>${typeof item === 'object' && item !== null ? resultXml(action, item as JsonObject) : escapeXml(String(item))}</${element}>`;
    } else if (typeof v === 'object') xml += `<${key}>${resultXml(action, v as JsonObject)}</${key}>`;
    else xml += `<${key}>${escapeXml(String(v))}</${key}>`;
  }
  return xml;
}

function mapXml(element: string, keyName: string, map: JsonObject, value: (v: unknown) => string): string {
  return Object.entries(map)
    .map(([k, v]) => `<${element}><${keyName}>${escapeXml(k)}</${keyName}><Value>${value(v)}</Value></${element}>`)
    .join('');
}

/** XML text escaping; a carriage return is written as a character reference so XML parsers keep it. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#xD;'));
}
