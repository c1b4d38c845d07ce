import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { backoffDelay, type Backoff } from '../../lib/backoff';
import { QUIET_SDK_LOGGER, resolveClientConfig } from '../../lib/clients';
import { compilePattern } from '../event-pattern';

/**
 * A DynamoDB stream event source, as Lambda runs it: polls every shard of the table's
 * stream, invokes the function with batches of records in order, retries a failed batch
 * (from the first failed record when the function reports batch item failures) until
 * it succeeds or `maximumRetryAttempts` is spent, and keeps its position per shard in a
 * checkpoint file so a restart resumes where it stopped. Like Lambda's poller it applies
 * the mapping's FilterCriteria before invoking (records matching no filter are dropped as
 * processed) and reads a shard's next page while the function handles the current one.
 */

export interface StreamSourceOptions {
  endpoint: string;
  streamArn: string;
  /** The table whose stream it reads (its name): `wake` callers tell which tables a write changed. */
  tableName?: string;
  /** The ARN functions see in `eventSourceARN` (the template's). */
  eventSourceArn: string;
  region: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  maximumRetryAttempts: number | undefined;
  checkpointFile: string | undefined;
  pollMs?: number;
  /** FilterCriteria patterns (JSON text); none = every record. */
  filters?: readonly string[];
  invoke: (event: unknown) => Promise<{ ok: boolean; result?: unknown; error?: { errorMessage: string } }>;
  onBatch?: (info: { records: number; ok: boolean; error?: string }) => void;
}

type Checkpoints = Record<string, string>;

/** A failed batch is retried after 200 ms, doubling to 5 s; no jitter: one poller per shard, nobody to collide with. */
const RETRY_BACKOFF: Backoff = { baseMs: 200, maxMs: 5000, jitter: 'none' };

export class StreamEventSource {
  private readonly client: DynamoDBStreamsClient;
  private stopped = false;
  private readonly checkpoints: Checkpoints;
  private loop: Promise<void> | undefined;
  private readonly filters: { matches(event: unknown): boolean }[];
  /** Ends the idle wait between polls early (`wake`). */
  private wakeUp: (() => void) | undefined;
  /**
   * Wakes so far. A round of reads remembers the count when its first read started (a page
   * read ahead: when that read started); if a wake came since, the write may be after the read,
   * so the idle wait is skipped and the stream read again.
   */
  private wakes = 0;

  /** The table whose stream this reads, when known. */
  get tableName(): string | undefined {
    return this.options.tableName;
  }

  constructor(private readonly options: StreamSourceOptions) {
    this.client = new DynamoDBStreamsClient({ ...resolveClientConfig('dynamodb', { endpoint: options.endpoint, env: {}, region: options.region }), logger: QUIET_SDK_LOGGER });
    this.filters = (options.filters ?? []).map((f) => compilePattern(f));
    this.checkpoints = options.checkpointFile && existsSync(options.checkpointFile) ? (JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as Checkpoints) : {};
  }

  start(): void {
    this.loop = this.run();
  }

  /**
   * Polls now instead of at the next interval: the local cloud calls it when a write reached
   * DynamoDB Local through its proxy, so a stream record is handed to the function as soon as
   * it exists. On AWS, Lambda's stream poller is not that quick; locally the emulator should not
   * add its own polling delay to every outbox hop.
   */
  wake(): void {
    this.wakes += 1;
    this.wakeUp?.();
  }

  /** Waits `ms`, or less when woken; not at all when a wake came after `readSince` (the wake count when the round's reads started). */
  private idle(ms: number, readSince: number): Promise<void> {
    if (this.wakes !== readSince) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wakeUp = undefined;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private save(): void {
    const file = this.options.checkpointFile;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(this.checkpoints));
    renameSync(`${file}.tmp`, file);
  }

  private async iterator(shardId: string): Promise<string | undefined> {
    const after = this.checkpoints[shardId];
    const out = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: shardId,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  }

  private toLambdaRecord(r: _Record): Record<string, unknown> {
    return { ...r, eventSourceARN: this.options.eventSourceArn, awsRegion: this.options.region };
  }

  /** Whether Lambda would invoke with this record (FilterCriteria). */
  private wanted(record: Record<string, unknown>): boolean {
    return !this.filters.length || this.filters.some((f) => f.matches(record));
  }

  private getRecords(iterator: string): Promise<{ records: _Record[]; next: string | undefined }> {
    return this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.batchSize })).then((page) => ({ records: page.Records ?? [], next: page.NextShardIterator }));
  }

  private async run(): Promise<void> {
    const iterators = new Map<string, string | undefined>();
    // The page read ahead per shard while the function handled the previous one.
    const ahead = new Map<string, { iterator: string; page: Promise<{ records: _Record[]; next: string | undefined }>; wakes: number }>();
    const pollMs = this.options.pollMs ?? 100;
    let described = 0;
    while (!this.stopped) {
      try {
        // New shards appear rarely: look every few seconds, or when no shard is known.
        if (!iterators.size || Date.now() - described > 5000) {
          const description = await this.client.send(new DescribeStreamCommand({ StreamArn: this.options.streamArn }));
          described = Date.now();
          for (const shard of description.StreamDescription?.Shards ?? []) {
            if (shard.ShardId && !iterators.has(shard.ShardId)) iterators.set(shard.ShardId, await this.iterator(shard.ShardId));
          }
        }
        let busy = false;
        // Wakes counted when this round's reads started: a page read ahead started earlier.
        let readSince = this.wakes;
        for (const [shardId, iterator] of iterators) {
          if (!iterator || this.stopped) continue;
          let page;
          try {
            const early = ahead.get(shardId);
            ahead.delete(shardId);
            // A page read ahead before the last wake may miss that write: read afresh instead
            // (the same iterator again) rather than use it and then read once more.
            const usable = early?.iterator === iterator && early.wakes === this.wakes ? early : undefined;
            if (usable) readSince = Math.min(readSince, usable.wakes);
            page = await (usable ? usable.page : this.getRecords(iterator));
          } catch (error) {
            // An iterator that expired or points before the shard's trim horizon (DynamoDB
            // Local hands those out for empty shards): take a fresh one next round.
            const name = (error as { name?: string }).name;
            if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
            iterators.delete(shardId);
            continue;
          }
          const { records, next } = page;
          if (records.length) {
            busy = true;
            if (next) {
              const wakes = this.wakes;
              const read = this.getRecords(next);
              read.catch(() => undefined); // read again, without the head start, if this fails
              ahead.set(shardId, { iterator: next, page: read, wakes });
            }
            const done = await this.deliver(records);
            const last = done > 0 ? records[done - 1]?.dynamodb?.SequenceNumber : undefined;
            if (last) {
              this.checkpoints[shardId] = last;
              this.save();
            }
            if (done < records.length) {
              // Stopped mid-batch: read again from the checkpoint.
              ahead.delete(shardId);
              iterators.set(shardId, await this.iterator(shardId));
              continue;
            }
          }
          iterators.set(shardId, next);
        }
        // Busy: read again at once. Idle: wait, unless a write was answered after this round's
        // reads started (a page read ahead while the function ran may predate it).
        // No shard yet (a table just created: DynamoDB Local may describe its stream before its
        // shard exists): look again within a second, whatever the poll interval.
        if (!busy) await this.idle(iterators.size ? pollMs : Math.min(pollMs, 1000), readSince);
      } catch (error) {
        if (this.stopped) return;
        ahead.clear();
        this.options.onBatch?.({ records: 0, ok: false, error: `stream poll failed: ${(error as Error).message}` });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Invokes until the batch succeeds (or retries run out); returns how many records are done. */
  private async deliver(records: _Record[]): Promise<number> {
    let attempt = 0;
    // Records no filter matches are done without an invocation, as Lambda drops them.
    let batch = records.filter((r) => this.wanted(this.toLambdaRecord(r)));
    if (!batch.length) return records.length;
    for (;;) {
      const result = await this.options.invoke({ Records: batch.map((r) => this.toLambdaRecord(r)) });
      let failedAt = -1;
      if (result.ok && this.options.reportBatchItemFailures) {
        const failures = (result.result as { batchItemFailures?: { itemIdentifier?: string }[] } | null)?.batchItemFailures ?? [];
        const ids = new Set(failures.map((f) => f.itemIdentifier));
        failedAt = batch.findIndex((r) => ids.has(r.dynamodb?.SequenceNumber));
      }
      const ok = result.ok && failedAt < 0;
      this.options.onBatch?.({ records: batch.length, ok, ...(result.error ? { error: result.error.errorMessage } : {}) });
      if (ok) return records.length;
      if (failedAt > 0) batch = batch.slice(failedAt);
      attempt += 1;
      const max = this.options.maximumRetryAttempts;
      if (max !== undefined && max >= 0 && attempt > max) return records.length; // discarded, as Lambda does after its retries
      if (this.stopped) return records.indexOf(batch[0] as _Record); // every record before the first one not done
      await new Promise((r) => setTimeout(r, backoffDelay(attempt, RETRY_BACKOFF)));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop?.catch(() => undefined);
    this.client.destroy();
  }
}
