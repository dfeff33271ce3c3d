import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';

/**
 * Flex's page lists the thresholds without defaults; absent ones take Envoy's circuit-breaker
 * defaults (Flex's policy extends Envoy's): 1024 connections, pending and requests, 3 retries.
 */
export const CIRCUIT_DEFAULTS = { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 } as const;

const threshold = (what: string) => z.number().int().min(0).optional().describe(what);

export const circuitBreakerSchema = z
  .object({
    thresholds: z
      .object({
        maxConnections: threshold('Connections to the upstream this API may hold at once; more requests wait'),
        maxPendingRequests: threshold('Requests that may wait for a connection; beyond that, 503'),
        maxRequests: threshold('Requests outstanding to the upstream at once; beyond that, 503'),
        maxRetries: threshold('Retries outstanding at once (accepted; Gatehouse makes no configurable retries)'),
        maxConnectionPools: threshold('Connection pools (accepted; Gatehouse keeps one pool per upstream)'),
      })
      .strict()
      .default({})
      .describe('Limits on what this API sends its upstream at once; absent ones take Envoy defaults'),
  })
  .strict();
export type CircuitBreakerConfig = z.infer<typeof circuitBreakerSchema>;

export const circuitBreakerEntry: PolicyCatalogueEntry<typeof circuitBreakerSchema> = {
  name: 'circuit-breaker-flex',
  title: 'Circuit breaker',
  description:
    'Protects the upstream from too many requests at once: past the connection limit requests wait, past the pending or request limit the gateway answers 503 at once without calling the upstream, and the API shows "circuit open".',
  category: 'quality',
  scope: 'request',
  schema: circuitBreakerSchema,
  defaults: { thresholds: { maxConnections: 100, maxPendingRequests: 50, maxRequests: 100 } },
  fields: {
    thresholds: { label: 'Thresholds' },
    'thresholds.maxConnections': { label: 'Connections at most', help: 'Requests in flight to the upstream at once; more wait for one to finish (empty: 1024)' },
    'thresholds.maxPendingRequests': { label: 'Waiting requests at most', help: 'Requests waiting for a connection; beyond that, 503 (empty: 1024)' },
    'thresholds.maxRequests': { label: 'Outstanding requests at most', help: 'Requests outstanding to the upstream; beyond that, 503 at once (empty: 1024)' },
    'thresholds.maxRetries': { label: 'Outstanding retries at most', help: 'Accepted for Flex files; Gatehouse makes no configurable retries', hidden: true },
    'thresholds.maxConnectionPools': { label: 'Connection pools at most', help: 'Accepted for Flex files; Gatehouse keeps one pool per upstream', hidden: true },
  },
};
