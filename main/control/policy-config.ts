/**
 * Checks a policy binding against the catalogue: the policy must exist and its config must pass
 * the policy's schema. Errors name the field as the caller wrote it
 * (`config.rateLimits[0].maximumRequests`); the result is the config with defaults filled in.
 */
import path from 'node:path';
import { ContractError, zodIssuesToDetails } from '../../shared/contract/errors';
import type { ErrorDetail } from '../../shared/errors';
import { findPolicy, policyNames } from '../../shared/policies/catalogue';
import type { PolicyCatalogueEntry } from '../../shared/policies/catalogue-entry';
import { listenerTls, upstreamTls } from '../config/compile-tls';
import type { ConfigError } from '../config/errors';
import { similarNames } from '../config/errors';
import type { ListenerTlsSnapshot, UpstreamTlsSnapshot } from '../gateway/snapshot';

export type PolicyCheck = { ok: true; config: Record<string, unknown> } | { ok: false; details: ErrorDetail[] };

/** Catalogue entries beyond the built-ins: the custom policies loaded in the app (main/control/custom-policies.ts). */
export type CustomCatalogue = (name: string) => PolicyCatalogueEntry | undefined;

export function checkPolicyConfig(policyRef: string, config: unknown, prefix = '', custom?: CustomCatalogue): PolicyCheck {
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const entry = findPolicy(policyRef) ?? custom?.(policyRef);
  if (!entry) {
    const suggestions = similarNames(policyRef, policyNames());
    const hint = suggestions.length ? `did you mean ${suggestions.join(' or ')}? ` : '';
    return { ok: false, details: [{ path: at('policyRef'), message: `unknown policy "${policyRef}"; ${hint}known: ${policyNames().join(', ')}` }] };
  }
  const parsed = entry.schema.safeParse(config ?? {});
  if (!parsed.success) {
    const details = zodIssuesToDetails(parsed.error.issues).map((detail) => ({
      ...detail,
      path: detail.path ? at(`config.${detail.path}`) : at('config'),
    }));
    return { ok: false, details };
  }
  return { ok: true, config: parsed.data as Record<string, unknown> };
}

/** Like checkPolicyConfig, but throws VALIDATION_FAILED (400) with every detail. */
export function validatePolicyConfig(policyRef: string, config: unknown, custom?: CustomCatalogue): Record<string, unknown> {
  const result = checkPolicyConfig(policyRef, config, '', custom);
  if (!result.ok) throw ContractError.validation(result.details);
  return result.config;
}

/**
 * TLS bindings carry PEM text or file paths (relative to the data dir); reads them and checks
 * that certificate and key belong together, so a broken certificate is a 400 and never
 * reaches the gateway.
 */
export function resolveTls(
  kind: 'tls' | 'tls-outbound',
  config: Record<string, unknown>,
  dataDir: string,
  prefix = 'config',
): { tls?: ListenerTlsSnapshot | UpstreamTlsSnapshot; details: ErrorDetail[] } {
  const errors: ConfigError[] = [];
  // The loader reports fields as paths in a file; here the "file" is the data dir and the base
  // path is the binding's config.
  const source = { file: path.join(dataDir, 'gatehouse.sqlite'), lineOf: () => 0, base: [] as (string | number)[] };
  const camel = { ...config, minVersion: config.minversion ?? config.minVersion, maxVersion: config.maxversion ?? config.maxVersion };
  const tls = kind === 'tls' ? listenerTls(camel, source, errors) : upstreamTls(camel, source, errors);
  const details = errors.map((error) => ({ path: error.field ? `${prefix}.${error.field}` : prefix, message: error.message }));
  return { ...(tls ? { tls } : {}), details };
}

