// Webhook notifications to real local HTTP receivers, triggered by real traffic through a gateway.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { request } from '../testing/net';
import { AlertHarness, sleep } from './testing/harness';
import { WebhookNotifier, type Delivery } from './webhook-notifier';

let h: AlertHarness;

beforeEach(() => {
  h = new AlertHarness();
});

afterEach(async () => {
  await h.close();
});

/** Two APIs: `/a/fail` and `/b/fail` answer 500. */
async function serve() {
  const upstream = await h.upstream((req, res) => {
    res.writeHead(req.url?.includes('fail') ? 500 : 200);
    res.end();
  });
  return h.serve([
    { id: 'api-a', name: 'Service A', basePath: '/a', upstream: upstream.url },
    { id: 'api-b', name: 'Service B', basePath: '/b', upstream: upstream.url },
  ]);
}

async function burst(url: string, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, () => request(url)));
}

describe('webhook notifications', () => {
  it('POSTs exactly one "fired" and one "resolved" with the rule, API, value, threshold, state, severity, time and a Slack text', async () => {
    const gw = await serve();
    const receiver = await h.webhook();
    const rule = h.rule({ name: 'A errors', kind: 'response-codes', apiId: 'api-a', spec: { codes: ['5xx'], threshold: 2, windowSeconds: 1, severity: 'critical', webhookUrl: receiver.url } });
    h.start();

    await burst(gw.url('/a/fail'), 6);
    await vi.waitFor(() => expect(receiver.received.length).toBeGreaterThanOrEqual(1), { timeout: 10_000, interval: 10 });
    await burst(gw.url('/a/fail'), 6); // still alerting: nothing new
    await vi.waitFor(() => expect(receiver.received.at(-1)?.body).toMatchObject({ state: 'resolved' }), { timeout: 10_000, interval: 20 });
    await sleep(300);
    // One POST per change of state. On a calm machine that is one episode; on a loaded one the
    // window may empty between the two bursts, which is a second episode, never a duplicate.
    const states = receiver.received.map((r) => (r.body as { state: string }).state);
    expect(states).toEqual(states.map((_, i) => (i % 2 === 0 ? 'fired' : 'resolved')));
    expect(h.events(rule.id)).toHaveLength(states.length);

    const [fired, resolved] = receiver.received.map((r) => r.body);
    expect(receiver.received[0]!.headers['content-type']).toBe('application/json');
    expect(fired).toEqual({
      id: h.events(rule.id)[0]!.id,
      rule: { id: rule.id, name: 'A errors', kind: 'response-codes' },
      api: { id: 'api-a', name: 'Service A' },
      gateway: null,
      value: expect.any(Number),
      threshold: 2,
      comparator: 'gt',
      state: 'fired',
      severity: 'critical',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      text: expect.stringMatching(/^\[critical\] A errors is firing: \d+ responses with 5xx in the last 1 s on Service A/),
    });
    expect(fired!.value).toBeGreaterThan(2);
    expect(resolved).toMatchObject({ state: 'resolved', value: 0, threshold: 2, text: expect.stringContaining('A errors resolved') });
    expect(Date.parse(resolved!.at)).toBeGreaterThan(Date.parse(fired!.at));
    expect(h.events(rule.id).map((e) => [e.state, e.delivery?.status, e.delivery?.attempts]).slice(0, 2)).toEqual([
      ['fired', 'delivered', 1],
      ['resolved', 'delivered', 1],
    ]);
  });

  it('retries a failing webhook with backoff and reports it failed, while another rule still fires on time', async () => {
    const gw = await serve();
    const failing = await h.webhook(500);
    const healthy = await h.webhook();
    const broken = h.rule({ name: 'A errors', kind: 'response-codes', apiId: 'api-a', spec: { threshold: 0, windowSeconds: 5, webhookUrl: failing.url } });
    const other = h.rule({ name: 'B errors', kind: 'response-codes', apiId: 'api-b', spec: { threshold: 0, windowSeconds: 5, webhookUrl: healthy.url } });
    const changes: string[] = [];
    h.bus.on('resource.changed', (change) => changes.push(`${change.kind}:${change.id}`));
    h.start(); // retries after 100, 200 and 400 ms: four attempts

    await burst(gw.url('/a/fail'), 2);
    await vi.waitFor(() => expect(failing.received).toHaveLength(2), { timeout: 1000, interval: 5 });
    // A is between retries; B's alert fires and is delivered at once all the same.
    await burst(gw.url('/b/fail'), 2);
    await vi.waitFor(() => expect(healthy.received).toHaveLength(1), { timeout: 10_000, interval: 5 });
    expect(h.fired.map((e) => e.ruleId)).toEqual([broken.id, other.id]);
    expect(h.events(broken.id)[0]!.delivery).toMatchObject({ status: 'pending', attempts: expect.any(Number), lastError: 'HTTP 500' });

    await vi.waitFor(() => expect(h.events(broken.id)[0]!.delivery?.status).toBe('failed'), { timeout: 2000, interval: 10 });
    expect(h.events(broken.id)[0]!.delivery).toMatchObject({ status: 'failed', attempts: 4, lastError: 'HTTP 500' });
    expect(failing.received).toHaveLength(4);
    const gaps = failing.received.slice(1).map((r, i) => r.at - failing.received[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(195);
    expect(gaps[2]).toBeGreaterThanOrEqual(395);
    expect(gaps[2]!).toBeLessThan(1000);
    expect(h.logs.some((line) => line.includes(`webhook ${new URL(failing.url).origin} failed: HTTP 500`))).toBe(true);
    expect(changes).toContain(`alertRule:${broken.id}`); // the app refreshes the history and shows the failure
    expect(h.events(other.id)[0]!.delivery).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('does not notify a muted rule, but records and shows its alert', async () => {
    const gw = await serve();
    const receiver = await h.webhook();
    const rule = h.rule({ name: 'Muted', kind: 'response-codes', apiId: 'api-a', spec: { threshold: 0, windowSeconds: 1, muted: true, webhookUrl: receiver.url } });
    h.start();
    await burst(gw.url('/a/fail'), 2);
    await vi.waitFor(() => expect(h.fired).toHaveLength(1), { timeout: 1000, interval: 10 });
    expect(h.fired[0]).toMatchObject({ ruleId: rule.id, muted: true });
    expect(h.events(rule.id)[0]!.delivery).toBeUndefined();
    await sleep(300);
    expect(receiver.received).toEqual([]);
  });
});

describe('WebhookNotifier', () => {
  it('gives up at once on a 4xx that retrying cannot fix, and on a receiver that is not there', async () => {
    const gone = await h.webhook(404);
    const notifier = new WebhookNotifier({ retryDelaysMs: [50, 50] });
    const reports: Delivery[] = [];
    notifier.enqueue({ url: gone.url, body: { n: 1 }, onDelivery: (d) => reports.push(d) });
    await notifier.idle();
    expect(reports).toMatchObject([{ status: 'failed', attempts: 1, lastError: 'HTTP 404' }]);

    await gone.close();
    const refused: Delivery[] = [];
    notifier.enqueue({ url: gone.url, body: { n: 2 }, onDelivery: (d) => refused.push(d) });
    await notifier.idle();
    expect(refused.map((d) => d.status)).toEqual(['pending', 'pending', 'failed']);
    expect(refused.at(-1)).toMatchObject({ attempts: 3, lastError: expect.stringMatching(/connection refused/) });
  });

  it('sends one at a time per URL, in order, and bounds the queue', async () => {
    const receiver = await h.webhook();
    const notifier = new WebhookNotifier({ maxQueuePerUrl: 3 });
    const reports: [number, Delivery][] = [];
    for (let n = 1; n <= 5; n++) notifier.enqueue({ url: receiver.url, body: { n }, onDelivery: (d) => reports.push([n, d]) });
    // The first is being sent, three wait, the fifth does not fit.
    expect(reports).toMatchObject([[5, { status: 'failed', attempts: 0, lastError: expect.stringContaining('already waiting') }]]);
    await notifier.idle();
    expect(receiver.received.map((r) => r.body.n)).toEqual([1, 2, 3, 4]);
    expect(reports.filter(([, d]) => d.status === 'delivered').map(([n]) => n)).toEqual([1, 2, 3, 4]);
  });

  it('reports what is still waiting as failed when closed', async () => {
    const failing = await h.webhook(503);
    const notifier = new WebhookNotifier({ retryDelaysMs: [10_000] });
    const reports: Delivery[] = [];
    notifier.enqueue({ url: failing.url, body: {}, onDelivery: (d) => reports.push(d) });
    notifier.enqueue({ url: failing.url, body: {}, onDelivery: (d) => reports.push(d) });
    await vi.waitFor(() => expect(reports).toHaveLength(1), { timeout: 1000, interval: 5 }); // first attempt failed, waiting 10 s
    notifier.close();
    await notifier.idle();
    expect(reports.map((d) => d.status)).toEqual(['pending', 'failed', 'failed']);
    expect(failing.received).toHaveLength(1);
  });
});
