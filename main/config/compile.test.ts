/**
 * Resources → snapshot: both Flex styles (inline and resource-based) give the same gateway,
 * TLS files are read relative to the config file, identity is hashed, export round-trips.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySecret } from '../policies/secret-hash';
import type { GatewaySnapshot } from '../gateway/snapshot';
import { formatConfigError } from './errors';
import { formatResources } from './export';
import { loadConfig, loadConfigText } from './load';
import { toDeclarative } from './resources';

const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-compile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function load(file: string, env: Record<string, string> = {}): GatewaySnapshot {
  const result = loadConfig(file, { env });
  expect(result.errors.map(formatConfigError)).toEqual([]);
  return result.snapshot!;
}

/** The parts the data plane acts on: no ids, sources or versions. */
function behaviour(snapshot: GatewaySnapshot) {
  return snapshot.listeners.map((listener) => ({
    ...listener,
    apis: listener.apis.map(({ source: _s, ...api }) => ({ ...api, policies: api.policies.map(({ id: _i, source: _src, ...policy }) => policy) })),
  }));
}

const INLINE = `
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
spec:
  address: http://0.0.0.0:8081/orders/
  services:
    backend:
      address: http://127.0.0.1:3000/
      routes:
        - config:
            destinationPath: /api/
  policies:
    - policyRef:
        name: rate-limiting-flex
      config:
        rateLimits:
          - maximumRequests: 10
            timePeriodInMilliseconds: 1000
    - policyRef:
        name: cors-flex
      order: 10
`;

const RESOURCES = (targetRef: string) => `
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
  labels:
    tier: public
spec:
  address: http://0.0.0.0:8081/orders
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Service
metadata:
  name: backend
spec:
  address: http://127.0.0.1:3000/
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: orders-route
spec:
  targetRef:
    name: orders
  policyRef:
    name: route
  config:
    destinationRef:
      name: backend
    destinationPath: /api
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: orders-limit
spec:
${targetRef}
  policyRef:
    name: rate-limiting-flex
  config:
    rateLimits:
      - maximumRequests: 10
        timePeriodInMilliseconds: 1000
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: orders-cors
spec:
${targetRef}
  policyRef:
    name: cors-flex
  order: 10
`;

describe('compile', () => {
  it('gives the same gateway for the inline style and for Service + PolicyBinding resources, by name and by label selector', () => {
    const inline = load(write('styles/inline.yaml', INLINE));
    const byName = load(write('styles/by-name.yaml', RESOURCES('  targetRef:\n    kind: ApiInstance\n    name: orders')));
    const bySelector = load(write('styles/by-selector.yaml', RESOURCES('  targetRef:\n    kind: Selector\n    selector:\n      kind: ApiInstance\n      labels:\n        tier: public')));
    expect(behaviour(byName)).toEqual(behaviour(inline));
    expect(behaviour(bySelector)).toEqual(behaviour(inline));

    const api = inline.listeners[0]!.apis[0]!;
    expect(inline.listeners[0]).toMatchObject({ host: '0.0.0.0', port: 8081 });
    expect(api).toMatchObject({ id: 'orders', basePath: '/orders', services: [{ name: 'backend', url: 'http://127.0.0.1:3000/' }], routes: [{ service: 'backend', destinationPath: '/api' }] });
    // order 10 runs before the default 50
    expect(api.policies.map((p) => p.name)).toEqual(['cors-flex', 'rate-limiting-flex']);
    expect(api.policies.map((p) => p.id)).toEqual(['orders.cors-flex', 'orders.rate-limiting-flex']);
    expect(byName.listeners[0]!.apis[0]!.policies.map((p) => p.id)).toEqual(['orders-cors', 'orders-limit']);
    expect(api.policies[1]!.source).toEqual({ file: path.join(dir, 'styles/inline.yaml'), line: 15 });
  });

  it('keeps declaration order for equal orders, puts routes with rules before catch-all routes, and keeps health-check-flex', () => {
    const snapshot = load(
      write(
        'order.yaml',
        `
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: shop
spec:
  address: http://127.0.0.1:9000
  services:
    fallback:
      address: http://127.0.0.1:3000/
    users:
      address: http://127.0.0.1:3001/v1
      routes:
        - rules:
            - path: /users(/.*)?
              methods: GET|POST
              headers:
                x-version: "2"
          config:
            destinationPath: people
  policies:
    - policyRef: { name: header-injection-flex }
      config: { inboundHeaders: [{ key: x-a, value: "1" }] }
    - policyRef: { name: health-check-flex }
      config: { path: /health }
    - policyRef: { name: header-removal-flex }
      config: { inboundHeaders: [x-b] }
      order: 50
`,
      ),
    );
    const api = snapshot.listeners[0]!.apis[0]!;
    expect(api.basePath).toBe('/');
    expect(api.routes).toEqual([
      { service: 'users', destinationPath: '/people', rules: [{ path: '/users(/.*)?', methods: 'GET|POST', headers: [{ 'x-version': '2' }] }] },
      { service: 'fallback', destinationPath: '/' },
    ]);
    expect(api.policies.map((p) => p.name)).toEqual(['header-injection-flex', 'health-check-flex', 'header-removal-flex']);
    expect(api.policies[1]!.config).toMatchObject({ path: '/health', expectedStatus: 200 });
  });

  describe('tls', () => {
    let certs: string;
    beforeAll(() => {
      certs = path.join(dir, 'tls', 'certs');
      mkdirSync(certs, { recursive: true });
      for (const name of ['server', 'other']) {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}.local`, '-keyout', path.join(certs, `${name}.key`), '-out', path.join(certs, `${name}.crt`)], { stdio: 'ignore' });
      }
    });

    const tlsApi = (name: string, base: string, cert = 'server') => `
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: ${name}
spec:
  address: https://0.0.0.0:8443/${base}
  services:
    backend:
      address: https://127.0.0.1:3443/
  policies:
    - policyRef:
        name: tls
      config:
        certificate:
          crt: certs/${cert}.crt
          key: certs/${cert}.key
        minversion: "1.3"
---
`;

    it('reads the certificate and key files relative to the config file into the listener, and tls-outbound files into the service', () => {
      const file = write(
        'tls/secure.yaml',
        `${tlsApi('secure', 'secure')}
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: trust-backend
spec:
  targetRef:
    kind: Service
    name: backend
  policyRef:
    name: tls-outbound
  config:
    trustedCA: certs/other.crt
`,
      );
      const snapshot = load(file);
      const listener = snapshot.listeners[0]!;
      expect(listener.tls).toEqual({
        certificate: readFileSync(path.join(certs, 'server.crt'), 'utf8'),
        key: readFileSync(path.join(certs, 'server.key'), 'utf8'),
        minVersion: 'TLSv1.3',
      });
      expect(listener.apis[0]!.services[0]!.tls).toEqual({ trustedCA: readFileSync(path.join(certs, 'other.crt'), 'utf8') });
      expect(listener.apis[0]!.policies).toEqual([]);
    });

    it('rejects two different TLS contexts on one port', () => {
      const file = write('tls/clash.yaml', tlsApi('one', 'one') + tlsApi('two', 'two', 'other'));
      const result = loadConfig(file, { env: {} });
      expect(result.errors.map((e) => formatConfigError(e).replace(`${dir}/`, ''))).toEqual([
        'tls/clash.yaml:32: spec.policies[0].policyRef.name: port 8443 already has a different TLS context (binding one.tls on one); one port has one TLS context',
      ]);
    });

    it('rejects a key that does not belong to its certificate', () => {
      const text = tlsApi('mixed', 'mixed').replace('key: certs/server.key', 'key: certs/other.key');
      const result = loadConfig(write('tls/mixed.yaml', text), { env: {} });
      expect(result.errors.map(formatConfigError)).toHaveLength(1);
      expect(formatConfigError(result.errors[0]!)).toMatch(/mixed\.yaml:15: spec\.policies\[0\]\.config\.certificate: unusable certificate or key: key values mismatch$/);
    });
  });

  it('hashes application secrets, links contracts to tiers, keeps shared storage, and versions by content', () => {
    const text = `
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
spec:
  address: http://0.0.0.0:8081/orders
  services:
    backend:
      address: http://127.0.0.1:3000/
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Configuration
metadata:
  name: shared-storage
spec:
  sharedStorage:
    redis:
      address: 127.0.0.1:6379
      DB: 3
  logging:
    runtimeLogs:
      logLevel: info
---
apiVersion: gatehouse.dev/v1
kind: SlaTier
metadata:
  name: gold
spec:
  apiRef:
    name: orders
  limits:
    - maximumRequests: 100
      timePeriodInMilliseconds: 60000
---
apiVersion: gatehouse.dev/v1
kind: Application
metadata:
  name: mobile
spec:
  clientId: mobile-app
  clientSecret: \${MOBILE_SECRET}
---
apiVersion: gatehouse.dev/v1
kind: Contract
metadata:
  name: mobile-orders
spec:
  application: mobile-app
  api: orders
  tier: gold
`;
    const file = write('identity.yaml', text);
    const snapshot = load(file, { MOBILE_SECRET: 'hunter2' });
    const [app] = snapshot.identity.applications;
    expect(app).toMatchObject({ clientId: 'mobile-app', name: 'mobile' });
    expect(app!.secretHash).not.toContain('hunter2');
    expect(verifySecret('hunter2', app!.secretHash)).toBe(true);
    expect(snapshot.identity.tiers).toEqual([{ id: 'gold', name: 'gold', apiId: 'orders', limits: [{ maximumRequests: 100, timePeriodInMilliseconds: 60000 }], status: 'active' }]);
    expect(snapshot.identity.contracts).toEqual([{ clientId: 'mobile-app', apiId: 'orders', tierId: 'gold', status: 'approved' }]);
    expect(snapshot.sharedStorage).toEqual({ redis: { address: '127.0.0.1:6379', db: 3 } });
    expect(snapshot.sources).toEqual([file]);

    expect(snapshot.version).toMatch(/^[0-9a-f]{12}$/);
    expect(load(file, { MOBILE_SECRET: 'hunter2' }).version).toBe(snapshot.version);
    expect(load(file, { MOBILE_SECRET: 'other' }).version).not.toBe(snapshot.version);
    writeFileSync(file, text.replace('maximumRequests: 100', 'maximumRequests: 99'));
    expect(load(file, { MOBILE_SECRET: 'hunter2' }).version).not.toBe(snapshot.version);
  });

  it('exports resources as YAML that loads back to the same gateway', () => {
    const file = write('export/source.yaml', RESOURCES('  targetRef:\n    kind: Selector\n    selector:\n      labels:\n        tier: public') + `---
apiVersion: gatehouse.dev/v1
kind: Application
metadata:
  name: cli
spec:
  clientId: cli
  clientSecretHash: scrypt$c2FsdA==$aGFzaA==
  description: "costs $$USD 5 a month"
`);
    const original = loadConfig(file, { env: {} });
    expect(original.errors).toEqual([]);
    const text = formatResources(original.resources.map(toDeclarative), { header: 'exported by a test' });
    expect(text.startsWith('# exported by a test\n---\napiVersion: gateway.mulesoft.com/v1alpha1\nkind: Service\n')).toBe(true);
    expect(text).toContain('costs $$USD 5 a month');
    const reloaded = loadConfigText(text, 'exported.yaml', { env: {} });
    expect(reloaded.errors).toEqual([]);
    expect(behaviour(reloaded.snapshot!)).toEqual(behaviour(original.snapshot!));
    expect(reloaded.snapshot!.identity).toEqual(original.snapshot!.identity);
    expect(reloaded.resources.find((r) => r.kind === 'Application')!.spec).toMatchObject({ description: 'costs $USD 5 a month' });
  });
});
