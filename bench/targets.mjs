// What `npm run bench` measures. Each target starts a process and returns the URL to load.
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

async function localModeGateway(ctx, name, policies) {
  const port = await ctx.freePort();
  const file = path.join(ctx.workDir, `${name}.yaml`);
  ctx.writeFileSync(file, gatewayConfig(port, ctx.upstream, policies));
  ctx.startProcess(['bin/gatehouse.cjs', 'gateway', '--config', file, '--quiet']);
  const url = `http://127.0.0.1:${port}/bench/users/1`;
  await ctx.waitForHttp(url);
  return { url };
}

export const targets = [
  {
    name: 'baseline: bare http-proxy',
    async start(ctx) {
      const port = await ctx.freePort();
      ctx.startProcess(['bench/baseline-proxy.mjs', ctx.upstream, String(port)]);
      const url = `http://127.0.0.1:${port}/users/1`;
      await ctx.waitForHttp(url);
      return { url };
    },
  },
  {
    name: 'gatehouse: no policies',
    baseline: 'baseline: bare http-proxy',
    minThroughput: 0.95,
    maxP99: 1.2,
    start: (ctx) => localModeGateway(ctx, 'plain', ''),
  },
  {
    name: 'gatehouse: rate-limit+basic-auth+inject',
    baseline: 'baseline: bare http-proxy',
    minThroughput: 0.9,
    maxP99: 1.2,
    start: (ctx) => localModeGateway(ctx, 'policies', threePolicies),
  },
];
