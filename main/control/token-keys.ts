/**
 * Signing keys and minted tokens of the token workbench, with Node's crypto only: keys are
 * generated and exported as JWKs by KeyObject, signatures are JWS (RFC 7515/7518) as the
 * gateway's jwt-validation-flex checks them (ECDSA in IEEE P1363 form, PSS with a digest-sized
 * salt). Used by the admin API and by `gatehouse token mint`, so both sign with the same keys.
 */
import { constants, createHmac, createPrivateKey, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { isHmacAlgorithm, type SigningAlgorithm } from '../../shared/contract/token-models';
import type { NewSigningKey, SigningKeyRecord } from '../store/signing-keys';
import type { Store } from '../store/store';

const CURVES: Partial<Record<SigningAlgorithm, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
/** HMAC secrets as long as the hash (RFC 7518 §3.2), as base64url text: the policy's textKey is that text. */
const HMAC_BYTES: Partial<Record<SigningAlgorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 };

const generatePair = promisify(generateKeyPair);

/** Off the event loop: an RSA 2048 pair takes up to a second, and the embedded gateway shares this process. */
function keyPair(alg: SigningAlgorithm): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  if (alg === 'RS256' || alg === 'PS256') return generatePair('rsa', { modulusLength: 2048 });
  if (alg === 'EdDSA') return generatePair('ed25519', undefined);
  return generatePair('ec', { namedCurve: CURVES[alg]! });
}

/** A new key for `alg`, ready for SigningKeyRepository.insert (the private part still in clear). */
export async function generateSigningKey(apiId: string, alg: SigningAlgorithm): Promise<NewSigningKey> {
  const kid = `${alg.toLowerCase()}-${randomBytes(6).toString('hex')}`;
  if (isHmacAlgorithm(alg)) return { apiId, kid, alg, privateMaterial: randomBytes(HMAC_BYTES[alg]!).toString('base64url') };
  const { privateKey, publicKey } = await keyPair(alg);
  // PS256 keys are ordinary RSA keys (the JWK has no PSS form); `alg` in the JWK pins them to PSS.
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { apiId, kid, alg, publicJwk, privateMaterial: JSON.stringify(privateKey.export({ format: 'jwk' })) };
}

/** The JWKS of an API: public keys only (HMAC secrets have no public part and are never listed). */
export function apiJwks(store: Store, apiId: string): { keys: Record<string, unknown>[] } {
  return { keys: store.signingKeys.listByApi(apiId).flatMap((key) => (key.publicJwk ? [publicOnly(key.publicJwk)] : [])) };
}

/** Belt and braces: a stored public JWK never carries private members. */
function publicOnly(jwk: Record<string, unknown>): Record<string, unknown> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, k: _k, oth: _oth, ...rest } = jwk;
  return rest;
}

export interface MintOptions {
  claims: Record<string, unknown>;
  /** Seconds; 0 or absent: no exp. */
  expiresInSeconds?: number;
  /** Seconds from now (nbf); absent: no nbf. */
  notBeforeSeconds?: number;
  now?: number;
}

export interface Minted {
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

const part = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Signs a compact JWS with a stored key; `material` is the decrypted private JWK (JSON) or HMAC secret. */
export function mintToken(key: Pick<SigningKeyRecord, 'kid' | 'alg'>, material: string, options: MintOptions): Minted {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const claims: Record<string, unknown> = { ...options.claims, iat: now };
  if (options.expiresInSeconds) claims.exp = now + options.expiresInSeconds;
  if (options.notBeforeSeconds !== undefined) claims.nbf = now + options.notBeforeSeconds;
  const header = { alg: key.alg, typ: 'JWT', kid: key.kid };
  const input = `${part(header)}.${part(claims)}`;
  return { token: `${input}.${jwsSignature(key.alg, material, Buffer.from(input, 'ascii')).toString('base64url')}`, header, claims };
}

function jwsSignature(alg: string, material: string, data: Buffer): Buffer {
  if (isHmacAlgorithm(alg)) return createHmac(`sha${alg.slice(2)}`, Buffer.from(material, 'utf8')).update(data).digest();
  const privateKey = createPrivateKey({ key: JSON.parse(material) as never, format: 'jwk' });
  if (alg === 'EdDSA') return sign(null, data, privateKey);
  const hash = `sha${alg.slice(2)}`;
  if (alg.startsWith('PS')) return sign(hash, data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  if (alg.startsWith('ES')) return sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return sign(hash, data, privateKey);
}

/**
 * `--claim name=value` / claim rows: a value that is JSON (a number, true, an array…) is kept
 * as that JSON; anything else is the text. `aud=a,b` stays one string (give a JSON array for several).
 */
export function claimValue(text: string): unknown {
  const trimmed = text.trim();
  if (/^(-?\d+(\.\d+)?|true|false|null|\[.*\]|\{.*\})$/s.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}
