/**
 * An API's routes, compiled: each has its rules (route-rules.ts) and one or more targets (an
 * upstream and the path prefix on it). A `route-weighted` route spreads requests over its
 * targets by weight with smooth weighted round robin (nginx's): exact shares over any window
 * of `sum(weights)` requests, evenly interleaved, no allocation and no random draw per request.
 * A target whose upstream health check says unhealthy gets nothing while another is healthy;
 * when none is, all share the traffic again (better than failing every request).
 */
import { compileRouteRules, type RouteMatcher } from './route-rules';
import type { ApiSnapshot, RouteSnapshot, SourceLocation } from './snapshot';
import { SnapshotError } from './snapshot-error';
import type { Upstream } from './upstream';

/** Shared with the health checker, which updates it; null until a probe decides (or unprobed). */
export interface HealthCell {
  healthy: boolean | null;
}

/** The health of one service of one API, kept across snapshots by whoever probes it. */
export type HealthLookup = (apiId: string, service: string) => HealthCell;

export interface RouteTarget {
  readonly upstream: Upstream;
  /** Service path + destinationPath, without a trailing slash ('' for the root). */
  readonly prefix: string;
  readonly weight: number;
  readonly health: HealthCell;
  /** Smooth weighted round robin state. */
  current: number;
}

export interface CompiledRoute {
  /** Undefined: every request, whole relative path forwarded. */
  readonly match: RouteMatcher | undefined;
  /** One target, or a weighted route's targets in declaration order. */
  readonly targets: readonly RouteTarget[];
  /** The first target's upstream and prefix (the only ones of an unweighted route). */
  readonly upstream: Upstream;
  readonly prefix: string;
}

const unprobed = (): HealthCell => ({ healthy: null });

export function compileRoutes(api: ApiSnapshot, field: string, upstreams: ReadonlyMap<string, Upstream>, health: HealthLookup = unprobed): CompiledRoute[] {
  const where = api.source;
  const name = api.name || api.id;
  const snapshots: RouteSnapshot[] = api.routes && api.routes.length > 0 ? api.routes : [{ service: api.services[0]!.name, destinationPath: '/' }];
  return snapshots.map((route, index) => {
    const routeField = `${field}.routes[${index}]`;
    const destinations = route.weighted && route.weighted.length > 0 ? route.weighted : [{ service: route.service, destinationPath: route.destinationPath, weight: 1 }];
    const targets = destinations.map((destination, position): RouteTarget => {
      const targetField = route.weighted ? `${routeField}.weighted[${position}]` : routeField;
      const upstream = upstreams.get(destination.service);
      if (!upstream) throw SnapshotError.at(`${targetField}.service`, `API "${name}": route points at unknown service "${destination.service}"`, where);
      const weight = destination.weight;
      if (!Number.isInteger(weight) || weight < 1 || weight > 100) throw SnapshotError.at(`${targetField}.weight`, `expected a whole number 1-100, got ${String(weight)}`, where);
      const prefix = joinPrefix(upstream.pathPrefix, checkedDestination(destination.destinationPath, `${targetField}.destinationPath`, where));
      return { upstream, prefix, weight, health: health(api.id, destination.service), current: 0 };
    });
    return { match: compileRouteRules(route.rules, `${routeField}.rules`, where), targets, upstream: targets[0]!.upstream, prefix: targets[0]!.prefix };
  });
}

/** Sent as is in the upstream request line: no query, fragment, spaces or control characters. */
function checkedDestination(destination: string | undefined, field: string, where: SourceLocation | undefined): string {
  const path = destination ?? '/';
  if (typeof path !== 'string' || /[?#]|[^\u0021-\u00ff]/.test(path)) throw SnapshotError.at(field, `expected a path without spaces, "?" or "#", got "${String(path)}"`, where);
  return path;
}

/** The target for the next request of this route. */
export function pickTarget(route: CompiledRoute): RouteTarget {
  const targets = route.targets;
  if (targets.length === 1) return targets[0]!;
  let skipUnhealthy = false;
  for (let i = 0; i < targets.length; i++) {
    if (targets[i]!.health.healthy !== false) {
      skipUnhealthy = true;
      break;
    }
  }
  let best: RouteTarget | undefined;
  let total = 0;
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i]!;
    if (skipUnhealthy && target.health.healthy === false) continue;
    target.current += target.weight;
    total += target.weight;
    if (best === undefined || target.current > best.current) best = target;
  }
  best!.current -= total;
  return best!;
}

/** `/svc` + `/v2/` → `/svc/v2`; the root is ''. No double slashes, no trailing slash. */
export function joinPrefix(servicePath: string, destinationPath: string): string {
  const left = servicePath.replace(/\/+$/, '');
  const right = destinationPath.replace(/^\/+/, '').replace(/\/+$/, '');
  return right === '' ? left : `${left}/${right}`;
}
