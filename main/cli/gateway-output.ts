/** What local mode prints: one line per API it serves, one compact line per request. */
import type { GatewaySnapshot } from '../gateway/snapshot';
import type { RequestFact } from '../gateway/telemetry';

/** `listening on http://0.0.0.0:8081 — jsonplaceholder at /jsonplaceholder → http://127.0.0.1:3000/ (1 policy)` */
export function describeListeners(snapshot: GatewaySnapshot): string[] {
  const lines: string[] = [];
  for (const listener of snapshot.listeners) {
    const host = listener.host.includes(':') ? `[${listener.host}]` : listener.host;
    const origin = `${listener.tls ? 'https' : 'http'}://${host}:${listener.port}`;
    for (const api of listener.apis) {
      const upstreams = api.services.map((service) => service.url).join(', ');
      const policies = api.policies.length ? ` (${api.policies.map((policy) => policy.name).join(', ')})` : '';
      const disabled = api.enabled ? '' : ' [disabled]';
      lines.push(`listening on ${origin} — ${api.name} at ${api.basePath} → ${upstreams}${policies}${disabled}`);
    }
  }
  return lines;
}

/** `12:03:04.512 GET /jsonplaceholder/users 200 4ms` + who decided when the gateway (or the API's mock) answered. */
export function formatAccessLine(fact: RequestFact): string {
  const time = clockTime(fact.at);
  const latency = fact.latencyMs < 10 ? fact.latencyMs.toFixed(1) : Math.round(fact.latencyMs).toString();
  let decided = '';
  if (fact.source === 'gateway') {
    const responder = fact.trace.find((entry) => entry.verdict === 'deny' || entry.verdict === 'respond');
    decided = ` ${fact.violatedPolicy ?? responder?.policy ?? 'gateway'}${fact.errorCode ? ` ${fact.errorCode}` : ''}`;
  } else if (fact.source === 'mock') decided = ' mock';
  const api = fact.apiName ? ` [${fact.apiName}]` : '';
  const target = fact.query === undefined ? fact.path : `${fact.path}?${fact.query}`;
  return `${time} ${fact.method} ${target} ${fact.status} ${latency}ms${decided}${api}`;
}

/** `HH:MM:SS.mmm` (UTC) of an epoch-ms time; the part up to the second is made once per second. */
let clockSecond = Number.NaN;
let clockPrefix = '';
function clockTime(at: number): string {
  const ms = Math.floor(at) % 1000;
  const second = Math.floor(at) - ms;
  if (second !== clockSecond) {
    clockSecond = second;
    clockPrefix = new Date(second).toISOString().slice(11, 20);
  }
  return clockPrefix + (ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : String(ms));
}
