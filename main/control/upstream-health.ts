/**
 * The upstream health an API shows (APIs list, API detail, tray): its own health-check-flex
 * result, or else what a health check of another API learnt about the same upstream service
 * (same scheme, host and port): a service that is down is down for every API in front of it,
 * not only for the one that happens to probe it.
 */
import type { UpstreamStatus } from '../gateway/upstream-probes';

export type UpstreamHealthLabel = 'healthy' | 'unhealthy' | 'unknown';

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

const label = (healthy: boolean | null): UpstreamHealthLabel => (healthy === null ? 'unknown' : healthy ? 'healthy' : 'unhealthy');

export function apiUpstreamHealth(api: { id: string; implementationUrl: string }, statuses: Record<string, UpstreamStatus>): UpstreamHealthLabel | undefined {
  const own = statuses[api.id];
  if (own) return label(own.healthy);
  const origin = originOf(api.implementationUrl);
  if (!origin) return undefined;
  const sameService = Object.values(statuses).filter((status) => originOf(status.url) === origin);
  if (sameService.length === 0) return undefined;
  // Any probe of that service failing means it is down (a refused connection is refused for all paths).
  if (sameService.some((status) => status.healthy === false)) return 'unhealthy';
  if (sameService.some((status) => status.healthy === true)) return 'healthy';
  return 'unknown';
}
