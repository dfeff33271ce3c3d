// What `npm run bench` measures. Each target starts a process and returns the URL to load and
// the process whose CPU time is counted per request. `baseline` names the row a target is
// compared with; `minThroughput` and `maxP99` are the goals (issues 2 and 3).
import { openSync, readFileSync } from 'node:fs';
import path from 'node:path';

const gatewayConfig = (port, upstream, policies) => `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: bench
spec:
  address: http://127.0.0.1:${port}/bench/
  services:
    upstream:
      address: ${upstream}/
      routes:
        - config:
            destinationPath: /
${policies ? `  policies:
${policies}` : ''}`;

const threePolicies = `    - policyRef:
        name: rate-limiting-flex
      config:
        rateLimits:
          - maximumRequests: 1000000000
            timePeriodInMilliseconds: 60000
        exposeHeaders: true
    - policyRef:
        name: http-basic-authentication-flex
      config:
        username: bench
        password: bench-secret
    - policyRef:
        name: header-injection-flex
      config:
        inboundHeaders:
          - key: x-bench
            value: gatehouse
`;

// The cache answers hits itself; the bench's Authorization header is removed first (a shared
// cache does not serve requests that carry one unless the response says it may, RFC 9111 §3.5).
const cachingPolicies = `    - policyRef:
        name: header-removal-flex
      order: 10
      config:
        inboundHeaders:
          - authorization
    - policyRef:
        name: http-caching-flex
      order: 20
      config:
        ttl: 600
`;

/** `accessLog`: without --quiet, one access line per request on stdout, into a file (as `> access.log`). */
async function localModeGateway(ctx, name, policies, accessLog = false) {
  const port = await ctx.freePort();
  const file = path.join(ctx.workDir, `${name}.yaml`);
  ctx.writeFileSync(file, gatewayConfig(port, ctx.upstream, policies));
  const args = ['bin/gatehouse.cjs', 'gateway', '--config', file, ...(accessLog ? [] : ['--quiet'])];
  const process = accessLog ? ctx.startProcess(args, {}, openSync(path.join(ctx.workDir, `${name}-access.log`), 'w')) : ctx.startProcess(args);
  const url = `http://127.0.0.1:${port}/bench/users/1`;
  await ctx.waitForHttp(url);
  return { url, process };
}

/**
 * The embedded gateway as `gatehouse serve` runs it (control plane, SQLite, telemetry), with
 * one API created through the admin REST API. `telemetry: false` sets GATEHOUSE_TELEMETRY=off.
 */
async function servedGateway(ctx, name, telemetry, captureBodyLimitKiB = 0) {
  const dataDir = path.join(ctx.workDir, name);
  const [adminPort, gatewayPort] = [await ctx.freePort(), await ctx.freePort()];
  const process = ctx.startProcess(
    ['bin/gatehouse.cjs', 'serve', '--data-dir', dataDir, '--port', String(adminPort), '--gateway-port', String(gatewayPort)],
    { GATEHOUSE_TELEMETRY: telemetry ? 'on' : 'off', GATEHOUSE_ADMIN_TOKEN: '' },
  );
  const admin = `http://127.0.0.1:${adminPort}/api/v1`;
  await ctx.waitForHttp(`${admin}/health`);
  const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  const created = await fetch(`${admin}/apis`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', implementationUrl: `${ctx.upstream}/`, basePath: '/bench' }),
  });
  if (created.status !== 201) throw new Error(`bench: POST /api/v1/apis answered ${created.status}: ${await created.text()}`);
  // Body capture is a setting (on by default in the app); each target sets it explicitly.
  const settings = await fetch(`${admin}/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ captureBodyLimitKiB }),
  });
  if (settings.status !== 200) throw new Error(`bench: PATCH /api/v1/settings answered ${settings.status}: ${await settings.text()}`);
  const url = `http://127.0.0.1:${gatewayPort}/bench/users/1`;
  await ctx.waitForHttp(url);
  return { url, process };
}

/** Issue 16: the embedded runtime with one header-adding policy, built-in or custom (bench/custom-policy-gateway.ts). */
let customGatewayBundle;
async function headerPolicyGateway(ctx, mode) {
  customGatewayBundle ??= (async () => {
    // Under dist/ (not the work dir) so that its packages, esbuild included, resolve from this checkout.
    const outfile = path.resolve('dist/bench/custom-policy-gateway.cjs');
    const { build } = await import('esbuild');
    await build({ entryPoints: ['bench/custom-policy-gateway.ts'], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning', absWorkingDir: process.cwd() });
    // The same policy with an async hook: its promise runs under the hook's time limit (hook-timer.ts).
    const policyFiles = {};
    for (const [kind, hook] of [['custom', 'onRequest(request) {'], ['custom-async', 'async onRequest(request) { await null;']]) {
      policyFiles[kind] = path.join(ctx.workDir, `add-bench-header-${kind}.ts`);
      ctx.writeFileSync(
        policyFiles[kind],
        `import { definePolicy } from 'gatehouse/policy-sdk';
export default definePolicy<{ value: string }>({
  name: 'add-bench-header',
  version: '1.0.0',
  schema: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] },
  create: (config) => ({ ${hook} request.headers.set('x-bench', config.value); } }),
});
`,
      );
    }
    return { outfile, policyFiles };
  })();
  const { outfile, policyFiles } = await customGatewayBundle;
  const port = await ctx.freePort();
  const child = ctx.startProcess([outfile, ctx.upstream, String(port), mode === 'builtin' ? 'builtin' : 'custom', ...(mode === 'builtin' ? [] : [policyFiles[mode]])]);
  const url = `http://127.0.0.1:${port}/bench/users/1`;
  await ctx.waitForHttp(url);
  return { url, process: child };
}

const BASELINE = 'baseline: bare http-proxy';
const TELEMETRY_OFF = 'serve: telemetry off';
const TELEMETRY_ON = 'serve: telemetry on (capture off)';
const FORWARDING = 'gatehouse: no policies';
const BUILT_IN_HEADER = 'gatehouse: built-in header injection';
const CUSTOM_HEADER = 'gatehouse: trivial custom policy (adds one header)';

export const targets = [
  {
    name: BASELINE,
    short: 'baseline',
    async start(ctx) {
      const port = await ctx.freePort();
      const process = ctx.startProcess(['bench/baseline-proxy.mjs', ctx.upstream, String(port)]);
      const url = `http://127.0.0.1:${port}/users/1`;
      await ctx.waitForHttp(url);
      return { url, process };
    },
  },
  {
    name: FORWARDING,
    short: 'forwarding',
    baseline: BASELINE,
    minThroughput: 0.95,
    maxP99: 1.2,
    start: (ctx) => localModeGateway(ctx, 'plain', ''),
  },
  {
    name: 'gatehouse: rate-limit+basic-auth+inject',
    baseline: BASELINE,
    minThroughput: 0.9,
    maxP99: 1.2,
    start: (ctx) => localModeGateway(ctx, 'policies', threePolicies),
  },
  {
    // Every request after the first is a cache hit: it must cost less than forwarding.
    name: 'gatehouse: http-caching hits',
    baseline: FORWARDING,
    minThroughput: 1,
    start: (ctx) => localModeGateway(ctx, 'cached', cachingPolicies),
  },
  {
    name: TELEMETRY_OFF,
    short: 'tel. off',
    start: (ctx) => servedGateway(ctx, 'serve-off', false),
  },
  {
    name: TELEMETRY_ON,
    short: 'capture off',
    baseline: TELEMETRY_OFF,
    minThroughput: 0.9,
    start: (ctx) => servedGateway(ctx, 'serve-on', true),
  },
  {
    // Issue 15: request and response bodies kept (256 KiB each, the default) for the traffic view.
    name: 'serve: capture bodies on',
    baseline: TELEMETRY_ON,
    minThroughput: 0.85,
    start: (ctx) => servedGateway(ctx, 'serve-capture', true, 256),
  },
  {
    name: BUILT_IN_HEADER,
    short: 'built-in header',
    start: (ctx) => headerPolicyGateway(ctx, 'builtin'),
  },
  {
    // Issue 16: a custom policy (the SDK, compiled from TypeScript) costs about what the built-in does.
    name: CUSTOM_HEADER,
    baseline: BUILT_IN_HEADER,
    minThroughput: 0.9,
    start: (ctx) => headerPolicyGateway(ctx, 'custom'),
  },
  {
    // The same custom policy with an async hook: the promise, the pipeline's async step and the hook's time limit.
    name: 'gatehouse: trivial async custom policy (adds one header)',
    baseline: CUSTOM_HEADER,
    minThroughput: 0.85,
    start: (ctx) => headerPolicyGateway(ctx, 'custom-async'),
  },
  {
    // Issue 15: one access line per request (batched writes) against --quiet.
    name: 'gatehouse: access log on',
    baseline: FORWARDING,
    minThroughput: 0.9,
    start: (ctx) => localModeGateway(ctx, 'access-log', '', true),
  },
];
