/**
 * Public types of the local SQS backend: options, identities, message shapes, move tasks and
 * the events it reports.
 */
import type { Clock } from './clock';
import type { MessageAttributes } from './messages';

export interface SqsBackendOptions {
  /** Region of queue ARNs. Default `us-east-1`. */
  region?: string;
  /** Account of queue URLs and ARNs. Default `000000000000`. */
  accountId?: string;
  /** Origin of queue URLs (`<baseUrl>/<accountId>/<name>`). Default `http://127.0.0.1:4566`; settable later. */
  baseUrl?: string;
  /** When set, state is kept in `<dataDir>/sqs.json` and reloaded on construction. */
  dataDir?: string;
  /** Time source; default the system clock. */
  clock?: Clock;
  /** Longest delay between a change and its write to disk. Default 100 ms. */
  persistDebounceMs?: number;
}

/** A queue's identity. */
export interface QueueInfo {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
}

/** A queue as methods take it: its name, URL or ARN, or a `QueueInfo`. */
export type QueueRef = string | QueueInfo;

export interface SendMessageOptions {
  /** 0-900 s; defaults to the queue's DelaySeconds. Not allowed on FIFO queues. */
  delaySeconds?: number;
  messageAttributes?: MessageAttributes;
  /** Only `AWSTraceHeader` (String), as in SQS. */
  messageSystemAttributes?: MessageAttributes;
  /** Required on FIFO queues; on standard queues it is kept and returned (fair queues). */
  messageGroupId?: string;
  /** FIFO only; required unless the queue has ContentBasedDeduplication. */
  messageDeduplicationId?: string;
  /** `SenderId` system attribute; default the account id. */
  senderId?: string;
}

export interface SendMessageResult {
  readonly messageId: string;
  readonly md5OfMessageBody: string;
  readonly md5OfMessageAttributes?: string;
  readonly md5OfMessageSystemAttributes?: string;
  /** FIFO queues only. */
  readonly sequenceNumber?: string;
}

export interface ReceiveMessagesOptions {
  /** 1-10, default 1. */
  max?: number;
  /** Alias of `max` (the SQS API name). */
  maxNumberOfMessages?: number;
  /** Seconds the received messages stay invisible; default the queue's VisibilityTimeout. */
  visibilityTimeout?: number;
  /** 0-20 s of long polling (fractions allowed in-process); default the queue's ReceiveMessageWaitTimeSeconds. */
  waitTimeSeconds?: number;
  /** System attributes to return (`All` or names such as `ApproximateReceiveCount`). */
  attributeNames?: readonly string[];
  /** Message attributes to return (`All`, `.*`, names or `prefix.*`). */
  messageAttributeNames?: readonly string[];
  /** Ends a long poll early with no messages (e.g. the HTTP client went away). */
  signal?: AbortSignal;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly md5OfBody: string;
  /** Selected system attributes: SenderId, SentTimestamp, ApproximateReceiveCount, ApproximateFirstReceiveTimestamp, DeadLetterQueueSourceArn... */
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: MessageAttributes;
  readonly md5OfMessageAttributes?: string;
}

export type MessageMoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

export interface MessageMoveTask {
  /** Only for RUNNING tasks, as in SQS. */
  readonly taskHandle?: string;
  readonly status: MessageMoveTaskStatus;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly maxNumberOfMessagesPerSecond?: number;
  readonly approximateNumberOfMessagesMoved: number;
  readonly approximateNumberOfMessagesToMove: number;
  readonly failureReason?: string;
  /** Epoch milliseconds. */
  readonly startedTimestamp: number;
}

/** What the backend reports, e.g. for a console tail. Listeners must not throw (errors are turned into warnings). */
export interface SqsEventMap {
  queueCreated: [QueueInfo];
  queueDeleted: [QueueInfo];
  sent: [{ queue: QueueInfo; messageId: string; body: string; delaySeconds: number }];
  received: [{ queue: QueueInfo; messageId: string; receiveCount: number }];
  deleted: [{ queue: QueueInfo; messageId: string }];
  movedToDlq: [{ queue: QueueInfo; deadLetterQueue: QueueInfo; messageId: string; receiveCount: number }];
  redriven: [{ source: QueueInfo; destination: QueueInfo; messageId: string; taskHandle: string }];
  expired: [{ queue: QueueInfo; messageId: string }];
  purged: [{ queue: QueueInfo; count: number }];
}
