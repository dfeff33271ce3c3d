// Traffic alerts over real requests: a real upstream behind a real gateway, counted by a real
// telemetry file, evaluated every 100 ms against rules in a real SQLite store.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { request } from '../testing/net';
import { AlertHarness, sleep } from './testing/harness';

let h: AlertHarness;

beforeEach(() => {
  h = new AlertHarness();
});

afterEach(async () => {
  await h.close();
});

/** `/fail` answers 500, `/slow` after 300 ms, anything else 200 at once. */
async function serveOrders() {
  const upstream = await h.upstream((req, res) => {
    const answer = (status: number) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(String(status));
    };
    if (req.url?.startsWith('/fail')) answer(500);
    else if (req.url?.startsWith('/slow')) setTimeout(() => answer(200), 300);
    else answer(200);
  });
  return h.serve([{ id: 'orders', name: 'Orders', basePath: '/orders', upstream: upstream.url }]);
}

async function send(gatewayUrl: (path: string) => string, path: string, count: number): Promise<number[]> {
  const responses = await Promise.all(Array.from({ length: count }, () => request(gatewayUrl(path))));
  return responses.map((r) => r.status);
}

describe('traffic alerts', () => {
  it('fires once on a 5xx burst past the threshold, stays quiet while it lasts, and resolves once', async () => {
    const gw = await serveOrders();
    const rule = h.rule({ name: 'Orders 5xx', kind: 'response-codes', apiId: 'orders', spec: { codes: [500, 502, 503], comparator: 'gt', threshold: 5, windowSeconds: 1, severity: 'critical' } });
    const clientErrors = h.rule({ name: 'Orders 4xx', kind: 'response-codes', apiId: 'orders', spec: { codes: ['4xx'], comparator: 'gt', threshold: 0, windowSeconds: 1 } });
    h.start();

    expect(await send(gw.url, '/orders/fail', 3)).toEqual([500, 500, 500]);
    await sleep(300);
    expect(h.fired).toEqual([]); // 3 is not above 5

    await send(gw.url, '/orders/fail', 10);
    await vi.waitFor(() => expect(h.fired).toHaveLength(1), { timeout: 1000, interval: 10 });
    // More errors while Alerting: no second notification.
    for (let i = 0; i < 4; i++) {
      await send(gw.url, '/orders/fail', 5);
      await sleep(100);
    }
    expect(h.fired).toHaveLength(1);
    expect(h.fired[0]).toMatchObject({ ruleId: rule.id, ruleName: 'Orders 5xx', state: 'fired', threshold: 5, apiId: 'orders', severity: 'critical' });
    expect(h.fired[0]!.value).toBeGreaterThan(5);
    expect(h.fired[0]!.message).toMatch(/^\[critical\] Orders 5xx is firing: \d+ responses with 500\/502\/503 in the last 1 s on Orders \(alert when > 5\)$/);

    // Traffic stops; once the window has passed, one resolve.
    await vi.waitFor(() => expect(h.resolved).toHaveLength(1), { timeout: 3000, interval: 20 });
    await sleep(300);
    expect(h.resolved).toHaveLength(1);
    // Resolves as soon as the window holds 5 or fewer (the last burst may still be in it).
    expect(h.resolved[0]).toMatchObject({ ruleId: rule.id, state: 'resolved', threshold: 5 });
    expect(h.resolved[0]!.value).toBeLessThanOrEqual(5);
    expect(h.events(rule.id).map((e) => [e.state, e.threshold])).toEqual([
      ['fired', 5],
      ['resolved', 5],
    ]);
    expect(h.events(clientErrors.id)).toEqual([]); // the 4xx rule saw no 4xx
  });

  it('fires on p95 above the threshold with a slow upstream, while the average stays below', async () => {
    const gw = await serveOrders();
    const p95 = h.rule({ name: 'Orders p95', kind: 'response-time', apiId: 'orders', spec: { statistic: 'p95', comparator: 'gt', threshold: 200, windowSeconds: 2 } });
    const average = h.rule({ name: 'Orders average', kind: 'response-time', apiId: 'orders', spec: { statistic: 'average', comparator: 'gt', threshold: 200, windowSeconds: 2 } });
    h.start();

    await send(gw.url, '/orders/fast', 20);
    await sleep(250);
    expect(h.fired).toEqual([]);
    await send(gw.url, '/orders/slow', 3); // 3 of 23 take 300 ms: p95 is slow, the average is not
    await vi.waitFor(() => expect(h.fired.map((e) => e.ruleId)).toEqual([p95.id]), { timeout: 1000, interval: 10 });
    expect(h.fired[0]!.value).toBeGreaterThanOrEqual(280);
    expect(h.fired[0]!.message).toMatch(/p95 response time \d+(\.\d)? ms in the last 2 s on Orders/);
    await sleep(300);
    expect(h.events(average.id)).toEqual([]);
  });

  it('counts policy violations of one policy', async () => {
    const upstream = await h.upstream((_req, res) => res.end('ok'));
    const gw = await h.serve([
      {
        id: 'limited',
        name: 'Limited',
        basePath: '/limited',
        upstream: upstream.url,
        policies: [{ name: 'rate-limiting-flex', config: { rateLimits: [{ maximumRequests: 3, timePeriodInMilliseconds: 60_000 }] } }],
      },
    ]);
    const rule = h.rule({ name: 'Throttled', kind: 'policy-violations', apiId: 'limited', spec: { policy: 'rate-limiting-flex', comparator: 'gte', threshold: 5, windowSeconds: 2 } });
    const other = h.rule({ name: 'Auth failures', kind: 'policy-violations', apiId: 'limited', spec: { policy: 'http-basic-authentication-flex', threshold: 0, windowSeconds: 2 } });
    h.start();

    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await request(gw.url('/limited/x'))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    await vi.waitFor(() => expect(h.fired.map((e) => [e.ruleId, e.value])).toEqual([[rule.id, 5]]), { timeout: 1000, interval: 10 });
    await sleep(200);
    expect(h.events(other.id)).toEqual([]);
  });

  it('sums every API of a gateway for a rule scoped to the gateway', async () => {
    const upstream = await h.upstream((_req, res) => res.end('ok'));
    const gw = await h.serve([
      { id: 'one', name: 'One', basePath: '/one', upstream: upstream.url },
      { id: 'two', name: 'Two', basePath: '/two', upstream: upstream.url },
    ]);
    const rule = h.rule({ name: 'Gateway busy', kind: 'request-count', gatewayId: 'gw_embedded', spec: { comparator: 'gte', threshold: 6, windowSeconds: 2 } });
    h.start({ gatewayApiIds: (id) => h.store.apis.listByGateway(id).map((api) => api.id) });
    await send(gw.url, '/one/x', 3);
    await send(gw.url, '/nowhere', 5); // matches no API: not the gateway's APIs' traffic
    await sleep(250);
    expect(h.fired).toEqual([]);
    await send(gw.url, '/two/x', 3);
    await vi.waitFor(() => expect(h.fired.map((e) => [e.ruleId, e.value])).toEqual([[rule.id, 6]]), { timeout: 1000, interval: 10 });
    expect(h.fired[0]!.message).toContain('6 requests in the last 2 s on gateway gw_embedded');
  });

  it('waits for N consecutive periods: a short burst never fires, a lasting one does', async () => {
    const gw = await serveOrders();
    // 3 periods of 1 s: the condition must hold at every check for 2 s.
    const rule = h.rule({ name: 'Sustained errors', kind: 'response-codes', apiId: 'orders', spec: { codes: ['5xx'], threshold: 0, windowSeconds: 1, periods: 3 } });
    h.start();

    await send(gw.url, '/orders/fail', 20);
    await sleep(2200); // the burst stays in a 1-second window (whole seconds) for less than 2 s
    expect(h.events(rule.id)).toEqual([]);

    const startedAt = Date.now();
    let firedAt: number | undefined;
    while (Date.now() - startedAt < 5000 && firedAt === undefined) {
      await send(gw.url, '/orders/fail', 1);
      await sleep(100);
      if (h.fired.length > 0) firedAt = Date.now();
    }
    expect(firedAt).toBeDefined();
    expect(firedAt! - startedAt).toBeGreaterThanOrEqual(2000);
    expect(h.fired).toHaveLength(1);
  });

  it('restores Alerting after a restart: no second "fired" while still breaching, one "resolved" after', async () => {
    const gw = await serveOrders();
    const rule = h.rule({ name: 'Any traffic', kind: 'request-count', apiId: 'orders', spec: { comparator: 'gte', threshold: 5, windowSeconds: 2 } });
    h.start();
    await send(gw.url, '/orders/x', 10);
    await vi.waitFor(() => expect(h.events(rule.id).map((e) => e.state)).toEqual(['fired']), { timeout: 1000, interval: 10 });

    h.telemetry.flush();
    await h.restart(); // the store and telemetry are reopened from their files
    h.start();
    await sleep(400);
    expect(h.alerting!.evaluator.isAlerting(rule.id)).toBe(true);
    expect(h.events(rule.id).map((e) => e.state)).toEqual(['fired']);

    await vi.waitFor(() => expect(h.events(rule.id).map((e) => e.state)).toEqual(['fired', 'resolved']), { timeout: 5000, interval: 20 });
    expect(h.fired).toHaveLength(1);
    expect(h.resolved).toHaveLength(1);
  });

  it('resolves an alerting rule that gets disabled, and ignores it after', async () => {
    const gw = await serveOrders();
    const rule = h.rule({ name: 'Busy', kind: 'request-count', apiId: 'orders', spec: { comparator: 'gt', threshold: 2, windowSeconds: 5 } });
    h.start();
    await send(gw.url, '/orders/x', 5);
    await vi.waitFor(() => expect(h.fired).toHaveLength(1), { timeout: 1000, interval: 10 });
    h.store.alertRules.update(rule.id, { enabled: false });
    await vi.waitFor(() => expect(h.resolved).toHaveLength(1), { timeout: 1000, interval: 10 });
    await send(gw.url, '/orders/x', 5);
    await sleep(300);
    expect(h.events(rule.id).map((e) => e.state)).toEqual(['fired', 'resolved']);
  });
});
