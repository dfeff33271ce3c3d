/**
 * circuit-breaker-flex over real sockets: an upstream that holds every request until the test
 * releases it, so "in flight" is exact. Timing is never asserted, only order and counts.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { circuitBreakerSchema } from '../../shared/policies/circuit-breaker';
import type { BindingStateChange } from '../gateway/runtime';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startServer, type SimpleResponse, type TestServer } from '../testing/net';

describe('circuit-breaker-flex', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  /** Responses the upstream is holding, in arrival order. */
  const held: ServerResponse[] = [];
  let arrived = 0;
  const changes: BindingStateChange[] = [];

  beforeAll(async () => {
    upstream = await startServer((req, res) => {
      arrived++;
      held.push(res);
    });
    gateway = await startGateway(
      [
        { basePath: '/queued', id: 'queued', name: 'Queued', upstream: upstream.url, policies: [{ name: 'circuit-breaker-flex', config: { thresholds: { maxConnections: 2, maxPendingRequests: 1 } } }] },
        { basePath: '/capped', id: 'capped', name: 'Capped', upstream: upstream.url, policies: [{ name: 'circuit-breaker-flex', config: { thresholds: { maxRequests: 1 } } }] },
        { basePath: '/watched', id: 'watched', name: 'Watched', upstream: upstream.url, policies: [{ name: 'circuit-breaker-flex', config: { thresholds: { maxRequests: 1 } } }] },
      ],
      { catalogue: findPolicy },
    );
    gateway.runtime.onBindingState((change) => changes.push(change));
  });
  afterEach(() => {
    for (const res of held.splice(0)) res.end('released');
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const until = async (check: () => boolean): Promise<void> => {
    while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const releaseOne = (): void => void held.shift()!.end('released');

  it('lets maxConnections through, queues maxPendingRequests, and answers 503 past them without calling the upstream', async () => {
    arrived = 0;
    const first = request(gateway.url('/queued/1'));
    const second = request(gateway.url('/queued/2'));
    await until(() => arrived === 2);
    const third = request(gateway.url('/queued/3'));
    // The fourth finds both connections busy and the one waiting place taken.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fourth = await request(gateway.url('/queued/4'));
    expect(fourth.status).toBe(503);
    expect(fourth.headers['x-gatehouse-source']).toBe('gateway');
    expect(fourth.json().error).toMatchObject({ code: 'CIRCUIT_OPEN', policy: 'circuit-breaker-flex' });
    expect(fourth.json().error.message).toContain('maxPendingRequests');
    expect(arrived).toBe(2);
    // When one finishes, the waiting request goes on.
    releaseOne();
    await until(() => arrived === 3);
    releaseOne();
    releaseOne();
    const answers: SimpleResponse[] = await Promise.all([first, second, third]);
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
  });

  it('answers 503 at once past maxRequests', async () => {
    arrived = 0;
    const first = request(gateway.url('/capped/1'));
    await until(() => arrived === 1);
    const second = await request(gateway.url('/capped/2'));
    expect(second.status).toBe(503);
    expect(second.json().error.message).toContain('maxRequests (1)');
    expect(arrived).toBe(1);
    releaseOne();
    expect((await first).status).toBe(200);
    // The place is free again.
    const third = request(gateway.url('/capped/3'));
    await until(() => arrived === 2);
    releaseOne();
    expect((await third).status).toBe(200);
  });

  it('reports the circuit open on the first refusal and closed once the load is gone', async () => {
    const mine = () => changes.filter((change) => change.apiId === 'watched');
    const first = request(gateway.url('/watched/a'));
    await until(() => held.length === 1);
    await request(gateway.url('/watched/b'));
    expect(gateway.runtime.trippedBindings()).toContainEqual(expect.objectContaining({ apiId: 'watched', policy: 'circuit-breaker-flex', tripped: true }));
    expect(mine()).toEqual([expect.objectContaining({ apiId: 'watched', apiName: 'Watched', tripped: true, detail: expect.stringContaining('maxRequests') })]);
    releaseOne();
    await first;
    await until(() => mine().length === 2);
    expect(mine()[1]).toMatchObject({ apiId: 'watched', tripped: false });
    expect(gateway.runtime.trippedBindings().filter((state) => state.apiId === 'watched')).toEqual([]);
  });

  it('takes Envoy defaults for absent thresholds and refuses negative ones naming the field', () => {
    expect(circuitBreakerSchema.parse({})).toEqual({ thresholds: {} });
    const bad = circuitBreakerSchema.safeParse({ thresholds: { maxConnections: -1 } });
    expect(bad.error?.issues[0]?.path).toEqual(['thresholds', 'maxConnections']);
  });
});
