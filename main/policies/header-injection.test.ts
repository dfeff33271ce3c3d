import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startEchoUpstream, type TestServer } from '../testing/net';
import { compilePolicy, decide, fakeRequest, respondThrough } from './testing';

describe('header-injection-flex (unit)', () => {
  const policy = compilePolicy('header-injection-flex', {
    inboundHeaders: [
      { key: 'X-Gateway', value: 'gatehouse' },
      { key: 'X-Caller-Method', value: '#[attributes.method]' },
      { key: 'X-User', value: "#[attributes.queryParams['user']]" },
      { key: 'X-Tag', value: 'a' },
      { key: 'x-tag', value: 'b' },
    ],
    outboundHeaders: [
      { key: 'X-Served-By', value: 'gatehouse' },
      { key: 'X-Echo-Path', value: '#[attributes.requestPath]' },
    ],
  });

  it('adds inbound headers (literals and per-request expressions), replacing same-named ones', async () => {
    const req = fakeRequest({ method: 'POST', url: '/orders?user=ann', headers: { 'x-gateway': 'spoofed' } });
    expect(await decide(policy, req)).toMatchObject({ action: 'continue', modified: true });
    expect(req.headers).toMatchObject({ 'x-gateway': 'gatehouse', 'x-caller-method': 'POST', 'x-user': 'ann', 'x-tag': ['a', 'b'] });
  });

  it('skips a header whose expression has no value, and strips characters a header cannot carry', async () => {
    const none = fakeRequest({ url: '/x' });
    await decide(policy, none);
    expect('x-user' in none.headers).toBe(false);
    const nasty = fakeRequest({ url: '/x?user=a%0D%0AX-Evil:%201' });
    await decide(policy, nasty);
    expect(nasty.headers['x-user']).toBe('aX-Evil: 1');
  });

  it('adds outbound headers to the response', async () => {
    const req = fakeRequest({ url: '/orders/7' });
    await decide(policy, req);
    expect(respondThrough(req, 200, { 'x-served-by': 'upstream', 'content-type': 'text/plain' }).headers).toEqual({
      'x-served-by': 'gatehouse',
      'x-echo-path': '/orders/7',
      'content-type': 'text/plain',
    });
  });

  it('with literals only, sends the same values on every request without one request changing the next', async () => {
    const literals = compilePolicy('header-injection-flex', {
      inboundHeaders: [
        { key: 'X-Gateway', value: 'gatehouse' },
        { key: 'X-Tag', value: 'a' },
        { key: 'x-tag', value: 'b' },
      ],
      outboundHeaders: [{ key: 'X-Served-By', value: 'gatehouse' }],
    });
    const first = fakeRequest({ headers: { 'x-gateway': 'spoofed' } });
    await decide(literals, first);
    expect(first.headers).toMatchObject({ 'x-gateway': 'gatehouse', 'x-tag': ['a', 'b'] });
    (first.headers['x-tag'] as string[]).push('changed downstream');
    const second = fakeRequest();
    await decide(literals, second);
    expect(second.headers['x-tag']).toEqual(['a', 'b']);
    expect(respondThrough(second, 200, { 'x-served-by': 'upstream' }).headers).toEqual({ 'x-served-by': 'gatehouse' });
  });

  it('rejects a literal value with a line break at validation time', () => {
    const result = findPolicy('header-injection-flex')!.schema.safeParse({ inboundHeaders: [{ key: 'x', value: 'a\r\nb' }] });
    expect(result.success).toBe(false);
  });
});

describe('header-injection-flex (over sockets)', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    gateway = await startGateway(
      {
        basePath: '/h',
        upstream: upstream.url,
        policies: [
          {
            name: 'header-injection-flex',
            config: {
              inboundHeaders: [{ key: 'X-Api-Key', value: 'k-123' }, { key: 'X-Client', value: "#[attributes.headers['user-agent']]" }],
              outboundHeaders: [{ key: 'Strict-Transport-Security', value: 'max-age=600' }],
            },
          },
        ],
      },
      { catalogue: findPolicy },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('the upstream receives the inbound headers and the client the outbound ones', async () => {
    const res = await request(gateway.url('/h/x'), { headers: { 'user-agent': 'probe/1' } });
    expect(res.status).toBe(200);
    expect(res.json().headers).toMatchObject({ 'x-api-key': 'k-123', 'x-client': 'probe/1' });
    expect(res.headers['strict-transport-security']).toBe('max-age=600');
    expect(res.headers['x-upstream']).toBe('echo');
  });
});
