/**
 * Which JWS algorithms a jwt-validation-flex binding accepts, which keys fit them, and the
 * signature check itself, all with Node's crypto. The configuration picks the algorithms; the
 * token's `alg` only selects among them, and the key must be of the algorithm's type, so a
 * token can neither turn signing off (`none`) nor make a public key act as an HMAC secret.
 */
import { constants, createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { JwtValidationConfig } from '../../shared/policies/jwt-validation';

export type SigningMethod = JwtValidationConfig['signingMethod'];
export type KeyLength = JwtValidationConfig['signingKeyLength'];

const CURVES: Record<KeyLength, { curve: string; signatureBytes: number }> = {
  256: { curve: 'prime256v1', signatureBytes: 64 },
  384: { curve: 'secp384r1', signatureBytes: 96 },
  512: { curve: 'secp521r1', signatureBytes: 132 },
};

/** The `alg` values a binding accepts (EdDSA rides with `es`: an Ed25519/Ed448 key says so). */
export function acceptedAlgorithms(method: SigningMethod, length: KeyLength): string[] {
  switch (method) {
    case 'rsa':
      return [`RS${length}`, `PS${length}`];
    case 'hmac':
      return [`HS${length}`];
    case 'es':
      return [`ES${length}`, 'EdDSA'];
    case 'none':
      return [];
  }
}

/** Why this key cannot check this algorithm, or undefined when it fits. */
export function keyMismatch(alg: string, key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    if (type === 'rsa' || (type === 'rsa-pss' && alg.startsWith('PS'))) return undefined;
    return `${alg} needs an RSA key, got ${type ?? key.type}`;
  }
  if (alg.startsWith('ES')) {
    const expected = CURVES[Number(alg.slice(2)) as KeyLength]?.curve;
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (type === 'ec' && curve === expected) return undefined;
    return `${alg} needs an EC key on ${expected}, got ${type === 'ec' ? `curve ${curve}` : (type ?? key.type)}`;
  }
  if (alg === 'EdDSA') return type === 'ed25519' || type === 'ed448' ? undefined : `EdDSA needs an Ed25519 or Ed448 key, got ${type ?? key.type}`;
  return `unsupported algorithm ${alg}`;
}

/** Does `key` fit any algorithm of the binding? (Compile-time check of textKey.) */
export function keyFitsMethod(method: SigningMethod, length: KeyLength, key: KeyObject): string | undefined {
  const reasons = acceptedAlgorithms(method, length).map((alg) => keyMismatch(alg, key));
  return reasons.some((reason) => reason === undefined) ? undefined : reasons[0];
}

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

/**
 * A public key from textKey: a PEM public key or certificate, with or without its header and
 * footer (Flex's page tells users to strip them). Throws with what is wrong.
 */
export function publicKeyFromText(text: string): KeyObject {
  const trimmed = text.trim();
  if (/PRIVATE KEY-----/.test(trimmed)) throw new Error('is a private key; give the public key (never put a private key in a gateway config)');
  const pem = PEM.test(trimmed) ? trimmed : `-----BEGIN PUBLIC KEY-----\n${trimmed.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----`;
  try {
    return createPublicKey(pem);
  } catch (error) {
    throw new Error(`is not a PEM public key or certificate (${(error as Error).message})`);
  }
}

/** True when a text looks like a PEM block or a bare base64 public key (what hmac must not use as a secret). */
export function looksLikePublicKey(text: string): boolean {
  if (PEM.test(text)) return true;
  const compact = text.replace(/\s+/g, '');
  if (compact.length < 64 || !/^[A-Za-z0-9+/]+=*$/.test(compact)) return false;
  try {
    createPublicKey(`-----BEGIN PUBLIC KEY-----\n${compact}\n-----END PUBLIC KEY-----`);
    return true;
  } catch {
    return false;
  }
}

export type VerificationKey = { kind: 'secret'; secret: Buffer } | { kind: 'public'; key: KeyObject };

/** Checks a JWS signature over `signingInput` (ASCII header.payload). */
export function verifySignature(alg: string, signingInput: Buffer, signature: Buffer, key: VerificationKey): boolean {
  const bits = alg.slice(2);
  const hash = `sha${bits}`;
  if (alg.startsWith('HS')) {
    if (key.kind !== 'secret') return false;
    const expected = createHmac(hash, key.secret).update(signingInput).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  }
  if (key.kind !== 'public') return false;
  if (alg.startsWith('RS')) return verify(hash, signingInput, key.key, signature);
  if (alg.startsWith('PS'))
    return verify(hash, signingInput, { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
  if (alg.startsWith('ES')) {
    const size = CURVES[Number(bits) as KeyLength]?.signatureBytes;
    if (signature.length !== size) return false;
    return verify(hash, signingInput, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
  }
  if (alg === 'EdDSA') return verify(null, signingInput, key.key, signature);
  return false;
}
