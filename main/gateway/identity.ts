/**
 * Lookups over a snapshot's applications, contracts and tiers for client-id enforcement and
 * SLA rate limits. Secrets are stored as scrypt hashes, which cost tens of milliseconds to
 * verify, so successful (clientId, sha256(secret)) pairs are cached for the life of the
 * snapshot: a client pays for scrypt once, not on every request.
 */
import { createHash } from 'node:crypto';
import type { IdentityIndex } from '../policies/types';
import { verifySecret } from '../policies/secret-hash';
import type { IdentitySnapshot } from './snapshot';
import { SnapshotError } from './snapshot-error';

type Application = IdentitySnapshot['applications'][number];
type Limits = { maximumRequests: number; timePeriodInMilliseconds: number }[];

/** Bound per client, so that a client cycling secrets cannot grow memory. */
const MAX_CACHED_SECRETS_PER_CLIENT = 8;

export function createIdentityIndex(snapshot: IdentitySnapshot): IdentityIndex {
  const applications = new Map<string, Application>();
  for (const [index, app] of snapshot.applications.entries()) {
    if (applications.has(app.clientId)) throw SnapshotError.at(`identity.applications[${index}].clientId`, `duplicate client id "${app.clientId}"`);
    applications.set(app.clientId, app);
  }
  const tiers = new Map(snapshot.tiers.map((tier) => [tier.id, tier]));
  const contracts = new Map<string, { tierId?: string; limits?: Limits }>();
  for (const contract of snapshot.contracts) {
    if (contract.status !== 'approved') continue;
    const tier = contract.tierId ? tiers.get(contract.tierId) : undefined;
    contracts.set(contractKey(contract.clientId, contract.apiId), {
      tierId: contract.tierId,
      limits: tier ? tier.limits.map((limit) => ({ ...limit })) : undefined,
    });
  }
  const verified = new Map<string, Set<string>>();

  return {
    snapshot,
    authenticate(clientId, clientSecret) {
      const app = applications.get(clientId);
      if (!app) return undefined;
      const digest = createHash('sha256').update(clientSecret).digest('base64');
      const known = verified.get(clientId);
      if (known?.has(digest)) return { clientId: app.clientId, name: app.name };
      if (!verifySecret(clientSecret, app.secretHash)) return undefined;
      const cache = known ?? new Set<string>();
      if (cache.size >= MAX_CACHED_SECRETS_PER_CLIENT) cache.clear();
      cache.add(digest);
      verified.set(clientId, cache);
      return { clientId: app.clientId, name: app.name };
    },
    contractFor(clientId, apiId) {
      return contracts.get(contractKey(clientId, apiId));
    },
  };
}

function contractKey(clientId: string, apiId: string): string {
  return `${clientId}\u0000${apiId}`;
}
