/**
 * Message-level rules of SQS: allowed body characters, message attribute validation, message
 * size, attribute selection on receive and the MD5 digests the SDK verifies.
 */
import { createHash } from 'node:crypto';
import { SqsInvalidMessageContentsError, SqsInvalidParameterValueError } from './errors';

/** A message attribute as SQS stores it (`StringListValues`/`BinaryListValues` are reserved by AWS and refused). */
export interface MessageAttributeValue {
  /** `String`, `Number` or `Binary`, optionally with a custom suffix (`Number.int`). */
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: Uint8Array;
}

export type MessageAttributes = Readonly<Record<string, MessageAttributeValue>>;

/** AWS limit: attributes per message. */
export const MESSAGE_ATTRIBUTES_MAX = 10;
/** System attributes a sender may set. */
export const SENDABLE_SYSTEM_ATTRIBUTES = ['AWSTraceHeader'] as const;

/** MD5 hex digest of a message body (UTF-8), as `MD5OfMessageBody` / `MD5OfBody`. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/**
 * MD5 of message attributes, per the SQS algorithm: attributes sorted by name; for each, the
 * length-prefixed (4-byte big-endian) name and data type, a transport byte (1 string, 2
 * binary) and the length-prefixed value. `undefined` when there are no attributes.
 */
export function md5OfMessageAttributes(attributes: MessageAttributes): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Uint8Array): void => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of names) {
    const value = attributes[name];
    if (!value) continue;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(value.dataType, 'utf8'));
    if (value.binaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      lengthPrefixed(value.binaryValue);
    } else {
      hash.update(Buffer.from([1]));
      lengthPrefixed(Buffer.from(value.stringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

/** `#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF`; lone surrogates are refused too. */
const INVALID_BODY_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Throws `InvalidMessageContents` when the body holds a character SQS refuses. */
export function assertValidBody(body: string): void {
  if (INVALID_BODY_CHAR.test(body)) throw new SqsInvalidMessageContentsError();
}

/** Bytes SQS counts against `MaximumMessageSize`: body plus attribute names, types and values. */
export function messageSize(body: string, attributes: MessageAttributes): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.dataType, 'utf8');
    size += value.binaryValue !== undefined ? value.binaryValue.length : Buffer.byteLength(value.stringValue ?? '', 'utf8');
  }
  return size;
}

/** Letters, digits, `_`, `-` and `.` (Unicode letters too: SQS accepts e.g. `öther`). */
const ATTRIBUTE_NAME = /^[\p{L}\p{N}_.-]{1,256}$/u;

/** Validates message attributes as SQS does (names, data types, values, count). */
export function assertValidMessageAttributes(attributes: MessageAttributes, kind: 'message' | 'system' = 'message'): void {
  const entries = Object.entries(attributes);
  if (entries.length > MESSAGE_ATTRIBUTES_MAX) {
    throw new SqsInvalidParameterValueError(`Number of message attributes [${entries.length}] exceeds the allowed maximum [${MESSAGE_ATTRIBUTES_MAX}].`);
  }
  for (const [name, value] of entries) {
    if (kind === 'system' && !(SENDABLE_SYSTEM_ATTRIBUTES as readonly string[]).includes(name)) {
      throw new SqsInvalidParameterValueError(`Message system attribute name '${name}' is invalid.`);
    }
    if (kind === 'message') {
      const lower = name.toLowerCase();
      if (!ATTRIBUTE_NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..') || lower.startsWith('aws.') || lower.startsWith('amazon.')) {
        throw new SqsInvalidParameterValueError(`Message attribute name '${name}' is invalid.`);
      }
    }
    const base = value.dataType.split('.')[0];
    if (base !== 'String' && base !== 'Number' && base !== 'Binary') {
      throw new SqsInvalidParameterValueError(`The type of message attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    if (value.dataType.length > 256) {
      throw new SqsInvalidParameterValueError(`Message attribute '${name}' has a data type longer than 256 characters.`);
    }
    if (base === 'Binary') {
      if (value.binaryValue === undefined || value.stringValue !== undefined) {
        throw new SqsInvalidParameterValueError(`Message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      }
      continue;
    }
    if (value.stringValue === undefined || value.binaryValue !== undefined) {
      throw new SqsInvalidParameterValueError(`Message attribute '${name}' must contain a non-empty value of type '${base}'.`);
    }
    if (value.stringValue === '') {
      throw new SqsInvalidParameterValueError(`Message attribute '${name}' must contain a non-empty message attribute value.`);
    }
    if (base === 'Number' && !Number.isFinite(Number(value.stringValue))) {
      throw new SqsInvalidParameterValueError(`Can't cast the value of message (user) attribute '${name}' to a number.`);
    }
    if (INVALID_BODY_CHAR.test(value.stringValue)) {
      throw new SqsInvalidParameterValueError(`Message attribute '${name}' contains invalid characters.`);
    }
  }
}

/**
 * The attributes a `MessageAttributeNames` request selects: `All` or `.*` for all, a name, or a
 * prefix ending in `.*` (`order.*`).
 */
export function selectMessageAttributes(attributes: MessageAttributes, requested: readonly string[] | undefined): MessageAttributes {
  if (!requested || requested.length === 0) return {};
  if (requested.includes('All') || requested.includes('.*')) return attributes;
  const selected: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const wanted = requested.some((r) => (r.endsWith('.*') ? name.startsWith(r.slice(0, -1)) : r === name));
    if (wanted) selected[name] = value;
  }
  return selected;
}
