import { describe, expect, it } from 'vitest';
import { contractEnforcement } from './contract-enforcement';

const on = (policyRef: string, config: Record<string, unknown> = {}) => ({ policyRef, enabled: true, config });

describe('contractEnforcement', () => {
  it('contracts have no effect without a policy that identifies the application', () => {
    expect(contractEnforcement([])).toEqual({ contractsChecked: false, tiersApplied: false });
    expect(contractEnforcement([on('rate-limiting-flex'), on('cors-flex'), on('http-basic-authentication-flex')])).toEqual({ contractsChecked: false, tiersApplied: false });
    expect(contractEnforcement([{ ...on('client-id-enforcement-flex'), enabled: false }]).contractsChecked).toBe(false);
  });

  it('client-ID enforcement checks contracts; SLA-based rate limiting also applies tiers', () => {
    expect(contractEnforcement([on('client-id-enforcement-flex')])).toEqual({ contractsChecked: true, tiersApplied: false });
    expect(contractEnforcement([on('rate-limiting-sla-based-flex')])).toEqual({ contractsChecked: true, tiersApplied: true });
  });

  it('JWT validation and introspection check contracts only with the client ID check on', () => {
    expect(contractEnforcement([on('jwt-validation-flex', { skipClientIdValidation: true })]).contractsChecked).toBe(false);
    expect(contractEnforcement([on('jwt-validation-flex', {})]).contractsChecked).toBe(false);
    expect(contractEnforcement([on('jwt-validation-flex', { skipClientIdValidation: false })]).contractsChecked).toBe(true);
    expect(contractEnforcement([on('oauth2-token-introspection-flex', { skipClientIdValidation: false })]).contractsChecked).toBe(true);
  });
});
