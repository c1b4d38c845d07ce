/**
 * The AWS JSON 1.0 protocol of SQS, as `@aws-sdk/client-sqs` v3 speaks it: `POST /` with
 * `x-amz-target: AmazonSQS.<Operation>` and a JSON body. Errors are HTTP 4xx with
 * `{"__type":"com.amazonaws.sqs#<Code>","message":...}` and the `x-amzn-query-error` header
 * (`<query code>;Sender`), which is what the SDK (query-compatible mode) reads to pick the
 * typed exception, e.g. `QueueDoesNotExist`.
 */
import type { MessageMoveTask, ReceivedMessage, SendMessageResult, SqsBackend } from './backend';
import { SqsBatchError, SqsError, SqsInvalidActionError, SqsMissingParameterError, SqsSerializationError, SqsUnsupportedOperationError } from './errors';
import { Fields, type JsonObject } from './request-fields';
import { optional } from '../optional';

export const SQS_TARGET_PREFIX = 'AmazonSQS.';
export const SQS_CONTENT_TYPE = 'application/x-amz-json-1.0';
/** AWS limits of batch requests. */
export const BATCH_MAX_ENTRIES = 10;
export const BATCH_MAX_BYTES = 1_048_576;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

export interface SqsResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface SqsRequestOptions {
  /** Aborts a long poll (the HTTP client went away). */
  signal?: AbortSignal;
  /** `SenderId` of sent messages (e.g. the caller's access key id); default the account id. */
  senderId?: string;
}

type Operation = (backend: SqsBackend, input: Fields, options: SqsRequestOptions) => unknown;

/**
 * Runs one SQS API call. Never throws: every failure becomes the error response AWS would send.
 *
 * @example
 * const { status, body, headers } = await handleSqsRequest(backend, 'AmazonSQS.SendMessage', { QueueUrl, MessageBody: 'hi' });
 */
export async function handleSqsRequest(backend: SqsBackend, target: string, body: unknown, options: SqsRequestOptions = {}): Promise<SqsResponse> {
  try {
    const name = target.startsWith(SQS_TARGET_PREFIX) ? target.slice(SQS_TARGET_PREFIX.length) : target;
    const input = body === undefined || body === null || body === '' ? {} : body;
    if (typeof input !== 'object' || Array.isArray(input)) throw new SqsSerializationError('The request body must be a JSON object.');
    const result = await runSqsOperation(backend, name, new Fields(input as JsonObject), options);
    return { status: 200, body: result, headers: { 'content-type': SQS_CONTENT_TYPE } };
  } catch (error) {
    return errorResponse(error);
  }
}

/** The names of every operation this endpoint dispatches (both protocols). */
export function sqsOperationNames(): string[] {
  return Object.keys(OPERATIONS);
}

/**
 * Runs one SQS operation on already-typed input and returns its JSON-shaped result; throws an
 * `SqsError` as SQS would. Both wire protocols (JSON here, query in `query.ts`) end up here.
 */
export async function runSqsOperation(backend: SqsBackend, name: string, input: Fields, options: SqsRequestOptions = {}): Promise<JsonObject> {
  const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
  if (!operation) throw new SqsInvalidActionError(name || '(none)');
  const result = await operation(backend, input, options);
  return (result ?? {}) as JsonObject;
}

/** The AWS error response for any thrown value (non-SQS errors become `InternalError`, 500). */
export function errorResponse(error: unknown): SqsResponse {
  const e = error instanceof SqsError ? error : new SqsError('InternalError', `Internal error: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  return {
    status: e.status,
    body: { __type: `com.amazonaws.sqs#${e.code}`, message: e.message },
    headers: { 'content-type': SQS_CONTENT_TYPE, 'x-amzn-query-error': e.queryErrorHeader },
  };
}

const OPERATIONS: Record<string, Operation> = {
  CreateQueue: (b, i) => ({ QueueUrl: b.createQueue(i.string('QueueName'), i.stringMap('Attributes') ?? {}, i.stringMap('tags') ?? {}).url }),

  DeleteQueue: (b, i) => {
    b.deleteQueue(i.string('QueueUrl'));
  },

  GetQueueUrl: (b, i) => ({ QueueUrl: b.getQueue(i.string('QueueName')).url }),

  ListQueues: (b, i) => {
    const urls = b.listQueues(i.optString('QueueNamePrefix') ?? '').map((q) => q.url);
    return paginate('QueueUrls', urls, i.optString('NextToken'), i.optInt('MaxResults'));
  },

  GetQueueAttributes: (b, i) => {
    const queue = b.getQueue(i.string('QueueUrl'));
    const names = i.stringList('AttributeNames') ?? [];
    // Without AttributeNames SQS returns no attributes at all.
    const attributes = names.length === 0 ? {} : b.getQueueAttributes(queue, names);
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  },

  SetQueueAttributes: (b, i) => {
    const attributes = i.stringMap('Attributes');
    if (!attributes) throw new SqsMissingParameterError('Attributes');
    b.setQueueAttributes(i.string('QueueUrl'), attributes);
  },

  SendMessage: (b, i, o) => sendResult(b.sendMessage(i.string('QueueUrl'), i.string('MessageBody'), sendOptions(i, o))),

  SendMessageBatch: (b, i, o) => {
    const queue = b.getQueue(i.string('QueueUrl'));
    const entries = batchEntries(i, 'SendMessageBatchRequestEntry');
    const bytes = entries.reduce((sum, { entry }) => sum + Buffer.byteLength(entry.optString('MessageBody') ?? '', 'utf8'), 0);
    if (bytes > BATCH_MAX_BYTES) {
      throw new SqsBatchError('BatchRequestTooLong', `Batch requests cannot be longer than ${BATCH_MAX_BYTES} bytes. You have sent ${bytes} bytes.`);
    }
    return perEntry(entries, ({ id, entry }) => ({ Id: id, ...sendResult(b.sendMessage(queue, entry.string('MessageBody'), sendOptions(entry, o))) }));
  },

  ReceiveMessage: async (b, i, o) => {
    const messages = await b.receiveMessages(i.string('QueueUrl'), {
      ...optional('max', i.optInt('MaxNumberOfMessages')),
      ...optional('visibilityTimeout', i.optInt('VisibilityTimeout')),
      ...optional('waitTimeSeconds', i.optInt('WaitTimeSeconds')),
      attributeNames: [...(i.stringList('AttributeNames') ?? []), ...(i.stringList('MessageSystemAttributeNames') ?? [])],
      messageAttributeNames: i.stringList('MessageAttributeNames') ?? [],
      ...optional('signal', o.signal),
    });
    return messages.length > 0 ? { Messages: messages.map(wireMessage) } : {};
  },

  DeleteMessage: (b, i) => {
    b.deleteMessage(i.string('QueueUrl'), i.string('ReceiptHandle'));
  },

  DeleteMessageBatch: (b, i) => {
    const queue = b.getQueue(i.string('QueueUrl'));
    return perEntry(batchEntries(i, 'DeleteMessageBatchRequestEntry'), ({ id, entry }) => {
      b.deleteMessage(queue, entry.string('ReceiptHandle'));
      return { Id: id };
    });
  },

  ChangeMessageVisibility: (b, i) => {
    b.changeVisibility(i.string('QueueUrl'), i.string('ReceiptHandle'), i.int('VisibilityTimeout'));
  },

  ChangeMessageVisibilityBatch: (b, i) => {
    const queue = b.getQueue(i.string('QueueUrl'));
    return perEntry(batchEntries(i, 'ChangeMessageVisibilityBatchRequestEntry'), ({ id, entry }) => {
      b.changeVisibility(queue, entry.string('ReceiptHandle'), entry.int('VisibilityTimeout'));
      return { Id: id };
    });
  },

  PurgeQueue: (b, i) => {
    b.purge(i.string('QueueUrl'));
  },

  ListDeadLetterSourceQueues: (b, i) => {
    const urls = b.listDeadLetterSourceQueues(i.string('QueueUrl')).map((q) => q.url);
    const page = paginate('queueUrls', urls, i.optString('NextToken'), i.optInt('MaxResults'));
    return { queueUrls: [], ...page };
  },

  StartMessageMoveTask: (b, i) => {
    const { taskHandle } = b.startMessageMoveTask(i.string('SourceArn'), {
      ...optional('destinationArn', i.optString('DestinationArn')),
      ...optional('maxNumberOfMessagesPerSecond', i.optInt('MaxNumberOfMessagesPerSecond')),
    });
    return { TaskHandle: taskHandle };
  },

  ListMessageMoveTasks: (b, i) => ({ Results: b.listMessageMoveTasks(i.string('SourceArn'), i.optInt('MaxResults') ?? 1).map(wireTask) }),

  CancelMessageMoveTask: (b, i) => ({ ApproximateNumberOfMessagesMoved: b.cancelMessageMoveTask(i.string('TaskHandle')).approximateNumberOfMessagesMoved }),

  TagQueue: (b, i) => {
    b.tagQueue(i.string('QueueUrl'), i.stringMap('Tags') ?? {});
  },

  UntagQueue: (b, i) => {
    b.untagQueue(i.string('QueueUrl'), i.stringList('TagKeys') ?? []);
  },

  ListQueueTags: (b, i) => {
    const tags = b.listQueueTags(i.string('QueueUrl'));
    return Object.keys(tags).length > 0 ? { Tags: tags } : {};
  },

  AddPermission: () => {
    throw new SqsUnsupportedOperationError('AddPermission is not supported by the local SQS (queue policies are not enforced).');
  },

  RemovePermission: () => {
    throw new SqsUnsupportedOperationError('RemovePermission is not supported by the local SQS (queue policies are not enforced).');
  },
};

function sendOptions(i: Fields, o: SqsRequestOptions): Parameters<SqsBackend['sendMessage']>[2] {
  return {
    ...optional('delaySeconds', i.optInt('DelaySeconds')),
    ...optional('messageAttributes', i.messageAttributes('MessageAttributes')),
    ...optional('messageSystemAttributes', i.messageAttributes('MessageSystemAttributes')),
    ...optional('messageGroupId', i.optString('MessageGroupId')),
    ...optional('messageDeduplicationId', i.optString('MessageDeduplicationId')),
    ...optional('senderId', o.senderId),
  };
}

function sendResult(r: SendMessageResult): JsonObject {
  return {
    MessageId: r.messageId,
    MD5OfMessageBody: r.md5OfMessageBody,
    ...optional('MD5OfMessageAttributes', r.md5OfMessageAttributes),
    ...optional('MD5OfMessageSystemAttributes', r.md5OfMessageSystemAttributes),
    ...optional('SequenceNumber', r.sequenceNumber),
  };
}

function wireMessage(m: ReceivedMessage): JsonObject {
  const attributes = Object.entries(m.messageAttributes);
  return {
    MessageId: m.messageId,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: m.md5OfBody,
    Body: m.body,
    ...(Object.keys(m.attributes).length > 0 ? { Attributes: m.attributes } : {}),
    ...optional('MD5OfMessageAttributes', m.md5OfMessageAttributes),
    ...(attributes.length > 0
      ? {
          MessageAttributes: Object.fromEntries(
            attributes.map(([name, v]) => [
              name,
              {
                DataType: v.dataType,
                ...optional('StringValue', v.stringValue),
                ...optional('BinaryValue', v.binaryValue && Buffer.from(v.binaryValue).toString('base64')),
              },
            ]),
          ),
        }
      : {}),
  };
}

function wireTask(t: MessageMoveTask): JsonObject {
  return {
    ...optional('TaskHandle', t.taskHandle),
    Status: t.status,
    SourceArn: t.sourceArn,
    ...optional('DestinationArn', t.destinationArn),
    ...optional('MaxNumberOfMessagesPerSecond', t.maxNumberOfMessagesPerSecond),
    ApproximateNumberOfMessagesMoved: t.approximateNumberOfMessagesMoved,
    ApproximateNumberOfMessagesToMove: t.approximateNumberOfMessagesToMove,
    ...optional('FailureReason', t.failureReason),
    StartedTimestamp: t.startedTimestamp,
  };
}

/** Batch-level checks SQS makes before looking at any entry. */
function batchEntries(i: Fields, entryName: string): Array<{ id: string; entry: Fields }> {
  const entries = i.objectList('Entries') ?? [];
  if (entries.length === 0) throw new SqsBatchError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  if (entries.length > BATCH_MAX_ENTRIES) {
    throw new SqsBatchError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${BATCH_MAX_ENTRIES}. You have sent ${entries.length}.`);
  }
  const seen = new Set<string>();
  return entries.map((entry) => {
    const id = entry.optString('Id') ?? '';
    if (!BATCH_ENTRY_ID.test(id)) {
      throw new SqsBatchError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    }
    if (seen.has(id)) throw new SqsBatchError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
    return { id, entry };
  });
}

/** Runs each entry on its own: an SQS error fails only that entry, as SQS reports it. */
function perEntry(entries: Array<{ id: string; entry: Fields }>, run: (e: { id: string; entry: Fields }) => JsonObject): JsonObject {
  const Successful: JsonObject[] = [];
  const Failed: JsonObject[] = [];
  for (const e of entries) {
    try {
      Successful.push(run(e));
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      Failed.push({ Id: e.id, SenderFault: error.senderFault, Code: error.code, Message: error.message });
    }
  }
  return { Successful, Failed };
}

/** `MaxResults` pages with an opaque `NextToken` (the offset); without `MaxResults`, up to 1000 and no token, as SQS. */
function paginate(key: string, items: string[], nextToken: string | undefined, maxResults: number | undefined): JsonObject {
  const start = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, 'base64').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw new SqsSerializationError('NextToken is invalid.');
  if (maxResults !== undefined && (maxResults < 1 || maxResults > 1000)) {
    throw new SqsError('InvalidParameterValue', `Value ${maxResults} for parameter MaxResults is invalid. Reason: Must be between 1 and 1000.`);
  }
  const size = maxResults ?? 1000;
  const page = items.slice(start, start + size);
  const more = maxResults !== undefined && start + size < items.length;
  return {
    ...(page.length > 0 ? { [key]: page } : {}),
    ...(more ? { NextToken: Buffer.from(String(start + size), 'utf8').toString('base64') } : {}),
  };
}
