/**
 * Errors of the local SQS service. Each carries the error `code` of the SQS API (the Smithy
 * shape name, e.g. `QueueDoesNotExist`), the legacy query-API code the SDK matches in
 * `x-amzn-query-error` (e.g. `AWS.SimpleQueueService.NonExistentQueue`) and the HTTP status,
 * so the protocol layer can answer exactly as AWS does and in-process callers can branch on
 * `code` or `instanceof`.
 */

/** Wire facts of one error code: HTTP status and the query-compatible code. */
interface ErrorWire {
  readonly status: number;
  readonly queryCode: string;
}

/**
 * Codes modelled by the SDK use their `awsQueryError` trait (see `@aws-sdk/client-sqs`
 * `errorTypeRegistries`); the SDK resolves the typed exception from `x-amzn-query-error`.
 * Unmodelled ones (InvalidParameterValue, MissingParameter...) surface as `SQSServiceException`
 * whose `name` is the code.
 */
const WIRE = {
  QueueDoesNotExist: { status: 400, queryCode: 'AWS.SimpleQueueService.NonExistentQueue' },
  QueueNameExists: { status: 400, queryCode: 'QueueAlreadyExists' },
  InvalidAttributeName: { status: 400, queryCode: 'InvalidAttributeName' },
  InvalidAttributeValue: { status: 400, queryCode: 'InvalidAttributeValue' },
  InvalidParameterValue: { status: 400, queryCode: 'InvalidParameterValue' },
  MissingParameter: { status: 400, queryCode: 'MissingParameter' },
  InvalidMessageContents: { status: 400, queryCode: 'InvalidMessageContents' },
  ReceiptHandleIsInvalid: { status: 404, queryCode: 'ReceiptHandleIsInvalid' },
  MessageNotInflight: { status: 400, queryCode: 'AWS.SimpleQueueService.MessageNotInflight' },
  BatchEntryIdsNotDistinct: { status: 400, queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct' },
  EmptyBatchRequest: { status: 400, queryCode: 'AWS.SimpleQueueService.EmptyBatchRequest' },
  InvalidBatchEntryId: { status: 400, queryCode: 'AWS.SimpleQueueService.InvalidBatchEntryId' },
  TooManyEntriesInBatchRequest: { status: 400, queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest' },
  BatchRequestTooLong: { status: 400, queryCode: 'AWS.SimpleQueueService.BatchRequestTooLong' },
  ResourceNotFoundException: { status: 404, queryCode: 'ResourceNotFoundException' },
  UnsupportedOperation: { status: 400, queryCode: 'AWS.SimpleQueueService.UnsupportedOperation' },
  InvalidAction: { status: 400, queryCode: 'InvalidAction' },
  SerializationException: { status: 400, queryCode: 'SerializationException' },
  InternalError: { status: 500, queryCode: 'InternalError' },
} as const satisfies Record<string, ErrorWire>;

/** Every error code this service can answer with. */
export type SqsErrorCode = keyof typeof WIRE;

/** Base class: an SQS API error with its stable `code`. */
export class SqsError extends Error {
  readonly code: SqsErrorCode;
  constructor(code: SqsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Every subclass is named after itself, as `instanceof`-free callers (logs, JSON) see it.
    this.name = new.target.name;
    this.code = code;
  }
  /** HTTP status AWS uses for this code. */
  get status(): number {
    return WIRE[this.code].status;
  }
  /** `true` when the caller is at fault (AWS `SenderFault` / `;Sender`). */
  get senderFault(): boolean {
    return this.status < 500;
  }
  /** Value of the `x-amzn-query-error` header: `<query code>;Sender|Receiver`. */
  get queryErrorHeader(): string {
    return `${WIRE[this.code].queryCode};${this.senderFault ? 'Sender' : 'Receiver'}`;
  }
}

/** The queue named by a URL, ARN or name does not exist. */
export class SqsQueueDoesNotExistError extends SqsError {
  constructor(queue: string, options?: { cause?: unknown }) {
    super('QueueDoesNotExist', `The specified queue does not exist: ${queue}`, options);
  }
}

/** CreateQueue for an existing name with different attribute values. */
export class SqsQueueNameExistsError extends SqsError {
  constructor(name: string, detail: string) {
    super('QueueNameExists', `A queue already exists with the same name (${name}) and a different value for attribute ${detail}`);
  }
}

/** An unknown queue attribute name, or one that cannot be set on this queue. */
export class SqsInvalidAttributeNameError extends SqsError {
  constructor(attribute: string) {
    super('InvalidAttributeName', `Unknown Attribute ${attribute}.`);
  }
}

/** A queue attribute value outside what AWS accepts. */
export class SqsInvalidAttributeValueError extends SqsError {
  constructor(attribute: string, reason: string, options?: { cause?: unknown }) {
    super('InvalidAttributeValue', `Invalid value for the parameter ${attribute}. Reason: ${reason}`, options);
  }
}

/** A request parameter with an invalid value. */
export class SqsInvalidParameterValueError extends SqsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('InvalidParameterValue', message, options);
  }
}

/** A required request parameter is missing. */
export class SqsMissingParameterError extends SqsError {
  constructor(parameter: string) {
    super('MissingParameter', `The request must contain the parameter ${parameter}.`);
  }
}

/** A message body with characters outside the set SQS allows. */
export class SqsInvalidMessageContentsError extends SqsError {
  constructor() {
    super('InvalidMessageContents', 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
  }
}

/** A receipt handle that this queue never issued. */
export class SqsReceiptHandleIsInvalidError extends SqsError {
  constructor(handle: string) {
    super('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
  }
}

/** ChangeMessageVisibility on a message that is not in flight. */
export class SqsMessageNotInflightError extends SqsError {
  constructor() {
    super('MessageNotInflight', 'The message referred to is not in flight.');
  }
}

/** A batch request that breaks a batch-level rule (ids, size, count). */
export class SqsBatchError extends SqsError {
  constructor(
    code: 'BatchEntryIdsNotDistinct' | 'EmptyBatchRequest' | 'InvalidBatchEntryId' | 'TooManyEntriesInBatchRequest' | 'BatchRequestTooLong',
    message: string,
  ) {
    super(code, message);
  }
}

/** A message move task, its source or its destination does not exist. */
export class SqsResourceNotFoundError extends SqsError {
  constructor(message: string) {
    super('ResourceNotFoundException', message);
  }
}

/** An operation this local service (or SQS in this situation) does not support. */
export class SqsUnsupportedOperationError extends SqsError {
  constructor(message: string) {
    super('UnsupportedOperation', message);
  }
}

/** An `x-amz-target` that names no SQS operation. */
export class SqsInvalidActionError extends SqsError {
  constructor(target: string) {
    super('InvalidAction', `The action ${target} is not valid for this endpoint.`);
  }
}

/** A request body that is not a JSON object, or a field of the wrong JSON type. */
export class SqsSerializationError extends SqsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SerializationException', message, options);
  }
}

/** The persisted state could not be read or written. Never sent over the wire as-is. */
export class SqsPersistenceError extends SqsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('InternalError', message, options);
  }
}
