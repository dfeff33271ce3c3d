/**
 * "Keys" of a jwt-validation-flex card: the API's signing keys (token workbench), generate one,
 * copy the JWKS URL, point this policy at a key, remove a key (confirmed). An HMAC secret is
 * shown once, when it is generated. The same hook feeds Try it's Token panel.
 */
import { useCallback, useEffect, useState } from 'react';
import { SIGNING_ALGORITHMS, type SigningAlgorithm, type SigningKey } from '../../../../../shared/contract/token-models';
import { errorMessage } from '../../../lib/errors';
import { useActions, useClient } from '../../../state/store';
import { Banner } from '../../../ui/banner';
import { Button } from '../../../ui/button';
import { ConfirmDialog } from '../../../ui/confirm-dialog';
import { CopyButton } from '../../../ui/copy-button';
import { Badge } from '../../../ui/status-badge';
import '../token-workbench.css';

export const ALGORITHM_LABELS: Record<SigningAlgorithm, string> = {
  RS256: 'RS256 (RSA 2048)',
  PS256: 'PS256 (RSA-PSS 2048)',
  ES256: 'ES256 (P-256)',
  ES384: 'ES384 (P-384)',
  ES512: 'ES512 (P-521)',
  EdDSA: 'EdDSA (Ed25519)',
  HS256: 'HS256 (shared secret)',
  HS384: 'HS384 (shared secret)',
  HS512: 'HS512 (shared secret)',
};

export interface SigningKeysState {
  keys: SigningKey[];
  jwksUrl?: string;
  error?: string;
  loaded: boolean;
  reload(): Promise<void>;
  /** Resolves with the HMAC secret when the key is one (shown once). */
  generate(alg: SigningAlgorithm): Promise<{ key: SigningKey; secret?: string }>;
  remove(kid: string): Promise<void>;
}

export function useSigningKeys(apiId: string): SigningKeysState {
  const client = useClient();
  const [keys, setKeys] = useState<SigningKey[]>([]);
  const [jwksUrl, setJwksUrl] = useState<string>();
  const [error, setError] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  const reload = useCallback(async () => {
    try {
      const list = await client.tokens.listKeys({ apiId });
      setKeys(list.keys);
      setJwksUrl(list.jwksUrl);
      setError(undefined);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setLoaded(true);
    }
  }, [client, apiId]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return {
    keys,
    jwksUrl,
    error,
    loaded,
    reload,
    async generate(alg) {
      const created = await client.tokens.generateKey({ apiId, alg });
      await reload();
      return created;
    },
    async remove(kid) {
      await client.tokens.removeKey({ apiId, kid });
      await reload();
    },
  };
}

export function AlgorithmSelect({ value, onChange, label = 'Algorithm' }: { value: SigningAlgorithm; onChange(alg: SigningAlgorithm): void; label?: string }) {
  return (
    <select className="select" aria-label={label} value={value} onChange={(e) => onChange(e.target.value as SigningAlgorithm)}>
      {SIGNING_ALGORITHMS.map((alg) => (
        <option key={alg} value={alg}>
          {ALGORITHM_LABELS[alg]}
        </option>
      ))}
    </select>
  );
}

/** Generate a key; an HMAC secret stays on screen (once) until dismissed. */
export function GenerateKey({ state, initial = 'ES256' }: { state: SigningKeysState; initial?: SigningAlgorithm }) {
  const [alg, setAlg] = useState<SigningAlgorithm>(initial);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [secret, setSecret] = useState<{ kid: string; value: string }>();
  async function generate() {
    setPending(true);
    setError(undefined);
    try {
      const created = await state.generate(alg);
      setSecret(created.secret ? { kid: created.key.kid, value: created.secret } : undefined);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }
  return (
    <div className="stack">
      <div className="row">
        <AlgorithmSelect value={alg} onChange={setAlg} label="Key algorithm" />
        <Button icon="plus" pending={pending} onClick={() => void generate()}>
          Generate key
        </Button>
      </div>
      {error ? <Banner kind="error">{error}</Banner> : null}
      {secret ? (
        <Banner kind="warning" title={`Secret of ${secret.kid}: shown this once`}>
          <div className="row">
            <code className="mono token-text">{secret.value}</code>
            <CopyButton text={secret.value} label="Copy secret" />
            <Button size="sm" variant="ghost" onClick={() => setSecret(undefined)}>
              Done
            </Button>
          </div>
        </Banner>
      ) : null}
    </div>
  );
}

export function SigningKeys({ apiId, policyId }: { apiId: string; policyId: string }) {
  const state = useSigningKeys(apiId);
  const client = useClient();
  const { pushToast } = useActions();
  const [removing, setRemoving] = useState<SigningKey>();
  const [using, setUsing] = useState<string>();
  const [error, setError] = useState<string>();

  async function useInPolicy(key: SigningKey) {
    setUsing(key.kid);
    setError(undefined);
    try {
      await client.tokens.useKeyInPolicy({ apiId, policyId, kid: key.kid });
      pushToast({ kind: 'success', title: `The policy now checks tokens with ${key.kid}` });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setUsing(undefined);
    }
  }

  return (
    <details className="signing-keys">
      <summary>Keys{state.keys.length ? ` (${state.keys.length})` : ''}: generate test keys and point this policy at them</summary>
      <div className="stack signing-keys-body">
        {state.error ? <Banner kind="error">{state.error}</Banner> : null}
        {state.jwksUrl ? (
          <div className="row">
            <span className="muted small">JWKS URL (public keys, no token needed)</span>
            <code className="mono small truncate">{state.jwksUrl}</code>
            <CopyButton text={state.jwksUrl} label="Copy JWKS URL" />
          </div>
        ) : null}
        {state.keys.length > 0 ? (
          <ul className="signing-key-list" aria-label="Signing keys">
            {state.keys.map((key) => (
              <li key={key.kid} className="signing-key">
                <code className="mono">{key.kid}</code>
                <Badge tone={key.alg.startsWith('HS') ? 'warning' : 'info'}>{key.alg}</Badge>
                <span className="muted small">{new Date(key.createdAt).toLocaleString()}</span>
                <span className="grow" />
                <Button size="sm" pending={using === key.kid} onClick={() => void useInPolicy(key)}>
                  Use in this policy
                </Button>
                <Button size="sm" variant="ghost" icon="trash" aria-label={`Remove key ${key.kid}`} onClick={() => setRemoving(key)}>
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        ) : state.loaded ? (
          <p className="muted small">No keys yet. Generate one, then use it in this policy and mint tokens in Try it.</p>
        ) : null}
        {error ? <Banner kind="error">{error}</Banner> : null}
        <GenerateKey state={state} />
      </div>
      {removing ? (
        <ConfirmDialog
          title={`Remove key ${removing.kid}?`}
          confirmLabel="Remove key"
          danger
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            await state.remove(removing.kid);
            pushToast({ kind: 'success', title: `Key ${removing.kid} removed` });
          }}
        >
          The key is deleted and cannot be recovered. Gateways refuse its tokens once they refresh the JWKS (after the policy&apos;s
          jwksServiceTimeToLive); an HMAC secret already copied into a policy&apos;s textKey stays there until you change the policy.
        </ConfirmDialog>
      ) : null}
    </details>
  );
}
