/** Each policy's decision for one request, in run order; the deciding one stands out. */
import type { PolicyTraceEntryModel } from '../../../../../shared/contract/telemetry-models';
import { findPolicy } from '../../../../../shared/policies/catalogue';
import { formatMs } from '../../../lib/format';
import { Badge, verdictTone } from '../../../ui/status-badge';

export function decidingEntry(trace: PolicyTraceEntryModel[]): PolicyTraceEntryModel | undefined {
  return trace.find((entry) => entry.verdict === 'deny' || entry.verdict === 'respond' || entry.verdict === 'error');
}

/** `compact`: no time column (narrow places such as the traffic drawer); the time shows on hover. */
export function TraceTable({ trace, compact }: { trace: PolicyTraceEntryModel[]; compact?: boolean }) {
  if (trace.length === 0) return <p className="muted small">No policy ran for this request.</p>;
  const decider = decidingEntry(trace);
  return (
    <table className={`table table-compact trace-table ${compact ? 'trace-table-compact' : ''}`} aria-label="Policy decisions">
      <thead>
        <tr>
          <th>Policy</th>
          <th>Decision</th>
          <th>Detail</th>
          {compact ? null : <th className="num">Time</th>}
        </tr>
      </thead>
      <tbody>
        {trace.map((entry, index) => (
          <tr
            key={`${entry.bindingId}-${index}`}
            className={entry === decider ? 'trace-decider' : ''}
            data-testid={entry === decider ? 'trace-decider' : undefined}
            title={compact ? `${entry.policy}: ${formatMs(entry.durationMs)}` : undefined}
          >
            <td>
              <div className="strong">{findPolicy(entry.policy)?.title ?? entry.policy}</div>
              <div className="mono small muted">{entry.policy}</div>
            </td>
            <td>
              <Badge tone={verdictTone(entry.verdict)}>
                {entry.verdict}
                {entry.status ? ` ${entry.status}` : ''}
              </Badge>
            </td>
            <td className="small">{entry.detail ?? ''}</td>
            {compact ? null : <td className="num small">{formatMs(entry.durationMs)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
