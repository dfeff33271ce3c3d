/**
 * IPv4/IPv6 addresses and CIDR ranges, parsed without node:net so that the catalogue (shared/)
 * can validate them and the IP filter policies can compile them into matchers. An address is
 * 16 bytes; IPv4 is kept as IPv4-mapped IPv6 (`::ffff:a.b.c.d`) so that `127.0.0.1` and
 * `::ffff:127.0.0.1` are the same address, as Node reports either depending on the socket.
 */

export interface IpRange {
  /** 16 bytes, already masked to `prefix`. */
  bytes: Uint8Array;
  /** Prefix length over the 128-bit form (an IPv4 /24 is 120 here). */
  prefix: number;
  /** Written as IPv4 (for messages and for `::ffff:` handling). */
  v4: boolean;
}

const V4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function parseV4(text: string, into: Uint8Array, offset: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    if (!V4_PART.test(parts[i]!)) return false;
    into[offset + i] = Number(parts[i]);
  }
  return true;
}

/** 16 bytes for an IPv4 or IPv6 address (IPv4 as `::ffff:a.b.c.d`), or undefined. */
export function parseIpAddress(input: string): Uint8Array | undefined {
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const bytes = new Uint8Array(16);
  if (!text.includes(':')) {
    if (!parseV4(text, bytes, 12)) return undefined;
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    return bytes;
  }
  return parseV6(text, bytes) ? bytes : undefined;
}

function parseV6(text: string, bytes: Uint8Array): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const groups: number[] = [];
  const all = [...head, ...tail];
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) counts as two groups.
  const last = all[all.length - 1];
  let v4Tail: Uint8Array | undefined;
  if (last !== undefined && last.includes('.')) {
    v4Tail = new Uint8Array(4);
    if (!parseV4(last, v4Tail, 0)) return false;
    if (tail.length > 0) tail.pop();
    else head.pop();
  }
  const explicit = head.length + tail.length + (v4Tail ? 2 : 0);
  if (halves.length === 1 && explicit !== 8) return false;
  if (halves.length === 2 && explicit > 7) return false;
  for (const group of head) {
    const value = parseGroup(group);
    if (value === undefined) return false;
    groups.push(value);
  }
  if (halves.length === 2) for (let i = explicit; i < 8; i++) groups.push(0);
  for (const group of tail) {
    const value = parseGroup(group);
    if (value === undefined) return false;
    groups.push(value);
  }
  for (let i = 0; i < groups.length; i++) {
    bytes[i * 2] = groups[i]! >> 8;
    bytes[i * 2 + 1] = groups[i]! & 0xff;
  }
  if (v4Tail) bytes.set(v4Tail, 12);
  return true;
}

function parseGroup(group: string): number | undefined {
  if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
  return parseInt(group, 16);
}

/** True for `::ffff:a.b.c.d`. */
export function isV4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

export type IpRangeResult = { ok: true; range: IpRange } | { ok: false; message: string };

/** Flex's octet prefixes: `192.168.2` is 192.168.2.0/24, `192.160` is 192.160.0.0/16, `10` is 10.0.0.0/8. */
const V4_OCTET_PREFIX = /^\d{1,3}(\.\d{1,3}){0,2}$/;

/**
 * `10.0.0.0/8`, `2001:db8::/32`, a single address (a /32 or /128), or the first one to three
 * octets of an IPv4 address, as Flex's IP allowlist and blocklist policies document.
 */
export function parseIpRange(input: string): IpRangeResult {
  const text = input.trim();
  if (V4_OCTET_PREFIX.test(text)) {
    const octets = text.split('.');
    const bytes = parseIpAddress([...octets, '0', '0', '0'].slice(0, 4).join('.'));
    if (!bytes) return { ok: false, message: `"${input}" is not an IPv4 prefix (each octet 0–255, without leading zeros)` };
    const prefix = 96 + octets.length * 8;
    return { ok: true, range: { bytes: maskBytes(bytes, prefix), prefix, v4: true } };
  }
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIpAddress(addressText);
  if (!bytes) return { ok: false, message: `"${input}" is not an IPv4/IPv6 address or CIDR range` };
  const v4 = !addressText.includes(':') || isV4Mapped(bytes);
  const max = v4 && !addressText.includes(':') ? 32 : 128;
  let prefix = 128;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max)
      return { ok: false, message: `"${input}" has an invalid prefix length (0–${max} expected)` };
    prefix = Number(prefixText) + (max === 32 ? 96 : 0);
  }
  return { ok: true, range: { bytes: maskBytes(bytes, prefix), prefix, v4 } };
}

function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = bytes[i]! & ((0xff << (8 - bits)) & 0xff);
  }
  return out;
}

/** True when `address` (16 bytes) lies in `range`. */
export function rangeContains(range: IpRange, address: Uint8Array): boolean {
  const full = range.prefix >> 3;
  for (let i = 0; i < full; i++) if (address[i] !== range.bytes[i]) return false;
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (address[full]! & mask) === range.bytes[full];
}
