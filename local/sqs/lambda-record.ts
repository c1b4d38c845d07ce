/**
 * The SQS record Lambda hands a function for a received message, for the local event-source
 * poller. Receive with `attributeNames: ['All']` and `messageAttributeNames: ['All']` to fill it.
 */
import type { SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import type { QueueInfo, ReceivedMessage } from './backend';

/** One `SQSEvent` record, shaped as Lambda's SQS event source builds it. */
export function toLambdaSqsRecord(message: ReceivedMessage, queue: QueueInfo, region: string): SQSRecord {
  const a = message.attributes;
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
    SentTimestamp: a.SentTimestamp ?? '',
    SenderId: a.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '',
    ...(a.AWSTraceHeader !== undefined ? { AWSTraceHeader: a.AWSTraceHeader } : {}),
    ...(a.SequenceNumber !== undefined ? { SequenceNumber: a.SequenceNumber } : {}),
    ...(a.MessageGroupId !== undefined ? { MessageGroupId: a.MessageGroupId } : {}),
    ...(a.MessageDeduplicationId !== undefined ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
    ...(a.DeadLetterQueueSourceArn !== undefined ? { DeadLetterQueueSourceArn: a.DeadLetterQueueSourceArn } : {}),
  };
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes,
    messageAttributes: Object.fromEntries(
      Object.entries(message.messageAttributes).map(([name, v]) => [
        name,
        {
          dataType: v.dataType,
          ...(v.stringValue !== undefined ? { stringValue: v.stringValue } : {}),
          ...(v.binaryValue !== undefined ? { binaryValue: Buffer.from(v.binaryValue).toString('base64') } : {}),
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes !== undefined ? { md5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: region,
  };
}
