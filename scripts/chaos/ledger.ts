/**
 * What happened to every event during a chaos run, recorded from inside the local cloud:
 * each event put on a bus (with the rules it matched), and each SQS message carrying it
 * (sent to a queue, then deleted by its consumer or moved to a DLQ). The verdict reads it.
 */
import type { LocalCloud } from '../../local/runtime';

export type MessageEnd = 'pending' | 'consumed' | 'dlq';

export interface BusRecord {
  bus: string;
  detailType: string;
  correlationId: string | undefined;
  rules: string[];
}

export interface ChaosLedger {
  /** Events by envelope eventId: every time it was put on a bus. */
  readonly bus: Map<string, BusRecord[]>;
  /** Messages by `<queue> <eventId>`: how each copy ended. */
  readonly messages: Map<string, Map<string, MessageEnd>>;
  /** Messages moved to each DLQ, with their event's correlation id. */
  readonly deadLetters: Map<string, { eventId: string | undefined; correlationId: string | undefined }[]>;
  /** SQS receives beyond the first (redeliveries: retries and duplicates). */
  redeliveries: number;
  /** Lambda invocations that failed (injected or not). */
  failedInvocations: number;
  /** Deliveries from a rule to its target that failed for good. */
  deliveryFailures: string[];
  /** When anything last happened (ms): the run is quiet when this stops moving. */
  lastActivity: number;
}

interface Envelope {
  'detail-type'?: string;
  detail?: { metadata?: { eventId?: string; correlationId?: string } };
}

const metadataOf = (event: Envelope): { eventId?: string; correlationId?: string } => event.detail?.metadata ?? {};

/** Starts recording; call right after `cloud.start()`, before any traffic. */
export function recordLedger(cloud: LocalCloud): ChaosLedger {
  const ledger: ChaosLedger = { bus: new Map(), messages: new Map(), deadLetters: new Map(), redeliveries: 0, failedInvocations: 0, deliveryFailures: [], lastActivity: Date.now() };
  const byMessage = new Map<string, { key: string; eventId: string | undefined; correlationId: string | undefined }>();
  const touch = (): void => void (ledger.lastActivity = Date.now());
  cloud.events.on('event', (e: { bus: string; event: Envelope; rules: string[] }) => {
    touch();
    const { eventId, correlationId } = metadataOf(e.event);
    if (!eventId) return;
    const seen = ledger.bus.get(eventId) ?? [];
    seen.push({ bus: e.bus, detailType: e.event['detail-type'] ?? '', correlationId, rules: e.rules });
    ledger.bus.set(eventId, seen);
  });
  cloud.events.on('delivery-failed', (e: { rule: string; target: string; error: string }) => ledger.deliveryFailures.push(`${e.rule} -> ${e.target}: ${e.error}`));
  cloud.sqs.events.on('sent', (e: { queue: { name: string }; messageId: string; body: string }) => {
    touch();
    let envelope: Envelope = {};
    try {
      envelope = JSON.parse(e.body) as Envelope;
    } catch {
      // not an event: still tracked, under no eventId
    }
    const { eventId, correlationId } = metadataOf(envelope);
    const key = `${e.queue.name} ${eventId ?? '-'}`;
    byMessage.set(e.messageId, { key, eventId, correlationId });
    const copies = ledger.messages.get(key) ?? new Map<string, MessageEnd>();
    copies.set(e.messageId, 'pending');
    ledger.messages.set(key, copies);
  });
  const end = (messageId: string, how: MessageEnd): void => {
    const message = byMessage.get(messageId);
    if (message) ledger.messages.get(message.key)?.set(messageId, how);
  };
  cloud.sqs.events.on('received', (e: { receiveCount: number }) => {
    touch();
    if (e.receiveCount > 1) ledger.redeliveries += 1;
  });
  cloud.sqs.events.on('deleted', (e: { messageId: string }) => (touch(), end(e.messageId, 'consumed')));
  cloud.sqs.events.on('movedToDlq', (e: { deadLetterQueue: { name: string }; messageId: string }) => {
    touch();
    end(e.messageId, 'dlq');
    const message = byMessage.get(e.messageId);
    const list = ledger.deadLetters.get(e.deadLetterQueue.name) ?? [];
    list.push({ eventId: message?.eventId, correlationId: message?.correlationId });
    ledger.deadLetters.set(e.deadLetterQueue.name, list);
  });
  cloud.runner.on('invoked', (e: { ok: boolean }) => {
    touch();
    if (!e.ok) ledger.failedInvocations += 1;
  });
  return ledger;
}
