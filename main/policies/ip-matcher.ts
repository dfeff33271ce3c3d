/**
 * CIDR lists compiled into a matcher. IPv4 ranges become (network, mask) pairs of 32-bit
 * integers and IPv4 addresses (also `::ffff:a.b.c.d`, as Node reports them on dual-stack
 * sockets) are checked with integer arithmetic; only real IPv6 addresses take the byte path.
 */
import { isV4Mapped, parseIpAddress, parseIpRange, rangeContains, type IpRange } from '../../shared/policies/ip-address';

export type IpMatcher = (address: string) => boolean | undefined;

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function v4Number(text: string): number | undefined {
  const match = V4.exec(text);
  if (!match) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = Number(match[i]);
    if (part > 255) return undefined;
    value = value * 256 + part;
  }
  return value;
}

const V4_MAPPED_ANY = parseIpAddress('::ffff:0.0.0.0')!;

/**
 * Compiles `ranges` (already validated by the catalogue schema). The matcher returns true/false,
 * or undefined when the input is not an IP address at all.
 */
export function compileIpMatcher(ranges: readonly string[]): IpMatcher {
  const v4: { network: number; mask: number }[] = [];
  const v6: IpRange[] = [];
  let allV4 = false;
  for (const [index, text] of ranges.entries()) {
    const parsed = parseIpRange(text);
    if (!parsed.ok) throw new Error(`ips[${index}]: ${parsed.message}`);
    const range = parsed.range;
    if (range.v4 && range.prefix >= 96) {
      const bits = range.prefix - 96;
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      const b = range.bytes;
      const network = ((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0;
      v4.push({ network: (network & mask) >>> 0, mask });
    } else {
      v6.push(range);
      // `::/0` or `::ffff:0:0/96`-covering ranges include every IPv4 address.
      if (rangeContains(range, V4_MAPPED_ANY) && range.prefix <= 96) allV4 = true;
    }
  }

  const matchV4 = (value: number): boolean => {
    if (allV4) return true;
    for (let i = 0; i < v4.length; i++) if (((value & v4[i]!.mask) >>> 0) === v4[i]!.network) return true;
    return false;
  };

  return (address) => {
    const text = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
    const value = v4Number(text);
    if (value !== undefined) return matchV4(value);
    const bytes = parseIpAddress(text);
    if (!bytes) return undefined;
    if (isV4Mapped(bytes)) return matchV4(((bytes[12]! << 24) | (bytes[13]! << 16) | (bytes[14]! << 8) | bytes[15]!) >>> 0);
    for (const range of v6) if (rangeContains(range, bytes)) return true;
    return false;
  };
}

/**
 * The client address from a header value such as X-Forwarded-For: the first entry of the list,
 * without a port (`1.2.3.4:5678`, `[2001:db8::1]:443`) or quotes (RFC 7239 style).
 */
export function firstAddress(value: string): string {
  const comma = value.indexOf(',');
  let first = (comma < 0 ? value : value.slice(0, comma)).trim().replace(/^"|"$/g, '');
  if (first.startsWith('[')) {
    const end = first.indexOf(']');
    return end < 0 ? first : first.slice(1, end);
  }
  const colon = first.indexOf(':');
  if (colon >= 0 && first.indexOf(':', colon + 1) < 0) first = first.slice(0, colon);
  return first;
}
