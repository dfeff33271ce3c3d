// "Circuit open" alerts: circuit-breaker-flex's open circuits (as the runtime reports them) fire
// a rule once and resolve it once when the circuit closes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMBEDDED_GATEWAY_ID } from '../store/gateways';
import { AlertHarness, sleep } from './testing/harness';

let h: AlertHarness;

beforeEach(() => {
  h = new AlertHarness();
});

afterEach(async () => {
  await h.close();
});

describe('circuit-open alerts', () => {
  it('fires while the API has an open circuit and resolves when it closes', async () => {
    h.store.apis.insert({ id: 'orders', name: 'Orders', implementationUrl: 'http://127.0.0.1:9', basePath: '/orders', gatewayId: EMBEDDED_GATEWAY_ID });
    const open: Record<string, string> = {};
    const rule = h.rule({ name: 'Orders circuit', kind: 'circuit-open', apiId: 'orders', spec: { threshold: 0, windowSeconds: 1, severity: 'warning' } });
    h.start({ openCircuits: () => open });
    await sleep(300);
    expect(h.fired).toEqual([]);

    open.orders = 'Orders: circuit open: maxRequests (1) reached: 1 requests outstanding';
    await vi.waitFor(() => expect(h.fired).toHaveLength(1), { timeout: 5000, interval: 20 });
    expect(h.fired[0]).toMatchObject({ ruleId: rule.id, value: 1, message: expect.stringContaining('circuit of Orders open (Orders: circuit open: maxRequests (1)') });

    delete open.orders;
    await vi.waitFor(() => expect(h.resolved).toHaveLength(1), { timeout: 5000, interval: 20 });
    expect(h.resolved[0]!.message).toContain('circuit of Orders closed again');
    expect(h.fired).toHaveLength(1);
  });
});
