import { describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../policies/counters';
import { compileSnapshot } from './compile';
import { pickTarget, type CompiledRoute, type HealthCell } from './routes';
import { snapshotFor } from './testing';
import { AgentPool } from './upstream';

function weightedRoute(weights: number[], cells: HealthCell[] = weights.map(() => ({ healthy: null }))): CompiledRoute {
  const services = weights.map((_, i) => ({ name: `s${i}`, url: `http://127.0.0.1:${1000 + i}/base${i}` }));
  const snapshot = snapshotFor(
    [{ basePath: '/a', services, routes: [{ service: 's0', destinationPath: '/v', weighted: weights.map((weight, i) => ({ service: `s${i}`, destinationPath: `/v${i}/`, weight })) }] }],
    8080,
  );
  const compiled = compileSnapshot(snapshot, {
    counters: new MemoryCounterStore(),
    env: {},
    log: () => {},
    agents: new AgentPool(),
    health: (_api, service) => cells[Number(service.slice(1))]!,
  });
  return compiled.listeners.get('127.0.0.1:8080')!.apis[0]!.routes[0]!;
}

function shares(route: CompiledRoute, count: number): number[] {
  const counts = route.targets.map(() => 0);
  for (let i = 0; i < count; i++) counts[route.targets.indexOf(pickTarget(route))]!++;
  return counts;
}

describe('weighted routes', () => {
  it('compiles each target with its own prefix and weight', () => {
    const route = weightedRoute([75, 25]);
    expect(route.targets.map((t) => [t.upstream.name, t.prefix, t.weight])).toEqual([
      ['s0', '/base0/v0', 75],
      ['s1', '/base1/v1', 25],
    ]);
    expect(route.prefix).toBe('/base0/v0');
  });

  it('gives exact shares over sum(weights) requests, spread out rather than in runs', () => {
    expect(shares(weightedRoute([75, 25]), 1000)).toEqual([750, 250]);
    expect(shares(weightedRoute([1, 3]), 400)).toEqual([100, 300]);
    expect(shares(weightedRoute([100, 1, 1]), 102)).toEqual([100, 1, 1]);
    const route = weightedRoute([50, 50]);
    const order = Array.from({ length: 6 }, () => pickTarget(route).upstream.name);
    expect(order).toEqual(['s0', 's1', 's0', 's1', 's0', 's1']);
  });

  it('skips an unhealthy target while another is healthy or unknown, and uses all when none is', () => {
    const cells: HealthCell[] = [{ healthy: true }, { healthy: false }, { healthy: null }];
    const route = weightedRoute([40, 40, 20], cells);
    expect(shares(route, 600)).toEqual([400, 0, 200]);
    cells[0]!.healthy = false;
    cells[2]!.healthy = false;
    expect(shares(route, 100).reduce((a, b) => a + b)).toBe(100);
    expect(shares(route, 100).every((n) => n > 0)).toBe(true);
    cells[1]!.healthy = true;
    expect(shares(route, 100)).toEqual([0, 100, 0]);
  });

  it.each([0, 101, 2.5])('rejects weight %s naming the field', (weight) => {
    expect(() => weightedRoute([weight, 1])).toThrow(/routes\[0\]\.weighted\[0\]\.weight: expected a whole number 1-100/);
  });
});
