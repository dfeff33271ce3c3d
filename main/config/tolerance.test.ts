/**
 * A file Flex accepts is not refused: fields Flex tolerates, v1beta1 Configuration and
 * documented differences load with one warning line each (`file:line: field: message`), while
 * the catalogue the admin API uses stays strict. Real files in a temp dir.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { formatConfigError } from './errors';
import { IP_DEFAULT_SOURCE_WARNING } from './flex-fields';
import { loadConfig, type LoadResult } from './load';

const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-tolerance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function load(text: string): { result: LoadResult; name: string } {
  const name = `flex-${++counter}.yaml`;
  writeFileSync(path.join(dir, name), text.replace(/^\n/, ''));
  return { result: loadConfig(path.join(dir, name), { env: {} }), name };
}

const lines = (list: LoadResult['warnings']) => list.map((entry) => formatConfigError(entry).replace(`${dir}${path.sep}`, ''));

const api = (policies: string, extra = '') => `
apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: orders
spec:
  address: http://0.0.0.0:8081/orders
  services:
    upstream:
      address: http://127.0.0.1:3000/
  policies:
${policies}${extra}`;

describe('fields Flex tolerates', () => {
  it('keySelector, exposeHeaders and clusterizable inside a rateLimits entry, and blockOnUnknownQuota: accepted, one warning each', () => {
    const { result, name } = load(
      api(`    - policyRef:
        name: rate-limiting-flex
      config:
        rateLimits:
          - maximumRequests: 5
            timePeriodInMilliseconds: 1000
            keySelector: "#[attributes.method]"
            exposeHeaders: true
            clusterizable: false
        blockOnUnknownQuota: true
`),
    );
    expect(lines(result.errors)).toEqual([]);
    expect(lines(result.warnings)).toEqual([
      `${name}:17: spec.policies[0].config.rateLimits[0].keySelector: Flex documents keySelector at the policy's config level, not inside a rateLimits entry; ignored here (move it up one level for it to take effect)`,
      `${name}:18: spec.policies[0].config.rateLimits[0].exposeHeaders: Flex documents exposeHeaders at the policy's config level, not inside a rateLimits entry; ignored here (move it up one level for it to take effect)`,
      `${name}:19: spec.policies[0].config.rateLimits[0].clusterizable: Flex documents clusterizable at the policy's config level, not inside a rateLimits entry; ignored here (move it up one level for it to take effect)`,
      `${name}:20: spec.policies[0].config.blockOnUnknownQuota: not acted on: while Redis is unreachable Gatehouse counts locally, as Flex does with blockOnUnknownQuota: false`,
    ]);
    // The compiled policy carries only what Gatehouse acts on: the entry-level fields are not applied.
    const config = result.snapshot!.listeners[0]!.apis[0]!.policies[0]!.config;
    expect(config).toEqual({ rateLimits: [{ maximumRequests: 5, timePeriodInMilliseconds: 1000 }], exposeHeaders: false, clusterizable: true });
    // Only the YAML path tolerates them: the catalogue behind the admin API and the UI stays strict.
    expect(findPolicy('rate-limiting-flex')!.schema.safeParse({ rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 1, keySelector: '#[attributes.method]' }] }).success).toBe(false);
  });

  it('a misspelt field is a warning with a suggestion, never silence and never a refusal, in a PolicyBinding too', () => {
    const { result, name } = load(`${api(`    - policyRef:
        name: header-injection-flex
      config:
        inboundHeaders: [{ key: x-a, value: "1" }]
`)}---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: limit
spec:
  targetRef:
    name: orders
  policyRef:
    name: rate-limiting-flex
  config:
    rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }]
    exposeHeader: true
`);
    expect(lines(result.errors)).toEqual([]);
    expect(lines(result.warnings)).toEqual([`${name}:27: spec.config.exposeHeader: unknown field; ignored (did you mean exposeHeaders?)`]);
    expect(result.snapshot!.listeners[0]!.apis[0]!.policies.map((policy) => policy.name).sort()).toEqual(['header-injection-flex', 'rate-limiting-flex']);
  });

  it('an unknown field beside a real error: the error refuses the file, the field stays a warning', () => {
    const { result, name } = load(
      api(`    - policyRef:
        name: rate-limiting-flex
      config:
        rateLimits:
          - maximumRequests: 0
            timePeriodInMilliseconds: 1000
            clusterizable: true
`),
    );
    expect(lines(result.errors)).toEqual([`${name}:15: spec.policies[0].config.rateLimits[0].maximumRequests: Too small: expected number to be >0`]);
    expect(lines(result.warnings)).toEqual([expect.stringContaining(`${name}:17: spec.policies[0].config.rateLimits[0].clusterizable: Flex documents clusterizable`)]);
  });

  it('what a cluster adds to a resource (status, metadata.uid) and unknown spec fields are warnings', () => {
    const { result, name } = load(`
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Service
metadata:
  name: backend
  uid: 1234
spec:
  address: http://127.0.0.1:3000/
  adress: typo
status:
  conditions: []
---${api('    []').replace('services:\n    upstream:\n      address: http://127.0.0.1:3000/', 'services:\n    upstream:\n      address: http://127.0.0.1:3000/\n      retries: 3')}`);
    expect(lines(result.errors)).toEqual([]);
    expect(lines(result.warnings)).toEqual([
      `${name}:5: metadata.uid: unknown field; ignored`,
      `${name}:8: spec.adress: unknown field; ignored (did you mean address?)`,
      `${name}:9: status: unknown field; ignored (a resource has apiVersion, kind, metadata and spec)`,
      `${name}:21: spec.services.upstream.retries: unknown field; ignored`,
    ]);
  });
});

describe('gateway.mulesoft.com/v1beta1', () => {
  it('reads a Configuration as Flex documents it (logging, tracing), warning of each section it does not apply', () => {
    const { result, name } = load(`${api('    []')}
---
apiVersion: gateway.mulesoft.com/v1beta1
kind: Configuration
metadata:
  name: logging-config
spec:
  logging:
    runtimeLogs:
      logLevel: info
      outputs:
        anypoint: disabled
---
apiVersion: gateway.mulesoft.com/v1beta1
kind: Configuration
metadata:
  name: tracing
spec:
  tracing:
    sampling: { client: 0, random: 0, overall: 0 }
---
apiVersion: gateway.mulesoft.com/v1beta1
kind: Configuration
metadata:
  name: redis
spec:
  sharedStorage:
    redis:
      address: 127.0.0.1:6379
      DB: 2
      tls: { skipValidation: true }
`);
    expect(lines(result.errors)).toEqual([]);
    expect(lines(result.warnings)).toEqual([
      `${name}:29: spec.tracing: not acted on: Gatehouse traces each request's policies in its own traffic view, not to an OpenTelemetry collector`,
      `${name}:41: spec.sharedStorage.redis.tls: not acted on: give a rediss:// address for TLS to Redis`,
    ]);
    expect(result.snapshot!.sharedStorage).toEqual({ redis: { address: '127.0.0.1:6379', db: 2 } });
  });

  it('other kinds stay v1alpha1, as Flex documents them, and the error says so', () => {
    const { result, name } = load(api('    []').replace('gateway.mulesoft.com/v1alpha1', 'gateway.mulesoft.com/v1beta1'));
    expect(lines(result.errors)).toEqual([
      `${name}:1: apiVersion: wrong apiVersion for kind ApiInstance: expected gateway.mulesoft.com/v1alpha1, got gateway.mulesoft.com/v1beta1 (Flex documents gateway.mulesoft.com/v1beta1 for Configuration only)`,
    ]);
  });
});

describe('documented differences a file relies on', () => {
  it('an IP list without ipExpression: one warning, since Flex defaults to X-Forwarded-For; none with it', () => {
    const { result, name } = load(
      api(`    - policyRef:
        name: ip-allowlist-flex
      config:
        ips: ["192.168.2", "192.160", "10.0.0.0/8"]
    - policyRef:
        name: ip-blocklist-flex
      config:
        ips: ["203.0.113"]
        ipExpression: "#[attributes.headers['x-forwarded-for']]"
`),
    );
    expect(lines(result.errors)).toEqual([]);
    expect(lines(result.warnings)).toEqual([`${name}:13: spec.policies[0].config: ${IP_DEFAULT_SOURCE_WARNING}`]);
    expect(IP_DEFAULT_SOURCE_WARNING).toMatch(/Flex then reads the client address from X-Forwarded-For, Gatehouse from the connection/);
  });

  it('a header-removal entry naming a header Flex never removes: a warning that it has no effect', () => {
    const { result, name } = load(
      api(`    - policyRef:
        name: header-removal-flex
      config:
        inboundHeaders: ["Host", "x-.*"]
`),
    );
    expect(lines(result.errors)).toEqual([]);
    expect(lines(result.warnings)).toEqual([`${name}:14: spec.policies[0].config.inboundHeaders[0]: Host is never removed (as in Flex); this entry has no effect`]);
  });
});
