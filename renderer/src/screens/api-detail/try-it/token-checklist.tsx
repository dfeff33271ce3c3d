/**
 * A token inspection: decoded header and payload, then per jwt-validation-flex binding each
 * check with pass/fail/skipped and the reason the gateway gives (the first failure is what a
 * client would get back).
 */
import type { TokenCheck, TokenInspection } from '../../../../../shared/contract/token-models';
import { Banner } from '../../../ui/banner';
import { Badge, type Tone } from '../../../ui/status-badge';

const CHECK_LABELS: Record<string, string> = {
  format: 'Format',
  algorithm: 'Algorithm',
  key: 'Key (kid)',
  signature: 'Signature',
  exp: 'Expiry (exp)',
  nbf: 'Not before (nbf)',
  aud: 'Audience (aud)',
  client: 'Client id',
};

const STATUS_TONE: Record<TokenCheck['status'], Tone> = { pass: 'success', fail: 'danger', skipped: 'neutral' };

function checkLabel(check: string): string {
  return CHECK_LABELS[check] ?? (check.startsWith('claim:') ? `Claim ${check.slice(6)}` : check);
}

export function TokenChecklist({ inspection }: { inspection: TokenInspection }) {
  return (
    <div className="stack token-inspection" aria-label="Token inspection">
      {inspection.reason ? <Banner kind="error" title="This is not a token the gateway can read">{inspection.reason}</Banner> : null}
      {inspection.header ? (
        <div className="grid-2">
          <div>
            <div className="muted small">Header</div>
            <pre className="code-block" aria-label="Token header">{JSON.stringify(inspection.header, null, 2)}</pre>
          </div>
          <div>
            <div className="muted small">Payload</div>
            <pre className="code-block" aria-label="Token payload">{JSON.stringify(inspection.payload, null, 2)}</pre>
          </div>
        </div>
      ) : null}
      {inspection.policies.length === 0 ? <p className="muted small">This API has no JWT validation policy: the gateway does not check tokens.</p> : null}
      {inspection.policies.map((report, index) => {
        const first = report.checks.find((check) => check.status === 'fail');
        return (
          <section key={report.policyId} className="stack" aria-label={`JWT validation policy ${index + 1}`}>
            <div className="row">
              <span className="strong">JWT validation{inspection.policies.length > 1 ? ` #${index + 1}` : ''}</span>
              <Badge tone={report.verdict === 'accepted' ? 'success' : 'danger'}>{report.verdict === 'accepted' ? 'accepted' : `rejected${first?.httpStatus ? ` (${first.httpStatus})` : ''}`}</Badge>
              {!report.enabled ? <Badge>disabled</Badge> : null}
            </div>
            {report.error ? <Banner kind="warning">{report.error}</Banner> : null}
            <ul className="token-checks">
              {report.checks.map((check) => (
                <li key={check.check} className={`token-check token-check-${check.status}`}>
                  <Badge tone={STATUS_TONE[check.status]}>{check.status}</Badge>
                  <span className="strong">{checkLabel(check.check)}</span>
                  <span className={check.status === 'fail' ? '' : 'muted'}>
                    {check.reason}
                    {check.code ? <code className="small muted"> {check.code}</code> : null}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
