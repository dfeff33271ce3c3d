/**
 * The client secret, shown exactly once (it is stored hashed): copy buttons, a clear warning,
 * and the dialog stays until the user says they saved it.
 */
import type { ApplicationWithSecret } from '../../../../shared/contract/models';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { CopyButton } from '../../ui/copy-button';
import { Dialog } from '../../ui/dialog';

export function SecretDialog({ app, onClose, regenerated }: { app: ApplicationWithSecret; onClose(): void; regenerated?: boolean }) {
  return (
    <Dialog title={regenerated ? `New secret for ${app.name}` : `${app.name} created`} onClose={onClose} dismissable={false}>
      <div className="stack">
        <Banner kind="warning" title="Copy the client secret now">
          It is shown only this once: Gatehouse keeps only a hash of it. {regenerated ? 'The old secret stopped working.' : 'If you lose it, generate a new one.'}
        </Banner>
        <div className="secret-field">
          <span className="field-label">Client ID</span>
          <div className="secret-value">
            <code className="mono" data-testid="client-id">{app.clientId}</code>
            <CopyButton text={app.clientId} label="Copy client ID" />
          </div>
        </div>
        <div className="secret-field">
          <span className="field-label">Client secret</span>
          <div className="secret-value">
            <code className="mono" data-testid="client-secret">{app.clientSecret}</code>
            <CopyButton text={app.clientSecret} label="Copy client secret" />
          </div>
        </div>
        <p className="muted small">
          Callers send them as HTTP Basic auth (<code>-u id:secret</code>) or as <code>client_id</code> / <code>client_secret</code> headers, depending on the API&apos;s policy.
        </p>
      </div>
      <div className="dialog-footer">
        <Button variant="primary" onClick={onClose} data-autofocus>
          I have saved the secret
        </Button>
      </div>
    </Dialog>
  );
}
