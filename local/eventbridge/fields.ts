import { EventBridgeError } from './errors';
import type { Json, PutEventsEntry } from './types';

/**
 * Reading request fields with the JSON types the API declares. A field of the wrong type
 * is refused as AWS refuses it (400 SerializationException naming the field), never cast
 * and left to fail somewhere inside as a 500.
 */

const wrongType = (field: string, expected: string): EventBridgeError => new EventBridgeError('SerializationException', `Value for ${field} must be ${expected}.`);

/** The request body: a JSON object (an empty body reads as `{}`). */
export function requestObject(body: unknown): Json {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new EventBridgeError('SerializationException', 'The request body must be a JSON object.');
  return body as Json;
}

export function optString(input: Json, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw wrongType(field, 'a string');
  return v;
}

export function optObject(input: Json, field: string): Json | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw wrongType(field, 'an object');
  return v as Json;
}

export function optList<T>(input: Json, field: string, item: (value: unknown, at: string) => T): T[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw wrongType(field, 'a list');
  return v.map((x, i) => item(x, `${field}[${i}]`));
}

export const stringItem = (value: unknown, at: string): string => {
  if (typeof value !== 'string') throw wrongType(at, 'a string');
  return value;
};

export const objectItem = (value: unknown, at: string): Json => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrongType(at, 'an object');
  return value as Json;
};

/** One PutEvents entry, typed field by field. */
export function entryItem(value: unknown, at: string): PutEventsEntry {
  const entry = objectItem(value, at);
  const read = (field: string): string | undefined => optString(entry, field);
  const time = entry['Time'];
  if (time !== undefined && time !== null && typeof time !== 'number' && typeof time !== 'string') throw wrongType(`${at}.Time`, 'a timestamp');
  const out: PutEventsEntry = {};
  for (const field of ['Source', 'DetailType', 'Detail', 'EventBusName', 'TraceHeader'] as const) {
    const v = read(field);
    if (v !== undefined) out[field] = v;
  }
  const resources = optList(entry, 'Resources', stringItem);
  if (resources) out.Resources = resources;
  if (typeof time === 'number' || typeof time === 'string') out.Time = time;
  return out;
}
