// The DLQ processor (seed 002 7.6): drains every consumer's dead-letter queue, and for each
// message either sends it back to its queue (reprocess, counted in a message attribute) or
// stores it in ManualReviewTable for a person (manual handling); either way it leaves the
// DLQ only after that is done. Runs hourly (well within the seed's 24 hours) and on demand
// (`{ "maxMessages": N }`); answers with what it did.
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { bookingQueueRoutes, lessonsQueueRoutes, monitoringQueueRoutes, notificationsQueueRoutes, paymentsQueueRoutes, usersQueueRoutes } from '../../generated';
import { clients, sdk } from '../../../../lib/clients';
import { defineConfig, numberEnv, requireEnv } from '../../../../lib/config';
import type { Route } from '../../../../lib/envelope';
import { REPROCESS_ATTRIBUTE, sourceQueueUrl, triage, type Triage } from './triage';

const ROUTES: Record<string, Readonly<Record<string, Route>>> = {
  users: usersQueueRoutes,
  payments: paymentsQueueRoutes,
  lessons: lessonsQueueRoutes,
  booking: bookingQueueRoutes,
  notifications: notificationsQueueRoutes,
  monitoring: monitoringQueueRoutes,
};

export const config = defineConfig((env) => ({
  /** The consumers' DLQ urls, comma-separated. */
  dlqUrls: requireEnv('DLQ_URLS', env).split(',').map((u) => u.trim()).filter(Boolean),
  manualTable: requireEnv('MANUAL_REVIEW_TABLE', env),
  /** How often one message may be sent back before it goes to manual handling. */
  maxReprocess: numberEnv('DLQ_MAX_REPROCESS', { default: 2, integer: true, min: 0 }, env),
}));

/** The queue routes of a DLQ by its name (`...-<queue>-dlq`). */
export function routesOf(dlqUrl: string): Readonly<Record<string, Route>> {
  const name = /-([a-z]+)-dlq$/.exec(dlqUrl)?.[1];
  const routes = name ? ROUTES[name] : undefined;
  if (!routes) throw new Error(`${dlqUrl} is no consumer's DLQ of this project (${Object.keys(ROUTES).join(', ')})`);
  return routes;
}

export interface Outcome {
  queue: string;
  messageId: string;
  triage: Triage;
}

export interface Deps {
  sqs: Pick<SQSClient, 'send'>;
  storeManual: (item: Record<string, unknown>) => Promise<void>;
  now: () => number;
}

export async function processDeadLetters(dlqUrls: readonly string[], maxReprocess: number, deps: Deps, maxMessages = 100): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const dlqUrl of dlqUrls) {
    const routes = routesOf(dlqUrl);
    const queue = dlqUrl.slice(dlqUrl.lastIndexOf('/') + 1);
    while (outcomes.length < maxMessages) {
      const { Messages = [] } = await deps.sqs.send(new (sdk.sqs().ReceiveMessageCommand)({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], VisibilityTimeout: 60 }));
      if (!Messages.length) break;
      for (const m of Messages) outcomes.push(await handle(dlqUrl, queue, m, routes, maxReprocess, deps));
    }
  }
  return outcomes;
}

async function handle(dlqUrl: string, queue: string, m: Message, routes: Readonly<Record<string, Route>>, maxReprocess: number, deps: Deps): Promise<Outcome> {
  const count = Number(m.MessageAttributes?.[REPROCESS_ATTRIBUTE]?.StringValue ?? '0');
  const decision = triage(m.Body ?? '', Number.isInteger(count) && count >= 0 ? count : maxReprocess, routes, maxReprocess);
  const messageId = m.MessageId ?? '?';
  if (decision.action === 'reprocess') {
    await deps.sqs.send(new (sdk.sqs().SendMessageCommand)({ QueueUrl: sourceQueueUrl(dlqUrl), MessageBody: m.Body ?? '', MessageAttributes: { ...m.MessageAttributes, [REPROCESS_ATTRIBUTE]: { DataType: 'Number', StringValue: String(decision.reprocessCount) } } }));
  } else {
    await deps.storeManual({ pk: `MANUAL#${queue}#${messageId}`, sk: 'MESSAGE', queue, messageId, code: decision.code, reason: decision.reason, ...(decision.detailType ? { detailType: decision.detailType } : {}), body: m.Body ?? '', reprocessCount: count, storedAt: new Date(deps.now()).toISOString() });
  }
  await deps.sqs.send(new (sdk.sqs().DeleteMessageCommand)({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
  return { queue, messageId, triage: decision };
}

export const handler = async (event: { maxMessages?: number } | undefined): Promise<{ reprocessed: number; manual: number; outcomes: Outcome[] }> => {
  const { dlqUrls, manualTable, maxReprocess } = config();
  const outcomes = await processDeadLetters(dlqUrls, maxReprocess, { sqs: clients.sqs(), now: Date.now, storeManual: async (item) => void (await clients.dynamoDbDocument().send(new (sdk.document().PutCommand)({ TableName: manualTable, Item: item }))) }, typeof event?.maxMessages === 'number' ? event.maxMessages : 100);
  return { reprocessed: outcomes.filter((o) => o.triage.action === 'reprocess').length, manual: outcomes.filter((o) => o.triage.action === 'manual').length, outcomes };
};
