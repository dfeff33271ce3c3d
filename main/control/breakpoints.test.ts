/**
 * The breakpoint handlers on a real control plane: rules set through the contract pause
 * requests on the real embedded gateway (loopback sockets, a real echo upstream), the
 * `breakpoints.changed` event announces each paused message, and the decisions land. Bad input
 * is refused naming the field; a message no longer paused is a 404.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BreakpointState } from '../../shared/contract/breakpoints';
import { request } from '../testing/net';
import { rejection, startControlFixture, type ControlFixture } from './testing/control-fixture';

let fx: ControlFixture;
beforeAll(async () => {
  fx = await startControlFixture();
  await fx.call('apis.create', { name: 'Orders', implementationUrl: fx.upstream.url, basePath: '/orders' });
});
afterEach(async () => {
  for (const paused of (await fx.call('breakpoints.get', {})).paused) await fx.call('breakpoints.resume', { id: paused.id }).catch(() => undefined);
  await fx.call('breakpoints.set', { rules: [] });
});
afterAll(async () => {
  await fx.close();
});

/** The next `breakpoints.changed` event with a paused message. */
function nextPausedEvent(): Promise<BreakpointState> {
  return fx.plane.bus.next('breakpoints.changed', (state) => state.paused.length > 0);
}

describe('breakpoint handlers', () => {
  it('set rules pause a request; the event shows it; resume with an edited header reaches the upstream', async () => {
    const state = await fx.call('breakpoints.set', { rules: [{ method: 'post', path: '^/orders/', header: { name: 'X-Debug', value: '1' } }], timeoutMs: 60_000 });
    expect(state.rules).toEqual([{ id: expect.any(String), enabled: true, method: 'POST', path: '^/orders/', header: { name: 'x-debug', value: '1' }, request: true, response: false }]);
    expect(state.timeoutMs).toBe(60_000);

    const event = nextPausedEvent();
    const answer = request(`${fx.gatewayUrl}/orders/items?page=2`, { method: 'POST', headers: { 'x-debug': '1', 'x-team': 'red' }, body: '{"qty":1}' });
    const paused = (await event).paused[0]!;
    expect(paused).toMatchObject({ phase: 'request', method: 'POST', target: '/orders/items?page=2', apiName: 'Orders', ruleId: state.rules[0]!.id });
    expect(paused.expiresAt - paused.pausedAt).toBe(60_000);

    const message = await fx.call('breakpoints.paused', { id: paused.id });
    expect(message.request).toMatchObject({ method: 'POST', url: '/items?page=2', body: { text: '{"qty":1}', encoding: 'utf8' } });
    const headers = message.request.headers.map(([name, value]): [string, string] => (name === 'x-team' ? [name, 'blue'] : [name, value]));
    const after = await fx.call('breakpoints.resume', { id: paused.id, headers, body: '{"qty":2}' });
    expect(after.paused).toEqual([]);

    const echoed = (await answer).json();
    expect(echoed).toMatchObject({ method: 'POST', url: '/items?page=2', body: '{"qty":2}' });
    expect(echoed.headers['x-team']).toBe('blue');
  });

  it('respond answers in place of the upstream, drop closes the connection', async () => {
    await fx.call('breakpoints.set', { rules: [{ path: '^/orders' }] });
    let event = nextPausedEvent();
    const answered = request(`${fx.gatewayUrl}/orders/1`);
    await fx.call('breakpoints.respond', { id: (await event).paused[0]!.id, status: 404, headers: [['content-type', 'application/json']], body: '{"missing":true}' });
    const res = await answered;
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ missing: true });

    event = nextPausedEvent();
    const dropped = request(`${fx.gatewayUrl}/orders/2`).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    const id = (await event).paused[0]!.id;
    await fx.call('breakpoints.drop', { id });
    expect(await dropped).toMatch(/socket hang up|ECONNRESET/);
    expect(await rejection(fx.call('breakpoints.resume', { id }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a paused response takes status and body edits; request-only fields are refused naming the field', async () => {
    await fx.call('breakpoints.set', { rules: [{ request: false, response: true }] });
    const event = nextPausedEvent();
    const answer = request(`${fx.gatewayUrl}/orders/3`);
    const paused = (await event).paused[0]!;
    expect(paused).toMatchObject({ phase: 'response', status: 200 });
    const refused = await rejection(fx.call('breakpoints.resume', { id: paused.id, method: 'DELETE' }));
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'method' }] });
    await fx.call('breakpoints.resume', { id: paused.id, status: 502, body: 'edited upstream answer' });
    const res = await answer;
    expect(res.status).toBe(502);
    expect(res.body).toBe('edited upstream answer');
  });

  it('refuses bad rules naming the field, and keeps the rules it had', async () => {
    await fx.call('breakpoints.set', { rules: [{ method: 'GET' }] });
    const badRegex = await rejection(fx.call('breakpoints.set', { rules: [{ path: '^/orders(' }] }));
    expect(badRegex).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'rules[0].path', message: expect.stringContaining('regular expression') }] });
    const neither = await rejection(fx.call('breakpoints.set', { rules: [{ request: false, response: false }] }));
    expect(neither.details?.[0]).toMatchObject({ path: 'rules[0].request' });
    const badHeader = await rejection(fx.call('breakpoints.set', { rules: [{ header: { name: 'bad name' } }] }));
    expect(badHeader.details?.[0]?.path).toBe('rules[0].header.name');
    expect((await fx.call('breakpoints.get', {})).rules).toMatchObject([{ method: 'GET' }]);
    expect(await rejection(fx.call('breakpoints.paused', { id: 'nope' }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
