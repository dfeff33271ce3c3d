/**
 * Custom policies in `gatehouse export --format kubernetes|compose`. The plain export's
 * Extension names the policy's file on this machine, which the container does not have; the
 * deployment instead carries the code the store keeps for each policy (its last good version:
 * one self-contained CommonJS bundle, `gatehouse/policy-sdk` left to the runtime) as
 * `<name>.js`, mounted at POLICIES_DIR, and the Extension's `spec.source` points there.
 * The gateway image has no esbuild; its loader runs such a CommonJS file as it is
 * (main/policies/custom/loader.ts), so the container serves the same code, with the same
 * checksum, as the app.
 */
import path from 'node:path';
import type { DeclarativeResource } from '../config/resources';
import type { Store } from '../store/store';

/** Where the policies' files are mounted in the container, beside the conf.d. */
export const POLICIES_DIR = '/etc/gatehouse/policies';
/** Kubernetes refuses a ConfigMap whose data is over 1 MiB. */
const CONFIG_MAP_LIMIT = 1024 * 1024;

export interface DeployedPolicy {
  name: string;
  /** The file name in POLICIES_DIR. */
  file: string;
  code: string;
}

/**
 * The kept code of each custom policy `resources` declares an Extension for, and those
 * Extensions rewritten (in place) to load it from POLICIES_DIR. `spec.source` is relative to the
 * conf.d file (as local mode resolves it), so the same layout runs in the container and in any
 * folder holding `conf.d/` beside `policies/`.
 */
export function bundleCustomPolicies(store: Store, resources: DeclarativeResource[], confDir: string): DeployedPolicy[] {
  const kept = new Map<string, string>();
  for (const record of store.customPolicies.list()) if (record.loaded) kept.set(record.loaded.name, record.loaded.code);
  const policies: DeployedPolicy[] = [];
  for (const resource of resources) {
    const spec = resource.spec as { source?: unknown };
    if (resource.kind !== 'Extension' || typeof spec.source !== 'string') continue;
    const name = resource.metadata.name;
    const code = kept.get(name);
    // The export writes an Extension only for a policy with kept code; this guards a changed export.
    if (code === undefined) throw new Error(`custom policy "${name}": the store keeps no loaded version of it to deploy; fix ${spec.source} in the app first`);
    const file = `${name}.js`;
    spec.source = path.posix.relative(confDir, `${POLICIES_DIR}/${file}`);
    policies.push({ name, file, code });
  }
  return policies;
}

/** A clear error instead of a ConfigMap `kubectl apply` would refuse. */
export function checkConfigMapSize(policies: readonly DeployedPolicy[], configMap: string): void {
  const bytes = policies.reduce((sum, policy) => sum + Buffer.byteLength(policy.file) + Buffer.byteLength(policy.code), 0);
  if (bytes <= CONFIG_MAP_LIMIT) return;
  const sizes = policies.map((policy) => `${policy.name}: ${Math.ceil(Buffer.byteLength(policy.code) / 1024)} KiB`).join(', ');
  throw new Error(`the custom policies' code is ${Math.ceil(bytes / 1024)} KiB (${sizes}), over Kubernetes' 1 MiB limit for ConfigMap ${configMap}; make the policies smaller (their dependencies are bundled in)`);
}
