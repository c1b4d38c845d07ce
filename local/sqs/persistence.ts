/**
 * Durable state of the SQS backend: one JSON file, `<dataDir>/sqs.json`, written atomically
 * (temp file + rename, so a crash leaves the old or the new state, never half of one) at most
 * once per debounce interval while the state changes, and on `flush()` / `close()`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SqsPersistenceError } from './errors';
import type { StoredMessage } from './model';

export const SNAPSHOT_FILE = 'sqs.json';
export const SNAPSHOT_VERSION = 1;

export interface PersistedAttribute {
  dataType: string;
  stringValue?: string;
  /** base64 */
  binaryValue?: string;
}

/** A stored message as JSON: binary attribute values in base64; the body digest is recomputed on load. */
export type PersistedMessage = Omit<StoredMessage, 'md5OfBody' | 'messageAttributes' | 'systemAttributes'> & {
  messageAttributes: Record<string, PersistedAttribute>;
  systemAttributes: Record<string, PersistedAttribute>;
};

export interface PersistedQueue {
  name: string;
  createdAt: number;
  lastModifiedAt: number;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  nextSequence: number;
  messages: PersistedMessage[];
  dedup: Array<{ id: string; messageId: string; sequenceNumber?: string; at: number }>;
}

export interface PersistedMoveTask {
  id: string;
  sourceArn: string;
  destinationArn?: string;
  maxNumberOfMessagesPerSecond?: number;
  status: string;
  moved: number;
  toMove: number;
  startedAt: number;
  failureReason?: string;
  pending: string[];
}

export interface SqsSnapshot {
  version: typeof SNAPSHOT_VERSION;
  queues: PersistedQueue[];
  moveTasks: PersistedMoveTask[];
}

/** Reads and writes the snapshot file of one data folder. */
export class SnapshotStore {
  readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private produce: (() => SqsSnapshot) | undefined;

  constructor(
    readonly dataDir: string,
    private readonly debounceMs: number,
  ) {
    this.file = join(dataDir, SNAPSHOT_FILE);
  }

  /** The stored snapshot, or `undefined` when the folder has none yet. */
  load(): SqsSnapshot | undefined {
    mkdirSync(this.dataDir, { recursive: true });
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SqsPersistenceError(`cannot read ${this.file}`, { cause });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new SqsPersistenceError(`${this.file} is not valid JSON; move it away to start empty`, { cause });
    }
    if (!isSnapshot(value)) {
      throw new SqsPersistenceError(`${this.file} is not an SQS snapshot of version ${SNAPSHOT_VERSION}; move it away to start empty`);
    }
    return value;
  }

  /** Asks for a write within the debounce interval; `produce` is called when it happens. */
  schedule(produce: () => SqsSnapshot): void {
    this.produce = produce;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => {
        // A failed background write is retried by the next change or by close(), which reports it.
      });
    }, this.debounceMs);
  }

  /** Writes now (after any write in progress) if something changed. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const produce = this.produce;
    this.produce = undefined;
    if (!produce) return this.writing;
    const next = this.writing
      .catch(() => undefined)
      .then(() => this.write(produce()))
      .catch((error: unknown) => {
        // Keep the unsaved state so the next flush (or close) tries again.
        this.produce ??= produce;
        throw error;
      });
    this.writing = next;
    return next;
  }

  private async write(snapshot: SqsSnapshot): Promise<void> {
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(this.dataDir, { recursive: true });
      await writeFile(temp, JSON.stringify(snapshot));
      await rename(temp, this.file);
    } catch (cause) {
      throw new SqsPersistenceError(`cannot write ${this.file}`, { cause });
    }
  }
}

function isSnapshot(value: unknown): value is SqsSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.version === SNAPSHOT_VERSION && Array.isArray(v.queues) && Array.isArray(v.moveTasks);
}
