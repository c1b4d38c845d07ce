import { createWriteStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { matches } from '../event-pattern';
import type { EventBridgeEvent, Json } from './types';

export interface ArchivedEvent {
  /** When the bus received it (ms). */
  at: number;
  event: EventBridgeEvent;
}

/** What an archive is, as DescribeArchive tells it. */
export interface ArchiveInfo {
  name: string;
  arn: string;
  busName: string;
  /** 0 or absent: kept forever. */
  retentionDays?: number;
  pattern?: Json;
  description?: string;
  createdAt: number;
  eventCount: number;
  sizeBytes: number;
}

interface Archive {
  name: string;
  arn: string;
  busName: string;
  retentionDays?: number;
  pattern?: Json;
  description?: string;
  createdAt: number;
  events: ArchivedEvent[];
  sizeBytes: number;
  file?: WriteStream;
  path?: string;
}

export interface ArchiveSpec {
  name: string;
  arn: string;
  busName: string;
  retentionDays?: number;
  pattern?: Json;
  description?: string;
}

/**
 * Archives of a local bus: every event the bus receives that matches the archive's
 * pattern (all, without one), in memory and, with a data folder, appended as JSON lines
 * to `<dataDir>/archives/<name>.jsonl` so replays work across restarts. Events older
 * than the retention are dropped when the archive loads. Replayed events are never archived
 * (the bus does not `record` them). `fresh` (CreateArchive): a new archive starts empty even
 * when a file of an earlier archive of that name is left over; a template's archive (not
 * fresh) picks its events up again.
 */
export class ArchiveStore {
  private readonly archives = new Map<string, Archive>();
  /** Deletions whose file is still closing (`close()` waits for them). */
  private readonly removing = new Set<Promise<void>>();

  constructor(
    private readonly dataDir: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  has(name: string): boolean {
    return this.archives.has(name);
  }

  define(spec: ArchiveSpec, options: { fresh?: boolean } = {}): void {
    if (this.archives.has(spec.name)) return;
    const archive: Archive = { ...spec, createdAt: this.now(), events: [], sizeBytes: 0 };
    if (this.dataDir) {
      const dir = join(this.dataDir, 'archives');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${spec.name}.jsonl`);
      const cutoff = spec.retentionDays ? this.now() - spec.retentionDays * 86_400_000 : 0;
      if (options.fresh) rmSync(path, { force: true });
      if (existsSync(path)) {
        archive.createdAt = statSync(path).birthtimeMs || archive.createdAt;
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          if (!line) continue;
          try {
            const e = JSON.parse(line) as ArchivedEvent;
            if (e.at >= cutoff) {
              archive.events.push(e);
              archive.sizeBytes += Buffer.byteLength(line);
            }
          } catch {
            // A torn last line after a crash: skip it.
          }
        }
      }
      archive.path = path;
      // Opened now (not when the stream gets round to it), so a deletion can move the file away at once.
      archive.file = createWriteStream(path, { fd: openSync(path, 'a') });
    }
    this.archives.set(spec.name, archive);
  }

  /** UpdateArchive: the fields given replace the archive's (the events it holds stay). */
  update(name: string, changes: { description?: string; pattern?: Json; retentionDays?: number }): void {
    const archive = this.archives.get(name);
    if (!archive) return;
    if (changes.description !== undefined) archive.description = changes.description;
    if (changes.pattern !== undefined) archive.pattern = changes.pattern;
    if (changes.retentionDays !== undefined) archive.retentionDays = changes.retentionDays;
  }

  /** DeleteArchive: the archive and its events are gone at once, its file once its stream has closed. */
  remove(name: string): Promise<void> {
    const archive = this.archives.get(name);
    if (!archive) return Promise.resolve();
    this.archives.delete(name);
    const { file } = archive;
    // Moved aside at once: writes still in flight land in the moved file, and an archive made
    // again under the name starts a file of its own.
    const path = archive.path && existsSync(archive.path) ? `${archive.path}.deleted-${process.pid}-${Date.now()}` : undefined;
    if (path && archive.path) renameSync(archive.path, path);
    const done = new Promise<void>((resolve) => {
      if (!file) return resolve();
      file.once('close', () => resolve());
      file.end();
    }).then(() => {
      if (path) rmSync(path, { force: true });
    });
    this.removing.add(done);
    void done.finally(() => this.removing.delete(done));
    return done;
  }

  record(busName: string, event: EventBridgeEvent, at: number): void {
    for (const archive of this.archives.values()) {
      if (archive.busName !== busName || (archive.pattern && !matches(archive.pattern, event))) continue;
      const entry: ArchivedEvent = { at, event };
      archive.events.push(entry);
      const line = JSON.stringify(entry);
      archive.sizeBytes += Buffer.byteLength(line);
      archive.file?.write(`${line}\n`);
    }
  }

  byArn(arn: string): ArchiveInfo | undefined {
    const archive = [...this.archives.values()].find((a) => a.arn === arn || a.name === arn);
    return archive && info(archive);
  }

  async read(arn: string, start: number, end: number): Promise<ArchivedEvent[]> {
    const archive = [...this.archives.values()].find((a) => a.arn === arn || a.name === arn);
    return archive ? archive.events.filter((e) => e.at >= start && e.at < end) : [];
  }

  list(): ArchiveInfo[] {
    return [...this.archives.values()].map(info).sort((a, b) => a.name.localeCompare(b.name));
  }

  async close(): Promise<void> {
    await Promise.all([...this.archives.values()].map((a) => new Promise<void>((r) => (a.file ? a.file.end(r) : r()))));
    await Promise.all([...this.removing]);
  }
}

function info(a: Archive): ArchiveInfo {
  return {
    name: a.name,
    arn: a.arn,
    busName: a.busName,
    ...(a.retentionDays !== undefined ? { retentionDays: a.retentionDays } : {}),
    ...(a.pattern !== undefined ? { pattern: a.pattern } : {}),
    ...(a.description !== undefined ? { description: a.description } : {}),
    createdAt: a.createdAt,
    eventCount: a.events.length,
    sizeBytes: a.sizeBytes,
  };
}
