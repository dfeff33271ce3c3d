/**
 * `GET /.gatehouse/health` on every listener: answered by the gateway before routing, never
 * forwarded. Status `degraded` means the last config change was rejected (the last good config
 * is still serving); `paused` means traffic is answered 503 on purpose.
 */
import type { CompiledSnapshot } from './compile';
import type { UpstreamStatus } from './upstream-probes';

export const HEALTH_PATH = '/.gatehouse/health';

export interface ConfigErrorReport {
  file: string | null;
  line: number | null;
  message: string;
  /** ISO time the error was reported. */
  at: string;
}

export interface GatewayHealth {
  status: 'ok' | 'degraded' | 'paused';
  configVersion: string | null;
  files: string[];
  apis: { id: string; name: string; basePath: string; enabled: boolean }[];
  lastConfigError: ConfigErrorReport | null;
  /** Where rate-limit counters live: `local` or `redis`. */
  counters: string;
  uptimeSeconds: number;
  /** The runtime's name (replica name), when it has one. */
  name?: string;
  /** health-check-flex results by API id (`healthy: null` until the first probes decided). */
  upstreams: Record<string, UpstreamStatus>;
}

export function buildHealth(input: {
  current: CompiledSnapshot | undefined;
  paused: boolean;
  lastConfigError: ConfigErrorReport | null;
  counters: string;
  startedAt: number;
  name?: string;
  upstreams?: Record<string, UpstreamStatus>;
}): GatewayHealth {
  const apis: GatewayHealth['apis'] = [];
  for (const listener of input.current?.snapshot.listeners ?? [])
    for (const api of listener.apis) apis.push({ id: api.id, name: api.name, basePath: api.basePath, enabled: api.enabled !== false });
  const health: GatewayHealth = {
    status: input.paused ? 'paused' : input.lastConfigError ? 'degraded' : 'ok',
    configVersion: input.current?.version ?? null,
    files: [...(input.current?.snapshot.sources ?? [])],
    apis,
    lastConfigError: input.lastConfigError,
    counters: input.counters,
    uptimeSeconds: Math.round((Date.now() - input.startedAt) / 1000),
    upstreams: input.upstreams ?? {},
  };
  if (input.name !== undefined) health.name = input.name;
  return health;
}
