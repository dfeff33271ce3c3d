/**
 * Test support: a real gateway on a real port in a few lines. For gateway, policy and config
 * tests (not product code).
 *
 *   startGateway(input, options?) → Promise<StartedGateway>
 *     input:   GatewaySnapshot | ApiSnapshotInput | ApiSnapshotInput[]
 *     options: GatewayRuntimeOptions & SnapshotExtras (port defaults to a free one)
 *     StartedGateway = {
 *       runtime: GatewayRuntime; port: number; protocol: 'http' | 'https';
 *       url(path = '/'): string;                    // e.g. http://127.0.0.1:PORT/api/users
 *       snapshotFor(apis, extra?): GatewaySnapshot;  // a snapshot on this gateway's port
 *       apply(input): Promise<void>;                 // same inputs as startGateway, same port
 *       close(): Promise<void>;
 *     }
 *   snapshotFor(apis: ApiSnapshotInput[], port: number, extra?: SnapshotExtras): GatewaySnapshot
 *   apiSnapshot(input: ApiSnapshotInput, index?: number): ApiSnapshot
 *
 *   ApiSnapshotInput = { upstream: string (service URL); basePath?: '/' default; name?; id?;
 *     enabled?; policies?: PolicyInput[]; routes?: RouteSnapshot[]; services?: ServiceSnapshot[]
 *     (instead of upstream); upstreamTls?: UpstreamTlsSnapshot }
 *   PolicyInput = { name: string; config?: object; order?: number (50); rules?: PolicyRule[];
 *     id?: string; enabled?: boolean }
 *   SnapshotExtras = { version?; identity?: Partial<IdentitySnapshot>; tls?: ListenerTlsSnapshot;
 *     host?: string (127.0.0.1); port?: number; sources?: string[] }
 *
 * Example:
 *   const upstream = await startEchoUpstream();
 *   const gw = await startGateway({ basePath: '/api', upstream: upstream.url,
 *     policies: [{ name: 'rate-limiting-flex', config: { rateLimits: [...] } }] });
 *   const res = await request(gw.url('/api/users'));
 *   await gw.close(); await upstream.close();
 */
import type { PolicyRule } from '../../shared/policies/common';
import { freePort } from '../testing/net';
import { GatewayRuntime, type GatewayRuntimeOptions } from './runtime';
import type {
  ApiSnapshot,
  GatewaySnapshot,
  IdentitySnapshot,
  ListenerTlsSnapshot,
  RouteSnapshot,
  ServiceSnapshot,
  UpstreamTlsSnapshot,
} from './snapshot';

export interface PolicyInput {
  name: string;
  config?: Record<string, unknown>;
  order?: number;
  rules?: PolicyRule[];
  id?: string;
  enabled?: boolean;
}

export interface ApiSnapshotInput {
  /** Service URL; ignored when `services` is given. */
  upstream?: string;
  basePath?: string;
  name?: string;
  id?: string;
  enabled?: boolean;
  policies?: PolicyInput[];
  routes?: RouteSnapshot[];
  services?: ServiceSnapshot[];
  upstreamTls?: UpstreamTlsSnapshot;
}

export interface SnapshotExtras {
  version?: string;
  identity?: Partial<IdentitySnapshot>;
  /** Makes the listener HTTPS. */
  tls?: ListenerTlsSnapshot;
  host?: string;
  port?: number;
  sources?: string[];
}

export type GatewayInput = GatewaySnapshot | ApiSnapshotInput | ApiSnapshotInput[];

export interface StartedGateway {
  runtime: GatewayRuntime;
  port: number;
  protocol: 'http' | 'https';
  url(path?: string): string;
  snapshotFor(apis: ApiSnapshotInput[], extra?: SnapshotExtras): GatewaySnapshot;
  apply(input: GatewayInput, extra?: SnapshotExtras): Promise<void>;
  close(): Promise<void>;
}

let versions = 0;

export function apiSnapshot(input: ApiSnapshotInput, index = 0): ApiSnapshot {
  const id = input.id ?? `api-${index + 1}`;
  const services = input.services ?? [{ name: 'upstream', url: requireUpstream(input), tls: input.upstreamTls }];
  return {
    id,
    name: input.name ?? id,
    basePath: input.basePath ?? '/',
    enabled: input.enabled ?? true,
    services,
    routes: input.routes ?? [],
    policies: (input.policies ?? []).map((policy, position) => ({
      id: policy.id ?? `${id}/${policy.name}/${position}`,
      name: policy.name,
      config: policy.config ?? {},
      order: policy.order ?? 50,
      enabled: policy.enabled ?? true,
      rules: policy.rules,
    })),
  };
}

export function snapshotFor(apis: ApiSnapshotInput[], port: number, extra: SnapshotExtras = {}): GatewaySnapshot {
  return {
    version: extra.version ?? `test-${++versions}`,
    sources: extra.sources ?? [],
    identity: { applications: [], tiers: [], contracts: [], ...extra.identity },
    listeners: [{ host: extra.host ?? '127.0.0.1', port, tls: extra.tls, apis: apis.map((api, index) => apiSnapshot(api, index)) }],
  };
}

function isSnapshot(input: GatewayInput): input is GatewaySnapshot {
  return !Array.isArray(input) && 'listeners' in input;
}

export async function startGateway(input: GatewayInput, options: GatewayRuntimeOptions & SnapshotExtras = {}): Promise<StartedGateway> {
  const port = isSnapshot(input) ? (input.listeners[0]?.port ?? 0) : (options.port ?? (await freePort()));
  const toSnapshot = (next: GatewayInput, extra: SnapshotExtras = {}): GatewaySnapshot =>
    isSnapshot(next) ? next : snapshotFor(Array.isArray(next) ? next : [next], port, { ...options, ...extra });
  const runtime = new GatewayRuntime({ log: () => {}, ...options });
  const first = toSnapshot(input);
  await runtime.apply(first);
  const address = runtime.listenerAddresses()[0];
  const actualPort = address?.port ?? port;
  const protocol = address?.protocol ?? 'http';
  return {
    runtime,
    port: actualPort,
    protocol,
    url: (path = '/') => `${protocol}://127.0.0.1:${actualPort}${path}`,
    snapshotFor: (apis, extra) => snapshotFor(apis, port, { ...options, ...extra }),
    apply: (next, extra) => runtime.apply(toSnapshot(next, extra)),
    close: () => runtime.stop({ graceMs: 200 }),
  };
}

function requireUpstream(input: ApiSnapshotInput): string {
  if (!input.upstream) throw new Error('apiSnapshot: give `upstream` (a URL) or `services`');
  return input.upstream;
}
