import { createHash } from 'node:crypto';

/**
 * A name-based UUID (version 5, SHA-1, RFC 9562): the same namespace and name always give
 * the same id. Use it where a retry or a duplicate delivery must produce the same entity
 * (an offer per incident and vendor, an event derived from another), so a conditional
 * write can tell "already done" from "new".
 */
export function nameUuid(namespace: string, ...name: string[]): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new TypeError(`nameUuid: namespace must be a UUID, got "${namespace}"`);
  const hash = createHash('sha1').update(ns).update(name.join('\u0000')).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
