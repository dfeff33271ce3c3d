/**
 * rate-limiting-sla-based-flex: each application gets the limits of the SLA tier on its
 * approved contract for this API. A contract without a tier (or a tier without limits) is
 * unlimited. Counters are per client and binding, so two applications never share quota.
 */
import type { RateLimitingSlaBasedConfig } from '../../shared/policies/rate-limiting-sla-based';
import { compileClientCheck } from './client-credentials';
import type { CounterResult } from './counters';
import { describePeriod, RATE_LIMITED } from './rate-limiting';
import { exposeRateLimit, isPromise, tooManyRequests, usageDetail } from './rate-limit-headers';
import type { PolicyDecision, PolicyDefinition, PolicyRequest } from './types';

export const rateLimitingSlaBasedPolicy: PolicyDefinition<RateLimitingSlaBasedConfig> = {
  name: 'rate-limiting-sla-based-flex',
  create(config, context) {
    const check = compileClientCheck(
      { kind: 'expressions', clientId: config.clientIdExpression, clientSecret: config.clientSecretExpression },
      context.identity,
      context.api,
    );
    const prefix = `sla\u0000${context.api.id}\u0000${context.binding.id}\u0000`;
    // clusterizable: false keeps this binding's counters in this replica even when Redis is configured.
    const counters = config.clusterizable === false ? (context.counters.local ?? context.counters) : context.counters;
    const expose = config.exposeHeaders;

    const decide = (request: PolicyRequest, clientId: string, tier: string, periodOf: (limit: number) => number, result: CounterResult): PolicyDecision => {
      if (expose) exposeRateLimit(request, result);
      if (result.allowed) return { action: 'continue', detail: `client ${clientId}, tier ${tier}: ${usageDetail(result)}` };
      const retryMs = result.retryAfterMs ?? result.resetMs;
      return tooManyRequests(
        RATE_LIMITED,
        `quota of tier "${tier}" exceeded: ${result.limit} requests per ${describePeriod(periodOf(result.limit))}; retry in ${Math.ceil(retryMs / 1000)}s`,
        retryMs,
        `client ${clientId}: limit ${result.limit} reached`,
      );
    };

    const tierNames = new Map(context.identity.snapshot.tiers.map((tier) => [tier.id, tier.name]));

    return {
      onRequest(request) {
        const checked = check(request);
        if (!checked.ok) return checked.decision;
        const { clientId, contract } = checked;
        request.clientId = clientId;
        const limits = contract.limits;
        if (!limits || limits.length === 0) return { action: 'continue', detail: `client ${clientId}: no limits on its contract` };
        const tier = (contract.tierId && tierNames.get(contract.tierId)) || contract.tierId || 'default';
        const periodOf = (limit: number) => (limits.find((window) => window.maximumRequests === limit) ?? limits[0]!).timePeriodInMilliseconds;
        const result = counters.hit(prefix + clientId, limits);
        return isPromise(result)
          ? result.then((settled) => decide(request, clientId, tier, periodOf, settled))
          : decide(request, clientId, tier, periodOf, result);
      },
    };
  },
};
