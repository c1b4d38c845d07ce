import { compilePattern } from '../event-pattern';
import { toLambdaSqsRecord, type ReceivedMessage, type SqsBackend } from '../sqs';

/**
 * An SQS event source mapping, as Lambda runs it: long-polls the queue, gathers up to
 * `batchSize` messages within the batching window, invokes the function with the SQS
 * event, and deletes what succeeded. With ReportBatchItemFailures only the reported
 * records stay (they come back after the visibility timeout, and go to the DLQ after
 * maxReceiveCount); an invocation error leaves the whole batch; a response naming an
 * unknown record fails the whole batch, as AWS does. FilterCriteria apply first: a
 * message no filter matches (its body read as JSON when it is JSON) is deleted unprocessed.
 */

/** Lambda's first concurrent batches for an SQS queue with messages. */
export const DEFAULT_SQS_POLLERS = 5;

export interface SqsSourceOptions {
  backend: SqsBackend;
  queueArn: string;
  region: string;
  batchSize: number;
  windowSeconds: number;
  reportBatchItemFailures: boolean;
  /**
   * Batches in flight at once. Lambda starts with five when messages are available (and scales
   * up from there); `ScalingConfig.MaximumConcurrency` caps it. Default 5: fewer made a queue
   * with a backlog drain at a fraction of what a deployed function does, since a batch's
   * records are handled one after the other and each waits on DynamoDB.
   */
  pollers?: number;
  /** FilterCriteria patterns (JSON text); none = every message. */
  filters?: readonly string[];
  invoke: (event: unknown) => Promise<{ ok: boolean; result?: unknown; error?: { errorMessage: string } }>;
  /** Fault injection: true for a processed message that is to be delivered once more (made visible again instead of deleted). */
  duplicate?: () => boolean;
  onBatch?: (info: { queueArn: string; records: number; failed: number; error?: string }) => void;
}

export class SqsEventSource {
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly abort = new AbortController();

  private readonly filters: { matches(event: unknown): boolean }[];

  constructor(private readonly options: SqsSourceOptions) {
    this.filters = (options.filters ?? []).map((f) => compilePattern(f));
  }

  /** Whether Lambda would invoke with this record: filters see the body as JSON when it parses. */
  private wanted(record: { body: string }): boolean {
    if (!this.filters.length) return true;
    let body: unknown = record.body;
    try {
      body = JSON.parse(record.body);
    } catch {
      // a plain-text body is matched as a string
    }
    const view = { ...record, body };
    return this.filters.some((f) => f.matches(view));
  }

  start(): void {
    for (let i = 0; i < (this.options.pollers ?? DEFAULT_SQS_POLLERS); i++) this.loops.push(this.run());
  }

  private async receive(): Promise<ReceivedMessage[]> {
    const { backend, queueArn, batchSize, windowSeconds } = this.options;
    const queue = backend.getQueue(queueArn);
    const batch: ReceivedMessage[] = [];
    const windowEnds = Date.now() + windowSeconds * 1000;
    // First wait for anything (long poll), then fill the batch until the window closes.
    while (!this.stopped && batch.length < batchSize) {
      const waitSeconds = batch.length === 0 ? 20 : Math.max(0, (windowEnds - Date.now()) / 1000);
      if (batch.length > 0 && waitSeconds <= 0) break;
      const got = await backend.receiveMessages(queue, {
        maxNumberOfMessages: Math.min(10, batchSize - batch.length),
        waitTimeSeconds: waitSeconds,
        attributeNames: ['All'],
        messageAttributeNames: ['All'],
        signal: this.abort.signal,
      });
      batch.push(...got);
      if (windowSeconds === 0 && batch.length > 0) break;
    }
    return batch;
  }

  private async run(): Promise<void> {
    const { backend, queueArn, region } = this.options;
    while (!this.stopped) {
      let messages: ReceivedMessage[];
      try {
        messages = await this.receive();
      } catch (error) {
        if (this.stopped) return;
        this.options.onBatch?.({ queueArn, records: 0, failed: 0, error: `receive failed: ${(error as Error).message}` });
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (!messages.length) continue;
      const queue = backend.getQueue(queueArn);
      const records = messages.map((m) => toLambdaSqsRecord(m, queue, region));
      const wanted = records.map((r) => this.wanted(r));
      for (const [i, m] of messages.entries()) if (!wanted[i]) backend.deleteMessage(queue, m.receiptHandle);
      messages = messages.filter((_, i) => wanted[i]);
      if (!messages.length) continue;
      const event = { Records: records.filter((_, i) => wanted[i]) };
      const result = await this.options.invoke(event);
      let keep: Set<string>;
      let error = result.error?.errorMessage;
      if (!result.ok) keep = new Set(messages.map((m) => m.messageId));
      else if (this.options.reportBatchItemFailures) {
        const reported = (result.result as { batchItemFailures?: { itemIdentifier?: unknown }[] } | null)?.batchItemFailures ?? [];
        const ids = reported.map((f) => f?.itemIdentifier);
        if (ids.some((id) => typeof id !== 'string' || !messages.some((m) => m.messageId === id))) {
          keep = new Set(messages.map((m) => m.messageId));
          error = 'batchItemFailures names a record that is not in the batch: the whole batch failed';
        } else keep = new Set(ids as string[]);
      } else keep = new Set();
      for (const m of messages) {
        if (keep.has(m.messageId)) continue;
        // An injected duplicate: SQS delivers at least once, so the same message comes back.
        if (this.options.duplicate?.()) makeVisible(backend, queue, m.receiptHandle);
        else backend.deleteMessage(queue, m.receiptHandle);
      }
      this.options.onBatch?.({ queueArn, records: messages.length, failed: keep.size, ...(error ? { error } : {}) });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }
}

/**
 * Makes a processed message visible again (an injected duplicate). A batch that ran past the
 * visibility timeout finds its message visible already (MessageNotInflight; found by the chaos
 * run, where it threw out of the polling loop and stopped that poller), or received by another
 * consumer since, its own receipt handle stale (InvalidParameterValue): either way the message
 * comes back anyway, so there is nothing left to do. Deleting with a stale handle is a no-op
 * for the same reason (SqsBackend.deleteMessage returns false).
 */
function makeVisible(backend: SqsBackend, queue: Parameters<SqsBackend['changeVisibility']>[0], receiptHandle: string): void {
  try {
    backend.changeVisibility(queue, receiptHandle, 0);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'MessageNotInflight' && code !== 'InvalidParameterValue') throw error;
  }
}
