import { describe, expect, it } from 'vitest';
import { parseIpAddress, parseIpRange, rangeContains } from './ip-address';

describe('IP address parsing', () => {
  it.each(['0.0.0.0', '255.255.255.255', '::', '::1', '2001:db8::', 'fe80::1%eth0', '[::1]', '1:2:3:4:5:6:7:8', '::ffff:1.2.3.4', '64:ff9b::192.0.2.33', 'a:b::c:d'])('accepts %s', (text) => {
    expect(parseIpAddress(text)).toBeInstanceOf(Uint8Array);
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-1', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', ':1:2', 'localhost', '1:2:3:4:5:6:7::8:9'])('refuses %s', (text) => {
    expect(parseIpAddress(text)).toBeUndefined();
  });

  it('stores IPv4 as IPv4-mapped IPv6, so both spellings are one address', () => {
    expect(parseIpAddress('10.0.0.1')).toEqual(parseIpAddress('::ffff:10.0.0.1'));
    expect(parseIpAddress('10.0.0.1')).toEqual(parseIpAddress('::ffff:a00:1'));
    expect(parseIpAddress('::1')).toEqual(parseIpAddress('0:0:0:0:0:0:0:1'));
  });

  it('parses ranges, masking host bits, and checks containment', () => {
    const range = parseIpRange('10.1.2.3/16');
    expect(range.ok).toBe(true);
    if (!range.ok) return;
    expect(rangeContains(range.range, parseIpAddress('10.1.200.9')!)).toBe(true);
    expect(rangeContains(range.range, parseIpAddress('10.2.0.1')!)).toBe(false);
    const v6 = parseIpRange('2001:db8:abcd::/35');
    expect(v6.ok && rangeContains(v6.range, parseIpAddress('2001:db8:c000::1')!)).toBe(false);
    expect(v6.ok && rangeContains(v6.range, parseIpAddress('2001:db8:bfff::1')!)).toBe(true);
  });

  it.each([
    ['192.168.2', '192.168.2.0', '192.168.3.0'],
    ['192.160', '192.160.255.255', '192.161.0.0'],
    ['10', '10.200.0.1', '11.0.0.0'],
  ])("reads Flex's octet prefix %s as the range it names", (prefix, inside, outside) => {
    const range = parseIpRange(prefix);
    expect(range.ok).toBe(true);
    if (!range.ok) return;
    expect(rangeContains(range.range, parseIpAddress(inside)!)).toBe(true);
    expect(rangeContains(range.range, parseIpAddress(outside)!)).toBe(false);
    expect(range.range.prefix).toBe(96 + prefix.split('.').length * 8);
  });

  it.each(['192.256', '192.168.', '192.168.02', '192.168/16', '.192'])('refuses the malformed prefix %s', (text) => {
    expect(parseIpRange(text).ok).toBe(false);
  });

  it('names the problem', () => {
    expect(parseIpRange('10.0.0.0/33')).toEqual({ ok: false, message: expect.stringContaining('prefix length (0–32') });
    expect(parseIpRange('::/129')).toEqual({ ok: false, message: expect.stringContaining('0–128') });
    expect(parseIpRange('10.0.0.0/')).toEqual({ ok: false, message: expect.stringContaining('prefix') });
    expect(parseIpRange('ten.0.0.0/8')).toEqual({ ok: false, message: expect.stringContaining('not an IPv4/IPv6 address') });
  });
});
