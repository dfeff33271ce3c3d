/**
 * Flex documents circuit-breaker-flex and idle-timeout-flex as outbound policies bound to a
 * Service. Its own example (with its `Kind: Service` spelling) loads, binds the policy to each
 * API using that service, and runs: a second request in flight is refused with 503.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { freePort, request, startServer, type TestServer } from '../testing/net';
import { formatConfigError } from './errors';
import { loadConfigText } from './load';

let upstream: TestServer;
let gateway: StartedGateway | undefined;
const held: ServerResponse[] = [];

beforeAll(async () => {
  upstream = await startServer((_req, res) => void held.push(res));
});
afterAll(async () => {
  for (const res of held.splice(0)) res.end();
  await gateway?.close();
  await upstream?.close();
});

const flexFiles = (port: number, upstreamUrl: string) => `
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
spec:
  address: http://127.0.0.1:${port}/orders
  services:
    upstream:
      address: ${upstreamUrl}/
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: other
spec:
  address: http://127.0.0.1:${port}/other
  services:
    elsewhere:
      address: ${upstreamUrl}/
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: upstream-policy
spec:
  targetRef:
    Kind: Service
    name: upstream
  policyRef:
    name: circuit-breaker-flex
  config:
    thresholds:
      maxConnections: 1
      maxPendingRequests: 0
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: upstream-idle
spec:
  targetRef:
    kind: Service
    name: upstream
  policyRef:
    name: idle-timeout-flex
  config:
    timeout: 3
`;

it("loads Flex's Service-bound circuit breaker and idle timeout onto the APIs using the service, and runs them", async () => {
  const port = await freePort();
  const result = loadConfigText(flexFiles(port, upstream.url));
  expect(result.errors.map(formatConfigError)).toEqual([]);
  const apis = result.snapshot!.listeners[0]!.apis;
  const orders = apis.find((api) => api.name === 'orders')!;
  expect(orders.policies.map((policy) => [policy.name, policy.id])).toEqual([
    ['circuit-breaker-flex', 'upstream-policy'],
    ['idle-timeout-flex', 'upstream-idle'],
  ]);
  expect(apis.find((api) => api.name === 'other')!.policies).toEqual([]);

  gateway = await startGateway(result.snapshot!, { catalogue: findPolicy });
  const first = request(`http://127.0.0.1:${port}/orders/1`);
  while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const second = await request(`http://127.0.0.1:${port}/orders/2`);
  expect(second.status).toBe(503);
  expect(second.json().error.code).toBe('CIRCUIT_OPEN');
  held.shift()!.end('ok');
  expect((await first).status).toBe(200);
});

it('still refuses other policies bound to a Service, naming the ones that may be', () => {
  const text = flexFiles(8080, 'http://127.0.0.1:9').replace('Kind: Service', 'kind: Service').replace('name: circuit-breaker-flex', 'name: rate-limiting-flex').replace(/thresholds:\n\s+maxConnections: 1\n\s+maxPendingRequests: 0/, 'rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }]');
  const result = loadConfigText(text);
  expect(result.errors.map(formatConfigError).join('\n')).toContain('only tls-outbound, circuit-breaker-flex, idle-timeout-flex can');
});
