import { describe, expect, it } from 'vitest';
import type { Api } from '../../../../shared/contract/models';
import { apiStatus } from './apis-screen';

const api: Api = { id: 'a', name: 'Orders', version: 'v1', type: 'http', implementationUrl: 'http://127.0.0.1:3000', basePath: '/orders', gatewayId: 'g', enabled: true, createdAt: 0, updatedAt: 0 };

describe('apiStatus', () => {
  it('says "Circuit open" while circuit-breaker-flex refuses traffic, after a down upstream', () => {
    expect(apiStatus({ ...api, circuit: { state: 'open', detail: 'maxRequests (1) reached', since: 1 } }, undefined)).toEqual({ tone: 'warning', label: 'Circuit open' });
    expect(apiStatus({ ...api, upstreamHealth: 'unhealthy', circuit: { state: 'open', detail: 'x', since: 1 } }, undefined).label).toBe('Upstream down');
    expect(apiStatus(api, undefined).label).toBe('Active');
  });
});
