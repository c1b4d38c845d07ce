import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { sdk } from '../clients/sdk';
import { ENV, optionalEnv, resolveBusName, type Env } from '../config';
import { entrySize, EnvelopeInvalidError, PUT_EVENTS_MAX_BYTES, PUT_EVENTS_MAX_ENTRIES, readMetadata, toPutEventsEntry, type OutgoingEvent } from '../envelope';
import { PublishFailedError, PublishRefusedError, type EventRef, type PublishedEvent, type RefusedEvent, type UnsentEvent } from './errors';
import { DEFAULT_RETRY, isRetryableCallError, realSleep, retryDelay, RETRYABLE_ENTRY_ERRORS, type RetryPolicy } from './retry';

/** The one client method the publisher uses (an EventBridgeClient, or a fake in tests). */
export type PutEventsClient = Pick<EventBridgeClient, 'send'>;

export interface BusPublisherOptions {
  client: PutEventsClient;
  /** Deployed bus names by spec key; wins over `EVENT_BUS_<KEY>` (tests, tools). */
  busNames?: Readonly<Record<string, string>>;
  /** Environment for bus names and the trace header (default `process.env`). */
  env?: Env;
  retry?: Partial<RetryPolicy>;
  /** Injectable for tests; default setTimeout and Math.random. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Size limits; tests may lower them, nobody may raise them above AWS's. */
  maxEntriesPerCall?: number;
  maxBytesPerCall?: number;
  /** Receives a line per retry (e.g. a Powertools logger's `warn`). */
  onRetry?: (info: { attempt: number; delayMs: number; entries: number; reason: string }) => void;
}

export interface BusPublisher {
  /**
   * Sends events with PutEvents and returns them with their EventBridge ids, in input
   * order. Invalid or oversized events make it throw PublishRefusedError before any call;
   * events still unsent after every retry make it throw PublishFailedError naming each.
   */
  publish(events: OutgoingEvent | readonly OutgoingEvent[]): Promise<PublishedEvent[]>;
}

interface Prepared {
  ref: EventRef;
  entry: PutEventsRequestEntry;
  size: number;
}

/** Splits entries, in order, into calls of at most `maxEntries` entries and `maxBytes` bytes. */
export function chunkEntries<T extends { size: number }>(items: readonly T[], maxEntries: number = PUT_EVENTS_MAX_ENTRIES, maxBytes: number = PUT_EVENTS_MAX_BYTES): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length && (current.length === maxEntries || bytes + item.size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** What preparing and sending share for one publisher. */
interface PublisherDeps {
  client: PutEventsClient;
  policy: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  maxBytes: number;
  env: Env;
  busNameOf: (key: string) => string;
  onRetry: BusPublisherOptions['onRetry'];
}

/** Bus names by spec key, resolved once each (ConfigMissingError naming EVENT_BUS_<KEY> when one is not set: fail loudly). */
function busNameResolver(given: Readonly<Record<string, string>> | undefined, env: Env): (key: string) => string {
  const busNames = new Map<string, string>(Object.entries(given ?? {}));
  return (key) => {
    let name = busNames.get(key);
    if (name === undefined) {
      name = resolveBusName(key, env);
      busNames.set(key, name);
    }
    return name;
  };
}

/** Entries for the events, in order; throws PublishRefusedError naming every event PutEvents could never take. */
function prepare(deps: PublisherDeps, events: readonly OutgoingEvent[]): Prepared[] {
  // The trace header changes per invocation, so it is read at publish time.
  const traceHeader = optionalEnv(ENV.traceHeader, deps.env);
  const prepared: Prepared[] = [];
  const refused: RefusedEvent[] = [];
  events.forEach((event, index) => {
    const envelopeEventId = readMetadata(event.detail).eventId;
    const ref: EventRef = { index, source: event.source, detailType: event.detailType, bus: event.bus, ...(envelopeEventId ? { envelopeEventId } : {}) };
    let entry: PutEventsRequestEntry;
    try {
      entry = toPutEventsEntry(event, { eventBusName: deps.busNameOf(event.bus), ...(traceHeader ? { traceHeader } : {}) });
    } catch (error) {
      if (!(error instanceof EnvelopeInvalidError)) throw error;
      refused.push({ ...ref, reason: error.reason });
      return;
    }
    const size = entrySize(entry);
    if (size > deps.maxBytes) {
      refused.push({ ...ref, reason: `entry is ${size} bytes, PutEvents accepts at most ${deps.maxBytes}` });
      return;
    }
    prepared.push({ ref, entry, size });
  });
  if (refused.length) throw new PublishRefusedError(refused);
  return prepared;
}

/** One PutEvents call: entries in, entries to retry, the others `unsent`; returns the reason of the last retryable failure. */
async function putOnce(deps: PublisherDeps, pending: readonly Prepared[], attempt: number, retry: Prepared[], published: PublishedEvent[], unsent: UnsentEvent[]): Promise<string> {
  let lastReason = '';
  try {
    const output = await deps.client.send(new (sdk.eventBridge().PutEventsCommand)({ Entries: pending.map((p) => p.entry) }));
    const results = output.Entries ?? [];
    pending.forEach((item, i) => {
      const result = results[i];
      if (result?.EventId && !result.ErrorCode) {
        published.push({ ...item.ref, eventId: result.EventId });
        return;
      }
      const errorCode = result?.ErrorCode ?? 'MissingResult';
      const errorMessage = result?.ErrorMessage ?? (result ? 'no EventId returned' : 'PutEvents returned no result for this entry');
      if ((RETRYABLE_ENTRY_ERRORS.has(errorCode) || errorCode === 'MissingResult') && attempt < deps.policy.maxAttempts) {
        retry.push(item);
        lastReason = `${errorCode}: ${errorMessage}`;
      } else {
        unsent.push({ ...item.ref, errorCode, errorMessage, attempts: attempt });
      }
    });
  } catch (error) {
    const e = error as { name?: string; message?: string };
    if (isRetryableCallError(error) && attempt < deps.policy.maxAttempts) {
      retry.push(...pending);
      lastReason = `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
    } else {
      for (const item of pending) unsent.push({ ...item.ref, errorCode: e.name ?? 'Error', errorMessage: e.message ?? String(error), attempts: attempt });
    }
  }
  return lastReason;
}

/** Sends one chunk until every entry is in or out of attempts; fills `published`/`unsent`. */
async function sendChunk(deps: PublisherDeps, chunk: Prepared[], published: PublishedEvent[], unsent: UnsentEvent[]): Promise<void> {
  let pending = chunk;
  for (let attempt = 1; pending.length; attempt++) {
    const retry: Prepared[] = [];
    const lastReason = await putOnce(deps, pending, attempt, retry, published, unsent);
    if (retry.length) {
      const delayMs = retryDelay(attempt, deps.policy, deps.random);
      deps.onRetry?.({ attempt, delayMs, entries: retry.length, reason: lastReason });
      await deps.sleep(delayMs);
    }
    pending = retry;
  }
}

/** A publisher over an EventBridge client: validation, chunking, per-entry retries with backoff. */
export function createBusPublisher(options: BusPublisherOptions): BusPublisher {
  const env = options.env ?? process.env;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new RangeError(`retry.maxAttempts must be an integer >= 1, got ${policy.maxAttempts}`);
  const maxEntries = Math.min(options.maxEntriesPerCall ?? PUT_EVENTS_MAX_ENTRIES, PUT_EVENTS_MAX_ENTRIES);
  const deps: PublisherDeps = {
    client: options.client,
    policy,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    maxBytes: Math.min(options.maxBytesPerCall ?? PUT_EVENTS_MAX_BYTES, PUT_EVENTS_MAX_BYTES),
    env,
    busNameOf: busNameResolver(options.busNames, env),
    onRetry: options.onRetry,
  };

  return {
    async publish(input) {
      const events: readonly OutgoingEvent[] = Array.isArray(input) ? input : [input as OutgoingEvent];
      if (!events.length) return [];
      const prepared = prepare(deps, events);
      const published: PublishedEvent[] = [];
      const unsent: UnsentEvent[] = [];
      // Sequential on purpose: keeps the order of events of one call (e.g. one aggregate's).
      for (const chunk of chunkEntries(prepared, maxEntries, deps.maxBytes)) await sendChunk(deps, chunk, published, unsent);
      published.sort((a, b) => a.index - b.index);
      if (unsent.length) throw new PublishFailedError(unsent.sort((a, b) => a.index - b.index), published);
      return published;
    },
  };
}
