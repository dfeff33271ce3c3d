/** What came back: status, timing, who answered, each policy's decision, headers and body. */
import { useState } from 'react';
import type { TryResult } from '../../../../../shared/contract/models';
import { findPolicy } from '../../../../../shared/policies/catalogue';
import { formatMs, statusTone } from '../../../lib/format';
import { Banner } from '../../../ui/banner';
import { CopyButton } from '../../../ui/copy-button';
import { Badge } from '../../../ui/status-badge';
import { decidingEntry, TraceTable } from './trace-table';

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 413: 'Payload Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? '';
}

function prettyBody(result: TryResult): string {
  if (result.bodyEncoding === 'base64') return `(binary, ${Math.round((result.body.length * 3) / 4)} bytes, base64)\n${result.body.slice(0, 2000)}`;
  try {
    return JSON.stringify(JSON.parse(result.body), null, 2);
  } catch {
    return result.body;
  }
}

export function TryResultView({ result }: { result: TryResult }) {
  const [tab, setTab] = useState<'body' | 'headers'>('body');
  const decider = decidingEntry(result.trace);
  const body = prettyBody(result);
  const headers = Object.entries(result.headers);
  return (
    <div className="try-result" data-testid="try-result">
      <div className="try-status-line">
        <span className={`status-code status-${statusTone(result.status)}`} data-testid="try-status">
          {result.status} {reasonPhrase(result.status)}
        </span>
        <Badge tone={result.source === 'gateway' ? 'accent' : 'neutral'}>from {result.source}</Badge>
        <span className="muted small">
          {formatMs(result.timing.totalMs)} total{result.timing.upstreamMs !== undefined ? ` · ${formatMs(result.timing.upstreamMs)} upstream` : ''}
        </span>
      </div>
      <div className="mono small muted truncate" title={result.url}>
        {result.url}
      </div>
      {result.truncated ? <Banner kind="info">Only the first 256 KiB of the body are shown.</Banner> : null}
      {decider ? (
        <Banner kind={decider.verdict === 'respond' ? 'info' : 'warning'} title={`Answered by ${findPolicy(decider.policy)?.title ?? decider.policy}`}>
          <span data-testid="try-decider">{decider.policy}</span>
          {decider.detail ? `: ${decider.detail}` : ''}
        </Banner>
      ) : null}
      <section>
        <h3 className="subheading">Policy decisions</h3>
        <TraceTable trace={result.trace} />
      </section>
      <section>
        <div className="row">
          <div className="segmented segmented-sm" role="tablist" aria-label="Response">
            <button type="button" role="tab" aria-selected={tab === 'body'} className={`segment ${tab === 'body' ? 'segment-active' : ''}`} onClick={() => setTab('body')}>
              Body
            </button>
            <button type="button" role="tab" aria-selected={tab === 'headers'} className={`segment ${tab === 'headers' ? 'segment-active' : ''}`} onClick={() => setTab('headers')}>
              Headers ({headers.length})
            </button>
          </div>
          <span className="grow" />
          {tab === 'body' ? <CopyButton text={result.body} label="Copy body" /> : null}
        </div>
        {tab === 'body' ? (
          <pre className="code-block" tabIndex={0} aria-label="Response body">
            {body || <span className="muted">(empty body)</span>}
          </pre>
        ) : (
          <table className="table table-compact kv-table">
            <tbody>
              {headers.map(([name, value]) => (
                <tr key={name}>
                  <th scope="row" className="mono">{name}</th>
                  <td className="mono break">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
