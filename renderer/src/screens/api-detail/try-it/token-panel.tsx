/**
 * Try it's Token panel (token workbench): mint a test token with one of the API's signing keys
 * (sub, aud, lifetime, custom claims) and put it in the request as `Authorization: Bearer …`;
 * paste any token to see it decoded with the checklist of this API's JWT policies.
 */
import { useState } from 'react';
import type { Api } from '../../../../../shared/contract/models';
import type { TokenInspection } from '../../../../../shared/contract/token-models';
import { errorMessage, fieldErrorsOf } from '../../../lib/errors';
import { useClient } from '../../../state/store';
import { Banner } from '../../../ui/banner';
import { Button, IconButton } from '../../../ui/button';
import { CopyButton } from '../../../ui/copy-button';
import { Field } from '../../../ui/field';
import { GenerateKey, useSigningKeys } from '../policies/signing-keys';
import { TokenChecklist } from './token-checklist';

interface ClaimRow {
  name: string;
  value: string;
}

/** A claim value typed as JSON (3, true, ["a","b"]) stays JSON; anything else is text. */
function claimValue(text: string): unknown {
  const trimmed = text.trim();
  if (/^(-?\d+(\.\d+)?|true|false|null|\[.*\]|\{.*\})$/s.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

export function TokenPanel({ api, currentToken, onUseToken }: { api: Api; currentToken?: string; onUseToken(token: string): void }) {
  const client = useClient();
  const keys = useSigningKeys(api.id);
  const [kid, setKid] = useState('');
  const [sub, setSub] = useState('alice');
  const [aud, setAud] = useState('');
  const [minutes, setMinutes] = useState('10');
  const [claims, setClaims] = useState<ClaimRow[]>([]);
  const [minted, setMinted] = useState<string>();
  const [minting, setMinting] = useState(false);
  const [mintError, setMintError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pasted, setPasted] = useState('');
  const [inspecting, setInspecting] = useState(false);
  const [inspection, setInspection] = useState<TokenInspection>();
  const [inspectError, setInspectError] = useState<string>();

  async function mint() {
    setMinting(true);
    setMintError(undefined);
    setFieldErrors({});
    const minutesNumber = Number(minutes);
    if (!/^\d+$/.test(minutes.trim())) {
      setFieldErrors({ expiresInSeconds: 'a whole number of minutes (0: no expiry)' });
      setMinting(false);
      return;
    }
    const payload: Record<string, unknown> = {};
    if (sub.trim()) payload.sub = sub.trim();
    if (aud.trim()) payload.aud = aud.includes(',') ? aud.split(',').map((a) => a.trim()).filter(Boolean) : aud.trim();
    for (const row of claims) if (row.name.trim()) payload[row.name.trim()] = claimValue(row.value);
    try {
      const result = await client.tokens.mint({ apiId: api.id, ...(kid ? { kid } : {}), claims: payload, expiresInSeconds: minutesNumber * 60 });
      setMinted(result.token);
      onUseToken(result.token);
    } catch (caught) {
      setFieldErrors(fieldErrorsOf(caught));
      setMintError(errorMessage(caught));
    } finally {
      setMinting(false);
    }
  }

  async function inspect(token: string) {
    setInspecting(true);
    setInspectError(undefined);
    try {
      setInspection(await client.tokens.inspect({ apiId: api.id, token }));
    } catch (caught) {
      setInspectError(errorMessage(caught));
      setInspection(undefined);
    } finally {
      setInspecting(false);
    }
  }

  const setClaim = (index: number, patch: Partial<ClaimRow>) => setClaims(claims.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  return (
    <details className="token-panel">
      <summary>Token: mint a test JWT or check one</summary>
      <div className="stack token-panel-body">
        <section className="stack" aria-label="Mint a token">
          {keys.error ? <Banner kind="error">{keys.error}</Banner> : null}
          {keys.loaded && keys.keys.length === 0 ? (
            <>
              <p className="muted small">This API has no signing key yet. Generate one; in Policies, a JWT validation card&apos;s Keys section points the policy at it.</p>
              <GenerateKey state={keys} />
            </>
          ) : null}
          {keys.keys.length > 0 ? (
            <>
              <div className="grid-2">
                <Field label="Signing key" error={fieldErrors.kid}>
                  <select className="select" value={kid} onChange={(e) => setKid(e.target.value)}>
                    <option value="">Newest ({keys.keys[0]!.kid})</option>
                    {keys.keys.map((key) => (
                      <option key={key.kid} value={key.kid}>
                        {key.kid} ({key.alg})
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label="Expires in (minutes)" error={fieldErrors.expiresInSeconds}>
                  <input className="input" inputMode="numeric" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
                </Field>
                <Field label="Subject (sub)">
                  <input className="input mono" value={sub} spellCheck={false} onChange={(e) => setSub(e.target.value)} />
                </Field>
                <Field label="Audience (aud)" hint="Several separated by commas">
                  <input className="input mono" value={aud} spellCheck={false} onChange={(e) => setAud(e.target.value)} />
                </Field>
              </div>
              <fieldset className="fieldset">
                <legend className="fieldset-legend">Custom claims</legend>
                {claims.map((row, index) => (
                  <div key={index} className="header-row">
                    <input className="input mono" placeholder="Claim" aria-label={`Claim ${index + 1} name`} value={row.name} spellCheck={false} onChange={(e) => setClaim(index, { name: e.target.value })} />
                    <input className="input mono" placeholder="Value (text or JSON)" aria-label={`Claim ${index + 1} value`} value={row.value} spellCheck={false} onChange={(e) => setClaim(index, { value: e.target.value })} />
                    <IconButton icon="x" label={`Remove claim ${index + 1}`} onClick={() => setClaims(claims.filter((_, i) => i !== index))} />
                  </div>
                ))}
                <Button size="sm" variant="ghost" icon="plus" onClick={() => setClaims([...claims, { name: '', value: '' }])}>
                  Add claim
                </Button>
              </fieldset>
              <div className="row">
                <Button variant="primary" icon="shield" pending={minting} onClick={() => void mint()}>
                  Mint and use
                </Button>
                {minted ? <span className="muted small">Authorization: Bearer … is set in the headers; Send uses it.</span> : null}
              </div>
              {minted ? (
                <div className="row">
                  <code className="mono small token-text" aria-label="Minted token">
                    {minted}
                  </code>
                  <CopyButton text={minted} label="Copy token" />
                </div>
              ) : null}
              {mintError ? <Banner kind="error">{mintError}</Banner> : null}
            </>
          ) : null}
        </section>
        <section className="stack" aria-label="Check a token">
          <Field label="Paste a token to decode it and see this API's checks">
            <textarea className="textarea mono" rows={3} value={pasted} spellCheck={false} onChange={(e) => setPasted(e.target.value)} placeholder="eyJhbGciOi…" />
          </Field>
          <div className="row">
            <Button icon="search" pending={inspecting} disabled={!pasted.trim()} onClick={() => void inspect(pasted.trim())}>
              Check token
            </Button>
            {currentToken ? (
              <Button variant="ghost" onClick={() => (setPasted(currentToken), void inspect(currentToken))}>
                Check the token in the headers
              </Button>
            ) : null}
          </div>
          {inspectError ? <Banner kind="error">{inspectError}</Banner> : null}
          {inspection ? <TokenChecklist inspection={inspection} /> : null}
        </section>
      </div>
    </details>
  );
}
