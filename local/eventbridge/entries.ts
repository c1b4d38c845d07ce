/**
 * What the bus checks before an event exists: PutEvents entries (each accepted or refused on
 * its own, with AWS's error codes and size rule) and TestEventPattern's inputs; plus AWS's
 * event time format.
 */
import { matches, validatePattern } from '../event-pattern';
import { EventBridgeError } from './errors';
import type { Json, PutEventsEntry, PutEventsResultEntry } from './types';

/** AWS limit: size of one PutEvents entry. */
const MAX_ENTRY_BYTES = 256 * 1024;

/** AWS's event time format: ISO 8601 without milliseconds. */
export const awsTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * The entry's fields when AWS would accept it, else the entry's error result. A source
 * starting with `aws.` belongs to AWS services: a caller's entry with one is refused with
 * `NotAuthorizedForSourceException` (`awsSources`: EventBridge's own forwarding, allowed).
 */
export function checkEntry(entry: PutEventsEntry, options: { awsSources?: boolean } = {}): { source: string; detailType: string; detail: Json } | Extract<PutEventsResultEntry, { ErrorCode: string }> {
  const fail = (ErrorCode: string, ErrorMessage: string): { ErrorCode: string; ErrorMessage: string } => ({ ErrorCode, ErrorMessage });
  if (!entry.Source) return fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
  if (!options.awsSources && entry.Source.startsWith('aws.')) return fail('NotAuthorizedForSourceException', 'Not authorized for the source.');
  if (!entry.DetailType) return fail('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.');
  if (entry.Detail === undefined) return fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return fail('MalformedDetail', 'Detail is malformed.');
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return fail('MalformedDetail', 'Detail is malformed.');
  const size = Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail) + (entry.Time ? 14 : 0) + (entry.Resources ?? []).reduce((n, r) => n + Buffer.byteLength(r), 0);
  if (size > MAX_ENTRY_BYTES) return fail('InvalidArgument', `Event size ${size} bytes exceeds the limit of ${MAX_ENTRY_BYTES} bytes.`);
  return { source: entry.Source, detailType: entry.DetailType, detail: detail as Json };
}

/** TestEventPattern: the pattern validated as PutRule does, the event checked for the fields AWS requires. */
export function testEventPattern(pattern: string, event: string): boolean {
  let p: Json;
  let e: unknown;
  try {
    p = JSON.parse(pattern) as Json;
  } catch (error) {
    throw new EventBridgeError('InvalidEventPatternException', 'Event pattern is not valid JSON.', { cause: error });
  }
  try {
    validatePattern(p);
  } catch (error) {
    throw new EventBridgeError('InvalidEventPatternException', (error as Error).message, { cause: error });
  }
  try {
    e = JSON.parse(event);
  } catch (error) {
    throw new EventBridgeError('ValidationException', 'Event is not valid JSON.', { cause: error });
  }
  for (const field of ['id', 'account', 'source', 'time', 'region', 'detail-type']) {
    if (typeof e !== 'object' || e === null || !(field in e)) throw new EventBridgeError('ValidationException', `Parameter Event is not valid: the event must have a "${field}" field.`);
  }
  return matches(p, e);
}
