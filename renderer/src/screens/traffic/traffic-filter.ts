/** The Traffic screen's filters, applied to the in-memory log. */
import type { StatusClass, TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { statusClassOf } from '../../lib/format';

export interface TrafficFilter {
  apiId: string;
  statusClass: StatusClass | '';
  clientId: string;
  text: string;
}

export const emptyFilter: TrafficFilter = { apiId: '', statusClass: '', clientId: '', text: '' };

export function isFiltered(filter: TrafficFilter): boolean {
  return Boolean(filter.apiId || filter.statusClass || filter.clientId.trim() || filter.text.trim());
}

export function filterTraffic(entries: readonly TrafficEntry[], filter: TrafficFilter): TrafficEntry[] {
  if (!isFiltered(filter)) return entries as TrafficEntry[];
  const text = filter.text.trim().toLowerCase();
  const client = filter.clientId.trim().toLowerCase();
  return entries.filter(
    (entry) =>
      (!filter.apiId || entry.apiId === filter.apiId) &&
      (!filter.statusClass || statusClassOf(entry.status) === filter.statusClass) &&
      (!client || (entry.clientId ?? '').toLowerCase().includes(client)) &&
      (!text || `${entry.method} ${entry.path} ${entry.status} ${entry.violatedPolicy ?? ''}`.toLowerCase().includes(text)),
  );
}
