export { SqsBackend, DEDUPLICATION_INTERVAL_MS, MOVE_TASK_MAX_RATE, RECEIVE_MAX_MESSAGES } from './backend';
export type {
  MessageMoveTask,
  MessageMoveTaskStatus,
  QueueInfo,
  QueueRef,
  ReceiveMessagesOptions,
  ReceivedMessage,
  SendMessageOptions,
  SendMessageResult,
  SqsBackendOptions,
  SqsEventMap,
} from './backend';
export { ManualClock, systemClock } from './clock';
export type { CancelTimer, Clock } from './clock';
export {
  SqsBatchError,
  SqsError,
  SqsInvalidActionError,
  SqsInvalidAttributeNameError,
  SqsInvalidAttributeValueError,
  SqsInvalidMessageContentsError,
  SqsInvalidParameterValueError,
  SqsMessageNotInflightError,
  SqsMissingParameterError,
  SqsPersistenceError,
  SqsQueueDoesNotExistError,
  SqsQueueNameExistsError,
  SqsReceiptHandleIsInvalidError,
  SqsResourceNotFoundError,
  SqsSerializationError,
  SqsUnsupportedOperationError,
} from './errors';
export type { SqsErrorCode } from './errors';
export { toLambdaSqsRecord } from './lambda-record';
export { md5OfBody, md5OfMessageAttributes } from './messages';
export type { MessageAttributeValue, MessageAttributes } from './messages';
export { errorResponse, handleSqsRequest, runSqsOperation, sqsOperationNames, SQS_CONTENT_TYPE, SQS_TARGET_PREFIX } from './protocol';
export { handleSqsQuery, looksLikeSqsQuery, queryErrorResponse, queryInput, SQS_QUERY_CONTENT_TYPE, SQS_XML_NAMESPACE } from './query';
export type { SqsQueryResponse } from './query';
export type { SqsRequestOptions, SqsResponse } from './protocol';
export { createSqsRequestHandler, startSqsServer } from './server';
export type { SqsRequestHandler, SqsServer, StartSqsServerOptions } from './server';
