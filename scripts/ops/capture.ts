/**
 * A temporary rule on a bus that sends what it matches to a temporary SQS queue the ops
 * command reads: how `tail` follows a bus on AWS, and how the archive is read (a replay whose
 * FilterArns name only this rule delivers the archived events here, to nobody else).
 * The rule is `ops-<purpose>-<id>` on the bus, the queue `<service>-<stage>-ops-<purpose>-<id>`;
 * the queue policy lets only this rule send; `close()` removes target, rule and queue.
 */
import { DeleteRuleCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageBatchCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { OPS_PREFIX } from './routes';
import type { OpsTarget } from './target';

export interface CapturedEvent {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: unknown;
  'replay-name'?: string;
  [key: string]: unknown;
}

export interface Capture {
  ruleName: string;
  ruleArn: string;
  bus: string;
  queueUrl: string;
  /** Receives (and deletes) what arrived; waits up to `waitSeconds` for the first message. */
  receive(waitSeconds: number): Promise<CapturedEvent[]>;
  close(): Promise<void>;
}

/** Every event has `version: "0"`: a pattern that matches all of them. */
export const MATCH_ALL = { version: ['0'] };

export async function openCapture(target: OpsTarget, bus: string, pattern: unknown, purpose: string): Promise<Capture> {
  const name = `${OPS_PREFIX}${purpose}-${randomUUID().slice(0, 8)}`;
  const { eventBridge: eb, sqs } = target;
  // The stage's queue prefix, so the ops IAM policy can allow exactly these queues (README "Operating it").
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${target.service}-${target.stage}-${name}`, Attributes: { MessageRetentionPeriod: '3600' } }));
  const queueUrl = queue.QueueUrl as string;
  let ruleArn: string | undefined;
  const close = async (): Promise<void> => {
    if (ruleArn) {
      await eb.send(new RemoveTargetsCommand({ Rule: name, EventBusName: bus, Ids: ['ops'] })).catch(() => undefined);
      await eb.send(new DeleteRuleCommand({ Name: name, EventBusName: bus })).catch(() => undefined);
    }
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
  };
  try {
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'] as string;
    const rule = await eb.send(new PutRuleCommand({ Name: name, EventBusName: bus, EventPattern: JSON.stringify(pattern), State: 'ENABLED', Description: `npm run ops: temporary (${purpose}); removed when the command ends` }));
    ruleArn = rule.RuleArn as string;
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'OnlyThisOpsRule', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn, Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } } }],
    };
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
    await eb.send(new PutTargetsCommand({ Rule: name, EventBusName: bus, Targets: [{ Id: 'ops', Arn: queueArn }] }));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    ruleName: name,
    ruleArn,
    bus,
    queueUrl,
    async receive(waitSeconds) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds, VisibilityTimeout: 60 }));
      const messages = out.Messages ?? [];
      if (messages.length) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })) }));
      return messages.flatMap((m) => {
        try {
          return [JSON.parse(m.Body ?? '') as CapturedEvent];
        } catch {
          return [];
        }
      });
    },
    close,
  };
}
