/**
 * credential-injection-basic-auth-flex and credential-injection-api-key-flex: fixed
 * credentials added to the request sent upstream. Header values are computed once per
 * snapshot; the request only gets them set. With `overwrite: false` a header the client sent
 * is kept (Flex's behaviour); otherwise the client's own value never reaches the upstream.
 * The trace detail names headers, never values.
 */
import type { CredentialInjectionApiKeyConfig, CredentialInjectionBasicAuthConfig } from '../../shared/policies/credential-injection';
import type { PolicyDecision, PolicyDefinition, PolicyRequest } from './types';

interface Injection {
  /** Lower-case header name. */
  name: string;
  value: string;
}

/** Sets each header (or keeps the client's when `overwrite` is off) and says what it did. */
export function injectHeaders(request: PolicyRequest, injections: readonly Injection[], overwrite: boolean): PolicyDecision {
  const headers = request.headers as Record<string, string | string[] | undefined>;
  const kept: string[] = [];
  for (const { name, value } of injections) {
    if (!overwrite && headers[name] !== undefined) kept.push(name);
    else headers[name] = value;
  }
  const names = injections.map((injection) => injection.name).join(', ');
  return {
    action: 'continue',
    modified: kept.length < injections.length,
    detail: kept.length === 0 ? `injected ${names}` : `kept the client's ${kept.join(', ')} (overwrite is off)`,
  };
}

export const credentialInjectionBasicAuthPolicy: PolicyDefinition<CredentialInjectionBasicAuthConfig> = {
  name: 'credential-injection-basic-auth-flex',
  create(config) {
    const value = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`, 'utf8').toString('base64')}`;
    const injections = [{ name: (config.customHeader ?? 'authorization').toLowerCase(), value }];
    return { onRequest: (request) => injectHeaders(request, injections, config.overwrite) };
  },
};

export const credentialInjectionApiKeyPolicy: PolicyDefinition<CredentialInjectionApiKeyConfig> = {
  name: 'credential-injection-api-key-flex',
  create(config) {
    const injections: Injection[] =
      config.authType === 'apiKey'
        ? [{ name: (config.customHeader ?? 'authorization').toLowerCase(), value: config.apiKey! }]
        : [
            { name: (config.customClientIdHeader ?? 'client_id').toLowerCase(), value: config.clientId! },
            { name: (config.customClientSecretHeader ?? 'client_secret').toLowerCase(), value: config.clientSecret! },
          ];
    return { onRequest: (request) => injectHeaders(request, injections, config.overwrite) };
  },
};
