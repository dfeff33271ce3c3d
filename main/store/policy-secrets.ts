/**
 * Secrets inside policy configs, as they are kept in policy_bindings:
 * - the password of http-basic-authentication-flex only as a salted scrypt hash (the gateway
 *   verifies against it; nobody needs it back);
 * - a TLS private key given as PEM text encrypted (the gateway needs it in clear; a file path is
 *   not a secret and stays as it is);
 * - what credential injection sends upstream (password, API key, client secret) and the
 *   Authorization value of token introspection calls encrypted: the gateway replays them, so a
 *   hash would not do;
 * - the HMAC secret of jwt-validation-flex (textKey with signingMethod hmac) encrypted: the
 *   gateway verifies with it in clear (a PEM public key there is not a secret and stays).
 * A config value already in stored form (a `scrypt$…` hash, an `enc:v1:…` value) is kept, so
 * reading a binding and writing it back changes nothing.
 */
import { isPemText } from '../../shared/policies/tls';
import { hashSecret, isSecretHash } from '../policies/secret-hash';
import { isSealed, SecretUnreadableError, type SecretBox } from './secret-box';

export const BASIC_AUTH_POLICY = 'http-basic-authentication-flex';

/** A config path whose value is encrypted at rest when `isSecret` says it is a secret. */
export interface SealedPath {
  path: readonly string[];
  /** `config` is the whole policy config, for secrets that depend on another setting. */
  isSecret(value: string, config: Record<string, unknown>): boolean;
  /** A credential the admin API shows only encrypted (see sealedView). */
  masked?: boolean;
}

const anyText = (value: string): boolean => value !== '';
const privateKey: SealedPath = { path: ['certificate', 'key'], isSecret: isPemText };

/** Encrypted config paths, per policy. */
export const SEALED_PATHS: Readonly<Record<string, readonly SealedPath[]>> = {
  tls: [privateKey],
  'tls-outbound': [privateKey],
  'credential-injection-basic-auth-flex': [{ path: ['password'], isSecret: anyText, masked: true }],
  'credential-injection-api-key-flex': [
    { path: ['apiKey'], isSecret: anyText, masked: true },
    { path: ['clientSecret'], isSecret: anyText, masked: true },
  ],
  'credential-injection-oauth2-flex': [
    { path: ['clientSecret'], isSecret: anyText, masked: true },
    { path: ['password'], isSecret: anyText, masked: true },
  ],
  'oauth2-token-introspection-flex': [{ path: ['authorizationValue'], isSecret: anyText, masked: true }],
  'jwt-validation-flex': [{ path: ['textKey'], isSecret: (value, config) => config.signingMethod === 'hmac' && value !== '', masked: true }],
};

/**
 * The config as the admin API shows it: credentials in their encrypted form (`enc:v1:…`), like
 * basic-auth passwords as their hash. Sent back (an edit, an undo), an encrypted value is
 * stored as it is, so the credential stays what it was without the client ever holding it.
 */
export function sealedView(policyRef: string, config: Record<string, unknown>, box: SecretBox): Record<string, unknown> {
  let view = config;
  for (const { path, masked, isSecret } of SEALED_PATHS[policyRef] ?? []) {
    const value = getAt(view, path);
    if (masked && typeof value === 'string' && value !== '' && isSecret(value, config)) view = setAt(view, path, box.seal(value));
  }
  return view;
}

/** A basic-auth config with its password hashed (unchanged when it already is a hash). */
export function hashBasicAuthPassword(config: Record<string, unknown>): Record<string, unknown> {
  if (typeof config.password !== 'string' || isSecretHash(config.password)) return config;
  return { ...config, password: hashSecret(config.password) };
}

/** The config as it is written to the store. */
export function sealPolicyConfig(policyRef: string, config: Record<string, unknown>, box: SecretBox): Record<string, unknown> {
  let sealed = policyRef === BASIC_AUTH_POLICY ? hashBasicAuthPassword(config) : config;
  for (const { path, isSecret } of SEALED_PATHS[policyRef] ?? []) {
    const value = getAt(sealed, path);
    if (typeof value === 'string' && !isSealed(value) && isSecret(value, sealed)) sealed = setAt(sealed, path, box.seal(value));
  }
  return sealed;
}

/** The config as the control plane uses it: keys decrypted; an unreadable one stays sealed. */
export function openPolicyConfig(policyRef: string, config: Record<string, unknown>, box: SecretBox): Record<string, unknown> {
  let opened = config;
  for (const { path: keyPath } of SEALED_PATHS[policyRef] ?? []) {
    const value = getAt(opened, keyPath);
    if (isSealed(value)) opened = setAt(opened, keyPath, box.openOrKeep(value, keyPath.join('.')));
  }
  return opened;
}

/** True when a stored config still holds a secret in clear (written before hashing/encryption). */
export function holdsPlainSecret(policyRef: string, config: Record<string, unknown>): boolean {
  if (policyRef === BASIC_AUTH_POLICY && typeof config.password === 'string' && !isSecretHash(config.password)) return true;
  return (SEALED_PATHS[policyRef] ?? []).some(({ path, isSecret }) => {
    const value = getAt(config, path);
    return typeof value === 'string' && !isSealed(value) && isSecret(value, config);
  });
}

/** Why each still-sealed key of an opened config cannot be used, as `{ path, message }` under `prefix`. */
export function unreadablePolicySecrets(policyRef: string, config: Record<string, unknown>, box: SecretBox, prefix: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const { path: keyPath } of SEALED_PATHS[policyRef] ?? []) {
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

export function getAt(value: unknown, keyPath: readonly string[]): unknown {
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
