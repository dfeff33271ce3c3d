/** Compare: the gateway's answer and the upstream's own answer side by side (status, headers that differ, body). */
import type { TryResult } from '../../../../../shared/contract/models';
import { formatMs, statusTone } from '../../../lib/format';
import { reasonPhrase } from './try-result';

export interface HeaderDifference {
  name: string;
  gateway: string | undefined;
  upstream: string | undefined;
}

/** Headers that only one answer has or that differ in value; per-response noise (date) is left out. */
export function headerDifferences(gateway: Record<string, string>, upstream: Record<string, string>): HeaderDifference[] {
  const lower = (headers: Record<string, string>) => new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const a = lower(gateway);
  const b = lower(upstream);
  const names = [...new Set([...a.keys(), ...b.keys()])].filter((name) => name !== 'date').sort();
  return names.filter((name) => a.get(name) !== b.get(name)).map((name) => ({ name, gateway: a.get(name), upstream: b.get(name) }));
}

function pretty(result: TryResult): string {
  if (result.bodyEncoding === 'base64') return `(binary, base64)\n${result.body.slice(0, 2000)}`;
  try {
    return JSON.stringify(JSON.parse(result.body), null, 2);
  } catch {
    return result.body;
  }
}

function Side({ title, result, target }: { title: string; result: TryResult; target: 'gateway' | 'upstream' }) {
  return (
    <section className="compare-side" aria-label={title} data-testid={`compare-${target}`}>
      <h3 className="subheading">{title}</h3>
      <div className="try-status-line">
        <span className={`status-code status-${statusTone(result.status)}`}>
          {result.status} {reasonPhrase(result.status)}
        </span>
        <span className="muted small">{formatMs(result.timing.totalMs)}</span>
      </div>
      <div className="mono small muted truncate" title={result.url}>
        {result.url}
      </div>
      <pre className="code-block" tabIndex={0} aria-label={`${title} body`}>
        {pretty(result) || <span className="muted">(empty body)</span>}
      </pre>
    </section>
  );
}

export function CompareView({ gateway, upstream }: { gateway: TryResult; upstream: TryResult }) {
  const differences = headerDifferences(gateway.headers, upstream.headers);
  return (
    <div className="try-compare" data-testid="try-compare">
      <p className="small">{gateway.status === upstream.status ? `Both answered ${gateway.status}.` : `The gateway answered ${gateway.status}; the upstream alone answered ${upstream.status}.`}</p>
      <section aria-label="Header differences">
        <h3 className="subheading">Response headers that differ ({differences.length})</h3>
        {differences.length === 0 ? (
          <p className="muted small">None.</p>
        ) : (
          <table className="table table-compact kv-table">
            <thead>
              <tr>
                <th scope="col">Header</th>
                <th scope="col">Through the gateway</th>
                <th scope="col">Straight to the upstream</th>
              </tr>
            </thead>
            <tbody>
              {differences.map((d) => (
                <tr key={d.name}>
                  <th scope="row" className="mono">{d.name}</th>
                  <td className="mono break">{d.gateway ?? <span className="muted">(absent)</span>}</td>
                  <td className="mono break">{d.upstream ?? <span className="muted">(absent)</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <div className="compare-sides" style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 'var(--space-3, 12px)' }}>
        <Side title="Through the gateway" result={gateway} target="gateway" />
        <Side title="Straight to the upstream" result={upstream} target="upstream" />
      </div>
    </div>
  );
}
