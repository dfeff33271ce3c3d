import { describe, expect, it } from 'vitest';
import type { TrafficEntry } from '../../../shared/contract/telemetry-models';
import { buildHar } from './har';

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
