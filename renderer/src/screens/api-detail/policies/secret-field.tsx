/**
 * A secret (a password, an API key): typed, never shown. When one is stored the box stays
 * empty and says so; whatever is typed replaces it, and emptying the box again keeps the stored
 * one. For a secret Gatehouse verifies, "Generate a strong password" fills in a random one and
 * shows it once, to copy, since only its hash is kept.
 */
import { useState } from 'react';
import { strongPassword } from '../../../lib/strong-password';
import { Button } from '../../../ui/button';
import { CopyButton } from '../../../ui/copy-button';
import { Field } from '../../../ui/field';

/** A stored secret comes back as its hash (`scrypt$…`) or encrypted (`enc:v1:…`), never as the secret. */
const STORED_SECRET = /^(scrypt\$|enc:v1:)/;

export interface SecretFieldProps {
  label: string;
  hint?: string;
  error?: string;
  required: boolean;
  value: unknown;
  generate?: boolean;
  onChange(value: unknown): void;
}

export function SecretField({ label, hint, error, required, value, generate, onChange }: SecretFieldProps) {
  const [stored] = useState(() => (typeof value === 'string' && STORED_SECRET.test(value) ? value : undefined));
  const [generated, setGenerated] = useState<string>();
  const typed = typeof value === 'string' && value !== stored ? value : '';
  const note = stored !== undefined ? 'Set — enter a new one to change it.' : undefined;
  return (
    <div className="secret-field">
      <div className="secret-field-row">
        <Field label={label} hint={[note, hint].filter(Boolean).join(' ') || undefined} error={error} required={required && stored === undefined} className="grow">
          <input
            className="input mono"
            type="password"
            autoComplete="new-password"
            value={typed}
            placeholder={stored !== undefined ? 'set (unchanged)' : undefined}
            onChange={(e) => {
              setGenerated(undefined);
              onChange(e.target.value === '' ? (stored ?? (required ? '' : undefined)) : e.target.value);
            }}
          />
        </Field>
        {generate ? (
          <Button
            size="sm"
            icon="refresh"
            className="secret-generate"
            onClick={() => {
              const password = strongPassword();
              setGenerated(password);
              onChange(password);
            }}
          >
            Generate a strong password
          </Button>
        ) : null}
      </div>
      {generated !== undefined && typed === generated ? (
        <div className="generated-secret" role="status">
          <span className="small">New password:</span> <code className="mono" data-testid="generated-password">{generated}</code> <CopyButton text={generated} label="Copy the password" />
          <div className="muted small">Copy it now: only its hash is kept, so it is not shown again.</div>
        </div>
      ) : null}
    </div>
  );
}
