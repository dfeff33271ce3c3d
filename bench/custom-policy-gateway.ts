/**
 * Bench helper (bundled by bench/targets.mjs): one embedded gateway runtime with one API whose
 * only policy is either the built-in header-injection-flex or a custom policy file that does
 * the same thing, so the two rows differ in the policy alone.
 *
 *   node custom-policy-gateway.cjs UPSTREAM PORT builtin
 *   node custom-policy-gateway.cjs UPSTREAM PORT custom POLICY_FILE
 */
import { GatewayRuntime } from '../main/gateway/runtime';
import { CustomPolicyLibrary, formatPolicyError } from '../main/policies/custom/library';

async function main(): Promise<void> {
  const [upstream, port, mode, file] = process.argv.slice(2);
  if (!upstream || !port || (mode !== 'builtin' && mode !== 'custom')) throw new Error('usage: UPSTREAM PORT builtin|custom [POLICY_FILE]');
  const library = new CustomPolicyLibrary();
  let policy = { name: 'header-injection-flex', config: { inboundHeaders: [{ key: 'x-bench', value: 'gatehouse' }] } as Record<string, unknown> };
  if (mode === 'custom') {
    const load = await library.load(file!);
    if (load.error) throw new Error(formatPolicyError(load.error));
    policy = { name: load.policy!.name, config: { value: 'gatehouse' } };
  }
  const runtime = new GatewayRuntime({ policies: (name) => library.definition(name), log: () => {} });
  await runtime.apply({
    version: 'bench',
    sources: [],
    identity: { applications: [], tiers: [], contracts: [] },
    listeners: [
      {
        host: '127.0.0.1',
        port: Number(port),
        apis: [
          {
            id: 'bench',
            name: 'bench',
            basePath: '/bench',
            enabled: true,
            services: [{ name: 'upstream', url: `${upstream}/` }],
            routes: [],
            policies: [{ id: 'bench/policy', name: policy.name, config: policy.config, order: 50, enabled: true }],
          },
        ],
      },
    ],
  });
}

main().catch((error: Error) => {
  process.stderr.write(`custom-policy-gateway: ${error.message}\n`);
  process.exit(1);
});
