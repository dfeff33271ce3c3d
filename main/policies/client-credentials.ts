/**
 * Shared by client-id-enforcement-flex and rate-limiting-sla-based-flex: read a client's
 * credentials, authenticate them against the snapshot's applications, and find the approved
 * contract for the API. Messages say what is wrong without echoing a secret.
 */
import { basicCredentials } from './basic-credentials';
import { compileRequestExpression } from './request-expression';
import type { IdentityIndex, PolicyDecision, PolicyRequest } from './types';

export const CLIENT_CREDENTIALS_REQUIRED = 'CLIENT_CREDENTIALS_REQUIRED';
export const INVALID_CLIENT = 'INVALID_CLIENT';
export const NO_CONTRACT = 'NO_CONTRACT';

export type CredentialSource =
  | { kind: 'basic' }
  | { kind: 'expressions'; clientId: string; clientSecret?: string };

export type Contract = NonNullable<ReturnType<IdentityIndex['contractFor']>>;

export type ClientCheck =
  | { ok: true; clientId: string; contract: Contract }
  | { ok: false; decision: PolicyDecision };

/** Compiles the credential source and returns the per-request check. */
export function compileClientCheck(source: CredentialSource, identity: IdentityIndex, api: { id: string; name: string }): (request: PolicyRequest) => ClientCheck {
  const knownClients = new Set(identity.snapshot.applications.map((app) => app.clientId));
  const apiName = api.name || api.id;
  const readId = source.kind === 'expressions' ? compileRequestExpression(source.clientId) : undefined;
  const readSecret = source.kind === 'expressions' && source.clientSecret ? compileRequestExpression(source.clientSecret) : undefined;
  const where =
    source.kind === 'basic'
      ? 'an Authorization: Basic header with client_id:client_secret'
      : `client credentials (${source.clientId}${source.clientSecret ? ` and ${source.clientSecret}` : ''})`;

  const unauthorized = (code: string, message: string): ClientCheck => ({
    ok: false,
    decision: { action: 'reject', status: 401, code, message },
  });

  return (request) => {
    let clientId: string | undefined;
    let secret: string | undefined;
    if (readId) {
      clientId = readId(request);
      secret = readSecret?.(request);
    } else {
      const basic = basicCredentials(request);
      clientId = basic?.username;
      secret = basic?.password;
    }
    if (!clientId) return unauthorized(CLIENT_CREDENTIALS_REQUIRED, `missing client id: this API requires ${where}`);
    const needsSecret = source.kind === 'basic' || readSecret !== undefined;
    if (needsSecret && !secret) return unauthorized(CLIENT_CREDENTIALS_REQUIRED, `missing client secret for client "${clientId}": this API requires ${where}`);
    if (!knownClients.has(clientId)) return unauthorized(INVALID_CLIENT, `unknown client id "${clientId}"`);
    if (needsSecret && !identity.authenticate(clientId, secret!)) return unauthorized(INVALID_CLIENT, `invalid client secret for client "${clientId}"`);
    const contract = identity.contractFor(clientId, api.id);
    if (!contract) return unauthorized(NO_CONTRACT, `client "${clientId}" has no approved contract for API "${apiName}"`);
    return { ok: true, clientId, contract };
  };
}
