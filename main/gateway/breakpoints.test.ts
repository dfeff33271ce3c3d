/**
 * Breakpoints over real sockets: a real gateway, a real upstream that records what it received,
 * and a plain HTTP client. A paused request or response waits for the developer; edits reach the
 * upstream (request) or the client (response); answering directly never calls the upstream;
 * dropping closes the connection; the timeout resumes unchanged; a client that leaves releases it.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { breakpointRuleInputSchema, type BreakpointRuleInput, type PausedSummary } from '../../shared/contract/breakpoints';
import { request, startServer, type TestServer } from '../testing/net';
import { BreakpointController, BreakpointEditError, PausedMessageGone } from './breakpoints';
import { startGateway, type StartedGateway } from './testing';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let upstream: TestServer;
const received: Received[] = [];
let controller: BreakpointController;
let gateway: StartedGateway;

beforeAll(async () => {
  upstream = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url?.startsWith('/gzip')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(zlib.gzipSync(JSON.stringify({ compressed: true })));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(JSON.stringify({ answeredBy: 'upstream', method: req.method, url: req.url, body }));
    });
  });
  controller = new BreakpointController();
  gateway = await startGateway({ basePath: '/api', upstream: upstream.url }, { breakpoints: controller, timeouts: { requestBodyMs: 200 } });
});

afterEach(() => {
  received.length = 0;
  controller.resumeAll();
  controller.setRules([], 300_000);
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

function rules(...inputs: BreakpointRuleInput[]) {
  return inputs.map((input) => breakpointRuleInputSchema.parse(input));
}

/** Resolves with the first paused message (already paused, or the next one). */
function nextPaused(): Promise<PausedSummary> {
  return new Promise((resolve) => {
    const first = controller.state().paused[0];
    if (first) return resolve(first);
    const off = controller.onChange((state) => {
      const paused = state.paused[0];
      if (!paused) return;
      off();
      resolve(paused);
    });
  });
}

describe('request breakpoints', () => {
  it('costs nothing without rules: the controller is inactive and requests pass', async () => {
    expect(controller.active).toBe(false);
    const res = await request(gateway.url('/api/orders'));
    expect(res.status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('pauses a matching request with its body; the edited header and body reach the upstream and the client gets the answer', async () => {
    controller.setRules(rules({ method: 'post', path: '^/api/orders', header: { name: 'X-Debug' } }));
    const answer = request(gateway.url('/api/orders?id=7'), { method: 'POST', headers: { 'x-debug': '1', 'content-type': 'application/json', 'x-team': 'red' }, body: '{"qty":1}' });
    const paused = await nextPaused();
    expect(paused).toMatchObject({ phase: 'request', method: 'POST', target: '/api/orders?id=7', apiName: 'api-1' });
    expect(received).toHaveLength(0);

    const view = controller.view(paused.id);
    expect(view.request.url).toBe('/orders?id=7');
    expect(view.upstream).toBe(upstream.url);
    expect(view.request.body).toEqual({ text: '{"qty":1}', encoding: 'utf8', size: 9 });
    expect(view.request.headers).toContainEqual(['x-team', 'red']);

    const headers = view.request.headers.map(([name, value]): [string, string] => (name === 'x-team' ? ['x-team', 'blue'] : [name, value]));
    controller.resume(paused.id, { headers, body: '{"qty":5}', bodyEncoding: 'utf8', url: '/orders?id=8' });
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ answeredBy: 'upstream', url: '/orders?id=8', body: '{"qty":5}' });
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['x-team']).toBe('blue');
    expect(received[0]!.headers['content-length']).toBe('9');
    expect(received[0]!.body).toBe('{"qty":5}');
    expect(controller.state().paused).toEqual([]);
  });

  it('lets requests that do not match through without pausing', async () => {
    controller.setRules(rules({ method: 'DELETE' }, { header: { name: 'x-debug', value: 'on' } }, { path: '^/api/admin' }));
    const res = await request(gateway.url('/api/orders'), { headers: { 'x-debug': 'off' } });
    expect(res.status).toBe(200);
    expect(controller.state().paused).toEqual([]);
  });

  it('a disabled rule pauses nothing', async () => {
    controller.setRules(rules({ enabled: false }));
    expect(controller.active).toBe(false);
    expect((await request(gateway.url('/api/orders'))).status).toBe(200);
  });

  it('answers directly without calling the upstream', async () => {
    controller.setRules(rules({ path: '^/api/' }));
    const answer = request(gateway.url('/api/orders'));
    const paused = await nextPaused();
    controller.respond(paused.id, { status: 418, headers: [['content-type', 'text/plain'], ['x-made-by', 'developer']], body: 'short and stout', bodyEncoding: 'utf8' });
    const res = await answer;
    expect(res.status).toBe(418);
    expect(res.body).toBe('short and stout');
    expect(res.headers['x-made-by']).toBe('developer');
    expect(res.headers['x-gatehouse-source']).toBe('gateway');
    expect(received).toHaveLength(0);
  });

  it('drop closes the connection without an answer and never calls the upstream', async () => {
    controller.setRules(rules({}));
    const answer = request(gateway.url('/api/orders'));
    const paused = await nextPaused();
    controller.drop(paused.id);
    await expect(answer).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(received).toHaveLength(0);
    expect(() => controller.drop(paused.id)).toThrow(PausedMessageGone);
  });

  it('resumes unchanged when the timeout passes', async () => {
    controller.setRules(rules({}), 200);
    const res = await request(gateway.url('/api/orders'), { method: 'PUT', headers: { 'x-team': 'red' }, body: 'as sent' });
    expect(res.status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'PUT', url: '/orders', body: 'as sent' });
    expect(received[0]!.headers['x-team']).toBe('red');
  });

  it('a client that goes away releases its paused request, which never reaches the upstream', async () => {
    controller.setRules(rules({}));
    const req = http.request(gateway.url('/api/orders'), { agent: false });
    req.on('error', () => {});
    req.end();
    const paused = await nextPaused();
    const released = new Promise<void>((resolve) => {
      const off = controller.onChange((state) => {
        if (state.paused.length === 0) {
          off();
          resolve();
        }
      });
    });
    req.destroy();
    await released;
    expect(() => controller.resume(paused.id)).toThrow(PausedMessageGone);
    expect(received).toHaveLength(0);
  });

  it('stays paused past the listener\'s request deadline (a paused request has arrived in full)', async () => {
    controller.setRules(rules({}));
    const answer = request(gateway.url('/api/orders'), { method: 'POST', body: 'slow decision' });
    const paused = await nextPaused();
    // requestBodyMs is 200 here: Node's own request timeout (1.2 s) and the body deadline are both past.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    controller.resume(paused.id);
    const res = await answer;
    expect(res.status).toBe(200);
    expect(received[0]!.body).toBe('slow decision');
  });

  it('refuses an edit for the other phase, naming the field', async () => {
    controller.setRules(rules({}));
    const answer = request(gateway.url('/api/orders'));
    const paused = await nextPaused();
    expect(() => controller.resume(paused.id, { status: 500, bodyEncoding: 'utf8' })).toThrow(BreakpointEditError);
    expect(controller.state().paused).toHaveLength(1);
    controller.resume(paused.id);
    expect((await answer).status).toBe(200);
  });
});

describe('response breakpoints', () => {
  it('pauses the upstream response; the edited status, header and body reach the client', async () => {
    controller.setRules(rules({ request: false, response: true }));
    const answer = request(gateway.url('/api/orders'), { method: 'POST', body: 'original' });
    const paused = await nextPaused();
    expect(paused).toMatchObject({ phase: 'response', status: 200 });
    expect(received).toHaveLength(1);
    const view = controller.view(paused.id);
    expect(view.response?.headers).toContainEqual(['x-upstream', 'yes']);
    expect(JSON.parse(view.response!.body.text)).toMatchObject({ answeredBy: 'upstream', body: 'original' });

    controller.resume(paused.id, { status: 503, headers: [['content-type', 'text/plain'], ['x-edited', 'yes']], body: 'edited', bodyEncoding: 'utf8' });
    const res = await answer;
    expect(res.status).toBe(503);
    expect(res.body).toBe('edited');
    expect(res.headers['x-edited']).toBe('yes');
    expect(res.headers['x-upstream']).toBeUndefined();
    expect(res.headers['x-gatehouse-source']).toBe('upstream');
  });

  it('resumed unchanged, the client gets the upstream response as it was', async () => {
    controller.setRules(rules({ request: false, response: true }));
    const answer = request(gateway.url('/api/orders'));
    controller.resume((await nextPaused()).id);
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.headers['x-upstream']).toBe('yes');
    expect(res.json()).toMatchObject({ answeredBy: 'upstream' });
  });

  it('shows a gzip body decoded; unedited it goes out as the upstream sent it', async () => {
    controller.setRules(rules({ request: false, response: true }));
    const answer = new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      http.get(gateway.url('/api/gzip'), { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    const paused = await nextPaused();
    expect(controller.view(paused.id).response!.body).toMatchObject({ text: '{"compressed":true}', decodedFrom: 'gzip' });
    controller.resume(paused.id);
    const res = await answer;
    expect(res.encoding).toBe('gzip');
    expect(zlib.gunzipSync(res.body).toString()).toBe('{"compressed":true}');
  });

  it('pauses both phases of one request in turn', async () => {
    controller.setRules(rules({ request: true, response: true }));
    const answer = request(gateway.url('/api/orders'));
    const first = await nextPaused();
    expect(first.phase).toBe('request');
    controller.resume(first.id, { headers: [['x-step', 'edited-request']], bodyEncoding: 'utf8' });
    const second = await nextPaused();
    expect(second.phase).toBe('response');
    expect(received[0]!.headers['x-step']).toBe('edited-request');
    controller.drop(second.id);
    await expect(answer).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
