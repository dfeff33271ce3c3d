/**
 * http-basic-authentication-flex: one user name and password per binding. Both are compared
 * in constant time over SHA-256 digests (equal lengths, so timingSafeEqual never throws and
 * the length of the secret does not leak). The hot path (a client sending exactly the expected
 * header) compares the header itself in constant time, without hashing: see sameHeader.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpBasicAuthenticationConfig } from '../../shared/policies/http-basic-authentication';
import { basicCredentials } from './basic-credentials';
import type { PolicyDecision, PolicyDefinition } from './types';

export const AUTHENTICATION_REQUIRED = 'AUTHENTICATION_REQUIRED';
export const INVALID_CREDENTIALS = 'INVALID_CREDENTIALS';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export const httpBasicAuthenticationPolicy: PolicyDefinition<HttpBasicAuthenticationConfig> = {
  name: 'http-basic-authentication-flex',
  create(config, context) {
    const expectedUser = digest(config.username);
    const expectedPassword = digest(config.password);
    /**
     * Hot path: the header exactly as well-behaved clients send it (`Basic <token>`), compared
     * in one branch-free pass over the expected length (no regex, no digest, no native call; a
     * hash per request cost more than the rest of the pipeline); the length difference is
     * folded in, so timing depends on the expected length only. Anything else (another case
     * of the scheme, extra spaces, wrong credentials) takes the digest comparison below.
     * Built through a Buffer so that the string is flat: charCodeAt on a concatenation walks it.
     */
    const token = Buffer.from(`${config.username}:${config.password}`, 'utf8').toString('base64');
    const expectedHeader = Buffer.from(`Basic ${token}`, 'latin1').toString('latin1');
    const sameHeader = (header: string): boolean => {
      let difference = header.length ^ expectedHeader.length;
      for (let i = 0; i < expectedHeader.length; i++) difference |= header.charCodeAt(i) ^ expectedHeader.charCodeAt(i);
      return difference === 0;
    };
    const accepted: PolicyDecision = { action: 'continue', detail: `authenticated as ${config.username}` };
    const realm = (context.api.name || context.api.id).replace(/["\\]/g, '\\$&').replace(/[^\x20-\x7e]/g, '');
    const challenge = { 'www-authenticate': `Basic realm="${realm}", charset="UTF-8"` };

    const unauthorized = (code: string, message: string): PolicyDecision => ({ action: 'reject', status: 401, code, message, headers: { ...challenge } });

    return {
      onRequest(request) {
        const header = request.headers.authorization;
        if (header !== undefined && sameHeader(header)) {
          request.clientId = config.username;
          return accepted;
        }
        const credentials = basicCredentials(request);
        if (!credentials) return unauthorized(AUTHENTICATION_REQUIRED, 'this API requires HTTP Basic authentication (Authorization: Basic …)');
        // Both comparisons always run, so timing does not say which part was wrong.
        const userOk = timingSafeEqual(digest(credentials.username), expectedUser);
        const passwordOk = timingSafeEqual(digest(credentials.password), expectedPassword);
        if (!(userOk && passwordOk)) return unauthorized(INVALID_CREDENTIALS, 'invalid user name or password');
        request.clientId = credentials.username;
        return { action: 'continue', detail: `authenticated as ${credentials.username}` };
      },
    };
  },
};
