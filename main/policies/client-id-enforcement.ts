/**
 * client-id-enforcement-flex: only applications with an approved contract for this API get
 * through. Beyond Flex, this works in local mode (applications and contracts from YAML).
 */
import { credentialsOriginOf, type ClientIdEnforcementConfig } from '../../shared/policies/client-id-enforcement';
import { compileClientCheck } from './client-credentials';
import type { PolicyDefinition } from './types';

export const clientIdEnforcementPolicy: PolicyDefinition<ClientIdEnforcementConfig> = {
  name: 'client-id-enforcement-flex',
  create(config, context) {
    const check = compileClientCheck(
      credentialsOriginOf(config) === 'httpBasicAuthenticationHeader'
        ? { kind: 'basic' }
        : { kind: 'expressions', clientId: config.clientIdExpression, clientSecret: config.clientSecretExpression },
      context.identity,
      context.api,
    );
    return {
      onRequest(request) {
        const result = check(request);
        if (!result.ok) return result.decision;
        request.clientId = result.clientId;
        return { action: 'continue', detail: `client ${result.clientId}` };
      },
    };
  },
};
