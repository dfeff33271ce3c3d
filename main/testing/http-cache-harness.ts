/**
 * Test support for http-caching-flex over real sockets: a real upstream that answers per path as
 * a test scripts it and counts what it serves, gateways with the policy, and the cache's clock,
 * moved by tests instead of sleeping. `useCacheHarness()` registers its hooks in the calling file.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway, type StartedGateway } from '../gateway/testing';
import type { RequestFact } from '../gateway/telemetry';
import { request, startServer, type SimpleResponse, type TestServer } from './net';
import { httpCacheClock } from '../policies/http-caching';

export interface Answer {
  status?: number;
  headers?: OutgoingHttpHeaders;
  body?: string;
}

export type Script = Answer | ((req: { headers: IncomingHttpHeaders; method: string }) => Answer);

export interface CacheHarness {
  /** What the upstream answers per path (default: 200 with a numbered body, no cache headers). */
  answers: Map<string, Script>;
  /** Requests the upstream served, per path, and the headers of the last one. */
  hits: Map<string, number>;
  seen: Map<string, IncomingHttpHeaders>;
  facts: RequestFact[];
  upstreamUrl(): string;
  /** A gateway with the policy (a new binding id each time, so caches never mix). */
  gatewayWith(config?: Record<string, unknown>, upstreamUrl?: string): Promise<StartedGateway>;
  /** The id of the API of the last gateway made. */
  lastApiId(): string;
  /** A path no other test used. */
  freshPath(): string;
  /** Moves the cache's clock. */
  advance(seconds: number): void;
  now(): number;
  get(gateway: StartedGateway, path: string, headers?: Record<string, string>, method?: string): Promise<SimpleResponse>;
}

export function useCacheHarness(): CacheHarness {
  const answers = new Map<string, Script>();
  const hits = new Map<string, number>();
  const seen = new Map<string, IncomingHttpHeaders>();
  const facts: RequestFact[] = [];
  const gateways: StartedGateway[] = [];
  let upstream: TestServer | undefined;
  let now = Date.now();
  let apiCount = 0;
  let pathCount = 0;

  beforeAll(async () => {
    upstream = await startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      seen.set(path, req.headers);
      const script = answers.get(path) ?? { body: `body of ${path}` };
      const answer = typeof script === 'function' ? script({ headers: req.headers, method: req.method ?? 'GET' }) : script;
      // No Date header unless a test gives one: ages then come from the cache's clock alone.
      res.sendDate = false;
      res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.status === 304 ? undefined : (answer.body ?? `body of ${path} #${hits.get(path)}`));
    });
    httpCacheClock.now = () => now;
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
    answers.clear();
    facts.length = 0;
  });
  afterAll(async () => {
    httpCacheClock.now = () => Date.now();
    await upstream?.close();
  });

  return {
    answers,
    hits,
    seen,
    facts,
    upstreamUrl: () => upstream!.url,
    async gatewayWith(config = {}, upstreamUrl) {
      const gateway = await startGateway(
        { id: `cache-api-${++apiCount}`, basePath: '/api', upstream: upstreamUrl ?? upstream!.url, policies: [{ name: 'http-caching-flex', config }] },
        { catalogue: findPolicy, onRequest: (fact) => void facts.push(fact) },
      );
      gateways.push(gateway);
      return gateway;
    },
    lastApiId: () => `cache-api-${apiCount}`,
    freshPath: () => `/p${++pathCount}`,
    advance: (seconds) => void (now += seconds * 1000),
    now: () => now,
    get: (gateway, path, headers = {}, method = 'GET') => request(gateway.url(`/api${path}`), { method, headers }),
  };
}

export async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
