/**
 * Secrets inside policy configs, as they are kept in policy_bindings:
 * - the password of http-basic-authentication-flex only as a salted scrypt hash (the gateway
 *   verifies against it; nobody needs it back);
 * - a TLS private key given as PEM text encrypted (the gateway needs it in clear; a file path is
 *   not a secret and stays as it is).
 * A config value already in stored form (a `scrypt$…` hash, an `enc:v1:…` value) is kept, so
 * reading a binding and writing it back changes nothing.
 */
import { isPemText } from '../../shared/policies/tls';
import { hashSecret, isSecretHash } from '../policies/secret-hash';
import { isSealed, SecretUnreadableError, type SecretBox } from './secret-box';

export const BASIC_AUTH_POLICY = 'http-basic-authentication-flex';

/** Config paths that hold a private key, per policy. */
const KEY_PATHS: Record<string, readonly (readonly string[])[]> = {
  tls: [['certificate', 'key']],
  'tls-outbound': [['certificate', 'key']],
};

/** A basic-auth config with its password hashed (unchanged when it already is a hash). */
export function hashBasicAuthPassword(config: Record<string, unknown>): Record<string, unknown> {
  if (typeof config.password !== 'string' || isSecretHash(config.password)) return config;
  return { ...config, password: hashSecret(config.password) };
}

/** The config as it is written to the store. */
export function sealPolicyConfig(policyRef: string, config: Record<string, unknown>, box: SecretBox): Record<string, unknown> {
  let sealed = policyRef === BASIC_AUTH_POLICY ? hashBasicAuthPassword(config) : config;
  for (const keyPath of KEY_PATHS[policyRef] ?? []) {
    const value = getAt(sealed, keyPath);
    if (typeof value === 'string' && !isSealed(value) && isPemText(value)) sealed = setAt(sealed, keyPath, box.seal(value));
  }
  return sealed;
}

/** The config as the control plane uses it: keys decrypted; an unreadable one stays sealed. */
export function openPolicyConfig(policyRef: string, config: Record<string, unknown>, box: SecretBox): Record<string, unknown> {
  let opened = config;
  for (const keyPath of KEY_PATHS[policyRef] ?? []) {
    const value = getAt(opened, keyPath);
    if (isSealed(value)) opened = setAt(opened, keyPath, box.openOrKeep(value, keyPath.join('.')));
  }
  return opened;
}

/** True when a stored config still holds a secret in clear (written before hashing/encryption). */
export function holdsPlainSecret(policyRef: string, config: Record<string, unknown>): boolean {
  if (policyRef === BASIC_AUTH_POLICY && typeof config.password === 'string' && !isSecretHash(config.password)) return true;
  return (KEY_PATHS[policyRef] ?? []).some((keyPath) => {
    const value = getAt(config, keyPath);
    return typeof value === 'string' && !isSealed(value) && isPemText(value);
  });
}

/** Why each still-sealed key of an opened config cannot be used, as `{ path, message }` under `prefix`. */
export function unreadablePolicySecrets(policyRef: string, config: Record<string, unknown>, box: SecretBox, prefix: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const keyPath of KEY_PATHS[policyRef] ?? []) {
    const value = getAt(config, keyPath);
    if (!isSealed(value)) continue;
    const path = `${prefix}.${keyPath.join('.')}`;
    try {
      box.open(value, path);
    } catch (error) {
      problems.push({ path, message: error instanceof SecretUnreadableError ? error.message : (error as Error).message });
    }
  }
  return problems;
}

function getAt(value: unknown, keyPath: readonly string[]): unknown {
  let current = value;
  for (const key of keyPath) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function setAt(config: Record<string, unknown>, keyPath: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = keyPath;
  if (head === undefined) return config;
  const child = config[head];
  return { ...config, [head]: rest.length === 0 ? value : setAt(child && typeof child === 'object' ? (child as Record<string, unknown>) : {}, rest, value) };
}
