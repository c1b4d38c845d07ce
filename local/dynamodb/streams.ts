import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { resolveClientConfig } from '../../lib/clients';

/**
 * A DynamoDB stream event source, as Lambda runs it: polls every shard of the table's
 * stream, invokes the function with batches of records in order, retries a failed batch
 * (from the first failed record when the function reports batch item failures) until
 * it succeeds or `maximumRetryAttempts` is spent, and keeps its position per shard in a
 * checkpoint file so a restart resumes where it stopped.
 */

export interface StreamSourceOptions {
  endpoint: string;
  streamArn: string;
  /** The ARN functions see in `eventSourceARN` (the template's). */
  eventSourceArn: string;
  region: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  maximumRetryAttempts: number | undefined;
  checkpointFile: string | undefined;
  pollMs?: number;
  invoke: (event: unknown) => Promise<{ ok: boolean; result?: unknown; error?: { errorMessage: string } }>;
  onBatch?: (info: { records: number; ok: boolean; error?: string }) => void;
}

type Checkpoints = Record<string, string>;

export class StreamEventSource {
  private readonly client: DynamoDBStreamsClient;
  private stopped = false;
  private readonly checkpoints: Checkpoints;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: StreamSourceOptions) {
    this.client = new DynamoDBStreamsClient(resolveClientConfig('dynamodb', { endpoint: options.endpoint, env: {}, region: options.region }));
    this.checkpoints = options.checkpointFile && existsSync(options.checkpointFile) ? (JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as Checkpoints) : {};
  }

  start(): void {
    this.loop = this.run();
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

  private async run(): Promise<void> {
    const iterators = new Map<string, string | undefined>();
    const pollMs = this.options.pollMs ?? 100;
    while (!this.stopped) {
      try {
        const described = await this.client.send(new DescribeStreamCommand({ StreamArn: this.options.streamArn }));
        for (const shard of described.StreamDescription?.Shards ?? []) {
          if (shard.ShardId && !iterators.has(shard.ShardId)) iterators.set(shard.ShardId, await this.iterator(shard.ShardId));
        }
        let busy = false;
        for (const [shardId, iterator] of iterators) {
          if (!iterator || this.stopped) continue;
          let page;
          try {
            page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.batchSize }));
          } catch (error) {
            // An iterator that expired or points before the shard's trim horizon (DynamoDB
            // Local hands those out for empty shards): take a fresh one next round.
            const name = (error as { name?: string }).name;
            if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
            iterators.delete(shardId);
            continue;
          }
          const records = page.Records ?? [];
          if (records.length) {
            busy = true;
            const done = await this.deliver(records);
            const last = done > 0 ? records[done - 1]?.dynamodb?.SequenceNumber : undefined;
            if (last) {
              this.checkpoints[shardId] = last;
              this.save();
            }
            if (done < records.length) {
              // Stopped mid-batch: read again from the checkpoint.
              iterators.set(shardId, await this.iterator(shardId));
              continue;
            }
          }
          iterators.set(shardId, page.NextShardIterator);
        }
        if (!busy) await new Promise((r) => setTimeout(r, pollMs));
      } catch (error) {
        if (this.stopped) return;
        this.options.onBatch?.({ records: 0, ok: false, error: `stream poll failed: ${(error as Error).message}` });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Invokes until the batch succeeds (or retries run out); returns how many records are done. */
  private async deliver(records: _Record[]): Promise<number> {
    let attempt = 0;
    let batch = records;
    let offset = 0;
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
      if (ok) return offset + batch.length;
      if (failedAt > 0) {
        offset += failedAt;
        batch = batch.slice(failedAt);
      }
      attempt += 1;
      const max = this.options.maximumRetryAttempts;
      if (max !== undefined && max >= 0 && attempt > max) return records.length; // discarded, as Lambda does after its retries
      if (this.stopped) return offset;
      await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** Math.min(attempt, 6))));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop?.catch(() => undefined);
    this.client.destroy();
  }
}
