import { describe, expect, it } from 'vitest';
import type { TrafficEntry } from '../../../shared/contract/telemetry-models';
import { buildHar } from './har';
import { HarFormatError, harProblems, importHar } from './har-import';

const entries: TrafficEntry[] = [
  {
    id: 'b',
    at: Date.UTC(2026, 0, 2, 3, 4, 6),
    apiId: 'api_1',
    apiName: 'Orders',
    method: 'GET',
    path: '/orders/items?page=2&q=a%20b',
    status: 429,
    latencyMs: 1.5,
    clientId: 'mobile',
    source: 'gateway',
    errorCode: 'RATE_LIMITED',
    violatedPolicy: 'rate-limiting-flex',
    trace: [{ policy: 'rate-limiting-flex', bindingId: 'p1', verdict: 'deny', status: 429, durationMs: 0.1 }],
    requestHeaders: { accept: 'application/json' },
    responseHeaders: { 'content-type': 'application/json', 'retry-after': '30' },
  },
  { id: 'a', at: Date.UTC(2026, 0, 2, 3, 4, 5), apiId: 'api_1', method: 'POST', path: '/orders/items', status: 201, latencyMs: 20, clientId: null, source: 'upstream', trace: [] },
];

describe('buildHar', () => {
  const har = buildHar(entries, { origin: () => 'http://127.0.0.1:8081', version: '1.2.3', statusText: (s) => (s === 429 ? 'Too Many Requests' : '') });

  it('is a HAR 1.2 log with every required field, oldest entry first', () => {
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator).toEqual({ name: 'Gatehouse', version: '1.2.3' });
    expect(har.log.entries.map((e) => e.startedDateTime)).toEqual(['2026-01-02T03:04:05.000Z', '2026-01-02T03:04:06.000Z']);
    for (const e of har.log.entries) {
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['startedDateTime', 'time', 'request', 'response', 'cache', 'timings']));
      expect(Object.keys(e.request)).toEqual(expect.arrayContaining(['method', 'url', 'httpVersion', 'cookies', 'headers', 'queryString', 'headersSize', 'bodySize']));
      expect(Object.keys(e.response)).toEqual(expect.arrayContaining(['status', 'statusText', 'httpVersion', 'cookies', 'headers', 'content', 'redirectURL', 'headersSize', 'bodySize']));
      expect(e.timings.wait).toBe(e.time);
    }
    // Survives a JSON round trip (what the download is).
    expect(JSON.parse(JSON.stringify(har))).toEqual(har);
  });

  it('carries URL, query, headers, status and the policy trace', () => {
    const limited = har.log.entries[1]!;
    expect(limited.request.url).toBe('http://127.0.0.1:8081/orders/items?page=2&q=a%20b');
    expect(limited.request.queryString).toEqual([
      { name: 'page', value: '2' },
      { name: 'q', value: 'a b' },
    ]);
    expect(limited.request.headers).toEqual([{ name: 'accept', value: 'application/json' }]);
    expect(limited.response).toMatchObject({ status: 429, statusText: 'Too Many Requests', content: { size: -1, mimeType: 'application/json' } });
    expect(limited._gatehouse).toMatchObject({ violatedPolicy: 'rate-limiting-flex', clientId: 'mobile', trace: [{ verdict: 'deny' }] });
    expect(har.log.entries[0]!.response.content.mimeType).toBe('x-unknown');
  });
});

describe('HAR with bodies, read back', () => {
  const json = JSON.stringify({ title: 'hello', tags: ['a', 'b'] });
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff, 0xfe]);
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  const posted: TrafficEntry = {
    id: 'p',
    at: Date.UTC(2026, 0, 2, 3, 4, 7),
    apiId: 'api_1',
    method: 'POST',
    path: '/posts',
    query: 'userId=3&_limit=2&q=a+b',
    status: 201,
    latencyMs: 12,
    clientId: null,
    source: 'upstream',
    trace: [],
    requestHeaders: { 'content-type': 'application/json' },
    responseHeaders: { 'content-type': 'image/png', 'content-encoding': 'gzip' },
    bytesIn: json.length,
    bytesOut: 40,
    captured: { request: json.length, response: 40 },
  };
  const bodies = new Map([
    [
      'p',
      {
        request: { size: json.length, captured: json.length, truncated: false, contentType: 'application/json', base64: Buffer.from(json).toString('base64') },
        response: { size: 40, captured: 40, truncated: false, contentType: 'image/png', contentEncoding: 'gzip', base64: b64(new Uint8Array(40)), decoded: { base64: b64(png), truncated: false } },
      },
    ],
    [
      'a',
      {
        request: { size: 1048576, captured: 4, truncated: true, contentType: 'text/plain', base64: Buffer.from('abcd').toString('base64') },
        response: null,
      },
    ],
  ]);
  const har = buildHar([...entries, posted], { origin: () => 'http://127.0.0.1:8081', bodies });
  const text = JSON.stringify(har);

  it('has every field HAR 1.2 requires, with queryString, postData and content.text', () => {
    expect(harProblems(JSON.parse(text))).toEqual([]);
    const entry = har.log.entries.find((e) => e._gatehouse.id === 'p')!;
    expect(entry.request.url).toBe('http://127.0.0.1:8081/posts?userId=3&_limit=2&q=a+b');
    expect(entry.request.queryString).toEqual([
      { name: 'userId', value: '3' },
      { name: '_limit', value: '2' },
      { name: 'q', value: 'a b' },
    ]);
    expect(entry.request.postData).toEqual({ mimeType: 'application/json', text: json });
    // Binary: base64 of the decoded bytes, marked as such; compression is what gzip saved.
    expect(entry.response.content).toMatchObject({ mimeType: 'image/png', encoding: 'base64', text: b64(png), size: png.length });
    const timings = entry.timings;
    expect(timings.send + timings.wait + timings.receive).toBe(entry.time);
  });

  it('says when the capture limit cut a body', () => {
    const cut = har.log.entries.find((e) => e._gatehouse.id === 'a')!;
    expect(cut.request.postData).toMatchObject({ text: 'abcd', comment: 'truncated at 4 of 1,048,576 bytes', _truncated: { captured: 4, size: 1048576 } });
  });

  it('imports back to the same entries, query and bodies', () => {
    const imported = importHar(text);
    expect(imported.creator).toBe('Gatehouse dev');
    const back = imported.entries.find((e) => e.method === 'POST' && e.path === '/posts')!;
    expect(back).toMatchObject({ query: 'userId=3&_limit=2&q=a+b', status: 201, apiId: null });
    expect(back.id.startsWith('har:')).toBe(true);
    const backBodies = imported.bodies.get(back.id)!;
    expect(Buffer.from(backBodies.request!.base64, 'base64').toString()).toBe(json);
    expect(backBodies.response!.base64).toBe(b64(png));
    const cutBack = imported.entries.find((e) => e.path === '/orders/items' && e.method === 'POST')!;
    expect(imported.bodies.get(cutBack.id)!.request).toMatchObject({ captured: 4, size: 1048576, truncated: true });
  });

  it('refuses a file that is not HAR, naming the field', () => {
    expect(() => importHar('{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[{"startedDateTime":"nope"}]}}')).toThrow(/entries\[0\]\.startedDateTime: expected an ISO 8601 date/);
    expect(() => importHar('not json')).toThrow(HarFormatError);
  });
});
