/**
 * A small hash router: `#/apis/abc/policies?x=1`. Hash URLs work the same from
 * `gatehouse serve` and from a file:// page in Electron, with no server-side routes.
 */
import { useSyncExternalStore } from 'react';

export type ApiTab = 'analytics' | 'policies' | 'contracts' | 'alerts' | 'try' | 'mock';
export const API_TABS: ApiTab[] = ['analytics', 'policies', 'contracts', 'alerts', 'try', 'mock'];

export type Route =
  | { name: 'overview' }
  | { name: 'apis' }
  | { name: 'api'; id: string; tab: ApiTab }
  | { name: 'traffic' }
  | { name: 'gateways' }
  | { name: 'applications' }
  | { name: 'policies' }
  | { name: 'alerts' }
  | { name: 'settings' }
  | { name: 'not-found'; path: string };

export interface Location {
  route: Route;
  path: string;
  query: URLSearchParams;
}

export function parseLocation(hash: string): Location {
  const raw = hash.replace(/^#/, '') || '/';
  const [pathPart = '/', search = ''] = raw.split('?', 2);
  const path = pathPart.startsWith('/') ? pathPart : `/${pathPart}`;
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { route: matchParts(parts, path), path, query };
}

function matchParts(parts: string[], path: string): Route {
  const [first, second, third] = parts;
  if (!first) return { name: 'overview' };
  const simple = ['traffic', 'gateways', 'applications', 'policies', 'alerts', 'settings'] as const;
  if (parts.length === 1 && (simple as readonly string[]).includes(first)) return { name: first as (typeof simple)[number] };
  if (first === 'apis') {
    if (!second) return { name: 'apis' };
    const tab = (third ?? 'analytics') as ApiTab;
    if (parts.length <= 3 && API_TABS.includes(tab)) return { name: 'api', id: second, tab };
  }
  return { name: 'not-found', path };
}

/** `apiPath('abc', 'try')` → `/apis/abc/try`. */
export function apiPath(id: string, tab: ApiTab = 'analytics'): string {
  return `/apis/${encodeURIComponent(id)}/${tab}`;
}

export function href(path: string): string {
  return `#${path}`;
}

const listeners = new Set<() => void>();
function onHashChange(): void {
  for (const listener of [...listeners]) listener();
}

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) window.addEventListener('hashchange', onHashChange);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('hashchange', onHashChange);
  };
}

let cached: { hash: string; location: Location } | undefined;
function snapshot(): Location {
  const hash = window.location.hash;
  if (!cached || cached.hash !== hash) cached = { hash, location: parseLocation(hash) };
  return cached.location;
}

export function useLocation(): Location {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const target = href(path);
  if (options.replace) {
    window.history.replaceState(null, '', target);
    onHashChange();
  } else if (window.location.hash !== target) window.location.hash = target;
}
