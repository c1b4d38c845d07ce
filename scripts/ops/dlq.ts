/**
 * `ops dlq list|peek|redrive|purge`. DLQs are found by their role, not typed: every queue of
 * the stage (`<service>-<stage>-*`) that another queue's RedrivePolicy names, or that the
 * catalog names as a DLQ, or whose name ends in `-dlq` (rule and schedule DLQs).
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { compilePattern } from '../../local/event-pattern';
import { OpsError } from './errors';
import { OPS_PREFIX } from './routes';
import { queueName, shortQueueName, type OpsTarget } from './target';

export interface DlqInfo {
  name: string;
  url: string;
  arn: string;
  depth: number;
  inFlight: number;
  /** Age of the oldest message seen, in seconds (from its SentTimestamp). */
  oldestAgeSeconds?: number;
  /** The queues that send their failures here. */
  sources: string[];
}

interface QueueAttributes {
  url: string;
  name: string;
  attributes: Record<string, string>;
}

async function stageQueues(target: OpsTarget): Promise<QueueAttributes[]> {
  const prefix = `${target.service}-${target.stage}-`;
  const urls: string[] = [];
  let token: string | undefined;
  do {
    const page = await target.sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, ...(token ? { NextToken: token } : {}) }));
    urls.push(...(page.QueueUrls ?? []));
    token = page.NextToken;
  } while (token);
  return Promise.all(
    urls.map(async (url) => ({
      url,
      name: url.slice(url.lastIndexOf('/') + 1),
      attributes: (await target.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {},
    })),
  );
}

/** A queue of the stage with its depth, and whether it is a DLQ (and whose). */
export interface QueueInfo {
  name: string;
  url: string;
  arn: string;
  depth: number;
  inFlight: number;
  /** Whether it is a DLQ: another queue's RedrivePolicy names it, the catalog names it one, or its name ends in -dlq. */
  isDlq: boolean;
  /** The queues that send their failures here (for a DLQ). */
  sources: string[];
  /** The DLQ its RedrivePolicy names, and after how many receives. */
  deadLetter?: { arn: string; maxReceiveCount: number };
}

/** Every queue of the stage (not the ops commands' own), with depths and DLQ roles; receives nothing. */
export async function queueOverview(target: OpsTarget): Promise<QueueInfo[]> {
  const queues = (await stageQueues(target)).filter((q) => !q.name.startsWith(queueName(target, OPS_PREFIX)));
  const catalogDlqs = new Set(target.catalog.queues.flatMap((q) => (q.dlq ? [queueName(target, q.dlq)] : [])));
  const sourcesOf = new Map<string, string[]>();
  const policyOf = new Map<string, { arn: string; maxReceiveCount: number }>();
  for (const q of queues) {
    const policy = q.attributes['RedrivePolicy'];
    if (!policy) continue;
    const parsed = JSON.parse(policy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    const dlqArn = parsed.deadLetterTargetArn;
    if (!dlqArn) continue;
    sourcesOf.set(dlqArn, [...(sourcesOf.get(dlqArn) ?? []), q.name]);
    policyOf.set(q.name, { arn: dlqArn, maxReceiveCount: Number(parsed.maxReceiveCount ?? 0) });
  }
  return queues.map((q) => {
    const arn = q.attributes['QueueArn'] ?? '';
    const deadLetter = policyOf.get(q.name);
    return {
      name: q.name,
      url: q.url,
      arn,
      depth: Number(q.attributes['ApproximateNumberOfMessages'] ?? 0),
      inFlight: Number(q.attributes['ApproximateNumberOfMessagesNotVisible'] ?? 0),
      isDlq: sourcesOf.has(arn) || catalogDlqs.has(q.name) || /-dlq(\.fifo)?$/.test(q.name),
      sources: sourcesOf.get(arn) ?? [],
      ...(deadLetter ? { deadLetter } : {}),
    };
  });
}

/**
 * Every DLQ of the stage. `oldest` looks at the messages of each non-empty one for the age of
 * the oldest (SQS has no such attribute), which counts a receive of each: only `dlq list` asks.
 */
export async function findDlqs(target: OpsTarget, options: { oldest?: boolean } = {}): Promise<DlqInfo[]> {
  const dlqs = (await queueOverview(target)).filter((q) => q.isDlq);
  return Promise.all(
    dlqs.map(async (q) => {
      const peeked = options.oldest && q.depth > 0 ? await peekMessages(target, q.url, 10) : [];
      const oldest = Math.min(...peeked.map((m) => Number(m.Attributes?.SentTimestamp ?? Date.now())));
      return {
        name: q.name,
        url: q.url,
        arn: q.arn,
        depth: q.depth,
        inFlight: q.inFlight,
        ...(peeked.length ? { oldestAgeSeconds: Math.max(0, Math.round((Date.now() - oldest) / 1000)) } : {}),
        sources: q.sources,
      };
    }),
  );
}

const age = (seconds: number | undefined): string => (seconds === undefined ? '-' : seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : seconds < 172_800 ? `${Math.round(seconds / 3600)} h` : `${Math.round(seconds / 86_400)} d`);

export async function dlqList(target: OpsTarget): Promise<DlqInfo[]> {
  const dlqs = await findDlqs(target, { oldest: true });
  target.out(`${'DLQ'.padEnd(32)} ${'depth'.padStart(6)} ${'in flight'.padStart(9)}  ${'oldest'.padStart(8)}  from`);
  for (const d of dlqs.sort((a, b) => b.depth - a.depth || a.name.localeCompare(b.name))) {
    target.out(`${shortQueueName(target, d.name).padEnd(32)} ${String(d.depth).padStart(6)} ${String(d.inFlight).padStart(9)}  ${age(d.oldestAgeSeconds).padStart(8)}  ${d.sources.map((s) => shortQueueName(target, s)).join(', ') || '(rule or schedule targets)'}`);
  }
  return dlqs;
}

/** The DLQ a user named (short or full name), or an error listing the DLQs there are. */
export async function resolveDlq(target: OpsTarget, given: string): Promise<DlqInfo> {
  const dlqs = await findDlqs(target);
  const name = queueName(target, given);
  const found = dlqs.find((d) => d.name === name || d.name === given);
  if (!found) throw new OpsError(`unknown DLQ "${given}": the DLQs of stage ${target.stage} are ${dlqs.map((d) => shortQueueName(target, d.name)).join(', ') || '(none)'}`);
  return found;
}

/**
 * Receives up to `max` messages and makes them visible again at once: a look that leaves the
 * queue as it was, except that each message's receive count goes up by one.
 */
async function peekMessages(target: OpsTarget, url: string, max: number): Promise<Message[]> {
  const seen = new Map<string, Message>();
  try {
    while (seen.size < max) {
      const out = await target.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: Math.min(10, max - seen.size), VisibilityTimeout: 30, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
      );
      const fresh = (out.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ''));
      for (const m of out.Messages ?? []) seen.set(m.MessageId ?? '', m);
      if (!fresh.length) break;
    }
  } finally {
    await release(target, url, [...seen.values()]);
  }
  return [...seen.values()];
}

/** Makes received messages visible again now. */
async function release(target: OpsTarget, url: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10);
    await target.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: batch.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle as string, VisibilityTimeout: 0 })) })).catch(() => undefined);
  }
}

interface EnvelopeFacts {
  detailType?: string;
  source?: string;
  eventId?: string;
  correlationId?: string;
  event?: unknown;
}

function factsOf(body: string | undefined): EnvelopeFacts {
  try {
    const e = JSON.parse(body ?? '') as { id?: string; source?: string; 'detail-type'?: string; detail?: { metadata?: { eventId?: string; correlationId?: string } } };
    if (typeof e !== 'object' || e === null) return {};
    return {
      ...(typeof e['detail-type'] === 'string' ? { detailType: e['detail-type'] } : {}),
      ...(typeof e.source === 'string' ? { source: e.source } : {}),
      ...(typeof (e.detail?.metadata?.eventId ?? e.id) === 'string' ? { eventId: (e.detail?.metadata?.eventId ?? e.id) as string } : {}),
      ...(typeof e.detail?.metadata?.correlationId === 'string' ? { correlationId: e.detail.metadata.correlationId } : {}),
      event: e,
    };
  } catch {
    return {};
  }
}

/** An error event of the errors bus (the platform's ErrorOccurred convention: data.errorCode, data.errorMessage, data.context). */
export interface RecordedError {
  at: string;
  errorCode: string;
  errorMessage: string;
  service?: string;
  function?: string;
  messageId?: string;
  eventId?: string;
}

/** Error events in the data of bus events: `detail.data.errorCode` + `errorMessage` + `context`. */
export function errorOf(event: { time?: string; detail?: unknown }): RecordedError | undefined {
  const data = (event.detail as { data?: { errorCode?: unknown; errorMessage?: unknown; context?: Record<string, unknown> } } | null)?.data;
  if (typeof data?.errorCode !== 'string' || typeof data.errorMessage !== 'string') return undefined;
  const c = data.context ?? {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const service = str(c['service']);
  const fn = str(c['function']);
  const messageId = str(c['messageId']);
  const eventId = str(c['eventId']);
  return { at: event.time ?? '', errorCode: data.errorCode, errorMessage: data.errorMessage, ...(service ? { service } : {}), ...(fn ? { function: fn } : {}), ...(messageId ? { messageId } : {}), ...(eventId ? { eventId } : {}) };
}

/** Errors recorded on the buses: from `fromArchive` when given (AWS), else the local cloud's event log. */
export async function recordedErrors(target: OpsTarget, fromArchive?: () => Promise<{ time?: string; detail?: unknown }[]>): Promise<RecordedError[]> {
  if (!fromArchive && target.local && target.endpoint) {
    const { events } = (await (await fetch(`${target.endpoint}/local/events`)).json()) as { events: { event: { time?: string; detail?: unknown } }[] };
    return events.flatMap((e) => errorOf(e.event) ?? []);
  }
  return fromArchive ? (await fromArchive()).flatMap((e) => errorOf(e) ?? []) : [];
}

export interface PeekedMessage extends EnvelopeFacts {
  messageId: string;
  receiveCount: number;
  sentAt: string;
  /** EventBridge's reason, for events it could not deliver to their target (DLQ message attributes). */
  deliveryError?: string;
  /** The error the errors bus recorded for this message or its event. */
  error?: RecordedError;
  body: string;
}

export async function dlqPeek(target: OpsTarget, given: string, options: { max?: number; errors?: () => Promise<{ time?: string; detail?: unknown }[]> } = {}): Promise<PeekedMessage[]> {
  const dlq = await resolveDlq(target, given);
  const messages = await peekMessages(target, dlq.url, options.max ?? 10);
  const errors = await recordedErrors(target, options.errors);
  const peeked = messages.map((m): PeekedMessage => {
    const facts = factsOf(m.Body);
    const attr = (k: string): string | undefined => m.MessageAttributes?.[k]?.StringValue;
    const deliveryError = attr('ERROR_MESSAGE') ? `${attr('ERROR_CODE') ?? ''} ${attr('ERROR_MESSAGE') ?? ''}`.trim() : undefined;
    const matching = errors.filter((e) => (e.messageId && e.messageId === m.MessageId) || (e.eventId && e.eventId === facts.eventId));
    const error = matching[matching.length - 1];
    return {
      ...facts,
      messageId: m.MessageId ?? '',
      // Our own look counted one receive.
      receiveCount: Math.max(0, Number(m.Attributes?.ApproximateReceiveCount ?? 1) - 1),
      sentAt: new Date(Number(m.Attributes?.SentTimestamp ?? 0)).toISOString(),
      ...(deliveryError ? { deliveryError } : {}),
      ...(error ? { error } : {}),
      body: m.Body ?? '',
    };
  });
  target.out(`${shortQueueName(target, dlq.name)}: ${dlq.depth} message(s)${peeked.length < dlq.depth ? `, showing ${peeked.length}` : ''}`);
  for (const p of peeked) {
    target.out(`- ${p.detailType ?? '(not an event)'}  event ${p.eventId ?? '-'}  corr ${p.correlationId ?? '-'}  received ${p.receiveCount}x  sent ${p.sentAt}  message ${p.messageId}`);
    if (p.error) target.out(`    error: ${p.error.errorCode}: ${p.error.errorMessage}${p.error.function ? ` (in ${p.error.function})` : ''}`);
    if (p.deliveryError) target.out(`    delivery: ${p.deliveryError}`);
    if (!p.error && !p.deliveryError) target.out(`    error: none recorded on the errors bus${target.local ? '' : ' (pass --errors-since to read the errors archive)'}`);
  }
  return peeked;
}

/** The queue a DLQ's messages go back to: the one source queue that names it in its RedrivePolicy. */
async function redriveDestination(target: OpsTarget, dlq: DlqInfo, given?: string): Promise<{ url: string; arn: string; name: string }> {
  if (given) {
    const name = queueName(target, given);
    const url = (await target.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
    const arn = (await target.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'] as string;
    return { url, arn, name };
  }
  const sources = (await target.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }))).queueUrls ?? [];
  if (sources.length !== 1) {
    throw new OpsError(`${shortQueueName(target, dlq.name)} is the DLQ of ${sources.length ? sources.map((u) => shortQueueName(target, u.slice(u.lastIndexOf('/') + 1))).join(', ') : 'no queue'}: say where its messages go with --to <queue>`);
  }
  const url = sources[0] as string;
  const arn = (await target.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'] as string;
  return { url, arn, name: url.slice(url.lastIndexOf('/') + 1) };
}

export interface RedriveResult {
  moved: number;
  kept: number;
  taskHandle?: string;
}

/**
 * Without a filter: StartMessageMoveTask back to the source queue (at --rate messages a
 * second). With one: every message is received once; those whose event matches the pattern
 * (EventBridge's matcher, local/event-pattern) are sent to the source queue and deleted, the
 * others are made visible again unchanged. Nothing is deleted before its copy is sent.
 */
export async function dlqRedrive(target: OpsTarget, given: string, options: { filter?: string; rate?: number; to?: string } = {}): Promise<RedriveResult> {
  const dlq = await resolveDlq(target, given);
  const destination = await redriveDestination(target, dlq, options.to);
  if (!options.filter) {
    const task = await target.sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: destination.arn, ...(options.rate ? { MaxNumberOfMessagesPerSecond: options.rate } : {}) }),
    );
    target.out(`redrive of ${shortQueueName(target, dlq.name)} -> ${shortQueueName(target, destination.name)} started (message move task ${task.TaskHandle ?? ''}); ${dlq.depth} message(s) waiting`);
    return { moved: dlq.depth, kept: 0, ...(task.TaskHandle ? { taskHandle: task.TaskHandle } : {}) };
  }
  let pattern: ReturnType<typeof compilePattern>;
  try {
    pattern = compilePattern(options.filter);
  } catch (error) {
    throw new OpsError(`--filter is not an event pattern EventBridge accepts: ${(error as Error).message}`);
  }
  const kept: Message[] = [];
  const seen = new Set<string>();
  let moved = 0;
  const interval = options.rate ? 1000 / options.rate : 0;
  try {
    for (;;) {
      // Long enough to finish the scan: the kept ones are released at the end.
      const out = await target.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10, VisibilityTimeout: 300, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }));
      const messages = (out.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ''));
      if (!messages.length) break;
      for (const m of messages) {
        seen.add(m.MessageId ?? '');
        let event: unknown;
        try {
          event = JSON.parse(m.Body ?? '');
        } catch {
          event = undefined;
        }
        if (event === undefined || typeof event !== 'object' || event === null || !pattern.matches(event)) {
          kept.push(m);
          continue;
        }
        const started = Date.now();
        await target.sqs.send(new SendMessageCommand({ QueueUrl: destination.url, MessageBody: m.Body ?? '' }));
        await target.sqs.send(new DeleteMessageCommand({ QueueUrl: dlq.url, ReceiptHandle: m.ReceiptHandle as string }));
        moved += 1;
        if (interval) await new Promise((r) => setTimeout(r, Math.max(0, interval - (Date.now() - started))));
      }
    }
  } finally {
    await release(target, dlq.url, kept);
  }
  target.out(`redrove ${moved} matching message(s) of ${shortQueueName(target, dlq.name)} to ${shortQueueName(target, destination.name)}; ${kept.length} left in the DLQ`);
  return { moved, kept: kept.length };
}

export async function dlqPurge(target: OpsTarget, given: string): Promise<number> {
  const dlq = await resolveDlq(target, given);
  await target.sqs.send(new PurgeQueueCommand({ QueueUrl: dlq.url }));
  target.out(`purged ${shortQueueName(target, dlq.name)} (${dlq.depth} message(s))`);
  return dlq.depth;
}
