/**
 * The sources of a mock (hand-written routes, a recording, an OpenAPI document) → the flat
 * route list of a MockSnapshot. Used by local mode's `Mock` kind and by the app's snapshot
 * builder, so both answer the same way. Order: routes, then the recording (latest first),
 * then the OpenAPI operations; the first match answers.
 */
import { mockRoutesFromOpenApi } from '../../shared/mocks/openapi-examples';
import type { MockRoute, RecordedExchange } from '../../shared/mocks/mock-models';
import type { MockRouteSnapshot } from '../gateway/snapshot';

export interface MockSources {
  routes?: readonly MockRoute[];
  recording?: { name: string; exchanges: readonly RecordedExchange[] };
  /** A parsed OpenAPI 3 document. */
  openapi?: unknown;
}

export function handRouteSnapshot(route: MockRoute): MockRouteSnapshot {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(route.headers ?? {})) headers[name.toLowerCase()] = value;
  let body = '';
  if (typeof route.body === 'string') body = route.body;
  else if (route.body !== undefined) {
    body = JSON.stringify(route.body, null, 2);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  return { method: route.method, path: route.path, status: route.status, headers, bodyBase64: Buffer.from(body).toString('base64'), origin: 'routes' };
}

export function mockRouteSnapshots(sources: MockSources): MockRouteSnapshot[] {
  const routes: MockRouteSnapshot[] = (sources.routes ?? []).map(handRouteSnapshot);
  const recording = sources.recording;
  if (recording !== undefined) {
    // The latest response for a request wins: later exchanges go first.
    for (let i = recording.exchanges.length - 1; i >= 0; i--) {
      const exchange = recording.exchanges[i]!;
      routes.push({
        method: exchange.method.toUpperCase(),
        path: exchange.path,
        query: exchange.query,
        status: exchange.status,
        headers: { ...exchange.headers },
        bodyBase64: exchange.bodyBase64,
        origin: `recording "${recording.name}"`,
      });
    }
  }
  if (sources.openapi !== undefined) {
    for (const operation of mockRoutesFromOpenApi(sources.openapi)) {
      routes.push({
        method: operation.method,
        path: operation.path,
        status: operation.status,
        headers: operation.headers,
        bodyBase64: Buffer.from(operation.body).toString('base64'),
        origin: `openapi ${operation.origin === 'generated' ? 'schema' : 'example'}${operation.operationId ? ` ${operation.operationId}` : ''}`,
      });
    }
  }
  return routes;
}
