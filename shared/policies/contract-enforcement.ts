/**
 * Whether an API's contracts do anything. A contract is checked only by a policy that
 * identifies the calling application: client-ID enforcement, SLA-based rate limiting (which
 * also applies the contract's tier), or JWT validation / token introspection with the client ID
 * check on. Without one, every caller gets through and contracts have no effect.
 */
export interface ContractEnforcement {
  /** Callers without an approved contract are refused. */
  contractsChecked: boolean;
  /** Tier limits are applied (SLA-based rate limiting). */
  tiersApplied: boolean;
}

interface BindingLike {
  policyRef: string;
  enabled: boolean;
  config: Record<string, unknown>;
}

function checksContracts(binding: BindingLike): boolean {
  switch (binding.policyRef) {
    case 'client-id-enforcement-flex':
    case 'rate-limiting-sla-based-flex':
      return true;
    case 'jwt-validation-flex':
    case 'oauth2-token-introspection-flex':
      // Both skip the check unless told otherwise (Flex's default).
      return binding.config.skipClientIdValidation === false;
    default:
      return false;
  }
}

export function contractEnforcement(bindings: readonly BindingLike[]): ContractEnforcement {
  const enabled = bindings.filter((binding) => binding.enabled);
  return {
    contractsChecked: enabled.some(checksContracts),
    tiersApplied: enabled.some((binding) => binding.policyRef === 'rate-limiting-sla-based-flex'),
  };
}
