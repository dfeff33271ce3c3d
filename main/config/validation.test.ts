/**
 * What `gatehouse validate` tells a user: every problem, each as `file:line: field: message`
 * pointing at the line they must edit. Real files in a temp dir.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatConfigError } from './errors';
import { loadConfig } from './load';

const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-validation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(text: string, name = `config-${++counter}.yaml`): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text.replace(/^\n/, ''));
  return file;
}

/** Loads and returns the formatted errors with the temp dir stripped: `name.yaml:12: field: message`. */
function errorsOf(target: string, env: Record<string, string> = {}): string[] {
  const result = loadConfig(target, { env });
  expect(result.snapshot).toBeUndefined();
  return result.errors.map((error) => formatConfigError(error).replace(`${dir}${path.sep}`, ''));
}

const API = (name: string, address: string, extra = '') => `
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: ${name}
spec:
  address: ${address}
  services:
    upstream:
      address: http://127.0.0.1:3000/
${extra}`;

describe('config validation', () => {
  it('accepts the minimal file of DESIGN.md and fills in policy defaults', () => {
    const file = write(`${API('jsonplaceholder', 'http://0.0.0.0:8081/jsonplaceholder/')}
  policies:
    - policyRef:
        name: rate-limiting-flex
      config:
        rateLimits:
          - maximumRequests: 50
            timePeriodInMilliseconds: 60000
        exposeHeaders: true
`);
    const result = loadConfig(file, { env: {} });
    expect(result.errors).toEqual([]);
    const api = result.snapshot!.listeners[0]!.apis[0]!;
    expect(api.basePath).toBe('/jsonplaceholder');
    expect(api.policies[0]).toMatchObject({ name: 'rate-limiting-flex', order: 50, config: { exposeHeaders: true, clusterizable: true } });
  });

  it('names an unknown kind and a wrong apiVersion at their lines', () => {
    const file = write(`
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstanse
metadata:
  name: a
spec: {}
---
apiVersion: gatehouse.dev/v1
kind: PolicyBinding
metadata:
  name: b
spec: {}
---
apiVersion: gateway.mulesoft.com/v2
kind: Service
metadata:
  name: c
spec:
  address: http://127.0.0.1:1/
`);
    const name = path.basename(file);
    expect(errorsOf(file)).toEqual([
      `${name}:2: kind: unknown kind "ApiInstanse" (did you mean ApiInstance?); supported: ApiInstance, Service, PolicyBinding, Configuration, Extension, Gateway, SlaTier, Application, Contract, AlertRule, Mock`,
      `${name}:7: apiVersion: wrong apiVersion for kind PolicyBinding: expected gateway.mulesoft.com/v1alpha1, got gatehouse.dev/v1`,
      `${name}:13: apiVersion: unknown apiVersion "gateway.mulesoft.com/v2"; Service belongs to gateway.mulesoft.com/v1alpha1`,
    ]);
  });

  it('reports a missing required field at its parent; a misspelling of it is one error at the misspelt line', () => {
    const file = write(`
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
spec:
  services:
    upstream:
      adress: http://127.0.0.1:3000/
`);
    const name = path.basename(file);
    expect(errorsOf(file)).toEqual([
      `${name}:5: spec.address: required (string)`,
      `${name}:8: spec.services.upstream.address: required (string); found "adress" instead (a misspelling?)`,
    ]);
    expect(loadConfig(file, { env: {} }).warnings).toEqual([]);
  });

  it('maps a bad policy config to the field and line inside the policy, and lists similar names for an unknown policy', () => {
    const file = write(`${API('orders', 'http://0.0.0.0:8081/orders')}
  policies:
    - policyRef:
        name: rate-limiting-flex
      config:
        rateLimits:
          - maximumRequests: 0
            timePeriodInMilliseconds: 1000
    - policyRef:
        name: rate-limit-flex
`);
    const name = path.basename(file);
    expect(errorsOf(file)).toEqual([
      `${name}:16: spec.policies[0].config.rateLimits[0].maximumRequests: Too small: expected number to be >0`,
      `${name}:19: spec.policies[1].policyRef.name: unknown policy "rate-limit-flex" (did you mean rate-limiting-flex or rate-limiting-sla-based-flex?)`,
    ]);
  });

  it('rejects an unsupported expression and says which forms are supported', () => {
    const file = write(`${API('orders', 'http://0.0.0.0:8081/orders')}
  policies:
    - policyRef:
        name: rate-limiting-flex
      config:
        keySelector: "#[payload.customerId]"
        rateLimits:
          - maximumRequests: 5
            timePeriodInMilliseconds: 1000
`);
    const [error, ...rest] = errorsOf(file);
    expect(rest).toEqual([]);
    expect(error).toMatch(new RegExp(`^${path.basename(file)}:15: spec\\.policies\\[0\\]\\.config\\.keySelector: unsupported expression #\\[payload\\.customerId\\]; supported forms are .*#\\[attributes\\.headers\\['name'\\]\\]`));
  });

  it('reports a binding to a missing target, an empty selector match and a route to a missing Service', () => {
    const file = write(`${API('orders', 'http://0.0.0.0:8081/orders')}
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: limit-order
spec:
  targetRef:
    name: order
  policyRef:
    name: cors-flex
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: by-label
spec:
  targetRef:
    kind: Selector
    selector:
      labels:
        team: payments
  policyRef:
    name: cors-flex
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: route-it
spec:
  targetRef:
    name: orders
  policyRef:
    name: route
  config:
    destinationRef:
      name: billing
`);
    const name = path.basename(file);
    expect(errorsOf(file)).toEqual([
      `${name}:18: spec.targetRef.name: no ApiInstance named "order" (did you mean orders?)`,
      `${name}:29: spec.targetRef.selector: no ApiInstance matches labels team=payments`,
      `${name}:46: spec.config.destinationRef.name: no Service named "billing"`,
    ]);
  });

  it('reports two APIs claiming the same port and base path, and a port bound on two hosts', () => {
    const first = write(API('orders', 'http://0.0.0.0:8081/orders/'), 'clash/a.yaml');
    write(`${API('orders-v2', 'http://0.0.0.0:8081/orders//')}---${API('admin', 'http://127.0.0.1:8081/admin')}`, 'clash/b.yaml');
    expect(errorsOf(path.dirname(first))).toEqual([
      `clash/b.yaml:6: spec.address: port 8081 and base path /orders are already claimed by ApiInstance orders (${first}:6)`,
      `clash/b.yaml:16: spec.address: port 8081 is already bound on 0.0.0.0 by ApiInstance orders (${first}:6); APIs sharing a port must use the same host`,
    ]);
  });

  it('rejects addresses without a port or with another scheme, and https without a tls policy', () => {
    const file = write(`${API('a', 'http://0.0.0.0/a')}---${API('b', 'tcp://0.0.0.0:9000/b')}---${API('c', 'https://0.0.0.0:8443/c')}`);
    const name = path.basename(file);
    expect(errorsOf(file)).toEqual([
      `${name}:6: spec.address: missing port; e.g. http://0.0.0.0:8081/a`,
      `${name}:16: spec.address: unsupported scheme "tcp"; use http:// or https://`,
      `${name}:26: spec.address: https needs a tls policy bound to this API (or another API on port 8443) with a certificate and key`,
    ]);
  });

  it('names an unreadable tls certificate file', () => {
    const file = write(`${API('secure', 'https://0.0.0.0:8443/')}
  policies:
    - policyRef:
        name: tls
      config:
        certificate:
          crt: certs/missing.crt
          key: certs/missing.key
`);
    const name = path.basename(file);
    expect(errorsOf(file)).toEqual([
      `${name}:16: spec.policies[0].config.certificate.crt: cannot read ${path.join(dir, 'certs/missing.crt')}: no such file or directory`,
      `${name}:17: spec.policies[0].config.certificate.key: cannot read ${path.join(dir, 'certs/missing.key')}: no such file or directory`,
    ]);
  });

  it('collects errors from every file of a directory, YAML syntax errors included', () => {
    write('apiVersion: [unclosed\n', 'many/1-broken.yaml');
    write(API('ok', 'http://0.0.0.0:8081/ok'), 'many/2-ok.yml');
    write(`${API('bad', 'http://0.0.0.0:8081/bad')}  policies:\n    - policyRef:\n        name: nope-flex\n`, 'many/3-bad.yaml');
    write('not yaml config', 'many/notes.txt');
    const errors = errorsOf(path.join(dir, 'many'));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^many\/1-broken\.yaml:\d+: /);
    expect(errors[1]).toBe('many/3-bad.yaml:12: spec.policies[0].policyRef.name: unknown policy "nope-flex"');
  });

  it('substitutes $ENV and ${ENV} in strings and names an unset variable with its file and line', () => {
    const text = `${API('envy', 'http://0.0.0.0:${GW_PORT}/$BASE_PATH')}
  policies:
    - policyRef:
        name: http-basic-authentication-flex
      config:
        username: admin
        password: $ADMIN_PASSWORD
`;
    const file = write(text);
    const result = loadConfig(file, { env: { GW_PORT: '9090', BASE_PATH: 'envy', ADMIN_PASSWORD: 's3cret$$x' } });
    expect(result.errors).toEqual([]);
    const listener = result.snapshot!.listeners[0]!;
    expect(listener.port).toBe(9090);
    expect(listener.apis[0]!.basePath).toBe('/envy');
    expect(listener.apis[0]!.policies[0]!.config).toMatchObject({ password: 's3cret$$x' });

    expect(errorsOf(file, { GW_PORT: '9090' })).toEqual([
      `${path.basename(file)}:6: spec.address: environment variable BASE_PATH is not set`,
      `${path.basename(file)}:16: spec.policies[0].config.password: environment variable ADMIN_PASSWORD is not set`,
    ]);
  });

  it('keeps $$ as a literal dollar and leaves regex anchors alone', () => {
    const file = write(`${API('money', 'http://0.0.0.0:8081/money')}
  policies:
    - policyRef:
        name: header-injection-flex
      config:
        inboundHeaders:
          - key: x-price
            value: "$$5"
      rules:
        - path: ^/money/(.*)$
`);
    const result = loadConfig(file, { env: {} });
    expect(result.errors).toEqual([]);
    const policy = result.snapshot!.listeners[0]!.apis[0]!.policies[0]!;
    expect(policy.config).toMatchObject({ inboundHeaders: [{ key: 'x-price', value: '$5' }] });
    expect(policy.rules).toEqual([{ path: '^/money/(.*)$' }]);
  });

  it('checks identity references: contracts need an existing application, API and a tier of that API', () => {
    const file = write(`${API('orders', 'http://0.0.0.0:8081/orders')}---${API('users', 'http://0.0.0.0:8081/users')}---
apiVersion: gatehouse.dev/v1
kind: SlaTier
metadata:
  name: gold
spec:
  apiRef:
    name: users
  limits:
    - maximumRequests: 10
      timePeriodInMilliseconds: 1000
---
apiVersion: gatehouse.dev/v1
kind: Application
metadata:
  name: mobile
spec:
  clientId: mobile-app
  clientSecret: hunter2
  clientSecretHash: scrypt$abc$def
---
apiVersion: gatehouse.dev/v1
kind: Contract
metadata:
  name: mobile-orders
spec:
  application: mobil
  api: orders
  tier: gold
`);
    const name = path.basename(file);
    expect(errorsOf(file)).toEqual([
      `${name}:36: spec: give exactly one of clientSecret (plain or $ENV) and clientSecretHash`,
      `${name}:46: spec.application: no Application (by name or clientId) named "mobil"`,
      `${name}:48: spec.tier: SlaTier gold belongs to ApiInstance users, not orders`,
    ]);
  });
});
