import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestAdmin, type TestAdmin } from './test-support';

/** An open SSE stream: raw text so far, and a way to wait for some of it. */
interface Stream {
  status: number;
  headers: http.IncomingHttpHeaders;
  text(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  ended: Promise<void>;
  destroy(): void;
}

function openStream(admin: TestAdmin, query = ''): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${admin.server.url}/api/v1/events${query}`, { headers: { authorization: `Bearer ${admin.server.token}` }, agent: false }, (res) => {
      let text = '';
      const waiters: (() => void)[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        waiters.splice(0).forEach((w) => w());
      });
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => text,
        ended,
        destroy: () => req.destroy(),
        waitFor(pattern, timeoutMs = 3000) {
          return new Promise((found, fail) => {
            const timer = setTimeout(() => fail(new Error(`no ${pattern} in ${JSON.stringify(text)}`)), timeoutMs);
            const check = () => {
              const match = pattern.exec(text);
              if (match) {
                clearTimeout(timer);
                found(match[0]);
              } else waiters.push(check);
            };
            check();
          });
        },
      });
    });
    req.on('error', reject);
  });
}

/** Waits until the server has subscribed the stream to the bus. */
async function subscribed(admin: TestAdmin): Promise<void> {
  for (let i = 0; i < 100 && admin.bus.listenerCount('resource.changed') === 0; i++) await new Promise((r) => setTimeout(r, 10));
}

describe('GET /api/v1/events', () => {
  let admin: TestAdmin | undefined;
  afterEach(async () => {
    await admin?.close();
    admin = undefined;
  });

  it('streams bus events as SSE with retry and heartbeats', async () => {
    admin = await startTestAdmin({}, { sseHeartbeatMs: 100 });
    const stream = await openStream(admin);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await stream.waitFor(/retry: \d+\n/);
    await subscribed(admin);

    admin.bus.emit('resource.changed', { kind: 'api', id: 'a1', action: 'created' });
    admin.bus.emit('traffic.tick', { t: 1000, apis: [{ apiId: 'a1', requests: 4, errors: 1, p95: 12.5 }] });
    const changed = await stream.waitFor(/event: resource\.changed\ndata: (.*)\n\n/);
    expect(JSON.parse(changed.split('data: ')[1]!)).toEqual({ kind: 'api', id: 'a1', action: 'created' });
    const tick = await stream.waitFor(/event: traffic\.tick\ndata: (.*)\n\n/);
    expect(JSON.parse(tick.split('data: ')[1]!)).toEqual({ t: 1000, apis: [{ apiId: 'a1', requests: 4, errors: 1, p95: 12.5 }] });
    expect(stream.text()).toMatch(/id: 1\nevent: resource\.changed/);
    await stream.waitFor(/: ping \d+\n\n/);
    stream.destroy();
  });

  it('narrows the stream with ?events= and rejects unknown names', async () => {
    admin = await startTestAdmin({});
    const stream = await openStream(admin, '?events=alert.fired');
    await stream.waitFor(/retry:/);
    for (let i = 0; i < 100 && admin.bus.listenerCount('alert.fired') === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(admin.bus.listenerCount('resource.changed')).toBe(0);
    admin.bus.emit('resource.changed', { kind: 'api', id: 'a1', action: 'created' });
    admin.bus.emit('alert.fired', { id: 'e1', ruleId: 'r1', ruleName: 'Upstream down', state: 'fired', value: 1, threshold: 0, at: 5 });
    await stream.waitFor(/event: alert\.fired/);
    expect(stream.text()).not.toContain('resource.changed');
    stream.destroy();

    const bad = await admin.call('GET', '/api/v1/events?events=alert.fired,nope');
    expect(bad.status).toBe(400);
    expect(bad.json().error.details[0]).toMatchObject({ path: 'events' });
  });

  it('unsubscribes when the client goes and ends streams on shutdown', async () => {
    admin = await startTestAdmin({});
    const leaving = await openStream(admin);
    await subscribed(admin);
    expect(admin.bus.listenerCount('resource.changed')).toBe(1);
    leaving.destroy();
    for (let i = 0; i < 100 && admin.bus.listenerCount('resource.changed') > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(admin.bus.listenerCount('resource.changed')).toBe(0);

    const staying = await openStream(admin);
    await subscribed(admin);
    const started = Date.now();
    await admin.close();
    await staying.ended;
    expect(Date.now() - started).toBeLessThan(1500);
    expect(admin.bus.listenerCount('resource.changed')).toBe(0);
    admin = undefined;
  });
});
