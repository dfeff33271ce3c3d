import { describe, expect, it } from 'vitest';
import type { TrafficEntry } from '../../../../shared/contract/telemetry-models';
import { upstreamShares } from './upstream-shares';

const entry = (i: number, apiId: string | null, upstream?: string): TrafficEntry => ({
  id: `r${i}`,
  at: i,
  apiId,
  method: 'GET',
  path: '/',
  status: 200,
  latencyMs: 1,
  clientId: null,
  source: upstream ? 'upstream' : 'gateway',
  trace: [],
  ...(upstream ? { upstream } : {}),
});

describe('upstreamShares', () => {
  const configured = [
    { name: 'stable', url: 'http://127.0.0.1:3000/', weight: 75 },
    { name: 'beta', url: 'http://127.0.0.1:3001/', weight: 25 },
  ];

  it('gives each upstream its configured share and its share of the latest forwarded requests of the API', () => {
    const traffic = [
      ...Array.from({ length: 30 }, (_, i) => entry(i, 'a', i % 3 === 0 ? 'beta' : 'stable')),
      entry(100, 'a'), // answered by the gateway: not forwarded, not counted
      entry(101, 'other', 'beta'),
    ];
    const { rows, sampled } = upstreamShares(configured, traffic, 'a');
    expect(sampled).toBe(30);
    expect(rows).toEqual([
      { name: 'stable', url: 'http://127.0.0.1:3000/', weightShare: 0.75, served: 20, liveShare: 20 / 30 },
      { name: 'beta', url: 'http://127.0.0.1:3001/', weightShare: 0.25, served: 10, liveShare: 10 / 30 },
    ]);
  });

  it('takes the newest requests only, lists upstreams it does not know of, and has no live share before traffic', () => {
    const traffic = [entry(3, 'a', 'canary'), entry(2, 'a', 'stable'), entry(1, 'a', 'beta')];
    const { rows, sampled } = upstreamShares(configured, traffic, 'a', 2);
    expect(sampled).toBe(2);
    expect(rows.map((row) => [row.name, row.served, row.liveShare])).toEqual([
      ['stable', 1, 0.5],
      ['beta', 0, 0],
      ['canary', 1, 0.5],
    ]);
    expect(upstreamShares(configured, [], 'a').rows.map((row) => row.liveShare)).toEqual([undefined, undefined]);
  });
});
