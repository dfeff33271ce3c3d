/**
 * http-basic-authentication-flex: one user name and password per binding. The password is a
 * salted scrypt hash when it comes from the control plane (the store keeps nothing else) and
 * may be plain text in a local-mode file, as in Flex; plain text then stays in memory only.
 *
 * Comparisons are constant-time: the user name over SHA-256 digests (equal lengths, so
 * timingSafeEqual never throws and the length of the secret does not leak), the password
 * against its digest or its scrypt hash, both always computed so timing does not say which
 * part was wrong. The hot path (a client sending a header already known to be right) compares
 * the header itself in one branch-free pass, without hashing: see VerifiedHeaders.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpBasicAuthenticationConfig } from '../../shared/policies/http-basic-authentication';
import { isSecretHash, verifySecretAsync } from './secret-hash';
import { basicCredentials, type BasicCredentials } from './basic-credentials';
import type { PolicyDecision, PolicyDefinition, PolicyRequest } from './types';
import { VerifiedHeaders } from './verified-headers';

export const AUTHENTICATION_REQUIRED = 'AUTHENTICATION_REQUIRED';
export const INVALID_CREDENTIALS = 'INVALID_CREDENTIALS';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export const httpBasicAuthenticationPolicy: PolicyDefinition<HttpBasicAuthenticationConfig> = {
  name: 'http-basic-authentication-flex',
  create(config, context) {
    const expectedUser = digest(config.username);
    const hashed = isSecretHash(config.password);
    const expectedPassword = hashed ? undefined : digest(config.password);
    const verified = new VerifiedHeaders();
    if (!hashed) {
      // Plain text is known up front: the header well-behaved clients send (`Basic <token>`) is
      // the first verified one, so no request ever pays for a digest to match it.
      const token = Buffer.from(`${config.username}:${config.password}`, 'utf8').toString('base64');
      verified.add(`Basic ${token}`);
    }
    /** Concurrent first requests with the same new header share one scrypt run. */
    const pending = new Map<string, Promise<boolean>>();

    const accepted: PolicyDecision = { action: 'continue', detail: `authenticated as ${config.username}` };
    const realm = (context.api.name || context.api.id).replace(/["\\]/g, '\\$&').replace(/[^\x20-\x7e]/g, '');
    const challenge = { 'www-authenticate': `Basic realm="${realm}", charset="UTF-8"` };
    const unauthorized = (code: string, message: string): PolicyDecision => ({ action: 'reject', status: 401, code, message, headers: { ...challenge } });
    const invalid = () => unauthorized(INVALID_CREDENTIALS, 'invalid user name or password');

    const conclude = (request: PolicyRequest, credentials: BasicCredentials, ok: boolean): PolicyDecision => {
      if (!ok) return invalid();
      request.clientId = credentials.username;
      return { action: 'continue', detail: `authenticated as ${credentials.username}` };
    };

    const verifyHashed = (header: string, credentials: BasicCredentials): Promise<boolean> => {
      let check = pending.get(header);
      if (!check) {
        const userOk = timingSafeEqual(digest(credentials.username), expectedUser);
        check = verifySecretAsync(credentials.password, config.password).then((passwordOk) => {
          pending.delete(header);
          if (userOk && passwordOk) verified.add(header);
          return userOk && passwordOk;
        });
        pending.set(header, check);
      }
      return check;
    };

    return {
      onRequest(request) {
        const header = request.headers.authorization;
        if (header !== undefined && verified.has(header)) {
          request.clientId = config.username;
          return accepted;
        }
        const credentials = basicCredentials(request);
        if (!credentials) return unauthorized(AUTHENTICATION_REQUIRED, 'this API requires HTTP Basic authentication (Authorization: Basic …)');
        if (hashed) return verifyHashed(header!, credentials).then((ok) => conclude(request, credentials, ok));
        const userOk = timingSafeEqual(digest(credentials.username), expectedUser);
        const passwordOk = timingSafeEqual(digest(credentials.password), expectedPassword!);
        return conclude(request, credentials, userOk && passwordOk);
      },
    };
  },
};
