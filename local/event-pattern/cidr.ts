// IP addresses and CIDR blocks, read the way aws/event-ruler (EventBridge's matcher) reads
// them: only text shaped like an IPv4 or IPv6 literal is an address, IPv4-mapped IPv6
// addresses are IPv4, and addresses compare as fixed-length hex strings (8 or 32 digits),
// so a range check is two string comparisons.

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** An inclusive range of addresses of one family, as uppercase hex strings. */
export interface CidrRange {
  readonly min: string;
  readonly max: string;
}

/** Text that looks like an IP literal (whether or not it is a valid one). */
export function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

// Called with the shape already checked: four dot-separated runs of digits.
function parseIpv4(text: string): number[] | undefined {
  const bytes = [0, 0, 0, 0];
  let part = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0x2e) part += 1;
    else if ((bytes[part] = (bytes[part] as number) * 10 + code - 0x30) > 255) return undefined;
  }
  return bytes;
}

function parseGroups(part: string): number[] | undefined {
  if (part === '') return [];
  const groups = part.split(':');
  return groups.every((g) => HEX_GROUP.test(g)) ? groups.map((g) => parseInt(g, 16)) : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  const gap = text.indexOf('::');
  if (gap !== text.lastIndexOf('::')) return undefined; // two gaps, or ':::'
  let groups: number[];
  if (gap < 0) {
    const all = parseGroups(text);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  } else {
    const head = parseGroups(text.slice(0, gap));
    const tail = parseGroups(text.slice(gap + 2));
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  // Like java.net.InetAddress: an IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 address.
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** The 4 or 16 bytes of an IP literal; undefined when the text is not one. */
export function parseIp(text: string): number[] | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

function toHex(bytes: readonly number[]): string {
  let hex = '';
  for (const b of bytes) hex += HEX_BYTES[b] as string;
  return hex;
}

/** An IP literal as a comparable hex string (8 digits for IPv4, 32 for IPv6), or undefined. */
export function ipToHex(text: string): string | undefined {
  const bytes = parseIp(text);
  return bytes ? toHex(bytes) : undefined;
}

// Every cidr rule on a bus reads the same address of an event: remember the last one.
let lastText: string | undefined;
let lastHex: string | undefined;

/** `ipToHex`, remembering the last value (rules on a bus test the same event value in turn). */
export function cachedIpToHex(text: string): string | undefined {
  if (text !== lastText) {
    lastText = text;
    lastHex = ipToHex(text);
  }
  return lastHex;
}

/** Whether an event value is an address inside the range. */
export function inCidr(range: CidrRange, value: string): boolean {
  const hex = cachedIpToHex(value);
  return hex !== undefined && hex.length === range.min.length && hex >= range.min && hex <= range.max;
}

/** Java's String.split: trailing empty strings are dropped. */
function javaSplit(text: string, separator: string): string[] {
  if (!text.includes(separator)) return [text];
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * Parses a `cidr` operand. Returns the range, or the reason AWS gives for rejecting it.
 * As in EventBridge, host bits may be set and the mask is at most 31 (IPv4) or 127 (IPv6).
 */
export function parseCidr(text: string): CidrRange | { readonly error: string } {
  const parts = javaSplit(text, '/');
  if (parts.length !== 2) return { error: "Malformed CIDR, one '/' required" };
  const [address = '', maskText = ''] = parts;
  if (!/^[+-]?[0-9]+$/.test(maskText) || Math.abs(Number(maskText)) > 2 ** 31 - 1) {
    return { error: 'Malformed CIDR, mask bits must be an integer' };
  }
  const mask = Number(maskText);
  if (mask < 0) return { error: 'Malformed CIDR, mask bits must not be negative' };
  if (!looksLikeIp(address)) return { error: `Nonstandard IP address: ${address}` };
  const bytes = parseIp(address);
  if (!bytes) return { error: `Invalid IP address: ${address}` };
  if (bytes.length === 4 && mask > 31) return { error: 'IPv4 mask bits must be < 32' };
  if (bytes.length === 16 && mask > 127) return { error: 'IPv6 mask bits must be < 128' };
  const min: number[] = [];
  const max: number[] = [];
  bytes.forEach((b, i) => {
    const fixedBits = Math.min(8, Math.max(0, mask - i * 8));
    const hostMask = 0xff >> fixedBits;
    min.push(b & ~hostMask & 0xff);
    max.push(b | hostMask);
  });
  return { min: toHex(min), max: toHex(max) };
}
