import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EnvelopeInvalidError } from './errors';
import { readMetadata } from './metadata';

/** AWS PutEvents limits (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html). */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** Maximum size of one entry and of all entries of one PutEvents call, counted by `entrySize`. */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;
/** What a set `Time` counts for in the entry size, whatever its value. */
export const PUT_EVENTS_TIME_BYTES = 14;

/**
 * What the runtime needs to send an event: the shape of `BuiltEvent` (build.ts)
 * (routing facts from the spec plus the validated detail).
 */
export interface OutgoingEvent {
  source: string;
  detailType: string;
  /** Key of the bus in the spec (`core`), resolved to a deployed name through config. */
  bus: string;
  busName: string;
  detail: unknown;
  resources?: readonly string[];
}

export interface EntryOptions {
  /** Deployed bus name (or ARN). */
  eventBusName: string;
  /** X-Ray trace header to propagate (`_X_AMZN_TRACE_ID`). */
  traceHeader?: string;
}

/**
 * Converts an event to a PutEvents entry: Detail is the JSON of the detail, Time is the
 * envelope's `occurredAt` (so EventBridge's `time` is when it happened, not when the relay
 * sent it), Resources and TraceHeader when present. Throws EnvelopeInvalidError on an
 * event EventBridge would reject, before any call is made.
 */
export function toPutEventsEntry(event: OutgoingEvent, options: EntryOptions): PutEventsRequestEntry {
  if (typeof event.source !== 'string' || event.source === '') throw new EnvelopeInvalidError('source is empty');
  if (typeof event.detailType !== 'string' || event.detailType === '') throw new EnvelopeInvalidError('detail-type is empty');
  if (typeof event.detail !== 'object' || event.detail === null || Array.isArray(event.detail)) {
    throw new EnvelopeInvalidError(`detail of ${event.detailType} must be a JSON object`);
  }
  let detail: string;
  try {
    detail = JSON.stringify(event.detail);
  } catch (cause) {
    throw new EnvelopeInvalidError(`detail of ${event.detailType} is not serialisable to JSON: ${(cause as Error).message}`, { cause });
  }
  const resources = event.resources ?? [];
  if (!resources.every((r) => typeof r === 'string' && r !== '')) throw new EnvelopeInvalidError(`resources of ${event.detailType} must be non-empty strings`);
  const occurredAt = readMetadata(event.detail).occurredAt;
  let time: Date | undefined;
  if (occurredAt !== undefined) {
    time = new Date(occurredAt);
    if (Number.isNaN(time.getTime())) throw new EnvelopeInvalidError(`metadata.occurredAt of ${event.detailType} is not a date: ${occurredAt}`);
  }
  return {
    Source: event.source,
    DetailType: event.detailType,
    Detail: detail,
    EventBusName: options.eventBusName,
    ...(resources.length ? { Resources: [...resources] } : {}),
    ...(time ? { Time: time } : {}),
    ...(options.traceHeader ? { TraceHeader: options.traceHeader } : {}),
  };
}

/**
 * Entry size the way EventBridge counts it: Time 14 bytes if set, plus the UTF-8 bytes of
 * Source, DetailType, Detail and each Resource. EventBusName and TraceHeader do not count.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? PUT_EVENTS_TIME_BYTES : 0;
  size += Buffer.byteLength(entry.Source ?? '', 'utf8');
  size += Buffer.byteLength(entry.DetailType ?? '', 'utf8');
  if (entry.Detail !== undefined) size += Buffer.byteLength(entry.Detail, 'utf8');
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, 'utf8');
  return size;
}
