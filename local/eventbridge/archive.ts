import { createWriteStream, existsSync, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { matches } from '../event-pattern';
import type { EventBridgeEvent, Json } from './types';

export interface ArchivedEvent {
  /** When the bus received it (ms). */
  at: number;
  event: EventBridgeEvent;
}

interface Archive {
  name: string;
  arn: string;
  busName: string;
  retentionDays?: number;
  pattern?: Json;
  events: ArchivedEvent[];
  sizeBytes: number;
  file?: WriteStream;
}

/**
 * Archives of a local bus: every event the bus receives that matches the archive's
 * pattern (all, without one), in memory and, with a data folder, appended as JSON lines
 * to `<dataDir>/archives/<name>.jsonl` so replays work across restarts. Events older
 * than the retention are dropped when the archive loads.
 */
export class ArchiveStore {
  private readonly archives = new Map<string, Archive>();

  constructor(private readonly dataDir: string | undefined) {}

  define(spec: { name: string; arn: string; busName: string; retentionDays?: number; pattern?: Json }): void {
    if (this.archives.has(spec.name)) return;
    const archive: Archive = { ...spec, events: [], sizeBytes: 0 };
    if (this.dataDir) {
      const dir = join(this.dataDir, 'archives');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${spec.name}.jsonl`);
      const cutoff = spec.retentionDays ? Date.now() - spec.retentionDays * 86_400_000 : 0;
      if (existsSync(path)) {
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          if (!line) continue;
          try {
            const e = JSON.parse(line) as ArchivedEvent;
            if (e.at >= cutoff) {
              archive.events.push(e);
              archive.sizeBytes += line.length;
            }
          } catch {
            // A torn last line after a crash: skip it.
          }
        }
      }
      archive.file = createWriteStream(path, { flags: 'a' });
    }
    this.archives.set(spec.name, archive);
  }

  record(busName: string, event: EventBridgeEvent, at: number): void {
    for (const archive of this.archives.values()) {
      if (archive.busName !== busName || (archive.pattern && !matches(archive.pattern, event))) continue;
      const entry: ArchivedEvent = { at, event };
      archive.events.push(entry);
      const line = JSON.stringify(entry);
      archive.sizeBytes += line.length;
      archive.file?.write(`${line}\n`);
    }
  }

  byArn(arn: string): Archive | undefined {
    return [...this.archives.values()].find((a) => a.arn === arn || a.name === arn);
  }

  async read(arn: string, start: number, end: number): Promise<ArchivedEvent[]> {
    const archive = this.byArn(arn);
    return archive ? archive.events.filter((e) => e.at >= start && e.at < end) : [];
  }

  list(): { name: string; arn: string; busName: string; retentionDays: number | undefined; eventCount: number; sizeBytes: number }[] {
    return [...this.archives.values()].map((a) => ({ name: a.name, arn: a.arn, busName: a.busName, retentionDays: a.retentionDays, eventCount: a.events.length, sizeBytes: a.sizeBytes }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.archives.values()].map((a) => new Promise<void>((r) => (a.file ? a.file.end(r) : r()))));
  }
}
