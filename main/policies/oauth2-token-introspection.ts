/**
 * oauth2-token-introspection-flex: the bearer token of each request is sent to the configured
 * RFC 7662 endpoint; an active token with the scopes required goes through. Answers follow
 * Flex's page: 401 without a usable token or when the endpoint cannot be reached, 403 when
 * scopes or the client do not qualify, 500 when the endpoint answers something unusable.
 * Active results are remembered per token (keyed by its SHA-256, never the token) until its
 * `exp` or `validatedTokenTTL`, whichever comes first, at most `maxCacheEntries` of them.
 * Nothing the gateway answers or traces holds the token.
 */
import { createHash } from 'node:crypto';
import type { OAuth2TokenIntrospectionConfig } from '../../shared/policies/oauth2-token-introspection';
import type { PolicyCompileContext, PolicyDecision, PolicyDefinition, PolicyRequest } from './types';

type Introspection = Record<string, unknown> & { active: true };

/** Why a token was not accepted; `status` and `code` are what the client gets. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly bearerError?: string,
  ) {
    super(message);
  }
}

interface Cached {
  result: Introspection;
  until: number;
}

export class IntrospectionClient {
  private readonly cache = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<Introspection>>();
  /** Calls made to the endpoint (for tests). */
  calls = 0;

  constructor(
    private readonly config: OAuth2TokenIntrospectionConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** The introspection of an active token, remembered or asked for (one call per token at a time). */
  check(token: string): Introspection | Promise<Introspection> {
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      if (this.now() < cached.until) return cached.result;
      this.cache.delete(key);
    }
    let pending = this.pending.get(key);
    if (pending === undefined) {
      pending = this.introspect(token).then((result) => {
        this.remember(key, result);
        return result;
      });
      pending.finally(() => this.pending.delete(key)).catch(() => {});
      this.pending.set(key, pending);
    }
    return pending;
  }

  private remember(key: string, result: Introspection): void {
    const exp = typeof result.exp === 'number' ? result.exp * 1000 : Infinity;
    const until = Math.min(this.now() + this.config.validatedTokenTTL * 1000, exp);
    if (until <= this.now()) return;
    // Oldest first out: Map keeps insertion order.
    while (this.cache.size >= this.config.maxCacheEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { result, until });
  }

  private async introspect(token: string): Promise<Introspection> {
    const endpoint = this.config.introspectionURL;
    this.calls++;
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: this.config.authorizationValue, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.authenticationTimeout),
      });
    } catch (error) {
      const name = (error as Error).name;
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const why = name === 'TimeoutError' || name === 'AbortError' ? `did not answer within ${this.config.authenticationTimeout} ms` : `could not be reached (${cause ?? (error as Error).message})`;
      throw new Refusal(401, 'INTROSPECTION_UNAVAILABLE', `the introspection endpoint ${endpoint} ${why}`);
    }
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok || body === null || typeof body !== 'object' || typeof (body as { active?: unknown }).active !== 'boolean')
      throw new Refusal(500, 'INTROSPECTION_FAILED', `the introspection endpoint ${endpoint} answered ${response.status} without an RFC 7662 response`);
    const result = body as Record<string, unknown>;
    if (result.active !== true) throw new Refusal(401, 'INVALID_TOKEN', 'the token is not active', 'invalid_token');
    if (typeof result.exp === 'number' && result.exp * 1000 <= this.now()) throw new Refusal(401, 'INVALID_TOKEN', 'the token has expired', 'invalid_token');
    return result as Introspection;
  }
}

/** The bearer token of the request, or a reason there is none. */
function bearerToken(request: PolicyRequest): string | Refusal {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header === '') return new Refusal(401, 'TOKEN_REQUIRED', 'a bearer token is required (Authorization: Bearer …)');
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  if (match === null) return new Refusal(400, 'INVALID_TOKEN', 'the Authorization header is not a bearer token', 'invalid_request');
  return match[1]!;
}

function scopeProblem(config: OAuth2TokenIntrospectionConfig, required: readonly string[], result: Introspection): string | undefined {
  if (required.length === 0) return undefined;
  const granted = new Set(typeof result.scope === 'string' ? result.scope.split(' ').filter(Boolean) : []);
  const ok = config.scopeValidationCriteria === 'OR' ? required.some((scope) => granted.has(scope)) : required.every((scope) => granted.has(scope));
  if (ok) return undefined;
  return config.scopeValidationCriteria === 'OR' ? `the token has none of the scopes ${required.join(', ')}` : `the token lacks the scopes ${required.filter((scope) => !granted.has(scope)).join(', ')}`;
}

export const oauth2TokenIntrospectionPolicy: PolicyDefinition<OAuth2TokenIntrospectionConfig> = {
  name: 'oauth2-token-introspection-flex',
  create(config, context: PolicyCompileContext) {
    const client = new IntrospectionClient(config);
    const required = config.scopes.split(/\s+/).filter(Boolean);
    const realm = context.api.name.replace(/["\\]/g, '');

    const refuse = (refusal: Refusal): PolicyDecision => {
      const challenge = refusal.bearerError ? `Bearer realm="${realm}", error="${refusal.bearerError}"` : `Bearer realm="${realm}"`;
      const headers = refusal.status === 401 || refusal.status === 403 || refusal.status === 400 ? { 'www-authenticate': challenge } : undefined;
      return { action: 'reject', status: refusal.status, code: refusal.code, message: refusal.message, headers };
    };

    const decide = (request: PolicyRequest, result: Introspection): PolicyDecision => {
      const missing = scopeProblem(config, required, result);
      if (missing !== undefined) return refuse(new Refusal(403, 'INSUFFICIENT_SCOPE', missing, 'insufficient_scope'));
      const consumer = result[config.consumerBy];
      const clientId = typeof consumer === 'string' ? consumer : undefined;
      if (!config.skipClientIdValidation && (clientId === undefined || context.identity.contractFor(clientId, request.api.id) === undefined))
        return refuse(new Refusal(403, 'CLIENT_NOT_ALLOWED', `the token's client${clientId ? ` "${clientId}"` : ''} has no approved contract for this API`));
      if (clientId !== undefined) request.clientId = clientId;
      request.authentication = {
        principal: typeof result.sub === 'string' ? result.sub : typeof result.username === 'string' ? result.username : undefined,
        clientId,
        properties: { claims: result },
      };
      return { action: 'continue', detail: `token active${clientId ? ` (client ${clientId})` : ''}` };
    };

    return {
      onRequest(request) {
        const token = bearerToken(request);
        if (token instanceof Refusal) return refuse(token);
        let checked: Introspection | Promise<Introspection>;
        try {
          checked = client.check(token);
        } catch (error) {
          return refuse(error instanceof Refusal ? error : new Refusal(500, 'INTROSPECTION_FAILED', 'token introspection failed'));
        }
        if (!(checked instanceof Promise)) return decide(request, checked);
        return checked.then(
          (result) => decide(request, result),
          (error: unknown) => refuse(error instanceof Refusal ? error : new Refusal(500, 'INTROSPECTION_FAILED', 'token introspection failed')),
        );
      },
    };
  },
};
