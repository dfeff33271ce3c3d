/**
 * Application, SlaTier and Contract resources → the snapshot's identity section. Secrets are
 * hashed here (never kept in the snapshot); references are checked so a contract never points
 * at a missing application, API or tier.
 */
import { createHash } from 'node:crypto';
import { hashSecret, isSecretHash } from '../policies/secret-hash';
import type { IdentitySnapshot } from '../gateway/snapshot';
import { formatFieldPath, similarNames, type ConfigError } from './errors';
import { resourcesOfKind, type AnyResource, type LoadedResource } from './resources';

/**
 * scrypt is slow by design; a hot reload must not re-hash unchanged secrets, and the same
 * secret must give the same snapshot (and version) within a process.
 */
const hashCache = new Map<string, string>();

function cachedHash(secret: string): string {
  const key = createHash('sha256').update(secret).digest('hex');
  let hash = hashCache.get(key);
  if (!hash) {
    hash = hashSecret(secret);
    hashCache.set(key, hash);
  }
  return hash;
}

export interface IdentityResult {
  identity: IdentitySnapshot;
  /** Stable stand-ins for secret hashes (salted hashes differ per process), for the version hash. */
  secretFingerprints: string[];
}

export function compileIdentity(resources: readonly AnyResource[], apiNames: ReadonlySet<string>, errors: ConfigError[]): IdentityResult {
  const error = (resource: AnyResource, path: (string | number)[], message: string) =>
    errors.push({ file: resource.file, line: resource.lineOf(path), field: formatFieldPath(path), message });
  const identity: IdentitySnapshot = { applications: [], tiers: [], contracts: [] };
  const secretFingerprints: string[] = [];

  const applications = new Map<string, LoadedResource<'Application'>>();
  const byClientId = new Map<string, LoadedResource<'Application'>>();
  for (const app of resourcesOfKind(resources, 'Application')) {
    const existing = byClientId.get(app.spec.clientId);
    if (existing) {
      error(app, ['spec', 'clientId'], `clientId "${app.spec.clientId}" is already used by Application ${existing.metadata.name} (${existing.file}:${existing.lineOf(['spec', 'clientId'])})`);
      continue;
    }
    if (app.spec.clientSecretHash !== undefined && !isSecretHash(app.spec.clientSecretHash)) {
      error(app, ['spec', 'clientSecretHash'], 'not a Gatehouse secret hash (scrypt$<salt>$<hash>); use clientSecret for a plain secret');
      continue;
    }
    applications.set(app.metadata.name, app);
    byClientId.set(app.spec.clientId, app);
    const secret = app.spec.clientSecret;
    identity.applications.push({
      clientId: app.spec.clientId,
      name: app.metadata.name,
      secretHash: secret !== undefined ? cachedHash(secret) : app.spec.clientSecretHash!,
    });
    secretFingerprints.push(createHash('sha256').update(secret ?? app.spec.clientSecretHash!).digest('hex'));
  }

  const tiers = new Map<string, LoadedResource<'SlaTier'>>();
  for (const tier of resourcesOfKind(resources, 'SlaTier')) {
    if (!apiNames.has(tier.spec.apiRef.name)) {
      error(tier, ['spec', 'apiRef', 'name'], missing('ApiInstance', tier.spec.apiRef.name, apiNames));
      continue;
    }
    tiers.set(tier.metadata.name, tier);
    identity.tiers.push({ id: tier.metadata.name, name: tier.metadata.name, apiId: tier.spec.apiRef.name, limits: tier.spec.limits, status: tier.spec.status });
  }

  const seen = new Map<string, LoadedResource<'Contract'>>();
  for (const contract of resourcesOfKind(resources, 'Contract')) {
    const { spec } = contract;
    const app = applications.get(spec.application) ?? byClientId.get(spec.application);
    let ok = true;
    if (!app) {
      error(contract, ['spec', 'application'], missing('Application (by name or clientId)', spec.application, [...applications.keys(), ...byClientId.keys()]));
      ok = false;
    }
    if (!apiNames.has(spec.api)) {
      error(contract, ['spec', 'api'], missing('ApiInstance', spec.api, apiNames));
      ok = false;
    }
    if (spec.tier !== undefined) {
      const tier = tiers.get(spec.tier);
      if (!tier) {
        error(contract, ['spec', 'tier'], missing('SlaTier', spec.tier, tiers.keys()));
        ok = false;
      } else if (tier.spec.apiRef.name !== spec.api) {
        error(contract, ['spec', 'tier'], `SlaTier ${spec.tier} belongs to ApiInstance ${tier.spec.apiRef.name}, not ${spec.api}`);
        ok = false;
      }
    }
    if (!ok || !app) continue;
    const key = `${app.spec.clientId}\u0000${spec.api}`;
    const previous = seen.get(key);
    if (previous) {
      error(contract, ['spec', 'api'], `Application ${app.metadata.name} already has a contract for ${spec.api} (Contract ${previous.metadata.name}, ${previous.file}:${previous.line})`);
      continue;
    }
    seen.set(key, contract);
    identity.contracts.push({ clientId: app.spec.clientId, apiId: spec.api, ...(spec.tier ? { tierId: spec.tier } : {}), status: spec.status });
  }
  return { identity, secretFingerprints };
}

export function missing(kind: string, name: string, known: Iterable<string>): string {
  const suggestions = similarNames(name, [...new Set(known)]);
  return `no ${kind} named "${name}"${suggestions.length ? ` (did you mean ${suggestions.join(' or ')}?)` : ''}`;
}
