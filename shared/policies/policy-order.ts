/**
 * Where a policy belongs in an API's chain. Browsers send CORS preflights without credentials,
 * so CORS must answer before any policy that asks for them; rate limiting keyed by caller
 * needs the caller identified first. The UI inserts a new policy by these ranks and warns
 * about an existing chain that breaks browsers.
 */
export type PolicyStage = 'cors' | 'network' | 'identification' | 'rate-limiting' | 'transformation' | 'other';

export const STAGE_RANK: Record<PolicyStage, number> = {
  cors: 10,
  network: 20,
  identification: 30,
  'rate-limiting': 40,
  transformation: 50,
  other: 60,
};

const STAGES: Record<string, PolicyStage> = {
  'cors-flex': 'cors',
  'ip-allowlist-flex': 'network',
  'ip-blocklist-flex': 'network',
  'http-basic-authentication-flex': 'identification',
  'client-id-enforcement-flex': 'identification',
  'jwt-validation-flex': 'identification',
  'oauth2-token-introspection-flex': 'identification',
  'rate-limiting-sla-based-flex': 'rate-limiting',
  'rate-limiting-flex': 'rate-limiting',
  'spike-control-flex': 'rate-limiting',
  'header-injection-flex': 'transformation',
  'header-removal-flex': 'transformation',
  'credential-injection-basic-auth-flex': 'transformation',
  'credential-injection-api-key-flex': 'transformation',
  'credential-injection-oauth2-flex': 'transformation',
};

export function policyStage(policyRef: string): PolicyStage {
  return STAGES[policyRef] ?? 'other';
}

/** Policies that answer 401 to a request without credentials, as a CORS preflight is. */
export function asksForCredentials(policyRef: string): boolean {
  return policyStage(policyRef) === 'identification' || policyRef === 'rate-limiting-sla-based-flex';
}

/** Index at which a new policy goes: before the first one of a later stage, else last. */
export function insertionIndex(chain: readonly { policyRef: string }[], policyRef: string): number {
  const rank = STAGE_RANK[policyStage(policyRef)];
  const index = chain.findIndex((binding) => STAGE_RANK[policyStage(binding.policyRef)] > rank);
  return index < 0 ? chain.length : index;
}

export interface CorsOrderProblem {
  /** Position of the CORS binding in the chain. */
  corsIndex: number;
  /** The first enabled policy before it that rejects requests without credentials. */
  blockerIndex: number;
}

/** CORS placed after a policy that asks for credentials: preflights get 401 and browsers fail. */
export function corsOrderProblem(chain: readonly { policyRef: string; enabled: boolean }[]): CorsOrderProblem | undefined {
  const corsIndex = chain.findIndex((binding) => binding.enabled && binding.policyRef === 'cors-flex');
  if (corsIndex < 0) return undefined;
  const blockerIndex = chain.findIndex((binding, index) => index < corsIndex && binding.enabled && asksForCredentials(binding.policyRef));
  return blockerIndex < 0 ? undefined : { corsIndex, blockerIndex };
}
