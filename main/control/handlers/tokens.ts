/**
 * The token workbench: signing keys per API (private parts sealed in the store, never
 * returned; an HMAC secret once, at generation), the API's JWKS, minting test tokens, and
 * inspecting a token against the API's jwt-validation-flex bindings.
 */
import { ContractError, ContractErrorCode } from '../../../shared/contract/errors';
import type { ContractHandlers } from '../../../shared/contract/methods';
import { isHmacAlgorithm, policySettingsFor, type SigningAlgorithm, type SigningKey } from '../../../shared/contract/token-models';
import { API_PREFIX } from '../../../shared/contract/routes';
import { toPolicyBinding } from '../models';
import type { SigningKeyRecord } from '../../store/signing-keys';
import type { Store } from '../../store/store';
import { inspectToken } from '../token-inspect';
import { apiJwks, generateSigningKey, mintToken } from '../token-keys';
import { validatePolicyConfig } from '../policy-config';
import { requireApi, type HandlerContext } from './context';

type TokenHandlers = Pick<
  ContractHandlers,
  'tokens.listKeys' | 'tokens.generateKey' | 'tokens.removeKey' | 'tokens.jwks' | 'tokens.useKeyInPolicy' | 'tokens.mint' | 'tokens.inspect'
>;

const JWT_POLICY = 'jwt-validation-flex';

function toSigningKey(record: SigningKeyRecord): SigningKey {
  return { apiId: record.apiId, kid: record.kid, alg: record.alg as SigningAlgorithm, createdAt: record.createdAt, ...(record.publicJwk ? { publicJwk: record.publicJwk } : {}) };
}

/** The JWKS URL of an API on this control plane's admin API. */
export function jwksUrl(adminUrl: string, apiId: string): string {
  return `${adminUrl}${API_PREFIX}/apis/${encodeURIComponent(apiId)}/jwks.json`;
}

/** The key to sign with: the named one, else the API's newest. */
export function signingKeyFor(store: Store, apiId: string, kid: string | undefined): SigningKeyRecord {
  if (kid !== undefined) {
    const key = store.signingKeys.get(apiId, kid);
    if (!key) throw ContractError.validation([{ path: 'kid', message: `the API has no signing key "${kid}"` }]);
    return key;
  }
  const newest = store.signingKeys.listByApi(apiId)[0];
  if (!newest) throw ContractError.validation([{ path: 'kid', message: 'the API has no signing key yet; generate one first' }]);
  return newest;
}

export function tokenHandlers(ctx: HandlerContext): TokenHandlers {
  const { store, live } = ctx;
  const adminUrl = () => ctx.systemInfo().adminUrl;

  return {
    'tokens.listKeys': async ({ apiId }) => {
      requireApi(store, apiId);
      const url = adminUrl();
      return { ...(url ? { jwksUrl: jwksUrl(url, apiId) } : {}), keys: store.signingKeys.listByApi(apiId).map(toSigningKey) };
    },

    'tokens.generateKey': async ({ apiId, alg }) => {
      requireApi(store, apiId);
      const key = await generateSigningKey(apiId, alg);
      // The API may have been deleted while the key was generated: a 404, not a foreign-key error.
      requireApi(store, apiId);
      const record = store.transaction(() => store.signingKeys.insert(key));
      return { key: toSigningKey(record), ...(isHmacAlgorithm(alg) ? { secret: key.privateMaterial } : {}) };
    },

    'tokens.removeKey': async ({ apiId, kid }) => {
      requireApi(store, apiId);
      if (!store.transaction(() => store.signingKeys.remove(apiId, kid))) throw ContractError.notFound('signing key', kid);
    },

    'tokens.jwks': async ({ apiId }) => {
      requireApi(store, apiId);
      return apiJwks(store, apiId);
    },

    'tokens.useKeyInPolicy': async ({ apiId, policyId, kid }) => {
      const url = adminUrl();
      return live.write((tx, changes) => {
        requireApi(tx, apiId);
        const binding = tx.policies.get(policyId);
        if (!binding || binding.apiId !== apiId) throw ContractError.notFound('policy binding', policyId);
        if (binding.policyRef !== JWT_POLICY) throw ContractError.validation([{ path: 'policyId', message: `is a ${binding.policyRef} binding; keys go into ${JWT_POLICY}` }]);
        const key = tx.signingKeys.get(apiId, kid);
        if (!key) throw ContractError.validation([{ path: 'kid', message: `the API has no signing key "${kid}"` }]);
        const settings = policySettingsFor(key.alg as SigningAlgorithm);
        let keySource: Record<string, unknown>;
        if (isHmacAlgorithm(key.alg)) keySource = { jwtKeyOrigin: 'text', textKey: tx.signingKeys.privateMaterial(apiId, kid)! };
        else {
          if (!url) throw new ContractError(ContractErrorCode.unavailable, 'the admin API is not running, so there is no JWKS URL to give the policy');
          keySource = { jwtKeyOrigin: 'jwks', jwksUrl: jwksUrl(url, apiId) };
        }
        const { textKey: _textKey, jwksUrl: _jwksUrl, ...rest } = binding.config;
        const config = validatePolicyConfig(binding.policyRef, { ...rest, ...settings, ...keySource });
        const updated = tx.policies.update(policyId, { config })!;
        changes.push({ kind: 'policy', id: policyId, action: 'updated', apiId });
        return toPolicyBinding(updated, store.secrets);
      });
    },

    'tokens.mint': async ({ apiId, kid, claims, expiresInSeconds, notBeforeSeconds }) => {
      requireApi(store, apiId);
      const key = signingKeyFor(store, apiId, kid);
      const material = store.signingKeys.privateMaterial(apiId, key.kid)!;
      const minted = mintToken(key, material, { claims, expiresInSeconds, ...(notBeforeSeconds !== undefined ? { notBeforeSeconds } : {}) });
      return { ...minted, kid: key.kid, alg: key.alg as SigningAlgorithm };
    },

    'tokens.inspect': async ({ apiId, token }) => inspectToken(store, requireApi(store, apiId), token, ctx.dataDir),
  };
}
