/**
 * customPolicies.*: the policies library's custom policies (main/control/custom-policies.ts).
 */
import type { ContractHandlers } from '../../../shared/contract/methods';
import type { HandlerContext } from './context';

type CustomPolicyMethods = 'customPolicies.list' | 'customPolicies.add' | 'customPolicies.reload' | 'customPolicies.remove';

export function customPolicyHandlers(ctx: Pick<HandlerContext, 'customPolicies'>): Pick<ContractHandlers, CustomPolicyMethods> {
  const service = ctx.customPolicies;
  return {
    'customPolicies.list': async () => service.list(),
    'customPolicies.add': async ({ path }) => service.add(path),
    'customPolicies.reload': async ({ id }) => service.reload(id),
    'customPolicies.remove': async ({ id }) => service.remove(id),
  };
}
