/**
 * Secrets in exports. An export is meant to be committed and shared, so it carries no secret
 * the control plane could replay: basic-auth passwords and application secrets go out as their
 * salted hashes (import takes them back as they are), and what must stay usable in clear
 * (webhook URLs, TLS private keys given as PEM text) is written as a `${VARIABLE}` reference,
 * listed in the export's header. `gatehouse import` and `gatehouse gateway --config` resolve
 * the references from the environment; an import into a data dir that still holds the values
 * (export, edit, import back) falls back to them.
 */
import { isPemText } from '../../shared/policies/tls';
import { SEALED_PATHS } from '../store/policy-secrets';
import { isSealed } from '../store/secret-box';

export interface SecretReference {
  /** The environment variable, e.g. GATEHOUSE_WEBHOOK_ORDERS_5XX. */
  variable: string;
  /** What it is, for the header: `webhook URL of alert rule "orders-5xx"`. */
  description: string;
  /** The stored value (never written to the export). */
  value: string;
}

/** Hands out unique variable names during one export and remembers what each stands for. */
export class SecretReferences {
  readonly list: SecretReference[] = [];
  private readonly used = new Set<string>();

  /** `${VARIABLE}` for `value`, or undefined when the value is unusable (sealed with a lost key). */
  take(prefix: string, name: string, value: string, description: string): string | undefined {
    if (isSealed(value)) return undefined;
    const base = `${prefix}_${envWord(name)}`;
    let variable = base;
    for (let n = 2; this.used.has(variable); n++) variable = `${base}_${n}`;
    this.used.add(variable);
    this.list.push({ variable, description, value });
    return `\${${variable}}`;
  }

  /** The references, as strings the YAML writer must not escape. */
  texts(): Set<string> {
    return new Set(this.list.map((reference) => `\${${reference.variable}}`));
  }

  /** Variable → stored value: the fallback environment of an import into the same data dir. */
  env(): Record<string, string> {
    return Object.fromEntries(this.list.map((reference) => [reference.variable, reference.value]));
  }
}

/** `orders 5xx` → `ORDERS_5XX` (environment variable names are letters, digits and `_`). */
function envWord(name: string): string {
  const word = name
    .normalize('NFKD')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return word || 'UNNAMED';
}

/** Config paths of a private key, per policy (PEM text there is a secret; a file path is not). */
const PRIVATE_KEY_POLICIES = new Set(['tls', 'tls-outbound']);

/** Variable prefixes of the credentials the gateway uses in clear (sent upstream, or an HMAC secret), by config key. */
const UPSTREAM_CREDENTIALS: Record<string, Record<string, { prefix: string; what: string }>> = {
  'credential-injection-basic-auth-flex': { password: { prefix: 'GATEHOUSE_UPSTREAM_PASSWORD', what: 'password' } },
  'credential-injection-api-key-flex': {
    apiKey: { prefix: 'GATEHOUSE_UPSTREAM_API_KEY', what: 'API key' },
    clientSecret: { prefix: 'GATEHOUSE_UPSTREAM_CLIENT_SECRET', what: 'client secret' },
  },
  'credential-injection-oauth2-flex': {
    clientSecret: { prefix: 'GATEHOUSE_OAUTH_CLIENT_SECRET', what: 'client secret' },
    password: { prefix: 'GATEHOUSE_OAUTH_PASSWORD', what: 'password' },
  },
  'oauth2-token-introspection-flex': { authorizationValue: { prefix: 'GATEHOUSE_INTROSPECTION_AUTHORIZATION', what: 'introspection Authorization value' } },
  'jwt-validation-flex': { textKey: { prefix: 'GATEHOUSE_JWT_HMAC_SECRET', what: 'HMAC secret' } },
};

/**
 * A credential-injection or introspection config as exported: each stored credential becomes a
 * reference; one that cannot be decrypted any more is left out (it has to be entered again).
 */
function exportUpstreamCredentials(policyRef: string, config: Record<string, unknown>, apiName: string, references: SecretReferences): Record<string, unknown> {
  const exported = { ...config };
  for (const { path, isSecret } of SEALED_PATHS[policyRef] ?? []) {
    const key = path[0]!;
    const value = exported[key];
    const naming = UPSTREAM_CREDENTIALS[policyRef]?.[key];
    if (typeof value !== 'string' || value === '' || naming === undefined) continue;
    if (!isSealed(value) && !isSecret(value, config)) continue;
    const reference = references.take(naming.prefix, apiName, value, `${naming.what} of the ${policyRef} policy of API "${apiName}"`);
    if (reference === undefined) delete exported[key];
    else exported[key] = reference;
  }
  return exported;
}

/** A policy config as exported: an inline PEM private key or an upstream credential becomes a reference. */
export function exportPolicyConfig(policyRef: string, config: Record<string, unknown>, apiName: string, references: SecretReferences): Record<string, unknown> {
  if (UPSTREAM_CREDENTIALS[policyRef] !== undefined) return exportUpstreamCredentials(policyRef, config, apiName, references);
  if (!PRIVATE_KEY_POLICIES.has(policyRef)) return config;
  const certificate = config.certificate as Record<string, unknown> | undefined;
  const key = certificate?.key;
  if (typeof key !== 'string' || !(isPemText(key) || isSealed(key))) return config;
  const prefix = policyRef === 'tls' ? 'GATEHOUSE_TLS_KEY' : 'GATEHOUSE_UPSTREAM_TLS_KEY';
  const reference = references.take(prefix, apiName, key, `PEM private key of the ${policyRef} policy of API "${apiName}"`);
  const { key: _key, ...rest } = certificate!;
  return { ...config, certificate: reference ? { ...rest, key: reference } : rest };
}

/** The header of an export: what is true of the secrets in it. */
export function exportHeader(references: SecretReferences, portable = false): string {
  const lines = [
    'Gatehouse configuration (gatehouse export).',
    ...(portable
      ? [
          "Portable: the built-in gateway's port is ${GATEHOUSE_GATEWAY_PORT:-…} and paths in the data",
          "dir ${GATEHOUSE_DATA_DIR:-…}; an import fills them with the receiving instance's own.",
        ]
      : []),
    'Secrets: basic-auth passwords and application secrets appear only as salted hashes',
    '(scrypt$…); import accepts the hashes back and the same credentials keep working.',
  ];
  if (references.list.length === 0) return lines.join('\n');
  const width = Math.max(...references.list.map((reference) => reference.variable.length));
  lines.push(
    'Webhook URLs, private keys and upstream credentials are not written: each is a',
    '${VARIABLE} reference that `gatehouse import` and `gatehouse gateway --config` read from',
    'the environment (an import into the data dir this was exported from falls back to the',
    'stored value). Set:',
    ...references.list.map((reference) => `  ${reference.variable.padEnd(width)}  ${reference.description}`),
  );
  return lines.join('\n');
}
