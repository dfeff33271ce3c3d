import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startEchoUpstream, type TestServer } from '../testing/net';
import { compileIpMatcher, firstAddress } from './ip-matcher';
import { compilePolicy, decide, fakeRequest } from './testing';

describe('IP matcher', () => {
  const matches = compileIpMatcher(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', '::1', '172.16.0.0/12']);

  it.each([
    ['10.255.1.2', true],
    ['11.0.0.1', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['::ffff:10.1.2.3', true],
    ['::ffff:11.1.2.3', false],
    ['::FFFF:0a01:0203', true],
    ['2001:db8:1234::5', true],
    ['2001:db9::5', false],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['172.31.255.255', true],
    ['172.32.0.0', false],
    ['fe80::1%eth0', false],
  ])('%s → %s', (address, expected) => {
    expect(matches(address)).toBe(expected);
  });

  it('says when the input is not an address', () => {
    expect(matches('not-an-ip')).toBeUndefined();
    expect(matches('999.1.1.1')).toBeUndefined();
  });

  it('treats IPv4-mapped ranges and ::/0 as covering IPv4', () => {
    expect(compileIpMatcher(['::ffff:10.0.0.0/104'])('10.9.9.9')).toBe(true);
    expect(compileIpMatcher(['::/0'])('8.8.8.8')).toBe(true);
    expect(compileIpMatcher(['0.0.0.0/0'])('8.8.8.8')).toBe(true);
    expect(compileIpMatcher(['0.0.0.0/0'])('2001:db8::1')).toBe(false);
  });

  it('takes the first address of a forwarded list, without a port', () => {
    expect(firstAddress('203.0.113.9, 10.0.0.1')).toBe('203.0.113.9');
    expect(firstAddress(' 203.0.113.9:5555 ')).toBe('203.0.113.9');
    expect(firstAddress('[2001:db8::1]:443, 10.0.0.1')).toBe('2001:db8::1');
    expect(firstAddress('2001:db8::1')).toBe('2001:db8::1');
  });

  it("matches Flex's octet prefixes (192.168.2 is a /24, 192.160 a /16)", () => {
    const prefixes = compileIpMatcher(['192.168.2', '192.160']);
    expect(prefixes('192.168.2.77')).toBe(true);
    expect(prefixes('::ffff:192.168.2.1')).toBe(true);
    expect(prefixes('192.168.3.1')).toBe(false);
    expect(prefixes('192.160.40.2')).toBe(true);
    expect(prefixes('192.161.0.1')).toBe(false);
  });

  it('refuses a list the schema would refuse, naming the index', () => {
    expect(() => compileIpMatcher(['10.0.0.1', '10.0.0.0/40'])).toThrow(/ips\[1\]/);
  });
});

describe('ip-allowlist-flex / ip-blocklist-flex (unit)', () => {
  it('allowlist: 403 IP_NOT_ALLOWED outside the list, using the connection address by default', async () => {
    const policy = compilePolicy('ip-allowlist-flex', { ips: ['10.0.0.0/8'] });
    expect(await decide(policy, fakeRequest({ remoteAddress: '::ffff:10.1.1.1' }))).toMatchObject({ action: 'continue' });
    // A forged X-Forwarded-For does not help without ipExpression.
    const forged = await decide(policy, fakeRequest({ remoteAddress: '203.0.113.9', headers: { 'x-forwarded-for': '10.1.1.1' } }));
    expect(forged).toMatchObject({ action: 'reject', status: 403, code: 'IP_NOT_ALLOWED' });
    expect(forged.action === 'reject' && forged.message).toContain('203.0.113.9');
  });

  it('with ipExpression uses the first address of the header, and rejects when it is missing or not an IP', async () => {
    const policy = compilePolicy('ip-allowlist-flex', { ips: ['10.0.0.0/8'], ipExpression: "#[attributes.headers['x-forwarded-for']]" });
    expect(await decide(policy, fakeRequest({ remoteAddress: '203.0.113.9', headers: { 'x-forwarded-for': '10.1.1.1, 203.0.113.9' } }))).toMatchObject({ action: 'continue' });
    expect(await decide(policy, fakeRequest({ remoteAddress: '10.1.1.1', headers: { 'x-forwarded-for': '203.0.113.9, 10.1.1.1' } }))).toMatchObject({ status: 403 });
    const missing = await decide(policy, fakeRequest({ remoteAddress: '10.1.1.1' }));
    expect(missing.action === 'reject' && missing.message).toMatch(/no client address/);
    const garbage = await decide(policy, fakeRequest({ headers: { 'x-forwarded-for': 'unknown' } }));
    expect(garbage.action === 'reject' && garbage.message).toMatch(/not an IP address/);
  });

  it('blocklist: 403 IP_BLOCKED inside the list, anything else passes', async () => {
    const policy = compilePolicy('ip-blocklist-flex', { ips: ['192.0.2.0/24', '2001:db8::/32'] });
    expect(await decide(policy, fakeRequest({ remoteAddress: '192.0.2.55' }))).toMatchObject({ action: 'reject', status: 403, code: 'IP_BLOCKED' });
    expect(await decide(policy, fakeRequest({ remoteAddress: '2001:db8::7' }))).toMatchObject({ status: 403 });
    expect(await decide(policy, fakeRequest({ remoteAddress: '198.51.100.1' }))).toMatchObject({ action: 'continue' });
  });
});

describe('IP filters (over sockets)', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    gateway = await startGateway(
      [
        { basePath: '/allow', upstream: upstream.url, policies: [{ name: 'ip-allowlist-flex', config: { ips: ['127.0.0.1'] } }] },
        { basePath: '/block', upstream: upstream.url, policies: [{ name: 'ip-blocklist-flex', config: { ips: ['127.0.0.2/32'] } }] },
        { basePath: '/xff', upstream: upstream.url, policies: [{ name: 'ip-allowlist-flex', config: { ips: ['198.51.100.0/24'], ipExpression: "#[attributes.headers['x-forwarded-for']]" } }] },
      ],
      { catalogue: findPolicy },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('allowlist checks the connection address: 127.0.0.1 passes, 127.0.0.2 gets 403 whatever X-Forwarded-For says', async () => {
    expect((await request(gateway.url('/allow/x'), { localAddress: '127.0.0.1' })).status).toBe(200);
    const denied = await request(gateway.url('/allow/x'), { localAddress: '127.0.0.2', headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(denied.status).toBe(403);
    expect(denied.headers['x-gatehouse-source']).toBe('gateway');
    expect(denied.json()).toMatchObject({ error: { code: 'IP_NOT_ALLOWED', policy: 'ip-allowlist-flex' } });
  });

  it('blocklist answers 403 IP_BLOCKED to a listed address only', async () => {
    expect((await request(gateway.url('/block/x'), { localAddress: '127.0.0.1' })).status).toBe(200);
    const blocked = await request(gateway.url('/block/x'), { localAddress: '127.0.0.2' });
    expect(blocked.status).toBe(403);
    expect(blocked.json()).toMatchObject({ error: { code: 'IP_BLOCKED', policy: 'ip-blocklist-flex' } });
  });

  it('with ipExpression the first X-Forwarded-For address decides', async () => {
    expect((await request(gateway.url('/xff/x'), { headers: { 'x-forwarded-for': '198.51.100.4, 127.0.0.1' } })).status).toBe(200);
    expect((await request(gateway.url('/xff/x'), { headers: { 'x-forwarded-for': '203.0.113.1, 198.51.100.4' } })).status).toBe(403);
    expect((await request(gateway.url('/xff/x'))).status).toBe(403);
  });
});
