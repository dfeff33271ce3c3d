/**
 * An API's upstreams with their configured weight and their live share: of the API's latest
 * forwarded requests in the live traffic window, the part each upstream served (request facts
 * name the upstream service).
 */
import type { Api } from '../../../../shared/contract/models';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';

export interface ConfiguredUpstream {
  /** The gateway's service name, as request facts report it. */
  name: string;
  url: string;
  weight: number;
}

export interface UpstreamShare {
  name: string;
  url?: string;
  /** Configured share: weight over the sum of weights (absent for an upstream seen but not configured). */
  weightShare?: number;
  served: number;
  /** Served over the sample; undefined before any forwarded request. */
  liveShare?: number;
}

/** Requests the live share is taken over. */
export const LIVE_SAMPLE = 200;

/**
 * The app gives an API one upstream, which the embedded gateway names `upstream`; several
 * upstreams by weight (route-weighted) run from YAML in local mode.
 */
export function configuredUpstreams(api: Api): ConfiguredUpstream[] {
  return [{ name: 'upstream', url: api.implementationUrl, weight: 100 }];
}

/** `traffic` is newest first, as the live window keeps it. */
export function upstreamShares(configured: readonly ConfiguredUpstream[], traffic: readonly TrafficEntry[], apiId: string, sample = LIVE_SAMPLE): { rows: UpstreamShare[]; sampled: number } {
  const served = new Map<string, number>();
  let sampled = 0;
  for (const entry of traffic) {
    if (sampled >= sample) break;
    if (entry.apiId !== apiId || entry.upstream === undefined) continue;
    served.set(entry.upstream, (served.get(entry.upstream) ?? 0) + 1);
    sampled++;
  }
  const totalWeight = configured.reduce((sum, upstream) => sum + upstream.weight, 0);
  const share = (count: number) => (sampled > 0 ? count / sampled : undefined);
  const rows: UpstreamShare[] = configured.map((upstream) => ({
    name: upstream.name,
    url: upstream.url,
    weightShare: totalWeight > 0 ? upstream.weight / totalWeight : undefined,
    served: served.get(upstream.name) ?? 0,
    liveShare: share(served.get(upstream.name) ?? 0),
  }));
  // Served by a config the app does not describe (e.g. a replica on an older snapshot): shown, not hidden.
  for (const [name, count] of served) if (!configured.some((upstream) => upstream.name === name)) rows.push({ name, served: count, liveShare: share(count) });
  return { rows, sampled };
}
