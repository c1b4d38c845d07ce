/**
 * The engine's state as the JSON snapshot `persistence.ts` writes, and back: queues with their
 * messages (binary attribute values as base64), deduplication entries and move tasks.
 */
import { md5OfBody, type MessageAttributeValue } from './messages';
import type { StoredMessage } from './model';
import type { MessageMoveTasks } from './move-tasks';
import { SNAPSHOT_VERSION, type PersistedAttribute, type PersistedMessage, type SqsSnapshot } from './persistence';
import { queueState } from './queue-admin';
import type { QueueRegistry } from './registry';

export function snapshotOf(queues: QueueRegistry, moveTasks: MessageMoveTasks): SqsSnapshot {
  return {
    version: SNAPSHOT_VERSION,
    queues: [...queues.all()].map((q) => ({
      name: q.name,
      createdAt: q.createdAt,
      lastModifiedAt: q.lastModifiedAt,
      attributes: q.attributes,
      tags: q.tags,
      nextSequence: q.nextSequence,
      messages: [...q.messages.values()].map(persistMessage),
      dedup: [...q.dedup.entries()].map(([id, entry]) => ({ id, ...entry })),
    })),
    moveTasks: moveTasks.snapshot(),
  };
}

/** Loads a snapshot into empty queues and move tasks; interrupted move tasks carry on. */
export function restoreSnapshot(snapshot: SqsSnapshot, queues: QueueRegistry, moveTasks: MessageMoveTasks): void {
  for (const saved of snapshot.queues) {
    queues.add(
      queueState({
        name: saved.name,
        createdAt: saved.createdAt,
        lastModifiedAt: saved.lastModifiedAt,
        attributes: saved.attributes,
        tags: saved.tags,
        messages: new Map(saved.messages.map((m) => [m.id, restoreMessage(m)])),
        dedup: new Map(saved.dedup.map(({ id, ...entry }) => [id, entry])),
        nextSequence: saved.nextSequence,
      }),
    );
  }
  moveTasks.restore(snapshot.moveTasks);
}

function persistMessage(m: StoredMessage): PersistedMessage {
  const { md5OfBody: _digest, messageAttributes, systemAttributes, ...rest } = m;
  return { ...rest, messageAttributes: mapAttributes(messageAttributes, toBase64), systemAttributes: mapAttributes(systemAttributes, toBase64) };
}

function restoreMessage(m: PersistedMessage): StoredMessage {
  return { ...m, md5OfBody: md5OfBody(m.body), messageAttributes: mapAttributes(m.messageAttributes, fromBase64), systemAttributes: mapAttributes(m.systemAttributes, fromBase64) };
}

const toBase64 = (value: Uint8Array): string => Buffer.from(value).toString('base64');
const fromBase64 = (value: string): Uint8Array => Buffer.from(value, 'base64');

/** One walk for both directions: only the binary value changes form. */
function mapAttributes<From extends PersistedAttribute | MessageAttributeValue, To>(
  attributes: Readonly<Record<string, From>>,
  binary: (value: NonNullable<From['binaryValue']>) => To,
): Record<string, { dataType: string; stringValue?: string; binaryValue?: To }> {
  const out: Record<string, { dataType: string; stringValue?: string; binaryValue?: To }> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      dataType: value.dataType,
      ...(value.stringValue !== undefined ? { stringValue: value.stringValue } : {}),
      ...(value.binaryValue !== undefined ? { binaryValue: binary(value.binaryValue as NonNullable<From['binaryValue']>) } : {}),
    };
  }
  return out;
}
