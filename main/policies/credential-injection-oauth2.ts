/**
 * credential-injection-oauth2-flex: a token from the configured OAuth 2.0 token endpoint goes
 * upstream in `upstreamTokenHeaderName` (Authorization: Bearer … by default). Tokens are cached
 * per binding (see oauth2-token-source.ts). When the upstream answers 401 to a cached token,
 * the token is renewed and the request sent once more, through the forwarder's retry path.
 * Without a token the request is refused with 502 naming the token endpoint, unless
 * `allowRequestWithoutCredential` lets it go upstream without one.
 */
import type { CredentialInjectionOAuth2Config } from '../../shared/policies/credential-injection';
import { OAuth2TokenSource, TokenFetchError } from './oauth2-token-source';
import type { PolicyDecision, PolicyDefinition, PolicyRequest } from './types';

export const TOKEN_UNAVAILABLE = 'UPSTREAM_CREDENTIAL_UNAVAILABLE';
const POLICY = 'credential-injection-oauth2-flex';

type Headers = Record<string, string | string[] | undefined>;

export const credentialInjectionOAuth2Policy: PolicyDefinition<CredentialInjectionOAuth2Config> = {
  name: POLICY,
  create(config) {
    const source = new OAuth2TokenSource(config);
    const header = config.upstreamTokenHeaderName.toLowerCase();
    const valueOf = (token: string): string => (config.upstreamTokenPrefixName === '' ? token : `${config.upstreamTokenPrefixName} ${token}`);

    const inject = (request: PolicyRequest, token: string, cached: boolean): PolicyDecision => {
      const headers = request.headers as Headers;
      headers[header] = valueOf(token);
      // A fresh token the upstream refuses would be refused again: only a cached one is renewed.
      if (cached)
        request.onUpstreamUnauthorized?.(async () => {
          const renewed = await source.renew(token);
          if (renewed === undefined) return false;
          headers[header] = valueOf(renewed);
          return true;
        });
      return { action: 'continue', modified: true, detail: `injected ${header} (${cached ? 'cached token' : 'new token'})` };
    };

    const withoutToken = (request: PolicyRequest, error: unknown): PolicyDecision => {
      const reason = error instanceof TokenFetchError ? error.message : 'the token request failed';
      if (config.allowRequestWithoutCredential) {
        // The client's own credential was meant to be replaced: it does not go up in its place.
        if (config.overwrite) delete (request.headers as Headers)[header];
        return { action: 'continue', modified: true, detail: `no token (${reason}); sent without credential` };
      }
      return { action: 'reject', status: 502, code: TOKEN_UNAVAILABLE, message: `${POLICY} could not get a token for the upstream: ${reason}` };
    };

    return {
      onRequest(request) {
        if (!config.overwrite && (request.headers as Headers)[header] !== undefined)
          return { action: 'continue', detail: `kept the client's ${header} (overwrite is off)` };
        const cached = source.current();
        if (cached !== undefined) return inject(request, cached, true);
        return source.token().then(
          (token) => inject(request, token, false),
          (error: unknown) => withoutToken(request, error),
        );
      },
    };
  },
};
